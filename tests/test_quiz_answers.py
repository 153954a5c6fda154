"""Quiz answers: scored once with the explanation, a second answer refused, only within the window,
and a bare letter is a quiz answer only while the person has an open question."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.composition import build_app
from bot.app import App
from bot.clock import ManualClock
from bot.message import Kind
from bot.models import Group, OutboundMessage
from bot.router import Command
from handlers.quiz import commands as quiz_handlers
from handlers.quiz.answers import parse_answer
from scheduler.runner import Runner
from tests.harness import TestBot
from tests.quiz_support import answers, at, questions, quiz_street


@pytest.fixture
def street(db_url, tmp_path, monkeypatch):
    clock = ManualClock(at(2026, 11, 26, 8, 0))
    app = quiz_street(db_url, clock, tmp_path, monkeypatch)
    yield app, clock
    app.engine.dispose()


def push(app: App, clock: ManualClock) -> None:
    clock.set(at(2026, 11, 26, 9, 0))
    assert Runner(app).run("daily_quiz", at(2026, 11, 26, 9, 0)).new == 15


@pytest.mark.parametrize(
    "text, expected",
    [("A", "A"), ("b", "B"), ("答 B", "B"), ("答：C", "C"), ("选AC", "AC"), ("选 c、a", "AC"), ("ＡＢＤ", "ABD"),
     ("答案是D", "D"), ("对", "T"), ("√", "T"), ("正确", "T"), ("错", "F"), ("×", "F"), ("错误", "F"),
     ("帮助", None), ("A栋漏水", None), ("答题", None), ("对不起", None), ("", None),
     ("BCD仨都选上", "BCD"), ("第二个吧", "B"), ("俺寻思着是第二个 六十块那个", "B"), ("刚推送的那道题 答案是A", "A"),
     ("第二个我拿不准", None), ("B栋楼道灯坏了", None), ("我就是B栋的", None), ("DB这俩", "BD"), ("俺选个A 蒙的哈哈", "A"),
     ("嗯我想想啊 应该是B吧", "B"), ("选a和c 嗯不对 是a和d", "AD")],
)
def test_answer_forms(text, expected):
    assert parse_answer(text) == expected


def test_the_push_reaches_every_group_with_how_to_answer(street):
    app, clock = street
    push(app, clock)
    with app.sessions() as session:
        rows = list(session.scalars(select(OutboundMessage).where(OutboundMessage.dedupe_key.like("daily_quiz:%"))))
        groups = set(session.scalars(select(Group.id).where(Group.active.is_(True))))
    assert {r.group_id for r in rows} == groups and len(rows) == 15
    text = rows[0].text
    assert text.splitlines()[:2] == ["【每日一题】（单选题）", "中央八项规定是哪一年审议通过的？"]
    assert "A. 2010年" in text and "回复选项字母，如「A」，13:00前有效。" in text
    assert rows[0].kind == "text"  # WeCom is not configured: no card


def test_an_answer_is_scored_once_and_a_second_is_refused(street):
    app, clock = street
    bot = TestBot(app)
    push(app, clock)
    clock.advance(minutes=5)
    said = bot.send("李娜", "答 B", chat_id="group:安居社区")
    assert said.text == "✅ 回答正确，得1分！\n正确答案：B. 2012年\n解析：2012年12月中央政治局审议通过。"
    again = bot.send("李娜", "A")
    assert again.text.startswith("这道题您已经答过了（您答的是B，答对了），每题只计一次分。")
    wrong = bot.send("张伟", "选A")
    assert wrong.text.startswith("❌ 答错了，您选的是A。\n正确答案：B. 2012年\n解析：")
    stored = answers(app)
    assert [(a.person_id, a.choice, a.correct, a.via) for a in stored] == [
        (bot.person("李娜").id, "B", True, "text"),
        (bot.person("张伟").id, "A", False, "text"),
    ]
    assert stored[0].unit_id == bot.person("李娜").unit_id and stored[0].push_id is not None


def test_an_answer_that_does_not_fit_is_explained_and_not_stored(street):
    app, clock = street
    bot = TestBot(app)
    push(app, clock)
    assert bot.send("李娜", "选AC").text == "这是单选题，请只选一个选项，如「A」。"
    assert bot.send("李娜", "E").text == "没有选项E，本题选项是A–D。"
    assert bot.send("李娜", "对").text == "这是单选题，请回复选项字母，如「A」。"
    assert answers(app) == []
    assert bot.send("李娜", "B").text.startswith("✅")


def test_after_the_window_a_letter_is_no_longer_an_answer(street):
    app, clock = street
    bot = TestBot(app)
    push(app, clock)
    clock.set(at(2026, 11, 26, 12, 59))
    assert bot.send("李娜", "B").text.startswith("✅")
    clock.set(at(2026, 11, 26, 13, 0))  # 240 minutes after the push
    late = bot.send("张伟", "B")
    assert late.text.startswith("没看懂“B”")
    assert [a.person_id for a in answers(app)] == [bot.person("李娜").id]


def test_a_bare_letter_falls_through_to_other_commands_without_an_open_question(db_url, tmp_path, monkeypatch):
    clock = ManualClock(at(2026, 11, 26, 8, 0))
    base = quiz_street(db_url, clock, tmp_path, monkeypatch)
    seat = Command(name="座位", patterns=(r"^[A-D]$",), handler=lambda ctx, match: f"已选座位{match.text}")
    app = build_app(base.config, clock=clock, engine=base.engine, commands=[*quiz_handlers.COMMANDS, seat])
    bot = TestBot(app)
    assert bot.send("李娜", "B").text == "已选座位B"
    push(app, clock)
    assert bot.send("李娜", "B").text.startswith("✅")  # while the question is open it is an answer
    clock.advance(hours=5)
    assert bot.send("李娜", "B").text == "已选座位B"


def test_a_vote_card_answer_is_scored_like_text(street):
    app, clock = street
    bot = TestBot(app)
    push(app, clock)
    first = questions(app)[0]
    key = f"quiz_q{first.id}"
    said = bot.send("李娜", kind=Kind.event, event="card", event_key=f"submit:{key}",
                    event_data={"task_id": "quiz_p1", "card_type": "vote_interaction", "selected": {key: ["B"]}})
    assert said.text.startswith("✅ 回答正确，得1分！\n正确答案：B. 2012年")
    assert bot.send("李娜", "A").text.startswith("这道题您已经答过了")
    again = bot.send("李娜", kind=Kind.event, event="card", event_key=key, event_data={"selected": {key: ["A"]}})
    assert again.text.startswith("这道题您已经答过了")
    assert [(a.choice, a.via) for a in answers(app)] == [("B", "card")]


def test_other_cards_are_left_to_their_owners(street):
    app, clock = street
    bot = TestBot(app)
    push(app, clock)
    said = bot.send("李娜", kind=Kind.event, event="card", event_key="ledger_done_3", event_data={"selected": {}})
    assert said.rows == [] and answers(app) == []


def test_with_wecom_the_question_goes_as_a_vote_card_with_full_text(db_url, tmp_path, monkeypatch):
    clock = ManualClock(at(2026, 11, 26, 8, 0))
    app = quiz_street(db_url, clock, tmp_path, monkeypatch, quiz={"cards": "on"})
    push(app, clock)
    with app.sessions() as session:
        row = session.scalars(select(OutboundMessage).where(OutboundMessage.dedupe_key.like("daily_quiz:%"))).first()
    first = questions(app)[0]
    assert row.kind == "card"
    assert row.payload["vote"] == {
        "question_key": f"quiz_q{first.id}",
        "options": [{"id": "A", "text": "2010年"}, {"id": "B", "text": "2012年"}, {"id": "C", "text": "2015年"},
                    {"id": "D", "text": "2018年"}],
        "multiple": False,
    }
    assert row.payload["task_id"].startswith("quiz_p") and "A. 2010年" in row.text
    app.engine.dispose()
