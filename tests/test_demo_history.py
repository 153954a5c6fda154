"""The demo street's month of lesson and quiz history: what a newcomer sees on the dashboard and in chat.

The default clock is Thu 2026-11-26 10:00, so the history runs from Mon 2 to Wed 25 November.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from handlers.composition import build_app
from bot.app import App
from bot.clock import ManualClock
from bot.demo import load_demo
from bot.models import Group, OutboundMessage, Person
from bot.server import build_asgi
from dash.month import Month
from handlers.dashboard.pages import Capabilities, overview
from dash.scope import scope_for
from handlers.dashboard.web import DashSite
from handlers.lessons.models import Lesson, LessonConfirmation, LessonDelivery
from handlers.lessons.service import GroupIndex
from handlers.quiz.models import Question, QuizAnswer, QuizPush
from scheduler.runner import Runner
from tests.conftest import SHANGHAI, make_config
from tests.harness import TestBot
from tests.test_dash_web import TestClient, login

TODAY = date(2026, 11, 26)
# Working days of November 2026 before the 26th (no holiday this month): Mon 2 … Wed 25.
PAST_WORKDAYS = [d for d in (date(2026, 11, 1) + timedelta(days=i) for i in range(25)) if d.weekday() < 5]


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def admin_overview(app: App):
    with app.sessions() as session:
        admin = session.scalar(select(Person).where(Person.name == "林晓雯"))
        now = app.clock.now()
        return overview(
            session, scope_for(session, admin), app.config, Capabilities.of(app), Month.of(now.date()), now
        )


def demo_street(db_url: str, when: datetime) -> App:
    app = build_app(make_config(db_url), clock=ManualClock(when))
    load_demo(app)
    return app


def test_the_admin_overview_shows_uneven_lesson_coverage_and_quiz_participation(demo_app):
    data = admin_overview(demo_app)
    lessons, quiz = data.lessons, data.quiz
    assert lessons.delivered == len(PAST_WORKDAYS)
    assert lessons.expected > 0 and 0.6 < lessons.rate < 0.9
    rates = {u.unit: u.rate for u in lessons.units}
    assert len(rates) == 14
    assert sum(0.8 <= r <= 0.95 for r in rates.values()) >= 5  # most units study
    low = sorted(unit for unit, r in rates.items() if r < 0.5)
    assert low == ["综合执法队", "青山社区"]  # the "以干代学" gap the panel is meant to show
    assert all(0.3 <= rates[unit] for unit in low)

    assert quiz.participants > 0 and 0.5 < quiz.rate < 0.9
    taking_part = {u.unit: u.rate for u in quiz.units}
    assert max(taking_part.values()) >= 0.85 and sum(r <= 0.5 for r in taking_part.values()) >= 2
    assert 0 < quiz.correct < quiz.answers  # right and wrong answers both
    assert {"lessons", "quiz"} <= set(data.charts)


def test_the_overview_page_has_both_panels_filled(demo_app):
    client = TestClient(build_asgi(demo_app, [DashSite(demo_app)]))
    try:
        page = login(demo_app, client, "林晓雯").get("/dash/").text
    finally:
        client.close()
    assert "微课学习覆盖率" in page and "答题参与率" in page
    assert "本月还没有推送微课" not in page and "本月还没有人答题" not in page


def test_each_group_got_one_lesson_a_past_working_day_in_library_order_and_none_today(demo_app):
    with demo_app.sessions() as session:
        groups = session.scalars(select(Group.id).order_by(Group.id)).all()
        library = session.scalars(select(Lesson.id).order_by(Lesson.id)).all()
        deliveries = session.execute(
            select(LessonDelivery.group_id, LessonDelivery.day, LessonDelivery.lesson_id).order_by(LessonDelivery.day)
        ).all()
        pushes = session.scalars(select(OutboundMessage).where(OutboundMessage.dedupe_key.like("morning_lesson:%"))).all()
    by_group: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for group_id, day, lesson_id in deliveries:
        by_group[group_id].append((day, lesson_id))
    assert set(by_group) == set(groups)
    for rows in by_group.values():
        assert [day for day, _ in rows] == PAST_WORKDAYS
        assert [lesson for _, lesson in rows] == library[: len(PAST_WORKDAYS)]
    # The pushes are in the outbox under the job's own keys, already sent: nothing goes out again.
    assert len(pushes) == len(groups) * len(PAST_WORKDAYS)
    assert {p.status for p in pushes} == {"sent"}
    assert f"morning_lesson:20261125T0750:g{groups[0]}" in {p.dedupe_key for p in pushes}


def test_confirmations_are_of_lessons_the_persons_group_received_and_in_the_past(demo_app):
    with demo_app.sessions() as session:
        index = GroupIndex.load(session)
        people = {p.id: p for p in session.scalars(select(Person))}
        received = {(g, lesson) for g, lesson in session.execute(select(LessonDelivery.group_id, LessonDelivery.lesson_id))}
        confirmations = session.scalars(select(LessonConfirmation)).all()
    assert len(confirmations) > 1000
    for row in confirmations:
        assert (index.group_for(people[row.person_id]), row.lesson_id) in received
        assert row.confirmed_at < demo_app.clock.now()
    names = {people[row.person_id].name for row in confirmations}
    assert "张伟" not in names and "李娜" not in names  # the people a newcomer tries start clean


def test_quiz_answers_are_scored_within_their_push_and_once_per_person(demo_app):
    with demo_app.sessions() as session:
        rows = session.execute(
            select(QuizAnswer, QuizPush, Question).join(QuizPush, QuizPush.id == QuizAnswer.push_id).join(Question)
        ).all()
        pushed_days = sorted({p.opened_at.astimezone(SHANGHAI).date() for p in session.scalars(select(QuizPush))})
        pushes = session.scalar(select(func.count()).select_from(QuizPush))
    assert pushed_days == PAST_WORKDAYS[-3:]  # a few pushes, the latest yesterday
    assert pushes == 3 * 15
    assert rows and Counter((a.person_id, a.question_id) for a, _, _ in rows).most_common(1)[0][1] == 1
    for answer, push, question in rows:
        assert answer.correct == (answer.choice == question.answer)
        assert push.opened_at <= answer.answered_at < push.closes_at
        assert push.question_id == question.id


def test_a_newcomer_sees_yesterdays_lesson_and_today_the_morning_job_sends_the_next_one(demo_app):
    bot = TestBot(demo_app)
    with demo_app.sessions() as session:
        library = session.scalars(select(Lesson).order_by(Lesson.id)).all()
    yesterday, following = library[len(PAST_WORKDAYS) - 1], library[len(PAST_WORKDAYS)]
    said = bot.send("李娜", "今日微课").text
    assert said.startswith("今天还没有新的微课，这是最近一课：") and f"第{yesterday.id}课 {yesterday.title}" in said
    # 已学 right after being shown the most recent lesson records that lesson.
    assert f"已记录：您学习了第{yesterday.id}课" in bot.send("李娜", "已学").text
    again = bot.send("李娜", f"已学 {yesterday.id}").text
    assert again.startswith(f"第{yesterday.id}课《{yesterday.title}》您已在") and "不用重复" in again

    result = Runner(demo_app).run("morning_lesson", at(2026, 11, 26, 7, 50))
    assert result.new == 15
    assert bot.send("李娜", "今日微课").text.startswith(f"【今日微课】第{following.id}课 {following.title}")
    assert bot.send("李娜", "已学").text.startswith(f"已记录：您学习了第{following.id}课")


def test_leaderboard_quiz_practice_and_todays_push_after_the_history(demo_app):
    bot = TestBot(demo_app)
    board = bot.send("张伟", "排行榜").text
    assert board.startswith("🏆 本周答题排行榜（11月23日起）\n个人（答对/答题）：\n1. ")
    assert "单位（人均答对，参与人数）：" in board and board.endswith("您还没有上榜，发「答题」开始练习。")
    assert "11月答题排行榜" in bot.send("王建国", "排行榜 本月").text

    with demo_app.sessions() as session:
        bank = session.scalars(select(Question).order_by(Question.id)).all()
    practice = bot.send("张伟", "答题").text
    assert practice.splitlines()[1] == bank[0].stem  # his own first question: he has not answered any
    assert bot.send("张伟", bank[0].answer).text.startswith("✅ 回答正确，得1分！")
    assert "您：第" in bot.send("张伟", "排行榜").text

    assert Runner(demo_app).run("daily_quiz", at(2026, 11, 26, 9, 0)).new == 15
    fresh = bank[3]  # three were pushed in the history; today's is the next one in the bank
    said = bot.send("李娜", {"T": "对", "F": "错"}.get(fresh.answer, fresh.answer), chat_id="group:安居社区").text
    assert said.startswith("✅ 回答正确，得1分！")


def test_on_the_first_of_the_month_there_is_no_history(db_url):
    app = demo_street(db_url, at(2026, 12, 1, 9, 0))
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(LessonDelivery)) == 0
        assert session.scalar(select(func.count()).select_from(QuizAnswer)) == 0
    data = admin_overview(app)
    assert data.lessons.expected == 0 and data.quiz.answers == 0
    app.engine.dispose()


def test_holidays_are_skipped_and_a_make_up_saturday_counts(db_url):
    # National Day 2026: 1–7 October off, Saturday 10 October a working day.
    app = demo_street(db_url, at(2026, 10, 12, 10, 0))
    with app.sessions() as session:
        days = sorted(set(session.scalars(select(LessonDelivery.day))))
    assert days == [date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10)]
    app.engine.dispose()
