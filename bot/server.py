"""`gridbot serve`: the ASGI app (health, channels' endpoints, dashboard) and the background work.

The WeCom channel and each capability's `server` hook (bot.capability) plug in here: each takes
the App and returns a plugin (or None when it is not configured). A plugin may contribute routes
and runs start()/stop() inside the server's lifespan.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
import socket
from collections.abc import AsyncIterator
from typing import Protocol

import uvicorn

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

import bot
from bot.app import App
from bot import health
from bot.channels.wecom import make_plugin as wecom_plugin
from bot.channels.wecom_bot import make_plugin as wecom_bot_plugin

log = logging.getLogger(__name__)

# The channels of the core itself; capabilities bring theirs through their descriptors.
CHANNEL_PLUGINS = (wecom_plugin, wecom_bot_plugin)


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
    factories = [*CHANNEL_PLUGINS, *(c.server for c in app.capabilities if c.server is not None)]
    for factory in factories:
        plugin = factory(app)
        if plugin is not None:
            plugins.append(plugin)
    plugins.append(DeliveryWorker(app))
    return plugins


def build_asgi(app: App, plugins: list[Plugin] | None = None) -> Starlette:
    plugins = load_plugins(app) if plugins is None else plugins

    async def healthz(request: Request) -> JSONResponse:
        try:
            code, body = await asyncio.wait_for(asyncio.to_thread(health.check, app), 5)
        except TimeoutError:
            code, body = 503, {"status": "down", "database": "did not answer within 5 s"}
        return JSONResponse({**body, "version": bot.__version__}, status_code=code)

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


class PortBusy(Exception):
    """The address is taken; the message says how to choose another, in Chinese and English."""


def open_listener(host: str, port: int) -> socket.socket:
    """Bind the server's socket before anything else starts, so the address printed is the real one
    (port 0 = any free port) and a taken port is one clear line instead of a traceback."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortBusy(
                f"端口 {port} 已被占用 / port {port} is in use on {host}. "
                f"换一个端口 / pick another: --port {port + 1}，或在配置 [server] port 里改"
                f"（环境变量 GRIDBOT_SERVER__PORT={port + 1}）。"
            ) from None
        raise PortBusy(f"无法在 {host}:{port} 上监听 / cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    return sock


def serve(app: App, listener: socket.socket) -> None:
    asgi = build_asgi(app)
    config = uvicorn.Config(asgi, log_level="info", access_log=False, lifespan="on")
    QuietServer(config).run(sockets=[listener])


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
