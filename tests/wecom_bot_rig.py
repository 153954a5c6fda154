"""Shared set-up for the WeCom AI-bot tests: a small street, the real plugin (connection, inbox workers)
and delivery worker, against a fake AI-bot service on 127.0.0.1 (tests/fakes/aibot_server.py)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from handlers.composition import build_app
from bot.app import App
from bot.clock import ManualClock
from bot.db import transaction
from bot.models import Group, OutboundMessage, Person, Role, Unit
from bot.server import DeliveryWorker
from tests.conftest import make_config
from tests.fakes.aibot_server import FakeAibot

ADMIN = "demo001"  # 林晓雯
CADRE = "demo052"  # 张伟
WORKER = "demo024"  # 李娜
GROUP_CHAT = "wrGroupAnju0001"

# Short enough that a test never waits long, long enough not to trip on a busy 2-core machine.
FAST = dict(ping_interval=5.0, ack_timeout=3.0, open_timeout=5.0, reconnect_min=0.05, reconnect_max=0.4,
            kicked_delay=30.0)


def small_street(app: App) -> None:
    with transaction(app.sessions) as session:
        unit = Unit(name="安居社区", kind="community")
        session.add(unit)
        session.flush()
        session.add_all([
            Person(name="林晓雯", role=Role.admin.value, unit_id=unit.id, active=True, wecom_userid=ADMIN),
            Person(name="张伟", role=Role.cadre.value, unit_id=unit.id, active=True, wecom_userid=CADRE),
            Person(name="李娜", role=Role.grid_worker.value, unit_id=unit.id, active=True, wecom_userid=WORKER),
            Group(name="安居社区工作群", channel="console", address="group:安居社区", audience={"units": [unit.id]}),
        ])


@dataclass
class Rig:
    app: App
    fake: FakeAibot
    plugin: Any  # bot.channels.wecom_bot.plugin.WecomBotPlugin

    @property
    def channel(self):
        return self.plugin.channel

    def person(self, name: str) -> Person:
        with self.app.sessions() as session:
            return session.scalars(select(Person).where(Person.name == name)).one()

    def rows(self) -> list[OutboundMessage]:
        with self.app.sessions() as session:
            query = select(OutboundMessage).where(OutboundMessage.channel == "wecom_bot").order_by(OutboundMessage.id)
            return list(session.scalars(query))


async def until(condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    """Wait for something the plugin does on its own threads (a stored row), checking every 20 ms."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def bot_config(db_url: str, fake: FakeAibot, **sections: Any):
    wecom_bot = fake.config_section(**sections.pop("wecom_bot", {}))
    return make_config(db_url, wecom_bot=wecom_bot, **sections)


@contextlib.asynccontextmanager
async def running(
    db_url: str,
    clock: ManualClock,
    tmp_path: Path,
    fake: FakeAibot,
    *,
    street: Callable[[App], None] | None = small_street,
    deliver: bool = True,
    subscribe: bool = True,
    config: dict[str, Any] | None = None,
    **timing: Any,
) -> AsyncIterator[Rig]:
    """`gridbot serve` with only the AI bot: plugin and delivery worker on this event loop."""
    from bot.channels.wecom_bot import make_plugin

    app = build_app(bot_config(db_url, fake, **(config or {})), clock=clock)
    if street is not None:
        street(app)
    plugin = make_plugin(app)
    assert plugin is not None
    plugin.media_dir = tmp_path / "bot-media"
    for key, value in {**FAST, **timing}.items():
        setattr(plugin.channel, key, value)
    worker = DeliveryWorker(app, interval=0.05) if deliver else None
    if worker is not None:
        await worker.start()
    before = fake.subscribes
    await plugin.start()
    try:
        if subscribe:
            await fake.wait_subscribed(before + 1)
            await until(plugin.channel.up.is_set, what="the channel to see its subscription")
        yield Rig(app, fake, plugin)
    finally:
        await plugin.stop()
        if worker is not None:
            await worker.stop()
        app.engine.dispose()


@contextlib.asynccontextmanager
async def fake_service(**knobs: Any) -> AsyncIterator[FakeAibot]:
    fake = await FakeAibot().start()
    for key, value in knobs.items():
        setattr(fake, key, value)
    try:
        yield fake
    finally:
        await fake.stop()


def run(scenario) -> None:
    asyncio.run(asyncio.wait_for(scenario, 60))
