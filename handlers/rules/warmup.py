"""Readies the rules index and its doubt model (outcomes.py) when the server starts, in a worker thread,
so the first cadre to ask a rules question does not wait for them to be built and fitted."""

from __future__ import annotations

import asyncio
import logging

from starlette.routing import BaseRoute

from bot.app import App
from handlers.rules.kb import index_for

log = logging.getLogger(__name__)


class RulesWarmup:
    def __init__(self, app: App) -> None:
        self._app = app
        self._task: asyncio.Task | None = None

    def routes(self) -> list[BaseRoute]:
        return []

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(asyncio.to_thread(self._warm))

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            # The thread cannot be interrupted; it finishes on its own and nothing waits for it.
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
