"""A quiz vote card through WeCom end to end: 答题 goes out as a vote_interaction card to the fake
WeCom API, and the vote coming back as an encrypted template_card_event callback is scored once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.app import App
from bot.channels.wecom.plugin import WecomPlugin
from bot.clock import ManualClock
from bot.demo import DEMO_CADRE
from bot.models import Person
from bot.server import DeliveryWorker, build_asgi
from tests.fakes.wecom_server import FakeWecom, ServerThread, WecomCallbacks, wait_for
from tests.quiz_support import answers, at, questions, quiz_street


@pytest.fixture
def fake() -> Iterator[FakeWecom]:
    with FakeWecom() as server:
        yield server


@pytest.fixture
def wecom_app(db_url, fake, tmp_path: Path, monkeypatch) -> Iterator[App]:
    clock = ManualClock(at(2026, 11, 26, 10, 0))
    app = quiz_street(db_url, clock, tmp_path, monkeypatch, wecom=fake.config_section(data_dir=str(tmp_path / "wecom")))
    yield app
    app.engine.dispose()


def test_a_vote_card_answer_arriving_as_a_callback_is_scored_once(wecom_app: App, fake: FakeWecom):
    cb = WecomCallbacks.for_fake(fake)
    with wecom_app.sessions() as session:
        userid = session.scalar(select(Person.wecom_userid).where(Person.name == DEMO_CADRE))
    first = questions(wecom_app)[0]
    key = f"quiz_q{first.id}"
    plugin = WecomPlugin(wecom_app)
    with ServerThread(build_asgi(wecom_app, plugins=[plugin, DeliveryWorker(wecom_app, interval=0.2)])) as server:
        url = server.url + "/wecom/callback"

        def post(signed) -> None:
            assert httpx.post(url, params=signed.params, content=signed.body).status_code == 200

        post(cb.text(userid, "答题"))
        assert wait_for(lambda: fake.sent())
        card = fake.sent()[0]
        assert card["msgtype"] == "template_card" and card["touser"] == userid
        checkbox = card["template_card"]["checkbox"]
        assert card["template_card"]["card_type"] == "vote_interaction"
        assert checkbox["question_key"] == key and [o["id"] for o in checkbox["option_list"]] == ["A", "B", "C", "D"]
        task_id = card["template_card"]["task_id"]

        vote = cb.card_event(userid, task_id, f"submit:{key}", "vote_interaction", "RC1", {key: ["B"]})
        post(vote)
        assert wait_for(lambda: any("回答正确" in t for t in fake.texts_to(userid)))
        # The same vote again (WeCom retries) and a second, different vote: still one scored answer.
        post(vote)
        later = int(time.time()) + 5  # events carry no MsgId: WeCom's retries are told apart by time
        post(cb.card_event(userid, task_id, f"submit:{key}", "vote_interaction", "RC2", {key: ["A"]}, create_time=later))
        assert wait_for(lambda: any("已经答过了" in t for t in fake.texts_to(userid)))
    stored = answers(wecom_app)
    assert [(a.question_id, a.choice, a.correct, a.via) for a in stored] == [(first.id, "B", True, "card")]
    texts = fake.texts_to(userid)
    assert sum("回答正确" in t for t in texts) == 1
    assert any(f"解析：{first.explanation}" in t for t in texts)
