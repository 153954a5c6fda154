"""Scheduled pushes on a frozen clock: on time, on working days only, exactly once, with a misfire grace."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.models import Group, OutboundMessage
from bot.capability import JobKind
from handlers.jobs.notice import notice
from scheduler.jobs import JobRun, audience_people
from scheduler.models import ScheduleRun
from scheduler.runner import Runner
from tests.conftest import SHANGHAI
from tests.scheduler_support import MORNING, drive, rows, street


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def active_groups(app) -> list[int]:
    with app.sessions() as session:
        return list(session.scalars(select(Group.id).where(Group.active.is_(True)).order_by(Group.id)))


def test_at_the_configured_time_on_a_workday_each_group_gets_exactly_one_push(db_url):
    clock = ManualClock(at(2026, 11, 26, 7, 0))  # Thursday
    app = street(db_url, clock, [MORNING])
    runner = Runner(app)
    assert runner.next_run("morning_notice") == at(2026, 11, 26, 7, 50)
    drive(runner, clock, at(2026, 11, 26, 7, 49))
    assert rows(app) == []
    drive(runner, clock, at(2026, 11, 26, 23, 59))
    pushed = rows(app)
    assert Counter(r.group_id for r in pushed) == Counter({g: 1 for g in active_groups(app)})
    assert len(pushed) == 15 and all(r.text == MORNING["text"] and r.channel == "console" for r in pushed)
    assert {r.target for r in pushed} >= {"group:安居社区", "group:领导班子"}
    # Firing again, and the start-up catch-up, add nothing.
    runner.run_due("morning_notice")
    runner.catch_up()
    assert len(rows(app)) == 15


def test_weekend_public_holiday_and_makeup_saturday_follow_the_official_calendar(db_url):
    clock = ManualClock(at(2026, 9, 25, 12, 0))  # a Friday afternoon
    app = street(db_url, clock, [MORNING])
    runner = Runner(app)
    drive(runner, clock, at(2026, 10, 12, 12, 0))
    days = sorted({r.created_at.astimezone(SHANGHAI).date().isoformat() for r in rows(app)})
    assert days == ["2026-09-28", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12"]
    per_day = Counter(r.dedupe_key.split(":")[1] for r in rows(app))
    assert set(per_day.values()) == {15}


def test_jobs_run_twice_on_the_same_day_sends_once(db_url):
    clock = ManualClock(at(2026, 11, 26, 10, 0))
    app = street(db_url, clock, [MORNING])
    runner = Runner(app)
    first = runner.run_now("morning_notice")
    assert first.occurrence == at(2026, 11, 26, 7, 50) and first.new == 15
    clock.advance(hours=5)
    second = Runner(app).run_now("morning_notice")
    assert second.occurrence == first.occurrence and second.new == 0 and second.duplicates == 15
    assert "新发送0条" in second.summary() and "15条此前已发" in second.summary()
    assert len(rows(app)) == 15
    # The scheduled fire the next morning is a new occurrence.
    clock.set(at(2026, 11, 27, 7, 50))
    assert runner.run_due("morning_notice").new == 15


def test_a_push_missed_while_down_is_sent_within_the_grace(db_url):
    clock = ManualClock(at(2026, 11, 25, 12, 0))
    app = street(db_url, clock, [MORNING], misfire_grace_minutes=30)
    Runner(app).catch_up()  # the scheduler has known the job since Wednesday
    clock.set(at(2026, 11, 26, 8, 19))  # back up 29 minutes after Thursday's 07:50
    results = Runner(app).catch_up()
    assert [r.status for r in results] == ["done"] and results[0].occurrence == at(2026, 11, 26, 7, 50)
    assert len(rows(app)) == 15
    with app.sessions() as session:
        run = session.scalar(select(ScheduleRun).where(ScheduleRun.job == "morning_notice"))
        assert run.reason == "catch-up" and run.written == 15


def test_a_push_beyond_the_grace_is_skipped_and_logged(db_url, caplog):
    clock = ManualClock(at(2026, 11, 25, 12, 0))
    app = street(db_url, clock, [MORNING], misfire_grace_minutes=30)
    Runner(app).catch_up()
    clock.set(at(2026, 11, 26, 8, 21))  # 31 minutes late
    with caplog.at_level(logging.WARNING, logger="scheduler.runner"):
        results = Runner(app).catch_up()
    assert [r.status for r in results] == ["missed"]
    assert rows(app) == []
    assert any("31 min late" in r.getMessage() for r in caplog.records)
    # It stays skipped: a second start does not send it either.
    assert Runner(app).catch_up() == []
    assert rows(app) == []


def test_runs_coalesce_to_the_latest_occurrence(db_url):
    clock = ManualClock(at(2026, 11, 26, 8, 59))
    job = {"name": "tick", "kind": "notice", "cron": "*/5 * * * *", "targets": ["领导班子群"], "text": "巡查提醒"}
    app = street(db_url, clock, [job], misfire_grace_minutes=3)
    assert Runner(app).catch_up() == []  # 08:55 is before the job was known and beyond the grace
    clock.set(at(2026, 11, 26, 9, 47))  # down through 9:05 … 9:45
    results = Runner(app).catch_up()
    assert [(r.status, r.occurrence) for r in results] == [("done", at(2026, 11, 26, 9, 45))]
    assert [r.dedupe_key for r in rows(app, "tick")] == [f"tick:20261126T0945:g{active_groups(app)[7]}"]


def test_a_new_job_is_not_reported_as_missed_for_times_before_it_existed(db_url):
    clock = ManualClock(at(2026, 11, 26, 10, 0))
    app = street(db_url, clock, [MORNING])
    assert Runner(app).catch_up() == []
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ScheduleRun)) == 0


def test_a_fresh_start_just_after_the_time_still_sends(db_url):
    clock = ManualClock(at(2026, 11, 26, 8, 5))
    app = street(db_url, clock, [MORNING])
    assert [r.status for r in Runner(app).catch_up()] == ["done"]
    assert len(rows(app)) == 15


def test_a_paused_job_sends_nothing_until_resumed(db_url):
    clock = ManualClock(at(2026, 11, 26, 7, 0))
    app = street(db_url, clock, [MORNING])
    runner = Runner(app)
    from scheduler.control import set_paused
    from bot.db import transaction

    with transaction(app.sessions) as session:
        assert set_paused(session, runner, "morning_notice", True, "test")
    drive(runner, clock, at(2026, 11, 26, 12, 0))
    assert rows(app) == []
    with transaction(app.sessions) as session:
        set_paused(session, runner, "morning_notice", False, "test")
    drive(runner, clock, at(2026, 11, 27, 12, 0))
    assert {r.dedupe_key.split(":")[1] for r in rows(app)} == {"20261127T0750"}


def test_unknown_target_groups_are_reported_not_fatal(db_url):
    clock = ManualClock(at(2026, 11, 26, 7, 50))
    job = {**MORNING, "targets": ["安居社区工作群", "不存在的群"]}
    app = street(db_url, clock, [job])
    result = Runner(app).run_due("morning_notice")
    assert result.new == 1 and result.missing_groups == ("不存在的群",)
    assert "找不到群：不存在的群" in result.summary()


def keyless_job(run: JobRun):
    from bot.message import Reply, ToGroup

    return [Reply("没有去重键", to=ToGroup(run.groups[0].id))]


BAD_KINDS = {"keyless": JobKind("keyless", keyless_job, "无键测试"), "notice": JobKind("notice", notice, "定时通知")}


def test_a_job_whose_replies_lack_the_run_key_fails_and_sends_nothing(db_url):
    clock = ManualClock(at(2026, 11, 26, 7, 50))
    app = street(db_url, clock, [{"name": "bad", "kind": "keyless", "workdays_at": "07:50", "targets": ["*"]}])
    result = Runner(app, kinds=BAD_KINDS).run_due("bad")
    assert result.status == "failed" and "run.key()" in result.detail
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 0


def test_audience_expands_units_roles_and_people(db_url):
    clock = ManualClock(at(2026, 11, 26, 7, 50))
    app = street(db_url, clock, [])
    with app.sessions() as session:
        leaders = session.scalar(select(Group).where(Group.name == "领导班子群"))
        assert {p.role for p in audience_people(session, leaders)} == {"leader", "admin"}
        assert len(audience_people(session, leaders)) == 23
        anju = session.scalar(select(Group).where(Group.name == "安居社区工作群"))
        people = audience_people(session, anju)
        assert people and {p.unit_id for p in people} == {anju.audience["units"][0]}
        mixed = Group(name="x", audience={"people": [3], "roles": ["admin"]})
        assert [p.id for p in audience_people(session, mixed)] == [1, 3]
        assert audience_people(session, Group(name="y", audience={})) == []


def test_a_group_that_is_a_set_of_people_reaches_each_of_them_once(db_url):
    from bot.db import transaction

    clock = ManualClock(at(2026, 11, 26, 7, 50))
    app = street(db_url, clock, [{**MORNING, "targets": ["青年干部"]}])
    with transaction(app.sessions) as session:
        session.add(Group(name="青年干部", channel="people", address="", audience={"people": [3, 4], "roles": ["admin"]}))
    first = Runner(app).run_due("morning_notice")
    again = Runner(app).run_now("morning_notice")
    pushed = rows(app)
    assert sorted(r.person_id for r in pushed) == [1, 3, 4]
    assert all(r.group_id is None and r.target == str(r.person_id) and r.status == "sent" for r in pushed)
    assert (first.new, again.new, again.duplicates) == (3, 0, 3)
