"""`gridbot jobs …` (scheduled jobs) and `gridbot groups …` (push audiences)."""

from __future__ import annotations

import click

from bot.audit import record
from bot.cli.common import FORMAT, CliState, fail, pass_state, print_rows
from bot.db import transaction
from scheduler.control import find_job, job_views, set_paused
from bot.groups import CHANNELS, GroupError, add_group, build_audience, find_group, group_views
from scheduler.runner import JobError, Runner


def register(cli: click.Group) -> None:
    cli.add_command(jobs)
    cli.add_command(groups)


def _runner(state: CliState) -> Runner:
    runner = Runner(state.app())
    problems = runner.check()
    if problems:
        fail("配置错误 / invalid configuration:\n  " + "\n  ".join(problems), code=2)
    # Route pushes exactly as `gridbot serve` does (WeCom, WeChat …), or a run from here would record them
    # for the console and they would never go out. The plugins are only built, not started: the rows
    # wait in the outbox for a running server's delivery, which claims each row once.
    from bot.server import load_plugins

    load_plugins(runner.app)
    return runner


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "-"


@click.group()
def jobs() -> None:
    """Scheduled jobs: list, run now, pause, resume."""


@jobs.command("list")
@FORMAT
@pass_state
def jobs_list(state: CliState, fmt: str) -> None:
    """Jobs with their schedule, next run, last run and last result."""
    runner = _runner(state)
    with transaction(runner.app.sessions) as session:
        views = job_views(runner, session)
    print_rows(
        ["name", "kind", "label", "schedule", "state", "next_run", "last_occurrence", "last_run", "last_result"],
        [[v.name, v.kind, v.label, v.schedule, v.state, _when(v.next_run), _when(v.last_occurrence), _when(v.last_run), v.last_result]
         for v in views],
        fmt,
    )


@jobs.command("run")
@click.argument("name")
@pass_state
def jobs_run(state: CliState, name: str) -> None:
    """Run NAME once, now, for its latest scheduled occurrence (a repeat sends nothing more)."""
    runner = _runner(state)
    try:
        name = find_job(runner, name)
        result = runner.run_now(name)
    except JobError as exc:
        fail(str(exc))
    with transaction(runner.app.sessions) as session:
        record(session, "cli", "run", "schedule_job", name,
               {"occurrence": result.occurrence.isoformat() if result.occurrence else None, "new": result.new},
               at=runner.app.clock.now())
    click.echo(f"{name}：{result.summary()}")
    if result.status == "failed":
        raise SystemExit(1)


def _pause(state: CliState, name: str, paused: bool) -> None:
    runner = _runner(state)
    try:
        name = find_job(runner, name)
    except JobError as exc:
        fail(str(exc))
    with transaction(runner.app.sessions) as session:
        changed = set_paused(session, runner, name, paused, "cli")
    word = "暂停" if paused else "恢复"
    click.echo(f"已{word}定时任务 {name}。" if changed else f"定时任务 {name} 本来就是{word}状态。")


@jobs.command("pause")
@click.argument("name")
@pass_state
def jobs_pause(state: CliState, name: str) -> None:
    """Pause NAME: its fire times pass without sending until resumed (the server sees it at once)."""
    _pause(state, name, True)


@jobs.command("resume")
@click.argument("name")
@pass_state
def jobs_resume(state: CliState, name: str) -> None:
    """Resume a paused job from its next fire time."""
    _pause(state, name, False)


@click.group()
def groups() -> None:
    """Groups: the named audiences scheduled pushes go to."""


@groups.command("list")
@FORMAT
@pass_state
def groups_list(state: CliState, fmt: str) -> None:
    """Groups with their channel, address, audience and number of people."""
    app = state.app()
    with app.sessions() as session:
        views = group_views(session)
    print_rows(
        ["id", "name", "channel", "address", "audience", "people", "active"],
        [[v.group.id, v.group.name, v.group.channel, v.group.address, v.audience, v.people,
          "yes" if v.group.active else "no"] for v in views],
        fmt,
    )


@groups.command("add")
@click.argument("name")
@click.option("--channel", type=click.Choice(CHANNELS), default="console", show_default=True)
@click.option("--address", default="", help="The channel's id for the group (chat id, robot name, room id).")
@click.option("--unit", "units", multiple=True, metavar="NAME", help="Audience: people of this unit (repeatable).")
@click.option("--role", "roles", multiple=True, metavar="ROLE", help="Audience: people with this role (repeatable).")
@click.option("--person", "people", multiple=True, type=int, metavar="ID", help="Audience: this person (repeatable).")
@pass_state
def groups_add(state: CliState, name: str, channel: str, address: str, units, roles, people) -> None:
    """Add a group; its audience is the union of the units, roles and people given."""
    app = state.app()
    try:
        with transaction(app.sessions) as session:
            audience = build_audience(session, list(units), list(roles), list(people))
            group = add_group(session, name, channel, address, audience)
            record(session, "cli", "create", "group", group.id,
                   {"name": group.name, "channel": channel, "address": address, "audience": audience}, at=app.clock.now())
            group_id = group.id
    except GroupError as exc:
        fail(f"没有添加：{exc}")
    click.echo(f"已添加群 #{group_id} {name}（{channel}）。")


def _set_active(state: CliState, word: str, active: bool) -> None:
    app = state.app()
    try:
        with transaction(app.sessions) as session:
            group = find_group(session, word)
            changed = group.active != active
            group.active = active
            if changed:
                record(session, "cli", "enable" if active else "disable", "group", group.id, {"name": group.name},
                       at=app.clock.now())
            name = group.name
    except GroupError as exc:
        fail(str(exc))
    click.echo(f"群 {name} 已{'启用' if active else '停用'}。")


@groups.command("disable")
@click.argument("group")
@pass_state
def groups_disable(state: CliState, group: str) -> None:
    """Stop pushes to GROUP (id or name); its history is kept."""
    _set_active(state, group, False)


@groups.command("enable")
@click.argument("group")
@pass_state
def groups_enable(state: CliState, group: str) -> None:
    """Resume pushes to GROUP (id or name)."""
    _set_active(state, group, True)
