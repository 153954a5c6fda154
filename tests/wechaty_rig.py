"""Shared set-up for the WeChat channel tests: the demo street, the real channel and delivery worker,
and a fake puppet service on 127.0.0.1 that the production client talks to over HTTP/2."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from handlers.composition import build_app
from bot.app import App
from bot.clock import ManualClock
from bot.db import transaction
from bot.models import Group, Person, Role, Unit
from bot.server import DeliveryWorker
from handlers.wechat.binding import issue_code, redeem
from tests.conftest import make_config
from tests.fakes.puppet_server import FakePuppet

TOKEN = "insecure_0b7d6f5e-3c2a-4e61-9a8b-7f1c2d3e4f50"


@dataclass
class Rig:
    app: App
    fake: FakePuppet
    channel: object  # bot.channels.wechaty.channel.WechatyChannel

    def person(self, name: str) -> Person:
        with self.app.sessions() as session:
            return session.scalars(select(Person).where(Person.name == name)).one()

    def bind(self, name: str, contact_id: str) -> Person:
        """Bind a contact the way `绑定 CODE` does, without the chat round trip."""
        person = self.person(name)
        now = self.app.clock.now()
        with transaction(self.app.sessions) as session:
            code = issue_code(session, session.get(Person, person.id), "wechaty", now).code
            assert redeem(session, code, "wechaty", contact_id, now) is not None
        self.fake.add_contact(contact_id, name)
        return person

    def code_for(self, name: str) -> str:
        person = self.person(name)
        with transaction(self.app.sessions) as session:
            return issue_code(session, session.get(Person, person.id), "wechaty", self.app.clock.now()).code


def small_street(app: App) -> None:
    """A few named people of the demo street and one group: enough for these tests, and independent
    of every other capability's demo data."""
    with transaction(app.sessions) as session:
        unit = Unit(name="安居社区", kind="community")
        session.add(unit)
        session.flush()
        session.add_all(
            [
                Person(name="林晓雯", role=Role.admin.value, unit_id=unit.id, active=True),
                Person(name="张伟", role=Role.cadre.value, unit_id=unit.id, active=True),
                Person(name="李娜", role=Role.grid_worker.value, unit_id=unit.id, active=True),
                Group(name="安居社区工作群", channel="console", address="group:安居社区", audience={"units": [unit.id]}),
            ]
        )


async def until(condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    """Wait for something the channel does in the background (a reconnect, a stored row)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def running(
    db_url: str,
    clock: ManualClock,
    cache_dir: Path,
    *,
    token: str = TOKEN,
    server_token: str = TOKEN,
    ding_interval: float = 60.0,
    rpc_timeout: float = 5.0,
) -> AsyncIterator[Rig]:
    from bot.channels.wechaty import plugin as make_plugin

    fake = FakePuppet(server_token)
    await fake.start()
    config = make_config(
        db_url,
        wechaty={
            "enabled": True,
            "endpoint": fake.endpoint,
            "token": token,
            "reconnect_min_seconds": 0.05,
            "reconnect_max_seconds": 0.4,
            "rpc_timeout_seconds": rpc_timeout,
            "cache_dir": str(cache_dir),
        },
    )
    app = build_app(config, clock=clock)
    small_street(app)
    plugin = make_plugin(app)
    assert plugin is not None
    plugin.channel.ding_interval = ding_interval
    worker = DeliveryWorker(app, interval=0.2)
    await worker.start()
    await plugin.start()
    try:
        yield Rig(app, fake, plugin.channel)
    finally:
        await plugin.stop()
        await worker.stop()
        if fake._server is not None:  # noqa: SLF001 - a test may have stopped it
            await fake.stop()
        app.engine.dispose()


async def settled(rig: Rig, messages: int) -> None:
    """Wait until the channel has dealt with `messages` message events and every reply they caused
    has left the outbox: after this, anything that was going to be sent has been sent."""
    from bot.models import OutboundMessage, OutboxStatus

    await until(lambda: rig.channel.messages_done >= messages, what=f"{messages} messages handled")

    def drained() -> bool:
        with rig.app.sessions() as session:
            return not session.scalars(
                select(OutboundMessage.id).where(OutboundMessage.status == OutboxStatus.pending.value)
            ).first()

    await until(drained, what="the outbox drained")
