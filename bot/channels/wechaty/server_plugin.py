"""Runs the WeChat channel inside `gridbot serve` as one supervised background task."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.routing import BaseRoute

from bot.app import App
from bot.channels.wechaty.channel import WechatyChannel

log = logging.getLogger(__name__)


class WechatyPlugin:
    def __init__(self, app: App, *, ding_interval: float = 60.0) -> None:
        self.app = app
        self.channel = WechatyChannel(app, app.config.wechaty, ding_interval=ding_interval)
        # A person reachable on WeChat is reached there rather than on the local console.
        app.outbound.register(self.channel, prefer=True)
        self._task: asyncio.Task | None = None

    def routes(self) -> list[BaseRoute]:
        return []

    async def start(self) -> None:
        self._task = asyncio.create_task(self.channel.run(), name="wechaty-channel")
        self._task.add_done_callback(_report_end)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.channel.cancel_pending()


def _report_end(task: asyncio.Task) -> None:
    # run() only ends by cancellation; anything else is a bug worth a loud line, not a dead server.
    if not task.cancelled() and task.exception() is not None:
        log.error("wechaty: the channel stopped", exc_info=task.exception())
