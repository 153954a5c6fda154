"""The optional LLM path, against a real local OpenAI-compatible server: the model only phrases
the answer, the citations stay, and any failure falls back to the retrieval answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from handlers.composition import build_app
from bot.app import App
from bot.demo import load_demo
from tests.conftest import make_config
from tests.fakes.llm_server import API_KEY, MODEL, FakeLlm
from tests.harness import TestBot

RECEPTION_6 = "《示范街道公务接待管理办法（示例）》第六条"
QUESTION = "公务接待可以喝酒吗"


@pytest.fixture
def fake() -> Iterator[FakeLlm]:
    with FakeLlm() as server:
        yield server


def _bot(db_url: str, clock, llm: dict, **rules) -> TestBot:
    app = build_app(make_config(db_url, llm=llm, rules=rules), clock=clock)
    load_demo(app)
    return TestBot(app)


@pytest.fixture
def llm_bot(db_url: str, clock, fake: FakeLlm) -> Iterator[TestBot]:
    bot = _bot(db_url, clock, fake.config_section(timeout_seconds=2.0))
    yield bot
    bot.app.engine.dispose()


def test_model_answer_keeps_the_citations(llm_bot: TestBot, fake: FakeLlm):
    fake.reply = "不可以。公务接待的工作餐不提供任何酒水。"
    said = llm_bot.send("张伟", QUESTION)
    assert said.text.startswith("不可以。公务接待的工作餐不提供任何酒水。")
    assert f"依据{RECEPTION_6}：" in said.text

    request = fake.requests[-1]
    assert request["model"] == MODEL
    system, user = request["messages"]
    assert system["role"] == "system" and "只能依据" in system["content"]
    assert f"{RECEPTION_6}：" in user["content"] and QUESTION in user["content"]
    assert fake.auth_headers[-1] == f"Bearer {API_KEY}"


def test_timeout_falls_back_to_the_retrieval_answer(db_url: str, clock, fake: FakeLlm):
    fake.reply = "这句不该出现"
    fake.delay = 1.5
    bot = _bot(db_url, clock, fake.config_section(timeout_seconds=0.3))
    try:
        said = bot.send("张伟", QUESTION)
    finally:
        bot.app.engine.dispose()
    assert said.text.startswith(f"依据{RECEPTION_6}：")
    assert "这句不该出现" not in said.text
    assert len(fake.requests) == 1


def test_server_error_falls_back_to_the_retrieval_answer(llm_bot: TestBot, fake: FakeLlm):
    fake.fail_next(500)
    said = llm_bot.send("张伟", QUESTION)
    assert said.text.startswith(f"依据{RECEPTION_6}：")


def test_model_saying_the_articles_do_not_answer_falls_back(llm_bot: TestBot, fake: FakeLlm):
    fake.reply = "无相关规定"
    said = llm_bot.send("张伟", QUESTION)
    assert said.text.startswith(f"依据{RECEPTION_6}：")


@pytest.mark.parametrize(("text", "reply"), [("年假一年有几天？", "没有找到明确的条文"), ("明天会下雨吗？", "这个我帮不上")])
def test_not_covered_and_off_topic_questions_never_reach_the_model(llm_bot: TestBot, fake: FakeLlm, text: str, reply: str):
    said = llm_bot.send("张伟", text)
    assert reply in said.text
    assert fake.requests == []


def test_unreachable_model_falls_back(db_url: str, clock):
    with FakeLlm() as gone:
        section = gone.config_section(timeout_seconds=1.0)
    bot = _bot(db_url, clock, section)  # the port is closed now
    try:
        said = bot.send("张伟", QUESTION)
    finally:
        bot.app.engine.dispose()
    assert said.text.startswith(f"依据{RECEPTION_6}：")


def test_use_llm_false_keeps_the_model_out(db_url: str, clock, fake: FakeLlm):
    bot = _bot(db_url, clock, fake.config_section(), use_llm=False)
    try:
        said = bot.send("张伟", QUESTION)
    finally:
        bot.app.engine.dispose()
    assert said.text.startswith(f"依据{RECEPTION_6}：")
    assert fake.requests == []
