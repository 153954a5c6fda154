"""作风微课堂 in chat: 今日微课 resends the group's lesson; 已学 (and its synonyms) is recorded once."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.models import AuditEntry
from handlers.lessons.models import Lesson, LessonConfirmation
from scheduler.runner import Runner
from tests.conftest import SHANGHAI
from tests.harness import TestBot
from tests.scheduler_support import street_without_history as street

MORNING = {"name": "morning_lesson", "kind": "morning_lesson", "workdays_at": "07:50", "targets": ["*"]}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def setup(db_url, when=at(2026, 11, 26, 9, 0)):
    clock = ManualClock(when)
    app = street(db_url, clock, [MORNING])
    return app, clock, Runner(app), TestBot(app)


def confirmations(app, person_id: int) -> list[int]:
    with app.sessions() as session:
        return list(session.scalars(select(LessonConfirmation.lesson_id).where(LessonConfirmation.person_id == person_id)))


def lessons(app) -> list[Lesson]:
    with app.sessions() as session:
        return list(session.scalars(select(Lesson).order_by(Lesson.id)))


def test_studied_is_recorded_once_and_a_second_time_says_so(db_url):
    app, clock, runner, bot = setup(db_url)
    runner.run("morning_lesson", at(2026, 11, 26, 7, 50))
    first = lessons(app)[0]
    said = bot.send("李娜", "已学")
    assert said.text == f"已记录：您学习了第{first.id}课《{first.title}》。本周的微课都学完了，真棒！"
    again = bot.send("李娜", "已学习")
    assert "您已在11月26日打过卡了，不用重复" in again.text
    assert confirmations(app, bot.person("李娜").id) == [first.id]
    with app.sessions() as session:
        audited = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "lesson_confirmed"))
    assert audited == 1


def test_synonyms_and_a_lesson_number(db_url):
    app, clock, runner, bot = setup(db_url, at(2026, 11, 25, 9, 0))
    runner.run("morning_lesson", at(2026, 11, 25, 7, 50))
    clock.set(at(2026, 11, 26, 9, 0))
    runner.run("morning_lesson", at(2026, 11, 26, 7, 50))
    one, two, three = lessons(app)[:3]
    assert "已记录" in bot.send("张伟", "学习了").text
    assert confirmations(app, bot.person("张伟").id) == [two.id]
    said = bot.send("张伟", f"已学 第{one.id}课")  # catching up on yesterday's
    assert f"第{one.id}课《{one.title}》" in said.text and "本周的微课都学完了" in said.text
    refused = bot.send("张伟", f"打卡 {three.id}")
    assert "还没有推送到您的工作群" in refused.text
    assert sorted(confirmations(app, bot.person("张伟").id)) == [one.id, two.id]


def test_before_the_push_studied_explains_and_stores_nothing(db_url):
    app, clock, runner, bot = setup(db_url)
    said = bot.send("李娜", "已学")
    assert "今天还没有推送微课" in said.text
    assert confirmations(app, bot.person("李娜").id) == []


def test_todays_lesson_is_resent_to_the_asker(db_url):
    app, clock, runner, bot = setup(db_url)
    assert "还没有推送过微课" in bot.send("李娜", "今日微课").text
    runner.run("morning_lesson", at(2026, 11, 26, 7, 50))
    first = lessons(app)[0]
    said = bot.send("李娜", "今日微课")
    assert said.text.startswith(f"【今日微课】第{first.id}课 {first.title}\n{first.body}")
    assert f"依据：{first.rule}" in said.text
    # On Saturday there is no new lesson: the latest one is shown with how to confirm it.
    clock.set(at(2026, 11, 28, 10, 0))
    weekend = bot.send("李娜", "今日微课")
    assert "今天还没有新的微课" in weekend.text and f"「已学 {first.id}」" in weekend.text
    by_number = bot.send("李娜", f"微课 {lessons(app)[4].id}")
    assert lessons(app)[4].title in by_number.text


def test_leaders_see_coverage_and_others_are_refused(db_url):
    app, clock, runner, bot = setup(db_url)
    runner.run("morning_lesson", at(2026, 11, 26, 7, 50))
    bot.send("李娜", "已学")
    summary = bot.send("王建国", "学习情况").text
    assert summary.startswith("📚 作风微课学习情况（11月23日—11月29日）")
    assert "全街道：已学1/118人次，1%" in summary
    assert "只对" in bot.send("李娜", "学习情况").text
