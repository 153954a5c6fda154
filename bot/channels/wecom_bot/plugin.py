"""The AI bot inside `gridbot serve`: the supervised connection, and the inbox workers behind it.

A callback is written to the inbox (once per msgid) as it arrives, then handed to a worker: files
are fetched at once (their URLs last 5 minutes), and the message runs through `App.handle` on a
worker thread. The inbox row is marked done inside the transaction that stores the handler's
changes and its replies, so a crash leaves all of it or none of it; rows still pending at start
are handled then. One person's messages go through one worker, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from starlette.routing import BaseRoute

from bot.app import AlreadyHandled, App
from bot.channels.wecom_bot import inbox, media
from bot.channels.wecom_bot.channel import WecomBotChannel
from bot.channels.wecom_bot.inbound import CHANNEL, media_of, sender_of, to_incoming
from bot.db import transaction
from bot.locks import AdvisoryLock, advisory_key
from bot.message import Incoming, Kind, Reply

log = logging.getLogger(__name__)

# Handled callbacks are remembered this long: the service may repeat a msgid, not days later.
KEEP_INBOX = timedelta(days=3)
# pg_try_advisory_lock key of "the instance that holds the AI bot's connection" (63 bits, stable).
CONNECTION_LOCK_KEY = advisory_key("gridbot-wecom-bot-connection")
BATCH = 32

UNSUPPORTED = "这类消息我还看不懂。请发文字、语音、图片或文件；发「帮助」看我能做什么。"
MEDIA_LOST = "这个{noun}没能收下（下载失败或链接已过期），请重新发送一次。"

class WecomBotPlugin:
    def __init__(
        self,
        app: App,
        *,
        workers: int = 2,
        sweep_seconds: float = 60.0,
        media_dir: str | Path | None = None,
        **timing: float,
    ) -> None:
        """`timing` goes to the channel (ping_interval, ack_timeout, reconnect_min, reconnect_max,
        kicked_delay, …): tests make them short instead of waiting."""
        self.app = app
        self.channel = WecomBotChannel(app.config.wecom_bot, app.clock, **timing)
        # bot/app.py registered a sender for this channel in every process; serve's one connects.
        if CHANNEL in app.outbound.channels:
            app.outbound.channels[CHANNEL] = self.channel
        else:
            app.outbound.register(self.channel, prefer=True)
        self.channel.on_callback = self.received
        self.workers = workers
        self.sweep_seconds = sweep_seconds
        self.media_dir = Path(media_dir) if media_dir else Path(app.config.wecom.data_dir) / "bot-media"
        self.handled = 0
        self._queues: list[asyncio.Queue[tuple[int, inbox.Item | None]]] = []
        self._tasks: list[asyncio.Task] = []
        self._inflight: set[int] = set()
        self._executor: ThreadPoolExecutor | None = None
        self._http: Any = None
        self._lock: Any = None
        if app.engine.dialect.name == "postgresql":
            # Several instances may serve one street; the bot has one connection: the instance
            # holding this advisory lock connects, the others stand by and take over if it dies.
            self._lock = AdvisoryLock(app, key=CONNECTION_LOCK_KEY, what="AI bot connection")
            self.channel.may_connect = lambda: asyncio.to_thread(self._lock.acquire)

    # --- plugin protocol ------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        return []

    async def start(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="wecom-bot-handle")
        self._queues = [asyncio.Queue() for _ in range(self.workers)]
        self._tasks = [asyncio.create_task(self._work(q), name=f"wecom-bot-worker-{i}") for i, q in enumerate(self._queues)]
        self._tasks.append(asyncio.create_task(self._sweep(), name="wecom-bot-sweep"))
        connection = asyncio.create_task(self.channel.run(), name="wecom-bot-connection")
        connection.add_done_callback(_report_end)
        self._tasks.append(connection)

    async def stop(self) -> None:
        for task in reversed(self._tasks):
            task.cancel()
        for task in reversed(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        if self._lock is not None:
            await asyncio.to_thread(self._lock.release)
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    # --- receiving ------------------------------------------------------------------------------

    async def received(self, req_id: str, body: dict[str, Any]) -> None:
        """Store a callback, then queue it, unless its msgid was handled already."""
        msgid = str(body.get("msgid") or "") or f"req:{req_id}"
        stored = await asyncio.to_thread(inbox.store, self.app.sessions, msgid, req_id, body, self.app.clock.now())
        if not stored.pending:
            log.info("wecom_bot: message %s came again and was answered before; not handled twice", msgid)
            return
        item = inbox.Item(stored.inbox_id, req_id, body) if stored.new else None
        self._notify(stored.inbox_id, sender_of(body), item)

    def _notify(self, inbox_id: int, sender: str, item: inbox.Item | None) -> None:
        """Queue a stored callback for its sender's worker; `item` None means read it back first."""
        if not self._queues or inbox_id in self._inflight:
            return
        self._inflight.add(inbox_id)
        shard = int(hashlib.blake2s(sender.encode(), digest_size=4).hexdigest(), 16) % len(self._queues)
        self._queues[shard].put_nowait((inbox_id, item))

    async def _sweep(self) -> None:
        """Pick up rows left pending (at start: a crash before handling; later: a failed round)."""
        while True:
            try:
                for inbox_id, sender in await asyncio.to_thread(inbox.pending, self.app.sessions):
                    self._notify(inbox_id, sender, None)
                await asyncio.to_thread(inbox.purge, self.app.sessions, self.app.clock.now() - KEEP_INBOX)
            except Exception:  # noqa: BLE001 - try again next sweep
                log.exception("wecom_bot: inbox sweep failed")
            await asyncio.sleep(self.sweep_seconds)

    async def _work(self, queue: asyncio.Queue[tuple[int, inbox.Item | None]]) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < BATCH and not queue.empty():
                batch.append(queue.get_nowait())
            try:
                await self._process(batch)
            except Exception:  # noqa: BLE001 - left pending; the sweep offers them again
                log.exception("wecom_bot: messages %s could not be handled", [i for i, _ in batch])
            finally:
                for inbox_id, _ in batch:
                    self._inflight.discard(inbox_id)

    async def _process(self, batch: list[tuple[int, inbox.Item | None]]) -> None:
        swept = [inbox_id for inbox_id, item in batch if item is None]
        loaded = {i.inbox_id: i for i in await asyncio.to_thread(inbox.load, self.app.sessions, swept)} if swept else {}
        work: list[tuple[int, Incoming, str | None]] = []
        for inbox_id, item in batch:
            item = item or loaded.get(inbox_id)
            if item is None:
                continue  # handled meanwhile
            saved = await self._fetch_media(item)
            incoming = to_incoming(item.body, item.req_id, self.app.clock.now(), saved)
            work.append((inbox_id, incoming, _hint_for(incoming, item.body, saved)))
        if work:
            loop = asyncio.get_running_loop()
            self.handled += await loop.run_in_executor(self._executor, self._handle_all, work)

    def _handle_all(self, work: list[tuple[int, Incoming, str | None]]) -> int:
        """Each message in its own transaction, in order (on a worker thread)."""
        done = 0
        for inbox_id, incoming, hint in work:
            mark_done = inbox.done_marker(inbox_id, self.app.clock.now)
            try:
                if hint is not None:
                    self._hint(incoming, hint, mark_done)
                else:
                    self.app.handle(incoming, on_commit=mark_done)
                done += 1
            except Exception:  # noqa: BLE001 - left pending for the sweep; the others still go
                log.exception("wecom_bot: message %s could not be handled", incoming.message_id)
        return done

    def _hint(self, incoming: Incoming, text: str, mark_done: Callable[[Session], None]) -> None:
        """A message the bot cannot take (a video, a file it could not fetch): say so, in the
        transaction that marks it done."""
        try:
            with transaction(self.app.sessions) as session:
                rows = self.app.outbound.enqueue(session, [Reply(text)], incoming, None)
                mark_done(session)
        except AlreadyHandled:
            return
        for hook in self.app.after_commit:
            hook(rows)

    # --- files ----------------------------------------------------------------------------------

    async def _fetch_media(self, item: inbox.Item) -> dict[str, str]:
        """Fetch and decrypt the message's files now; one that cannot be fetched is left out."""
        refs = media_of(item.body)
        if not refs:
            return {}
        if self._http is None:
            import httpx

            self._http = httpx.AsyncClient(timeout=30.0, follow_redirects=True)
        saved: dict[str, str] = {}
        msgid = str(item.body.get("msgid") or item.inbox_id)
        for index, ref in enumerate(refs):
            try:
                content = await media.fetch(self._http, ref.url, ref.aeskey)
            except media.MediaError as exc:
                noun = "an image" if ref.kind == "image" else "a file"
                log.warning("wecom_bot: %s in message %s could not be fetched: %s", noun, msgid, exc)
                continue
            saved[ref.url] = await asyncio.to_thread(
                media.save, self.media_dir, msgid, index, ref.kind, content, self.app.clock.now()
            )
        return saved


def _hint_for(incoming: Incoming, body: dict[str, Any], saved: dict[str, str]) -> str | None:
    """What to say instead of handling the message, or None to handle it."""
    if incoming.kind == Kind.event and incoming.event and incoming.event.startswith("message:"):
        return UNSUPPORTED
    # A photo or file that could not be stored is not acknowledged as received.
    if body.get("msgtype") in ("image", "file") and not saved:
        return MEDIA_LOST.format(noun="图片" if body.get("msgtype") == "image" else "文件")
    return None


def _report_end(task: asyncio.Task) -> None:
    # run() only ends by cancellation; anything else is a bug worth a loud line, not a dead server.
    if not task.cancelled() and task.exception() is not None:
        log.error("wecom_bot: the connection supervisor stopped", exc_info=task.exception())
