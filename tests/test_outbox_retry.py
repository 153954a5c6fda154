"""Deliveries that fail for a while are retried with growing pauses, not given up within seconds."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from handlers.composition import upgrade_schema
from bot.channels import SendResult
from bot.db import make_engine, transaction, upgrade
from bot.message import Reply, ToPerson
from bot.models import OutboundMessage
from bot.outbound import MAX_ATTEMPTS


class DownThenUp:
    """A channel whose peer is unreachable until `up` is set (a WeChat gateway restarting, say)."""

    name = "flaky"
    immediate = False

    def __init__(self) -> None:
        self.up = False
        self.tries = 0
        self.delivered: list[str] = []

    def address_for(self, session, person):
        return f"flaky:{person.id}"

    async def send(self, message: OutboundMessage) -> SendResult:
        self.tries += 1
        if not self.up:
            return SendResult(ok=False, error="gateway unreachable", retryable=True)
        self.delivered.append(message.text)
        return SendResult(ok=True)

    def emit(self, message) -> None:  # pragma: no cover - not immediate
        pass


def row(app, row_id: int) -> OutboundMessage:
    with app.sessions() as session:
        return session.get(OutboundMessage, row_id)


def test_a_failing_row_backs_off_and_is_sent_when_the_channel_returns(demo_app, clock):
    channel = DownThenUp()
    demo_app.outbound.register(channel, prefer=True)
    [pushed] = demo_app.push([Reply("明早7点50分微课", to=ToPerson(52))])
    assert pushed.channel == "flaky"
    deliver = lambda: asyncio.run(demo_app.outbound.deliver())  # noqa: E731

    deliver()
    assert channel.tries == 1 and row(demo_app, pushed.id).status == "pending"
    deliver()  # straight away: too early, not tried again
    assert channel.tries == 1
    clock.advance(seconds=5)
    deliver()
    assert channel.tries == 2
    clock.advance(seconds=5)
    deliver()  # the second pause is 10 s
    assert channel.tries == 2
    clock.advance(minutes=20)
    channel.up = True
    deliver()
    assert channel.delivered == ["明早7点50分微课"]
    assert row(demo_app, pushed.id).status == "sent"


def test_a_row_is_given_up_only_after_the_last_attempt(demo_app, clock):
    channel = DownThenUp()
    demo_app.outbound.register(channel, prefer=True)
    [pushed] = demo_app.push([Reply("提醒", to=ToPerson(52))])
    for _ in range(MAX_ATTEMPTS):
        asyncio.run(demo_app.outbound.deliver())
        clock.advance(minutes=31)
    final = row(demo_app, pushed.id)
    assert (channel.tries, final.status, final.error) == (MAX_ATTEMPTS, "failed", "gateway unreachable")


def test_upgrading_keeps_the_outbox(tmp_path: Path):
    from alembic import command

    from bot.db import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(engine), "0001_core")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO outbox (created_at, channel, target, kind, text, status, attempts) "
                          "VALUES ('2026-11-01 00:00:00', 'console', '1', 'text', '旧消息', 'sent', 1)"))
    upgrade_schema(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT text, next_attempt_at FROM outbox")).one() == ("旧消息", None)
    engine.dispose()
