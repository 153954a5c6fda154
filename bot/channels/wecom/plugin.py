"""The WeCom server plugin: callback route, background processing of the inbox, outbound channels.

Processing runs `App.handle` (synchronous) on worker threads. The inbox row is marked done inside
the very transaction that stores the handler's changes and its replies (a session hook keyed by a
context variable), so a crash leaves either all of it or none of it; at start, rows still pending
are processed. Messages from one person go through one worker, in order.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import logging
import mimetypes
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from starlette.routing import BaseRoute

from bot.app import App
from bot.channels.wecom import inbox
from bot.channels.wecom.callback import CallbackEndpoint, GroupCommitter
from bot.channels.wecom.channel import WecomAppChannel, WecomAppChatChannel, WecomRobotChannel
from bot.channels.wecom.client import WecomApiError, WecomClient
from bot.channels.wecom.crypto import WecomCrypto
from bot.channels.wecom.inbound import to_incoming
from bot.channels.wecom.models import InboxStatus, WecomInbox, WecomMedia
from bot.channels.wecom.xmlparse import XmlError, parse_message
from bot.db import transaction

log = logging.getLogger(__name__)

# Processed callbacks are remembered this long; WeCom's retries end within seconds.
KEEP_INBOX = timedelta(days=3)
SWEEP_SECONDS = 60.0

_processing: contextvars.ContextVar[int | None] = contextvars.ContextVar("wecom_inbox_id", default=None)


class WecomPlugin:
    def __init__(self, app: App, client: WecomClient | None = None, process: bool = True) -> None:
        """`process=False` acknowledges and stores callbacks but leaves them pending (ingest only)."""
        self.app = app
        self.config = app.config.wecom
        self.process = process
        self.client = client or WecomClient(self.config, app.sessions, app.clock)
        self.crypto = WecomCrypto(self.config.token.get_secret_value(), self.config.encoding_aes_key.get_secret_value(),
                                  self.config.corp_id)
        self.data_dir = Path(self.config.data_dir)
        self.committer = GroupCommitter(lambda items: inbox.store_many(app.sessions, items, app.clock.now()))
        self.endpoint = CallbackEndpoint(self.crypto, self.config.callback_path, self.committer.store, self._notify)
        self.people = WecomAppChannel(self.config, self.client, app.clock)
        self.appchat = WecomAppChatChannel(self.config, self.client, app.clock)
        self.robots = WecomRobotChannel(self.config, self.client, app.clock)
        # WeCom is the sanctioned channel: people are reached there first.
        app.outbound.register(self.people, prefer=True)
        app.outbound.register(self.appchat)
        app.outbound.register(self.robots)
        self.processed = 0
        self._queues: list[asyncio.Queue[int]] = []
        self._tasks: list[asyncio.Task] = []
        self._inflight: set[int] = set()
        self._executor: ThreadPoolExecutor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # --- plugin protocol -----------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        return list(self.endpoint.routes())

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        await self.committer.start()
        if not self.process:
            return
        event.listen(self.app.sessions, "before_commit", self._mark_done)
        workers = self.config.workers
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wecom-handle")
        self._queues = [asyncio.Queue() for _ in range(workers)]
        self._tasks = [asyncio.create_task(self._work(q), name=f"wecom-worker-{i}") for i, q in enumerate(self._queues)]
        self._tasks.append(asyncio.create_task(self._sweep(), name="wecom-inbox-sweep"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except asyncio.CancelledError:
                pass
        self._tasks = []
        await self.committer.stop()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        if event.contains(self.app.sessions, "before_commit", self._mark_done):
            event.remove(self.app.sessions, "before_commit", self._mark_done)
        await self.client.aclose()

    # --- processing ----------------------------------------------------------------------

    def _notify(self, inbox_id: int, from_user: str) -> None:
        if not self._queues or inbox_id in self._inflight:
            return
        self._inflight.add(inbox_id)
        shard = int(hashlib.blake2s(from_user.encode(), digest_size=4).hexdigest(), 16) % len(self._queues)
        self._queues[shard].put_nowait(inbox_id)

    async def _sweep(self) -> None:
        """Pick up rows left pending (at start: a crash after the ack; later: a failed round)."""
        while True:
            try:
                for inbox_id, from_user in await asyncio.to_thread(inbox.pending, self.app.sessions):
                    self._notify(inbox_id, from_user)
                await asyncio.to_thread(inbox.purge, self.app.sessions, self.app.clock.now() - KEEP_INBOX)
            except Exception:  # noqa: BLE001 - try again next sweep
                log.exception("WeCom inbox sweep failed")
            await asyncio.sleep(SWEEP_SECONDS)

    async def _work(self, queue: asyncio.Queue[int]) -> None:
        while True:
            inbox_id = await queue.get()
            try:
                await self._process(inbox_id)
            except Exception:  # noqa: BLE001 - left pending; the sweep offers it again
                log.exception("WeCom message %s could not be processed", inbox_id)
            finally:
                self._inflight.discard(inbox_id)

    async def _process(self, inbox_id: int) -> None:
        row = await asyncio.to_thread(inbox.load, self.app.sessions, inbox_id)
        if row is None or row.status != InboxStatus.pending.value:
            return
        try:
            message = parse_message(row.xml)
        except XmlError as exc:
            await asyncio.to_thread(inbox.mark_failed, self.app.sessions, inbox_id, str(exc), self.app.clock.now())
            return
        media_path = None
        if message.msg_type == "image" and message.get("MediaId"):
            media_path = await self._fetch_media(message.get("MediaId"))
        incoming = to_incoming(message, self.config.menu, media_path)
        assert self._loop is not None
        await self._loop.run_in_executor(self._executor, self._handle, inbox_id, incoming)
        self.processed += 1

    def _handle(self, inbox_id: int, incoming) -> None:
        token = _processing.set(inbox_id)
        try:
            self.app.handle(incoming)
        finally:
            _processing.reset(token)

    def _mark_done(self, session: Session) -> None:
        inbox_id = _processing.get()
        if inbox_id is None:
            return
        session.execute(
            update(WecomInbox)
            .where(WecomInbox.id == inbox_id, WecomInbox.status == InboxStatus.pending.value)
            .values(status=InboxStatus.done.value, processed_at=self.app.clock.now(), attempts=WecomInbox.attempts + 1)
        )

    # --- media ---------------------------------------------------------------------------

    async def _fetch_media(self, media_id: str) -> str | None:
        """Store the file now: WeCom deletes it after 3 days. A failure leaves the message without a file."""
        known = await asyncio.to_thread(self._known_media, media_id)
        if known is not None:
            return known
        try:
            media = await self.client.get_media(media_id)
        except WecomApiError as exc:
            log.warning("could not fetch a WeCom image: %s", exc)
            return None
        return await asyncio.to_thread(self._save_media, media_id, media)

    def _known_media(self, media_id: str) -> str | None:
        with self.app.sessions() as session:
            return session.scalar(select(WecomMedia.path).where(WecomMedia.media_id == media_id))

    def _save_media(self, media_id: str, media) -> str:
        digest = hashlib.sha256(media.content).hexdigest()
        suffix = Path(media.filename).suffix or mimetypes.guess_extension(media.content_type) or ".bin"
        now = self.app.clock.now()
        folder = self.data_dir / "media" / now.strftime("%Y%m")
        folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^0-9A-Za-z_-]", "_", media_id)[:80]
        path = folder / f"{safe}-{digest[:12]}{suffix[:10]}"
        path.write_bytes(media.content)
        with transaction(self.app.sessions) as session:
            insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[session.get_bind().dialect.name]
            session.execute(
                insert(WecomMedia)
                .values(media_id=media_id[:255], path=str(path), content_type=media.content_type[:100],
                        size=len(media.content), sha256=digest, fetched_at=now)
                .on_conflict_do_nothing(index_elements=["media_id"])
            )
        return str(path)


def wecom_plugin(app: App) -> WecomPlugin | None:
    """Server plugin factory (bot.server.PLUGINS): None unless [wecom] enabled = true."""
    if not app.config.wecom.enabled:
        return None
    return WecomPlugin(app)
