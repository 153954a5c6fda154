"""The WeCom server plugin: callback route, background processing of the inbox, outbound channels.

Processing runs `App.handle` (synchronous) on worker threads (bot/channels/wecom/handling.py).
The inbox row is marked done inside the very transaction that stores the handler's changes and its
replies, so a crash leaves either all of it or none of it; at start, rows still pending are
processed. Messages from one person go through one worker, in order.

A freshly acknowledged callback is handed to its worker already parsed: the inbox row is the durable
copy, not the way the message travels, so it is only read back by the sweep (after a crash or a
failed round). A worker takes whatever has queued up and handles it in one trip to its thread:
under load that is one thread hop for many messages instead of two per message.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import mimetypes
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.routing import BaseRoute

from bot.app import App
from bot.channels.wecom import inbox
from bot.channels.wecom.callback import CallbackEndpoint, GroupCommitter
from bot.channels.wecom.channel import WecomAppChannel, WecomAppChatChannel, WecomRobotChannel
from bot.channels.wecom.client import WecomApiError, WecomClient
from bot.channels.wecom.crypto import WecomCrypto
from bot.channels.wecom.failures import describe, record_failure
from bot.channels.wecom.handling import InboxMarker, handle_all
from bot.channels.wecom.inbound import to_incoming
from bot.channels.wecom.models import WecomMedia
from bot.channels.wecom.xmlparse import InboundMessage, parse_message
from bot.db import insert_or_ignore, transaction
from bot.models import Person

log = logging.getLogger(__name__)

# Processed callbacks are remembered this long; WeCom's retries end within seconds. The endpoint refuses
# callbacks older than that (callback.MAX_AGE_SECONDS), so a replay after the purge is not processed again.
KEEP_INBOX = timedelta(days=3)
SWEEP_SECONDS = 60.0
# Messages a worker takes in one trip to its thread; small enough to keep replies prompt.
BATCH = 64


def wecom_user(session: Session, userid: str) -> Person | None:
    """A WeCom sender is the roster person with that UserID."""
    return session.scalar(select(Person).where(Person.wecom_userid == userid))


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
        self.endpoint = CallbackEndpoint(self.crypto, self.config.callback_path, self.committer.store, self._accepted)
        self.people = WecomAppChannel(self.config, self.client, app.clock)
        self.appchat = WecomAppChatChannel(self.config, self.client, app.clock)
        self.robots = WecomRobotChannel(self.config, self.client, app.clock)
        app.register_senders("wecom", wecom_user)
        # WeCom is the sanctioned channel: people are reached there first.
        app.outbound.register(self.people, prefer=True)
        app.outbound.register(self.appchat)
        app.outbound.register(self.robots)
        self.processed = 0
        self._queues: list[asyncio.Queue[tuple[int, InboundMessage | None]]] = []
        self._tasks: list[asyncio.Task] = []
        self._inflight: set[int] = set()
        self._executor: ThreadPoolExecutor | None = None
        self._marker = InboxMarker(app.clock)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sweep_wake: asyncio.Event | None = None

    # --- plugin protocol -----------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        return list(self.endpoint.routes())

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._sweep_wake = asyncio.Event()
        await self.committer.start()
        if not self.process:
            return
        workers = self.config.workers
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wecom-handle")
        self._queues = [asyncio.Queue() for _ in range(workers)]
        self._tasks = [asyncio.create_task(self._work(q), name=f"wecom-worker-{i}")
                       for i, q in enumerate(self._queues)]
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
        await self.client.aclose()

    # --- processing ----------------------------------------------------------------------

    def _notify(self, inbox_id: int, from_user: str, message: InboundMessage | None = None) -> None:
        """Queue a stored callback for its sender's worker; `message` is None when it must be read back."""
        if not self._queues or inbox_id in self._inflight:
            return
        self._inflight.add(inbox_id)
        shard = int(hashlib.blake2s(from_user.encode(), digest_size=4).hexdigest(), 16) % len(self._queues)
        self._queues[shard].put_nowait((inbox_id, message))

    def _accepted(self, inbox_id: int, message: InboundMessage) -> None:
        self._notify(inbox_id, message.from_user, message)

    def sweep_soon(self) -> None:
        """Run the sweep now rather than at its next time (safe from any thread)."""
        if self._loop is not None and self._sweep_wake is not None:
            self._loop.call_soon_threadsafe(self._sweep_wake.set)

    async def _sweep(self) -> None:
        """Pick up rows left pending (at start: a crash after the ack; later: a failed try whose pause is over)."""
        assert self._sweep_wake is not None
        while True:
            wait = SWEEP_SECONDS
            try:
                now = self.app.clock.now()
                for inbox_id, from_user in await asyncio.to_thread(inbox.pending, self.app.sessions, now=now):
                    self._notify(inbox_id, from_user)
                await asyncio.to_thread(inbox.purge, self.app.sessions, now - KEEP_INBOX)
                retry = await asyncio.to_thread(inbox.next_retry, self.app.sessions, now)
                if retry is not None:
                    wait = min(SWEEP_SECONDS, max(1.0, (retry - now).total_seconds()))
            except Exception:  # noqa: BLE001 - try again next sweep
                log.exception("WeCom inbox sweep failed")
            try:
                await asyncio.wait_for(self._sweep_wake.wait(), wait)
            except TimeoutError:
                pass
            self._sweep_wake.clear()

    async def _work(self, queue: asyncio.Queue[tuple[int, InboundMessage | None]]) -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < BATCH and not queue.empty():
                batch.append(queue.get_nowait())
            try:
                await self._process(batch)
            except Exception:  # noqa: BLE001 - left pending; the sweep offers them again
                log.exception("WeCom messages %s could not be processed", [i for i, _ in batch])
            finally:
                for inbox_id, _ in batch:
                    self._inflight.discard(inbox_id)

    async def _process(self, batch: list[tuple[int, InboundMessage | None]]) -> None:
        swept = [inbox_id for inbox_id, message in batch if message is None]
        xml = await asyncio.to_thread(inbox.load_pending, self.app.sessions, swept) if swept else {}
        work = []
        for inbox_id, message in batch:
            # One message that cannot even be read is set aside on its own: the rest of the batch goes on.
            try:
                if message is None:
                    if inbox_id not in xml:
                        continue  # done meanwhile (another round or another instance)
                    message = parse_message(xml[inbox_id])
                media_path = None
                if message.msg_type == "image" and message.get("MediaId"):
                    media_path = await self._fetch_media(message.get("MediaId"))
                work.append((inbox_id, to_incoming(message, self.config.menu, media_path)))
            except Exception as exc:  # noqa: BLE001 - a stored message that does not read will never read
                log.warning("WeCom message %s cannot be read: %s", inbox_id, describe(exc))
                await asyncio.to_thread(record_failure, self.app, inbox_id, describe(exc), True)
        if not work:
            return
        assert self._loop is not None
        self.processed += await self._loop.run_in_executor(self._executor, handle_all, self.app, self._marker, work)

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
        try:
            return await asyncio.to_thread(self._save_media, media_id, media)
        except Exception as exc:  # noqa: BLE001 - a full or unwritable folder must not cost the person an answer
            log.error("could not store a WeCom image under %s (%s); the message is answered without it",
                      self.data_dir, describe(exc))
            return None

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
            session.execute(
                insert_or_ignore(session, WecomMedia, ["media_id"])
                .values(media_id=media_id[:255], path=str(path), content_type=media.content_type[:100],
                        size=len(media.content), sha256=digest, fetched_at=now)
            )
        return str(path)
