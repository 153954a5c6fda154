"""The personal-WeChat channel: a supervised connection to a Wechaty puppet service.

The client (`PuppetService.start()`) opens the event stream and returns or raises when it ends;
it has no reconnect. `run()` wraps it: it reconnects with capped exponential backoff, pings the
service with Ding so a silent dead connection is noticed, and never lets a failure escape to the
rest of the server. Replies and pushes reach WeChat through `send()`, called by the delivery
worker for outbox rows whose channel is "wechaty".
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import OrderedDict
from collections.abc import Awaitable
from typing import Any, TypeVar

from grpclib.const import Status
from grpclib.exceptions import GRPCError, StreamTerminatedError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels import SendResult
from bot.channels.wechaty.inbound import CHANNEL, SeenIds, to_incoming, with_mention
from bot.channels.wechaty.loader import load_client, mask_tokens
from bot.config import WechatyConfig
from bot.message import Incoming
from bot.models import Identity, OutboundMessage, Person

from bot.app import App, identity_sender

log = logging.getLogger(__name__)
T = TypeVar("T")

# What the client's remapped payload calls a text message (the service itself sends 7).
TEXT = "MESSAGE_TYPE_TEXT"
# gRPC answers that will not change by sending the same row again.
FINAL = frozenset({Status.INVALID_ARGUMENT, Status.NOT_FOUND, Status.PERMISSION_DENIED, Status.UNIMPLEMENTED})
# Outbox keys of messages this process sent; WeChat has no duplicate check, so the channel remembers.
SENT_KEYS = 10_000

ONLY_TEXT = "我暂时只看得懂文字消息，请打字发给我。发「帮助」看我能做什么。"


def unbound_text(street: str, contact: str) -> str:
    return (
        f"您好，这个微信还没有绑定到{street}的花名册。\n"
        "请向管理员要一个6位绑定码，然后发给我：绑定 123456\n"
        f"还没登记的同事，请先联系{contact}登记。"
    )


class WechatyChannel:
    name = CHANNEL
    immediate = False

    def __init__(self, app: App, settings: WechatyConfig, *, ding_interval: float = 60.0) -> None:
        self.app = app
        self.settings = settings
        self.ding_interval = ding_interval
        street = app.config.street
        app.register_senders(CHANNEL, identity_sender(CHANNEL), unbound_text(street.name, street.registration_contact))
        self.client = load_client(settings.cache_dir or None)
        self._token = settings.token.get_secret_value()
        mask_tokens(self._token)
        self._puppet: Any = None
        self.self_id: str | None = None
        self.self_name = ""
        self.up = asyncio.Event()  # set while a stream is open and the bot is logged in
        self.connects = 0  # streams opened since start: a reconnect shows here
        self.last_error: str | None = None  # why it is not connected now (None once logged in)
        self.last_disconnect: str | None = None  # why the last connection ended
        self._seen = SeenIds()
        self._sent: OrderedDict[str, str | None] = OrderedDict()
        self.messages_done = 0  # message events fully dealt with (answered, ignored or failed)
        self._tasks: set[asyncio.Task] = set()
        self._opened_now = False

    # --- the Outbound channel --------------------------------------------------------------

    def address_for(self, session: Session, person: Person) -> str | None:
        return session.scalar(select(Identity.external_id).where(Identity.person_id == person.id, Identity.channel == CHANNEL))

    async def send(self, message: OutboundMessage) -> SendResult:
        key = message.dedupe_key
        if key is not None and key in self._sent:
            # Offered again though it went out (its result was not recorded): do not send it twice.
            return SendResult(ok=True, external_id=self._sent[key])
        puppet = self._puppet
        if puppet is None or not self.up.is_set():
            return SendResult(ok=False, error="WeChat is not connected", retryable=True)
        text, mention_ids = message.text, None
        payload = message.payload or {}
        mention = payload.get("mention")
        if mention and mention != message.target:
            # A room reply: the visible @name is ours to write; mention_ids makes WeChat notify.
            name = await self._display_name(puppet, mention) or payload.get("mention_name", "")
            text, mention_ids = with_mention(text, name), [mention]
        try:
            sent_id = await self._call(puppet.message_send_text(message.target, text, mention_ids))
        except GRPCError as exc:
            return SendResult(ok=False, error=f"gRPC {exc.status.name}: {exc.message}", retryable=exc.status not in FINAL)
        except (OSError, asyncio.TimeoutError, StreamTerminatedError) as exc:
            return SendResult(ok=False, error=self._describe(exc), retryable=True)
        if key is not None:
            self._sent[key] = sent_id or None
            while len(self._sent) > SENT_KEYS:
                self._sent.popitem(last=False)
        return SendResult(ok=True, external_id=sent_id or None)

    def emit(self, message: OutboundMessage) -> None:  # not an immediate channel
        raise NotImplementedError

    async def _display_name(self, puppet: Any, contact_id: str) -> str:
        try:
            contact = await self._call(puppet.contact_payload(contact_id))
        except Exception:  # noqa: BLE001 - the roster name is a fine fallback
            return ""
        return contact.name or ""

    # --- the connection ---------------------------------------------------------------------

    async def run(self) -> None:
        """Stay connected until cancelled; every failure is logged and followed by a later retry."""
        low, high = self.settings.reconnect_min_seconds, self.settings.reconnect_max_seconds
        delay = low
        while True:
            opened_before = self.connects
            try:
                reason = await self._connect_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the supervisor must outlive any failure
                reason = self._describe(exc)
                if not isinstance(exc, (OSError, GRPCError, StreamTerminatedError, asyncio.TimeoutError)):
                    log.warning("wechaty: unexpected %s", type(exc).__name__, exc_info=True)
            self.last_error = self.last_disconnect = reason
            if self.connects > opened_before:
                delay = low  # it was working: the first retry comes quickly
            wait = delay * random.uniform(0.8, 1.0)
            log.warning("wechaty: %s; reconnecting in %.1f s", reason, wait)
            await asyncio.sleep(wait)
            delay = min(delay * 2, high)

    async def _connect_once(self) -> str:
        await self._reachable()
        client = self.client
        puppet = client.PuppetService(client.PuppetOptions(token=self._token, end_point=self.settings.endpoint))
        puppet.on("heartbeat", lambda _payload: self._opened())
        puppet.on("login", lambda payload: self._guard(self._on_login, puppet, payload.contact_id))
        puppet.on("logout", lambda _payload: self._guard(self._on_logout))
        puppet.on("message", lambda payload: self._guard(self._on_message, puppet, payload.message_id))
        puppet.on("error", lambda payload: log.warning("wechaty: the service reported an error: %s", _error_text(payload)))
        self._puppet = puppet
        stream = asyncio.create_task(puppet.start(), name="wechaty-stream")
        watchdog = asyncio.create_task(self._watchdog(puppet), name="wechaty-watchdog")
        try:
            done, _ = await asyncio.wait({stream, watchdog}, return_when=asyncio.FIRST_COMPLETED)
            if stream in done:
                stream.result()  # raises what ended the stream
                return "the event stream ended"
            return watchdog.result()
        finally:
            self.up.clear()
            self._puppet = None
            self._opened_now = False
            for task in (stream, watchdog):
                task.cancel()
            await asyncio.gather(stream, watchdog, return_exceptions=True)
            _close_quietly(puppet)

    async def _reachable(self) -> None:
        # The client checks the endpoint with a blocking connect; a quick async one first keeps a
        # dead address from stalling the server's event loop.
        host, _, port = self.settings.endpoint.rpartition(":")
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), self.settings.rpc_timeout_seconds)
        except (OSError, asyncio.TimeoutError) as exc:
            raise ConnectionError(f"cannot reach the puppet service at {self.settings.endpoint}: {_os_reason(exc)}") from None
        writer.close()

    async def _watchdog(self, puppet: Any) -> str:
        while True:
            await asyncio.sleep(self.ding_interval)
            try:
                await asyncio.wait_for(puppet.ding("gridbot"), self.settings.rpc_timeout_seconds)
            except Exception as exc:  # noqa: BLE001 - any failure means the connection is gone
                return f"the service stopped answering Ding ({self._describe(exc)})"

    def _opened(self) -> None:
        # The service sends a heartbeat first on every new stream, then a login if logged in.
        if not self._opened_now:
            self._opened_now = True
            self.connects += 1
            log.info("wechaty: event stream open (%s)", self.settings.endpoint)

    async def _on_login(self, puppet: Any, contact_id: str) -> None:
        self._opened()
        self.self_id = contact_id
        try:
            self.self_name = (await self._call(puppet.contact_payload(contact_id))).name or ""
        except Exception:  # noqa: BLE001 - the configured bot_name still serves for @ detection
            self.self_name = ""
        self.last_error = None
        self.up.set()
        log.info("wechaty: logged in")

    async def _on_logout(self) -> None:
        self.up.clear()
        log.warning("wechaty: the WeChat account logged out; scan the QR code on the gateway to log in again")

    # --- incoming messages ------------------------------------------------------------------

    async def _on_message(self, puppet: Any, message_id: str) -> None:
        try:
            await self._message(puppet, message_id)
        finally:
            self.messages_done += 1

    async def _message(self, puppet: Any, message_id: str) -> None:
        if not self._seen.add(message_id):
            return
        try:
            payload = await self._call(puppet.message_payload(message_id))
        except IndexError:
            # The client cannot map newer message types (16 post, 18 system): nothing to answer.
            log.debug("wechaty: skipped message %s of a type the client does not know", message_id)
            return
        talker = payload.from_id
        if not talker or talker in {self.self_id, puppet.login_user_id}:
            return
        if getattr(payload.type, "name", None) != TEXT:
            if not payload.room_id:
                incoming = self._incoming(payload, "")
                await asyncio.to_thread(self.app.answer, incoming, ONLY_TEXT)
            return
        incoming = self._incoming(payload, payload.text or "")
        # The core decides: room chatter not meant for the bot is ignored, strangers are told how to bind.
        await asyncio.to_thread(self.app.handle, incoming)

    def _incoming(self, payload: Any, text: str) -> Incoming:
        return to_incoming(
            message_id=payload.id,
            talker_id=payload.from_id,
            room_id=payload.room_id or "",
            text=text,
            mention_ids=payload.mention_ids or (),
            self_id=self.self_id,
            names=(self.settings.bot_name, self.self_name),
            now=self.app.clock.now(),
        )

    # --- helpers ----------------------------------------------------------------------------

    def _guard(self, handler, *args) -> None:
        # pyee runs listeners inside the client's stream loop: an exception there would end the stream.
        task = asyncio.ensure_future(handler(*args))
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            log.error("wechaty: handling an event failed: %s", self._describe(exc), exc_info=exc)

    async def _call(self, call: Awaitable[T]) -> T:
        return await asyncio.wait_for(call, self.settings.rpc_timeout_seconds)

    async def cancel_pending(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _describe(self, exc: BaseException) -> str:
        if isinstance(exc, GRPCError):
            if exc.status == Status.UNAUTHENTICATED:
                text = "the puppet service rejected the token (check [wechaty] token)"
            else:
                text = f"gRPC {exc.status.name}: {exc.message or ''}".strip()
        elif isinstance(exc, StreamTerminatedError):
            text = f"the connection was closed ({exc})"
        elif isinstance(exc, asyncio.TimeoutError):
            text = f"no answer within {self.settings.rpc_timeout_seconds:g} s"
        elif isinstance(exc, OSError):
            text = str(exc) or type(exc).__name__
        else:
            text = f"{type(exc).__name__}: {exc}"
        return text.replace(self._token, "***") if self._token else text

    def status(self) -> dict[str, Any]:
        return {
            "up": self.up.is_set(),
            "connects": self.connects,
            "last_error": self.last_error,
            "last_disconnect": self.last_disconnect,
        }


def _close_quietly(puppet: Any) -> None:
    # Dropping the HTTP/2 connection is enough: Stop would stop the account on the gateway,
    # and start() sends Stop+Start again on the next connect anyway.
    channel = getattr(puppet, "channel", None)
    if channel is not None:
        channel.close()
        puppet.channel = None
    puppet._event_stream.remove_all_listeners()  # noqa: SLF001 - no public way to drop them


def _error_text(payload: Any) -> str:
    return str(getattr(payload, "data", payload))[:200]


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, asyncio.TimeoutError):
        return "timed out"
    return getattr(exc, "strerror", None) or type(exc).__name__
