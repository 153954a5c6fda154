"""作风微课堂 on a frozen clock: one lesson per group per workday, the next one the next day, sent once;
the weekly reminder reaches exactly those who have not confirmed; the leaders' coverage figures add up."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.models import Group, Person
from handlers.lessons.models import Lesson, LessonDelivery
from scheduler.jobs import audience_people
from scheduler.runner import Runner
from tests.conftest import SHANGHAI
from tests.harness import TestBot
from tests.scheduler_support import drive, rows, street_without_history as street

MORNING = {"name": "morning_lesson", "kind": "morning_lesson", "workdays_at": "07:50", "targets": ["*"]}
REMINDER = {"name": "lesson_reminder", "kind": "lesson_reminder", "cron": "0 16 * * fri", "targets": ["安居社区工作群"]}
COVERAGE = {"name": "lesson_coverage", "kind": "lesson_coverage", "cron": "30 16 * * fri", "targets": ["领导班子群"]}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def group_ids(app) -> dict[str, int]:
    with app.sessions() as session:
        return {g.name: g.id for g in session.scalars(select(Group).where(Group.active.is_(True)))}


def lesson_of(app, group_id: int, day) -> int:
    with app.sessions() as session:
        return session.scalar(select(LessonDelivery.lesson_id).where(LessonDelivery.group_id == group_id, LessonDelivery.day == day))


def first_lessons(app, count: int) -> list[Lesson]:
    with app.sessions() as session:
        return list(session.scalars(select(Lesson).order_by(Lesson.id).limit(count)))


def members(app, group_name: str) -> list[Person]:
    with app.sessions() as session:
        group = session.scalar(select(Group).where(Group.name == group_name))
        return audience_people(session, group)


def test_each_group_gets_exactly_one_lesson_on_a_workday_and_the_next_one_the_next_day(db_url):
    clock = ManualClock(at(2026, 11, 26, 7, 0))  # Thursday
    app = street(db_url, clock, [MORNING])
    runner = Runner(app)
    groups = group_ids(app)
    one, two = first_lessons(app, 2)

    drive(runner, clock, at(2026, 11, 26, 7, 49))
    assert rows(app, "morning_lesson") == []
    drive(runner, clock, at(2026, 11, 26, 23, 0))
    thursday = rows(app, "morning_lesson")
    assert Counter(r.group_id for r in thursday) == Counter({gid: 1 for gid in groups.values()})
    assert all(r.text.startswith(f"【作风微课堂】第{one.id}课 {one.title}") for r in thursday)
    assert all("学完请回复「已学」" in r.text for r in thursday)

    drive(runner, clock, at(2026, 11, 27, 23, 0))  # Friday
    friday = rows(app, "morning_lesson")[len(thursday):]
    assert Counter(r.group_id for r in friday) == Counter({gid: 1 for gid in groups.values()})
    assert all(f"第{two.id}课 {two.title}" in r.text for r in friday)

    drive(runner, clock, at(2026, 11, 29, 23, 0))  # the weekend: nothing
    assert len(rows(app, "morning_lesson")) == 2 * len(groups)


def test_running_the_same_occurrence_twice_sends_once(db_url):
    clock = ManualClock(at(2026, 11, 26, 9, 0))
    app = street(db_url, clock, [MORNING])
    runner = Runner(app)
    first = runner.run("morning_lesson", at(2026, 11, 26, 7, 50))
    clock.advance(minutes=30)
    second = runner.run_now("morning_lesson")
    assert first.new == 15 and second.new == 0 and second.duplicates == 15
    assert len(rows(app, "morning_lesson")) == 15
    with app.sessions() as session:
        assert len(session.scalars(select(LessonDelivery)).all()) == 15


def test_a_group_gets_the_next_lesson_not_yet_sent_there(db_url):
    clock = ManualClock(at(2026, 11, 25, 9, 0))  # Wednesday
    only_anju = {**MORNING, "name": "anju_lesson", "targets": ["安居社区工作群"]}
    app = street(db_url, clock, [MORNING, only_anju])
    runner = Runner(app)
    one, two = first_lessons(app, 2)
    groups = group_ids(app)
    runner.run("anju_lesson", at(2026, 11, 25, 7, 50))
    clock.set(at(2026, 11, 26, 9, 0))
    runner.run("morning_lesson", at(2026, 11, 26, 7, 50))
    thursday = datetime(2026, 11, 26).date()
    assert lesson_of(app, groups["安居社区工作群"], thursday) == two.id
    assert lesson_of(app, groups["幸福社区工作群"], thursday) == one.id


def test_weekly_reminder_reaches_exactly_those_who_have_not_confirmed(db_url):
    clock = ManualClock(at(2026, 11, 26, 7, 0))
    app = street(db_url, clock, [MORNING, REMINDER])
    runner = Runner(app)
    bot = TestBot(app)
    one, two = first_lessons(app, 2)
    anju = members(app, "安居社区工作群")
    assert len(anju) > 3
    all_done, half_done = anju[0], anju[1]

    drive(runner, clock, at(2026, 11, 26, 9, 0))
    assert "已记录" in bot.send(all_done.id, "已学").text
    assert "已记录" in bot.send(half_done.id, "学了").text
    drive(runner, clock, at(2026, 11, 27, 9, 0))
    assert "已记录" in bot.send(all_done.id, "打卡").text
    drive(runner, clock, at(2026, 11, 27, 16, 1))

    reminded = rows(app, "lesson_reminder")
    assert Counter(r.person_id for r in reminded) == Counter({p.id: 1 for p in anju if p.id != all_done.id})
    half = next(r for r in reminded if r.person_id == half_done.id)
    assert f"第{two.id}课《{two.title}》" in half.text and f"第{one.id}课" not in half.text
    other = next(r for r in reminded if r.person_id == anju[2].id)
    assert "还有2课" in other.text and f"第{one.id}课" in other.text
    # A second run of the same Friday reminds nobody twice.
    assert runner.run("lesson_reminder", at(2026, 11, 27, 16, 0)).new == 0


def test_coverage_summary_gives_the_share_of_lessons_confirmed_per_unit(db_url):
    clock = ManualClock(at(2026, 11, 26, 7, 0))
    app = street(db_url, clock, [MORNING, COVERAGE])
    runner = Runner(app)
    bot = TestBot(app)
    anju = members(app, "安居社区工作群")
    xingfu = members(app, "幸福社区工作群")
    drive(runner, clock, at(2026, 11, 26, 9, 0))
    for person in anju:  # all of 安居 study Thursday's lesson
        bot.send(person.id, "已学")
    drive(runner, clock, at(2026, 11, 27, 9, 0))
    for person in anju[:2]:  # two of them Friday's too
        bot.send(person.id, "已学习")
    bot.send(xingfu[0].id, "已学")
    drive(runner, clock, at(2026, 11, 27, 16, 31))

    (summary,) = rows(app, "lesson_coverage")
    with app.sessions() as session:
        leaders_group = session.scalar(select(Group.id).where(Group.name == "领导班子群"))
        total_people = len(session.scalars(select(Person).where(Person.active.is_(True))).all())
    assert summary.group_id == leaders_group
    lines = summary.text.splitlines()
    anju_done, anju_due = len(anju) + 2, 2 * len(anju)
    assert f"安居社区 {round(anju_done / anju_due * 100)}%（{anju_done}/{anju_due}）" in lines
    assert f"幸福社区 {round(1 / (2 * len(xingfu)) * 100)}%（1/{2 * len(xingfu)}）" in lines
    assert f"全街道：已学{anju_done + 1}/{2 * total_people}人次" in summary.text
    # Lowest first: a unit where nobody studied leads the list; 安居 comes last.
    units = [line.split(" ")[0] for line in lines[3:] if "%（" in line]
    assert units[-1] == "安居社区" and len(units) == 14
    assert "防止“以干代学”" in summary.text
