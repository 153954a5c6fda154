"""Readies the rules index and its doubt model (outcomes.py) soon after the server starts, in a worker
thread, so the first cadre to ask a rules question does not wait some seconds for them to be built and
fitted. It waits a little first: a server stopped at once (a restart, a test) does not build them for nothing."""

from __future__ import annotations

import asyncio
import logging

from starlette.routing import BaseRoute

from bot.app import App
from handlers.rules.kb import index_for

log = logging.getLogger(__name__)
WARM_AFTER_SECONDS = 10.0


class RulesWarmup:
    def __init__(self, app: App, after_seconds: float = WARM_AFTER_SECONDS) -> None:
        self._app = app
        self._after = after_seconds
        self._task: asyncio.Task | None = None

    def routes(self) -> list[BaseRoute]:
        return []

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._warm_later())

    async def _warm_later(self) -> None:
        await asyncio.sleep(self._after)
        await asyncio.to_thread(self._warm)

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            # Cancelled while waiting, nothing was built; a thread already building finishes on its own.
            self._task.cancel()

    def _warm(self) -> None:
        try:
            with self._app.sessions() as session:
                index = index_for(session, self._app.config.rules)
                if index.articles and index.doubts:
                    index.doubt("公务接待可以喝酒吗", index.search("公务接待可以喝酒吗", top_k=2))
        except Exception:  # noqa: BLE001 - a warm-up that fails leaves the work to the first question
            log.warning("rules warm-up failed; the first rules question will build the index", exc_info=True)


def plugin(app: App) -> RulesWarmup:
    return RulesWarmup(app)
