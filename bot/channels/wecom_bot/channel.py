"""The WeCom AI bot (智能机器人) channel: one supervised WebSocket to the service, and the outbox's sender.

Every process registers this channel (bot/app.py), so rows written by the CLI or a job wait as
pending; only `gridbot serve` runs `run()`, which holds the connection and lets the delivery
worker send. A bot has one connection: a second one displaces the first (`disconnected_event`),
which is why nothing but serve ever connects.

`run()` subscribes first, then pings every `ping_interval` seconds; two pings in a row without an
answer mean the connection is dead. After a drop it reconnects with capped exponential backoff.
After `disconnected_event` it waits much longer (`kicked_delay`, doubling), so two processes with
the same BotID do not keep throwing each other off.

Sending: a reply goes out as `aibot_respond_msg` on the req_id of the message it answers, as one
`stream` frame with `finish: true` (never `text`, which is not a reply type); every frame waits for
its acknowledgement before the next on the same req_id. When the service refuses the reply (an
expired or unknown req_id, e.g. after a restart), the same text goes out as `aibot_send_msg`
markdown, so the person still gets an answer. Pushes to groups and people use `aibot_send_msg`.
Each chat gets at most 30 messages a minute and 1,000 an hour (replies and pushes together); what
does not fit waits in the outbox and goes in a later round.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from bot.channels import SendResult
from bot.channels.wecom.pacing import BACKOFF_SECONDS, Pacer
from bot.channels.wecom_bot import frames, render
from bot.channels.wecom_bot.inbound import CHANNEL, MESSAGE_TOKEN, WELCOME_TOKEN
from bot.clock import Clock
from bot.config import WecomBotConfig
from bot.models import OutboundMessage, Person

log = logging.getLogger(__name__)
# The WebSocket library logs every frame at DEBUG, the subscription (with the secret) included:
# its logger is held at INFO whatever the root level is.
_wire_log = logging.getLogger(__name__ + ".wire")
_wire_log.setLevel(logging.INFO)

# Per chat, replies and pushes together.
CHAT_LIMITS = ((30, 60.0), (1000, 3600.0))
CONCURRENT_CHATS = 8
KICKED = "displaced by a newer connection (disconnected_event)"
MAX_FRAME = 4 * 1024 * 1024

OnCallback = Callable[[str, dict[str, Any]], Awaitable[None]]
Result = SendResult | None


class NotConnected(Exception):
    pass


class AckTimeout(Exception):
    pass


class SubscribeRefused(Exception):
    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"errcode {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg

    def explain(self) -> str:
        what = f"errcode {self.errcode}: {self.errmsg or '-'}"
        if self.errcode == frames.FREQUENCY:
            return f"the service refused the subscription as too frequent ({what}); waiting before the next try"
        return (
            f"the service refused the subscription ({what}): check wecom_bot.bot_id and wecom_bot.secret "
            "(or GRIDBOT_WECOM_BOT__SECRET) against the bot's API mode page in the admin console"
        )


class WecomBotChannel:
    name = CHANNEL
    immediate = False

    def __init__(
        self,
        settings: WecomBotConfig,
        clock: Clock,
        *,
        ping_interval: float = 30.0,
        ack_timeout: float = 5.0,
        open_timeout: float = 10.0,
        reconnect_min: float = 1.0,
        reconnect_max: float = 60.0,
        kicked_delay: float = 300.0,
        kicked_max: float = 3600.0,
        standby_interval: float = 20.0,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.ping_interval = ping_interval
        self.ack_timeout = ack_timeout
        self.open_timeout = open_timeout
        self.reconnect_min = reconnect_min
        self.reconnect_max = reconnect_max
        self.kicked_delay = kicked_delay
        self.kicked_max = kicked_max
        self.standby_interval = standby_interval
        # Set by the plugin with several instances on one database: may this one hold the connection?
        self.may_connect: Callable[[], Awaitable[bool]] | None = None
        self.standing_by = False
        self.pacer = Pacer(clock, CHAT_LIMITS)
        # Set by the plugin: stores a message or event callback (req_id, body). Awaited in arrival order.
        self.on_callback: OnCallback | None = None
        self._secret = settings.secret.get_secret_value()
        self._ws: Any = None
        self.up = asyncio.Event()  # set while subscribed
        self.connects = 0  # subscriptions that succeeded since start: a reconnect shows here
        self.attempts = 0  # connections tried
        self.waits: list[float] = []  # the pause chosen after each ended or failed attempt, latest last
        self.last_error: str | None = None
        self.last_disconnect: str | None = None
        self._kicks = 0
        self._waiting: dict[str, asyncio.Future] = {}
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self._dead_tokens: set[str] = set()
        self._gate: asyncio.Semaphore | None = None

    # --- the Outbound channel -------------------------------------------------------------------

    def address_for(self, session: Session, person: Person) -> str | None:
        # The single chat with the bot; the service delivers only to people who have written to it.
        return person.wecom_userid or None

    def emit(self, message: OutboundMessage) -> None:  # not an immediate channel
        raise NotImplementedError

    async def send(self, message: OutboundMessage) -> SendResult:
        result = (await self.send_batch([message]))[0]
        return result if result is not None else SendResult(ok=False, error="waiting: not connected or paced", retryable=True)

    async def send_batch(self, rows: Sequence[OutboundMessage]) -> list[Result]:
        """Send what the connection and each chat's pace allow; None leaves a row pending as it is."""
        results: list[Result] = [None] * len(rows)
        if not self.up.is_set():
            return results  # not connected (or in another process): the rows wait in the outbox
        by_chat: dict[str, list[int]] = {}
        for index, row in enumerate(rows):
            if not row.target:
                results[index] = SendResult(ok=False, error="no chat or WeCom UserID", retryable=False)
            else:
                by_chat.setdefault(row.target, []).append(index)

        async def one_chat(indexes: list[int]) -> None:
            # One chat's messages in order, one at a time; nothing overtakes a message that must wait.
            for index in indexes:
                row = rows[index]
                parts = render.parts(row.text or "")
                if not self.pacer.take(row.target, len(parts)):
                    return
                results[index] = await self._send_row(row, parts)
                if results[index] is None:
                    return

        await asyncio.gather(*(self._limited(one_chat(indexes)) for indexes in by_chat.values()))
        return results

    async def _limited(self, coro: Awaitable[None]) -> None:
        if self._gate is None:
            self._gate = asyncio.Semaphore(CONCURRENT_CHATS)
        async with self._gate:
            await coro

    async def _send_row(self, row: OutboundMessage, parts: list[str]) -> Result:
        payload = row.payload or {}
        token = payload.get("reply_token")
        try:
            if token and token not in self._dead_tokens:
                answered = await self._reply(row, str(token), parts)
                if answered is not None:
                    return answered
            return await self._push(row, parts)
        except NotConnected:
            return None  # the connection went away: the row waits for the next one
        except AckTimeout:
            return SendResult(ok=False, error=f"no acknowledgement within {self.ack_timeout:g} s", retryable=True)

    async def _reply(self, row: OutboundMessage, token: str, parts: list[str]) -> SendResult | None:
        """Answer on the message's req_id; None when the service refused it (the caller sends instead)."""
        if token.startswith(WELCOME_TOKEN):
            req_id = token[len(WELCOME_TOKEN):]
            sends = [frames.welcome_reply(req_id, row.text or "")]
        elif token.startswith(MESSAGE_TOKEN):
            req_id = token[len(MESSAGE_TOKEN):]
            sends = [frames.stream_reply(req_id, f"gridbot-{row.id}-{n}", part) for n, part in enumerate(parts)]
        else:
            return None
        for data in sends:
            ack = await self.request(req_id, data)
            code = frames.errcode_of(ack)
            if code:
                self._dead_tokens.add(token)
                log.warning(
                    "wecom_bot: the service refused a reply to %s (errcode %s: %s); sending it as a new message instead",
                    row.target, code, ack.get("errmsg") or "-",
                )
                return None
        return SendResult(ok=True, external_id=req_id[:128])

    async def _push(self, row: OutboundMessage, parts: list[str]) -> SendResult:
        payload = row.payload or {}
        group = row.group_id is not None or bool(payload.get("mention"))
        name = payload.get("mention_name")
        req_id = ""
        for n, part in enumerate(parts):
            if n == 0 and group and name and payload.get("reply_token"):
                # A reply that lost its thread: say whom it answers.
                part = f"@{name} {part}"
            req_id, data = frames.send_markdown(row.target, 2 if group else 1, part)
            ack = await self.request(req_id, data)
            code = frames.errcode_of(ack)
            if code:
                if code == frames.FREQUENCY:
                    self.pacer.block(row.target, BACKOFF_SECONDS)
                log.warning("wecom_bot: the service refused a message to %s (errcode %s: %s)",
                            row.target, code, ack.get("errmsg") or "-")
                return SendResult(ok=False, error=f"errcode {code}: {ack.get('errmsg') or ''}".strip()[:500],
                                  retryable=code in frames.RETRYABLE)
        return SendResult(ok=True, external_id=req_id[:128] or None)

    # --- frames and their acknowledgements ------------------------------------------------------

    async def request(self, req_id: str, data: str) -> dict[str, Any]:
        """Send a frame on the live connection and wait for its ack; frames on one req_id go one at a time."""
        lock, users = self._locks.get(req_id, (asyncio.Lock(), 0))
        self._locks[req_id] = (lock, users + 1)
        try:
            async with lock:
                ws = self._ws
                if ws is None or not self.up.is_set():
                    raise NotConnected()
                return await self._exchange(ws, req_id, data)
        finally:
            lock, users = self._locks[req_id]
            if users <= 1:
                del self._locks[req_id]
            else:
                self._locks[req_id] = (lock, users - 1)

    async def _exchange(self, ws: Any, req_id: str, data: str) -> dict[str, Any]:
        from websockets.exceptions import ConnectionClosed

        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._waiting[req_id] = future
        try:
            try:
                await ws.send(data)
            except ConnectionClosed:
                raise NotConnected() from None
            try:
                return await asyncio.wait_for(future, self.ack_timeout)
            except TimeoutError:
                raise AckTimeout() from None
        finally:
            if self._waiting.get(req_id) is future:
                del self._waiting[req_id]

    def _acknowledged(self, data: dict[str, Any]) -> None:
        future = self._waiting.pop(frames.req_id_of(data), None)
        if future is not None and not future.done():
            future.set_result(data)

    def _fail_waiting(self) -> None:
        waiting, self._waiting = self._waiting, {}
        for future in waiting.values():
            if not future.done():
                future.set_exception(NotConnected())

    # --- the connection -------------------------------------------------------------------------

    async def run(self) -> None:
        """Stay connected until cancelled; every failure is logged and followed by a later retry."""
        delay = self.reconnect_min
        while True:
            if not await self._turn():
                await asyncio.sleep(self.standby_interval)
                continue
            before = self.connects
            refused: SubscribeRefused | None = None
            try:
                reason = await self._connect_once()
            except asyncio.CancelledError:
                raise
            except SubscribeRefused as exc:
                refused = exc
                reason = exc.explain()
            except Exception as exc:  # noqa: BLE001 - the supervisor must outlive any failure
                reason = self._describe(exc)
            self.last_error = self.last_disconnect = reason
            if self.connects > before:
                delay = self.reconnect_min  # it was working: the first retry comes quickly
            if reason == KICKED:
                self._kicks += 1
                wait = min(self.kicked_delay * 2 ** (self._kicks - 1), self.kicked_max)
                log.warning(
                    "wecom_bot: WeCom handed this bot to a newer connection (disconnected_event). Another "
                    "process is connected with the same wecom_bot.bot_id: a second `gridbot serve`, a copy on "
                    "another machine, or a tool tried with these credentials. A bot has one connection; "
                    "trying again in %.0f s. Stop the other one to end this.",
                    wait,
                )
            else:
                if self.connects > before:
                    self._kicks = 0
                wait = delay * random.uniform(0.8, 1.0)
                if refused is not None and refused.errcode == frames.FREQUENCY:
                    wait = max(wait, min(BACKOFF_SECONDS, self.reconnect_max))
                if refused is not None:
                    # Wrong credentials need a person; a rate limit passes by itself.
                    level = logging.WARNING if refused.errcode == frames.FREQUENCY else logging.ERROR
                    log.log(level, "wecom_bot: %s; retrying in %.1f s", reason, wait)
                else:
                    log.warning("wecom_bot: %s; reconnecting in %.1f s", reason, wait)
                delay = min(delay * 2, self.reconnect_max)
            self.waits.append(wait)
            del self.waits[:-50]
            await asyncio.sleep(wait)

    async def _turn(self) -> bool:
        """Whether this instance is the one to connect (another instance may hold the bot)."""
        if self.may_connect is None:
            return True
        try:
            mine = await self.may_connect()
        except Exception:  # noqa: BLE001 - unsure: stand by rather than displace another instance
            log.warning("wecom_bot: could not tell whether another instance holds the connection", exc_info=True)
            mine = False
        if not mine and not self.standing_by:
            log.info("wecom_bot: another gridbot instance holds the AI bot's connection; standing by "
                     "(checking every %.0f s)", self.standby_interval)
        elif mine and self.standing_by:
            log.info("wecom_bot: taking over the AI bot's connection")
        self.standing_by = not mine
        return mine

    async def _connect_once(self) -> str:
        from websockets.asyncio.client import connect

        self.attempts += 1
        async with connect(
            self.settings.ws_url,
            open_timeout=self.open_timeout,
            ping_interval=None,  # liveness is the protocol's own ping command
            close_timeout=2,
            max_size=MAX_FRAME,
            user_agent_header="gridbot",
            logger=_wire_log,
        ) as ws:
            callbacks: asyncio.Queue = asyncio.Queue()
            reader = asyncio.create_task(self._read(ws, callbacks), name="wecom-bot-reader")
            tasks = [reader]
            try:
                req_id, data = frames.subscribe(self.settings.bot_id, self._secret)
                try:
                    ack = await self._exchange(ws, req_id, data)
                except NotConnected:
                    raise ConnectionError("the service closed the connection before answering the subscription") from None
                except AckTimeout:
                    raise ConnectionError(f"no answer to the subscription within {self.ack_timeout:g} s") from None
                code = frames.errcode_of(ack)
                if code:
                    raise SubscribeRefused(code, str(ack.get("errmsg") or ""))
                self._ws = ws
                self.connects += 1
                self.last_error = None
                self.up.set()
                log.info("wecom_bot: connected and subscribed (%s)", self.settings.ws_url)
                heartbeat = asyncio.create_task(self._heartbeat(ws), name="wecom-bot-heartbeat")
                consumer = asyncio.create_task(self._consume(callbacks), name="wecom-bot-callbacks")
                tasks += [heartbeat, consumer]
                done, _ = await asyncio.wait({reader, heartbeat, consumer}, return_when=asyncio.FIRST_COMPLETED)
                finished = reader if reader in done else heartbeat if heartbeat in done else consumer
                return finished.result()
            finally:
                self.up.clear()
                self._ws = None
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                self._fail_waiting()

    async def _read(self, ws: Any, callbacks: asyncio.Queue) -> str:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in ws:
                data = frames.parse(raw)
                if data is None:
                    log.warning("wecom_bot: ignored a frame that is not a JSON object")
                    continue
                cmd = data.get("cmd")
                if not cmd:
                    self._acknowledged(data)
                elif cmd in (frames.MSG_CALLBACK, frames.EVENT_CALLBACK):
                    body = data.get("body") if isinstance(data.get("body"), dict) else {}
                    if ((body.get("event") or {}).get("eventtype")) == "disconnected_event":
                        # The service sometimes leaves the displaced socket open: close it ourselves.
                        return KICKED
                    callbacks.put_nowait((frames.req_id_of(data), body))
                else:
                    log.info("wecom_bot: ignored a %s frame", str(cmd)[:40])
        except ConnectionClosed as exc:
            return _closed(exc)
        finally:
            self._fail_waiting()
        code = getattr(ws, "close_code", None)
        return f"the service closed the connection (code {code})" if code else "the service closed the connection"

    async def _consume(self, callbacks: asyncio.Queue) -> str:
        """Store callbacks in the order they came, without holding up the reader (acks must flow)."""
        while True:
            req_id, body = await callbacks.get()
            if self.on_callback is None:
                continue
            try:
                await self.on_callback(req_id, body)
            except Exception:  # noqa: BLE001 - one bad callback must not end the connection
                log.exception("wecom_bot: a callback could not be stored (msgid %s)", body.get("msgid"))

    async def _heartbeat(self, ws: Any) -> str:
        from websockets.exceptions import ConnectionClosed

        missed = 0
        outstanding: asyncio.Future | None = None
        while True:
            await asyncio.sleep(self.ping_interval)
            if outstanding is not None:
                if outstanding.done() and not outstanding.exception():
                    missed = 0
                else:
                    missed += 1
            if missed >= 2:
                return "two pings in a row went unanswered; the connection is dead"
            req_id, data = frames.ping()
            outstanding = asyncio.get_running_loop().create_future()
            outstanding.add_done_callback(_consume_exception)
            self._waiting[req_id] = outstanding
            try:
                await ws.send(data)
            except ConnectionClosed as exc:
                return _closed(exc)

    def _describe(self, exc: BaseException) -> str:
        from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI, WebSocketException

        if isinstance(exc, InvalidStatus):
            text = f"the service refused the WebSocket handshake (HTTP {exc.response.status_code})"
        elif isinstance(exc, InvalidURI):
            text = "wecom_bot.ws_url is not a usable WebSocket URL"
        elif isinstance(exc, ConnectionClosed):
            text = _closed(exc)
        elif isinstance(exc, TimeoutError):
            text = f"no connection to {self.settings.ws_url} within {self.open_timeout:g} s"
        elif isinstance(exc, ConnectionError) and exc.args and isinstance(exc.args[0], str):
            text = exc.args[0]
        elif isinstance(exc, OSError):
            text = f"cannot reach {self.settings.ws_url}: {exc.strerror or type(exc).__name__}"
        elif isinstance(exc, WebSocketException):
            text = f"WebSocket error: {type(exc).__name__}"
        else:
            text = f"{type(exc).__name__}: {exc}"
        return text.replace(self._secret, "***") if self._secret else text

    def status(self) -> dict[str, Any]:
        return {"up": self.up.is_set(), "connects": self.connects, "last_error": self.last_error,
                "last_disconnect": self.last_disconnect}


def _closed(exc: BaseException) -> str:
    received = getattr(exc, "rcvd", None)
    if received is None:
        return "the connection dropped without a closing handshake"
    return f"the service closed the connection (code {received.code})"


def _consume_exception(future: asyncio.Future) -> None:
    # A ping that dies with its connection is expected; reading the exception keeps asyncio quiet.
    if not future.cancelled():
        future.exception()
