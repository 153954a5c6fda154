"""答题 practice (a question not yet answered, scored once) and 排行榜 (week and month, person and unit)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.models import Person, Unit
from tests.harness import TestBot
from tests.quiz_support import answers, at, questions, quiz_street


@pytest.fixture
def bot(db_url, tmp_path, monkeypatch):
    clock = ManualClock(at(2026, 11, 26, 10, 0))
    app = quiz_street(db_url, clock, tmp_path, monkeypatch)
    test_bot = TestBot(app)
    test_bot.clock = clock
    yield test_bot
    app.engine.dispose()


def test_practice_gives_unanswered_questions_in_turn_and_scores_each_once(bot):
    q1, q2, q3, q4 = questions(bot.app)
    first = bot.send("李娜", "答题").text
    assert first.startswith("【练习题】（单选题）\n中央八项规定是哪一年审议通过的？")
    assert "11:00前有效" in first
    # Asking again before answering repeats the same question.
    assert "还没答完这道" in bot.send("李娜", "练习").text
    done = bot.send("李娜", "B").text
    assert done.startswith("✅ 回答正确") and done.endswith("发「答题」再来一题。")
    assert bot.send("李娜", "C").text.startswith("这道题您已经答过了")
    assert bot.send("李娜", "答题").text.splitlines()[1] == q2.stem
    assert bot.send("李娜", "选DA").text.startswith("❌ 答错了，您选的是AD。\n正确答案：A. 形式主义；B. 官僚主义；D. 享乐主义")
    assert bot.send("李娜", "答题").text.splitlines()[1] == q3.stem
    assert bot.send("李娜", "×").text.startswith("✅ 回答正确，得1分！\n正确答案：错")
    bot.send("李娜", "答题")
    bot.send("李娜", "A")
    assert bot.send("李娜", "答题").text == "题库里的题您都答过了，真棒！新题入库后再来。"
    stored = answers(bot.app)
    assert [(a.question_id, a.choice, a.correct) for a in stored] == [
        (q1.id, "B", True), (q2.id, "AD", False), (q3.id, "F", True), (q4.id, "A", True)
    ]
    assert all(a.practice_id is not None and a.push_id is None for a in stored)


def test_a_practice_question_expires(bot):
    bot.send("李娜", "答题")
    bot.clock.advance(minutes=61)
    assert bot.send("李娜", "B").text.startswith("没看懂")
    assert answers(bot.app) == []
    # A fresh 答题 gives the same, still unanswered, question again.
    assert "中央八项规定" in bot.send("李娜", "答题").text


def practise(bot, who, when: datetime, choices: list[str]) -> None:
    bot.clock.set(when)
    for choice in choices:
        assert "练习题" in bot.send(who, "答题").text
        assert bot.send(who, choice).text[0] in "✅❌"


def unit_members(app, name: str) -> int:
    with app.sessions() as session:
        return session.scalar(
            select(func.count(Person.id)).join(Unit, Unit.id == Person.unit_id).where(Unit.name == name, Person.active.is_(True))
        )


def test_leaderboard_for_the_week_and_the_month(bot):
    # Bank answers: B, ABD, 错, A. The week starts Monday 23 November.
    practise(bot, "张伟", at(2026, 10, 20, 10, 0), ["B"])  # last month: counts nowhere
    practise(bot, "李娜", at(2026, 11, 10, 10, 0), ["B", "选ABD"])  # this month, earlier week
    practise(bot, "李娜", at(2026, 11, 24, 10, 0), ["错"])
    practise(bot, "张伟", at(2026, 11, 24, 11, 0), ["选ABD", "对"])
    practise(bot, "王建国", at(2026, 11, 24, 15, 0), ["B", "选ABD"])
    practise(bot, 28, at(2026, 11, 25, 9, 0), ["B"])  # a 幸福社区 grid worker
    practise(bot, "林晓雯", at(2026, 11, 26, 9, 0), ["A"])
    other = bot.person(28).name
    bot.clock.set(at(2026, 11, 26, 10, 0))

    week = bot.send("李娜", "排行榜").text.splitlines()
    assert week[:7] == [
        "🏆 本周答题排行榜（11月23日起）",
        "个人（答对/答题）：",
        "1. 王建国（党政综合办）2/2",
        "2. 李娜（安居社区）1/1",  # a tie shares the rank
        f"2. {other}（幸福社区）1/1",
        "4. 张伟（安居社区）1/2",
        "5. 林晓雯（党政综合办）0/1",
    ]
    anju, office, xingfu = unit_members(bot.app, "安居社区"), unit_members(bot.app, "党政综合办"), unit_members(bot.app, "幸福社区")
    expected_units = sorted(
        [("安居社区", 2 / anju, 2, anju), ("党政综合办", 2 / office, 2, office), ("幸福社区", 1 / xingfu, 1, xingfu)],
        key=lambda u: -u[1],
    )
    assert week[7] == "单位（人均答对，参与人数）："
    assert week[8:11] == [f"{i}. {n} {avg:.2f}题，{p}/{m}人" for i, (n, avg, p, m) in enumerate(expected_units, 1)]
    assert week[11] == "您：第2名，答对1题。"

    month = bot.send("张伟", "排行榜 本月").text.splitlines()
    assert month[0] == "🏆 11月答题排行榜"
    assert month[2:7] == [
        "1. 李娜（安居社区）3/3",
        "2. 王建国（党政综合办）2/2",
        f"3. {other}（幸福社区）1/1",
        "4. 张伟（安居社区）1/2",
        "5. 林晓雯（党政综合办）0/1",
    ]
    assert month[-1] == "您：第4名，答对1题。"
    assert "本周或本月" in bot.send("张伟", "排行榜 去年").text


def test_empty_leaderboard_invites_to_practice(bot):
    assert bot.send("李娜", "排行榜").text == "🏆 本周答题排行榜（11月23日起）\n还没有人答题。发「答题」来拿第一个分！"
