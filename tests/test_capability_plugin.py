"""A capability of the test's own, registered through the composition list alone: its command
answers, its job kind is listed with its Chinese label, its setting is read from the config file,
and its block shows on the dashboard."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from pydantic import Field
from sqlalchemy import func, select

from bot.capability import Capability, DashQuery, DashSection, JobKind, SectionView
from bot.cli import build_cli
from bot.config import ScheduleJob, Section
from bot.message import Reply, ToGroup
from bot.models import Person
from bot.router import Command, Context, Match
from bot.server import build_asgi
from handlers.composition import CAPABILITIES, build_app, config_from_dict
from handlers.dashboard.web import DashSite
from tests.harness import TestBot
from tests.test_dash_web import TestClient, link_for


class PatrolSettings(Section):
    greeting: str = "辛苦了"
    target: int = Field(3, ge=1)


def patrol_check(ctx: Context, match: Match) -> str:
    settings = ctx.settings("patrol")
    return f"{settings.greeting}，{ctx.person.name}！本周巡查目标 {settings.target} 次。"


def patrol_ping(run) -> list[Reply]:
    return [Reply("今天记得巡查", to=ToGroup(group.id), dedupe_key=run.key(f"g{group.id}")) for group in run.groups]


def patrol_figures(query: DashQuery) -> SectionView:
    people = query.session.scalar(select(func.count()).select_from(Person))
    return SectionView(tiles=[("在册人数", str(people)), ("本月起", query.first_day.isoformat())], note="示例能力")


PATROL = Capability(
    name="patrol",
    title="巡查打卡",
    commands=(Command(name="巡查打卡", handler=patrol_check, summary="巡查打卡：看本周巡查目标", example="巡查打卡"),),
    jobs=(JobKind("patrol_ping", patrol_ping, "巡查提醒",
                  (ScheduleJob(name="patrol_ping", kind="patrol_ping", workdays_at="08:30", targets=["*"]),)),),
    settings=PatrolSettings,
    dash=(DashSection("patrol", "巡查概况", patrol_figures),),
)
WITH_PATROL = (*CAPABILITIES, PATROL)


def test_the_command_answers_with_its_own_setting_and_shows_in_help(db_url, clock):
    config = config_from_dict({"database": {"url": db_url}, "patrol": {"greeting": "早上好"}}, WITH_PATROL)
    app = build_app(config, clock, capabilities=WITH_PATROL)
    try:
        from bot.demo import load_demo

        load_demo(app)
        bot = TestBot(app)
        assert bot.send("张伟", "巡查打卡").replies == ["早上好，张伟！本周巡查目标 3 次。"]
        assert "【巡查打卡】巡查打卡" in bot.send("张伟", "帮助").text
    finally:
        app.engine.dispose()


def test_an_unknown_setting_of_the_capability_is_named():
    from bot.config import ConfigError

    try:
        config_from_dict({"patrol": {"greting": "x"}}, WITH_PATROL)
    except ConfigError as exc:
        assert "patrol.greting: unknown key" in str(exc)
    else:
        raise AssertionError("a misspelt key was accepted")


def test_jobs_list_shows_the_job_with_its_label(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli = build_cli(WITH_PATROL)
    env = {"GRIDBOT_DATABASE__URL": f"sqlite:///{tmp_path / 'street.db'}"}
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--demo"], env=env, catch_exceptions=False).exit_code == 0
    listed = runner.invoke(cli, ["jobs", "list"], env=env, catch_exceptions=False)
    assert listed.exit_code == 0
    line = next(line for line in listed.output.splitlines() if "patrol_ping" in line)
    assert "巡查提醒" in line
    # Without the capability in the list, neither the job nor its label exists.
    plain = runner.invoke(build_cli(CAPABILITIES), ["jobs", "list"], env=env, catch_exceptions=False)
    assert "patrol_ping" not in plain.output and "巡查提醒" not in plain.output


def test_the_dashboard_shows_the_section(db_url, clock):
    config = config_from_dict({"database": {"url": db_url}}, WITH_PATROL)
    app = build_app(config, clock, capabilities=WITH_PATROL)
    client = TestClient(build_asgi(app, [DashSite(app)]))
    try:
        from bot.demo import load_demo

        load_demo(app)
        assert client.post(link_for(app, "王建国"), follow_redirects=False).status_code == 303
        page = client.get("/dash/").text
        assert 'id="section-patrol"' in page and "巡查概况" in page and "<b>118</b>在册人数" in page
    finally:
        client.close()
        app.engine.dispose()
