"""Sending through WeCom against the fake API: batching, pacing on the app clock, retries, tokens, secrets."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from handlers.composition import build_app
from bot.app import App
from bot.channels.wecom.client import WecomClient
from bot.channels.wecom.models import WecomToken
from bot.channels.wecom.plugin import WecomPlugin
from bot.db import transaction
from bot.message import Reply, ToGroup, ToPerson
from bot.models import Group, OutboundMessage, Person
from tests.conftest import make_config
from tests.fakes.wecom_server import FakeWecom


@pytest.fixture
def fake() -> Iterator[FakeWecom]:
    with FakeWecom() as server:
        yield server


class Rig:
    """An App with the WeCom channels registered, a client whose backoff sleeps are only recorded."""

    def __init__(self, app: App, fake: FakeWecom) -> None:
        self.app = app
        self.fake = fake
        self.delays: list[float] = []

        async def no_wait(seconds: float) -> None:
            self.delays.append(seconds)

        self.client = WecomClient(app.config.wecom, app.sessions, app.clock, sleep=no_wait)
        self.plugin = WecomPlugin(app, client=self.client)

    def people(self, count: int, prefix: str = "u") -> list[int]:
        with transaction(self.app.sessions) as session:
            session.execute(insert(Person), [dict(name=f"人{i}", role="cadre", active=True, wecom_userid=f"{prefix}{i:05d}")
                                             for i in range(count)])
            return list(session.scalars(select(Person.id).where(Person.wecom_userid.like(f"{prefix}%")).order_by(Person.id)))

    def deliver(self, rounds: int = 1) -> int:
        async def run() -> int:
            sent = 0
            for _ in range(rounds):
                sent += await self.app.outbound.deliver()
            await self.client.aclose()
            return sent

        return asyncio.run(run())

    def outbox(self) -> list[OutboundMessage]:
        with self.app.sessions() as session:
            return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


@pytest.fixture
def rig(db_url: str, clock, fake: FakeWecom, tmp_path: Path) -> Iterator[Rig]:
    config = make_config(db_url, wecom=fake.config_section(data_dir=str(tmp_path / "w")))
    app = build_app(config, clock=clock)
    yield Rig(app, fake)
    app.engine.dispose()


def test_one_text_to_10000_people_takes_at_most_10_calls(rig: Rig) -> None:
    ids = rig.people(10_000)
    rig.app.push([Reply("本周六上午9点在安居社区开展环境整治，请准时参加。", to=ToPerson(i)) for i in ids])
    rig.deliver(rounds=3)
    calls = rig.fake.calls_to("message/send")
    assert len(calls) <= 10
    reached = [u for c in calls for u in c.body["touser"].split("|")]
    assert sorted(reached) == [f"u{i:05d}" for i in range(10_000)]
    assert all(len(c.body["touser"].split("|")) <= 1000 for c in calls)
    rows = rig.outbox()
    assert {r.status for r in rows} == {"sent"} and all(r.external_id for r in rows)


def test_100_robot_messages_are_paced_over_five_minutes_none_dropped(rig: Rig) -> None:
    with transaction(rig.app.sessions) as session:
        group = Group(name="安居社区机器人群", channel="wecom_robot", address="安居社区机器人")
        session.add(group)
        session.flush()
        group_id = group.id
    rig.app.push([Reply(f"第{i}条通知", to=ToGroup(group_id)) for i in range(100)])
    start = rig.app.clock.now()
    for _ in range(200):  # every delivery round, the clock moves on 5 s
        rig.deliver()
        if all(r.status == "sent" for r in rig.outbox()):
            break
        rig.app.clock.advance(seconds=5)
    rows = rig.outbox()
    assert [r.status for r in rows] == ["sent"] * 100
    assert rig.fake.robot_texts("安居社区机器人") == [f"第{i}条通知" for i in range(100)]
    times = sorted(r.sent_at for r in rows)
    assert times[-1] - start >= timedelta(minutes=4)  # five one-minute windows: 0-1, 1-2, 2-3, 3-4, 4-5
    for t in times:  # never more than 20 in any minute
        assert sum(1 for u in times if t <= u < t + timedelta(minutes=1)) <= 20


def test_a_member_gets_at_most_30_a_minute_the_rest_waits(rig: Rig) -> None:
    (person,) = rig.people(1)
    rig.app.push([Reply(f"提醒{i}", to=ToPerson(person)) for i in range(35)])
    rig.deliver()
    assert len(rig.fake.texts_to("u00000")) == 30
    assert [r.status for r in rig.outbox()].count("pending") == 5
    assert all(r.attempts == 0 for r in rig.outbox() if r.status == "pending")
    rig.app.clock.advance(seconds=61)
    rig.deliver()
    assert rig.fake.texts_to("u00000") == [f"提醒{i}" for i in range(35)]


def test_busy_is_retried_three_times_with_backoff(rig: Rig) -> None:
    (person,) = rig.people(1)
    rig.fake.fail_next("message/send", -1, times=3)
    rig.app.push([Reply("你好", to=ToPerson(person))])
    rig.deliver()
    assert rig.delays == [0.5, 1.0, 2.0]
    assert rig.fake.count("message/send") == 4 and rig.fake.texts_to("u00000") == ["你好"]

    rig.fake.fail_next("message/send", -1, times=4)
    rig.app.push([Reply("再见", to=ToPerson(person))])
    rig.deliver()
    row = rig.outbox()[-1]
    assert (row.status, row.attempts) == ("pending", 1) and "-1" in row.error


def test_token_is_cached_in_the_database_refreshed_before_expiry_and_refetched_once(rig: Rig, clock) -> None:
    (person,) = rig.people(1)
    rig.app.push([Reply("一", to=ToPerson(person))])
    rig.deliver()
    assert rig.fake.count("gettoken") == 1
    # Another process on the same database uses the stored token.
    other = WecomClient(rig.app.config.wecom, rig.app.sessions, clock)
    assert asyncio.run(other.access_token()) and other.token_fetches == 0
    # WeCom revokes it early: one refetch, then the message goes.
    rig.fake.expire_tokens()
    rig.app.push([Reply("二", to=ToPerson(person))])
    rig.deliver()
    assert rig.fake.count("gettoken") == 2 and rig.fake.texts_to("u00000") == ["一", "二"]
    # Close to its expiry (7200 s), a token is replaced before WeCom refuses it.
    clock.advance(seconds=7200 - 200)
    rig.app.push([Reply("三", to=ToPerson(person))])
    rig.deliver()
    assert rig.fake.count("gettoken") == 3
    assert not [c for c in rig.fake.calls_to("message/send") if c.errcode in (40014, 42001)][1:]
    with rig.app.sessions() as session:
        assert session.scalar(select(WecomToken.expires_at)) > clock.now()


def test_frequency_limit_backs_off_then_resumes(rig: Rig, clock) -> None:
    (person,) = rig.people(1)
    rig.fake.fail_next("message/send", 45009)
    rig.app.push([Reply("一", to=ToPerson(person))])
    rig.deliver()
    assert "45009" in rig.outbox()[0].error
    calls = rig.fake.count("message/send")
    clock.advance(seconds=30)
    rig.deliver()
    assert rig.fake.count("message/send") == calls  # still backing off: WeCom is not hammered
    clock.advance(seconds=31)
    rig.deliver()
    assert rig.fake.texts_to("u00000") == ["一"] and rig.outbox()[0].status == "sent"


def test_permanent_errors_are_not_retried_and_invalid_users_recorded(rig: Rig) -> None:
    a, b = rig.people(2)
    rig.fake.known_users = {"u00000"}
    rig.app.push([Reply("通知", to=ToPerson(a)), Reply("通知", to=ToPerson(b))])
    rig.deliver()
    rows = {r.target: r for r in rig.outbox()}
    assert rows["u00000"].status == "sent"
    assert (rows["u00001"].status, rows["u00001"].error) == ("failed", "invaliduser: u00001")
    rig.fake.known_users = set()
    rig.app.push([Reply("没人收", to=ToPerson(a))])
    before = rig.fake.count("message/send")
    rig.deliver(rounds=2)
    assert rig.fake.count("message/send") == before + 1
    last = rig.outbox()[-1]
    assert last.status == "failed" and "81013" in last.error


def test_long_text_is_split_on_lines_within_2048_bytes(rig: Rig) -> None:
    (person,) = rig.people(1)
    lines = [f"第{i}行：网格员入户走访情况汇总，未发现新的问题。" for i in range(120)]
    rig.app.push([Reply("\n".join(lines), to=ToPerson(person))])
    rig.deliver()
    parts = rig.fake.texts_to("u00000")
    assert len(parts) > 1 and all(len(p.encode()) <= 2048 for p in parts)
    assert "\n".join(parts) == "\n".join(lines)
    assert rig.outbox()[0].status == "sent"


def test_robot_markdown_splits_at_4096_and_unknown_robot_fails_clearly(rig: Rig) -> None:
    with transaction(rig.app.sessions) as session:
        good = Group(name="领导群", channel="wecom_robot", address="领导班子机器人")
        bad = Group(name="旧群", channel="wecom_robot", address="已删除的机器人")
        session.add_all([good, bad])
        session.flush()
        good_id, bad_id = good.id, bad.id
    text = "\n".join(f"- **第{i}项** 整改进展：已完成" for i in range(300))
    rig.app.push([Reply(text, to=ToGroup(good_id), kind="markdown"), Reply("x", to=ToGroup(bad_id))])
    rig.deliver()
    parts = rig.fake.robot_texts("领导班子机器人")
    assert len(parts) >= 2 and all(2048 < len(p.encode()) <= 4096 for p in parts[:-1])
    assert "\n".join(parts) == text
    failed = [r for r in rig.outbox() if r.group_id == bad_id][0]
    assert failed.status == "failed" and "已删除的机器人" in failed.error


def test_cards_go_out_as_template_cards(rig: Rig) -> None:
    (person,) = rig.people(1)
    rig.app.push([
        Reply("请确认已学习今日微课", to=ToPerson(person), kind="card",
              payload={"title": "今日微课", "description": "学完请点确认", "task_id": "lesson:2026-11-26:1",
                       "buttons": [{"key": "lesson_done:1", "text": "已学"}]}),
        Reply("每日一题：A/B/C", to=ToPerson(person), kind="card",
              payload={"title": "每日一题", "task_id": "quiz-9",
                       "vote": {"question_key": "q9", "options": [{"id": "A", "text": "甲"}, {"id": "B", "text": "乙"}],
                                "multiple": False}}),
    ])
    rig.deliver()
    cards = [b["template_card"] for b in rig.fake.sent() if b["msgtype"] == "template_card"]
    assert [c["card_type"] for c in cards] == ["button_interaction", "vote_interaction"]
    assert cards[0]["button_list"] == [{"text": "已学", "style": 1, "key": "lesson_done:1"}]
    assert cards[0]["task_id"] == "lesson_2026-11-26_1"
    assert cards[1]["checkbox"]["question_key"] == "q9" and cards[1]["checkbox"]["mode"] == 0
    answer = rig.fake.calls_to("message/send")[-1].answer
    result = asyncio.run(rig.client.update_template_card(
        {"userids": ["u00000"], "response_code": answer["response_code"], "button": {"replace_name": "已提交"}}))
    assert result["errcode"] == 0


def test_secrets_never_reach_the_log(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    (person,) = rig.people(1)
    with transaction(rig.app.sessions) as session:
        session.add(Group(name="机器人群", channel="wecom_robot", address="安居社区机器人"))
    with rig.app.sessions() as session:
        group_id = session.scalar(select(Group.id).where(Group.name == "机器人群"))
    rig.fake.fail_next("webhook/send", 45009)
    with caplog.at_level(logging.DEBUG):
        rig.app.push([Reply("你好", to=ToPerson(person)), Reply("群通知", to=ToGroup(group_id))])
        rig.deliver()
    with rig.app.sessions() as session:
        token = session.scalar(select(WecomToken.access_token))
    wecom = rig.app.config.wecom
    secrets = [token, wecom.secret.get_secret_value(), wecom.robots[0].key.get_secret_value()]
    assert "message/send" in caplog.text  # the requests were logged …
    for secret in secrets:  # … without what is secret
        assert secret not in caplog.text
        assert all(secret not in (r.error or "") for r in rig.outbox())
    assert secrets[0] not in repr(rig.client) and secrets[1] not in repr(rig.app.config)
