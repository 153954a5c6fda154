"""`gridbot serve`: the ASGI app (health, channels' endpoints, dashboard) and the background work.

Capabilities plug in through PLUGINS: each entry is "module:function", the function takes the App
and returns a plugin (or None when that capability is not configured). A plugin may contribute
routes and runs start()/stop() inside the server's lifespan.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import signal
from collections.abc import AsyncIterator
from typing import Protocol

import uvicorn

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

import bot
from bot.app import App
from bot.db import database_status

log = logging.getLogger(__name__)

PLUGINS: tuple[str, ...] = (
    "bot.channels.wecom:make_plugin",
    "scheduler.service:make_plugin",
    "bot.channels.wechaty:plugin",
    "bot.channels.wecom_bot:make_plugin",
    "dash.web:plugin",
)


class Plugin(Protocol):
    def routes(self) -> list[BaseRoute]: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class DeliveryWorker:
    """Sends pending outbox rows: woken by every commit that wrote some, and every few seconds anyway."""

    def __init__(self, app: App, interval: float = 2.0) -> None:
        self.app = app
        self.interval = interval
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._stopping = False

    def routes(self) -> list[BaseRoute]:
        return []

    def notify(self, rows) -> None:
        if self._loop is None or self._wake is None:
            return
        if any(r.status == "pending" for r in rows):
            self._loop.call_soon_threadsafe(self._wake.set)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self.app.after_commit.append(self.notify)
        self._task = asyncio.create_task(self._run(), name="outbox-delivery")

    async def _run(self) -> None:
        assert self._wake is not None
        while not self._stopping:
            try:
                async with asyncio.timeout(self.interval):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()
            if self._stopping:
                break
            try:
                while await self.app.outbound.deliver() > 0 and not self._stopping:
                    pass
            except Exception:  # noqa: BLE001 - the worker must outlive one bad round
                log.exception("outbox delivery round failed")

    async def stop(self) -> None:
        if self.notify in self.app.after_commit:
            self.app.after_commit.remove(self.notify)
        if self._task is None:
            return
        # A flag, not only a cancel: on Python 3.11 a cancel that meets a wake-up can be swallowed.
        self._stopping = True
        if self._wake is not None:
            self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=10)
        except (TimeoutError, asyncio.CancelledError):
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def load_plugins(app: App) -> list[Plugin]:
    plugins: list[Plugin] = []
    for spec in PLUGINS:
        module, function = spec.split(":")
        plugin = getattr(importlib.import_module(module), function)(app)
        if plugin is not None:
            plugins.append(plugin)
    plugins.append(DeliveryWorker(app))
    return plugins


def build_asgi(app: App, plugins: list[Plugin] | None = None) -> Starlette:
    plugins = load_plugins(app) if plugins is None else plugins

    async def healthz(request: Request) -> JSONResponse:
        status = await asyncio.to_thread(database_status, app.engine)
        return JSONResponse({"status": "ok" if status == "ok" else "degraded", "version": bot.__version__, "database": status},
                            status_code=200)

    routes: list[BaseRoute] = [Route("/healthz", healthz)]
    for plugin in plugins:
        routes.extend(plugin.routes())

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        started: list[Plugin] = []
        try:
            for plugin in plugins:
                await plugin.start()
                started.append(plugin)
            yield
        finally:
            for plugin in reversed(started):
                try:
                    await plugin.stop()
                except Exception:  # noqa: BLE001 - stop the others regardless
                    log.exception("plugin %s failed to stop", type(plugin).__name__)

    asgi = Starlette(routes=routes, lifespan=lifespan)
    asgi.state.gridbot = app
    return asgi


def serve(app: App, host: str | None = None, port: int | None = None) -> None:
    asgi = build_asgi(app)
    config = uvicorn.Config(
        asgi,
        host=host or app.config.server.host,
        port=app.config.server.port if port is None else port,
        log_level="info",
        access_log=False,
        lifespan="on",
    )
    QuietServer(config).run()


class QuietServer(uvicorn.Server):
    """On SIGINT/SIGTERM: stop accepting, finish requests, run the lifespan's shutdown, exit 0.

    Stock uvicorn re-raises the signal after a graceful shutdown, so the process would end as
    "killed"; an operator's clean stop should look clean.
    """

    @contextlib.contextmanager
    def capture_signals(self):
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
