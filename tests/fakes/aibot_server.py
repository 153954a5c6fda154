"""A fake WeCom AI-bot long-connection service on 127.0.0.1: a real WebSocket server (the `websockets`
library) speaking the protocol as /work/shared/wecom-aibot.md describes, so the production channel
runs whole. It runs on the test's own event loop.

Usage::

    fake = await FakeAibot().start()
    config = make_config(db_url, wecom_bot=fake.config_section())   # [wecom_bot] pointed at the fake
    await fake.wait_subscribed()
    sent = await fake.text("demo052", "帮助")                  # a single-chat message; sent.req_id, sent.msgid
    await fake.text("demo001", "@机器人 绑定群 安居社区工作群", chat="wrGROUP1")
    [answer] = await fake.wait_answers(1, to="demo052")       # what the person sees: .text, .via, .req_id
    fake.refuse_next("aibot_respond_msg", 846605, "invalid req_id")
    fake.ignore_pings(2)                                      # leave the next two pings unanswered
    await fake.drop()                                         # the connection dies without a closing handshake
    fake.frames("aibot_send_msg")                             # every frame received with that cmd
    fake.violations                                           # protocol rules the client broke (should be [])
    await fake.stop()

What it checks and does, each from the notes' sources: the first frame must be `aibot_subscribe` with
the right bot_id and secret (else errcode 853000, then the socket is closed); acks echo the req_id with
errcode/errmsg and no cmd; a second subscription sends the older connection a `disconnected_event`
and closes it; a reply must use a req_id of a callback sent on that same connection (else 846605,
which is what a reply after a reconnect meets here), be `stream`, `markdown` or `template_card` (a
`text` reply is refused and recorded as a violation), and frames on one req_id must not overlap;
`aibot_send_msg` must be `markdown` (cards only to single chats). Files are served encrypted over
plain HTTP on the same port, under /media/.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from bot.channels.wecom_bot.media import encrypt

BOT_ID = "aibFAKEBOT0001"
SECRET = "fake-aibot-secret-not-real-7f3a"
REPLY_TYPES = ("stream", "markdown", "template_card")


@dataclass
class Received:
    conn: int
    data: dict[str, Any]

    @property
    def cmd(self) -> str:
        return str(self.data.get("cmd") or "")

    @property
    def req_id(self) -> str:
        return str((self.data.get("headers") or {}).get("req_id") or "")

    @property
    def body(self) -> dict[str, Any]:
        return self.data.get("body") or {}


@dataclass(frozen=True)
class Answer:
    """What a person or group sees: one finished message."""

    to: str  # userid (single chat) or chatid (group)
    text: str
    via: str  # reply (aibot_respond_msg), welcome, send (aibot_send_msg)
    req_id: str
    msgtype: str


@dataclass(frozen=True)
class Sent:
    """A callback the fake pushed to the bot."""

    req_id: str
    msgid: str
    body: dict[str, Any] = field(repr=False)


@dataclass
class _Conn:
    number: int
    ws: ServerConnection
    subscribed: bool = False
    callbacks: dict[str, dict[str, Any]] = field(default_factory=dict)  # req_id -> body
    busy: set[str] = field(default_factory=set)  # req_ids with a frame not acknowledged yet


class FakeAibot:
    def __init__(self, bot_id: str = BOT_ID, secret: str = SECRET) -> None:
        self.bot_id = bot_id
        self.secret = secret
        self.received: list[Received] = []
        self.answers: list[Answer] = []
        self.violations: list[str] = []
        self.connections: list[_Conn] = []
        self.subscribes = 0  # successful
        self.subscribe_attempts = 0
        self.active: _Conn | None = None
        # Knobs for the unconfirmed parts of the protocol.
        self.close_after_auth_failure = True
        self.close_displaced = True
        self.ack_delay = 0.0
        self._refusals: dict[str, list[tuple[int, str]]] = {}
        self._ignore_pings = 0
        self._files: dict[str, bytes] = {}
        self._server: Any = None
        self._changed: asyncio.Condition | None = None
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task] = set()
        self.port = 0

    # --- life -----------------------------------------------------------------------------------

    async def start(self) -> FakeAibot:
        self._changed = asyncio.Condition()
        # The library logs frames at DEBUG, secrets included: the fake keeps its own quiet logger.
        quiet = logging.getLogger("tests.fakes.aibot_server.wire")
        quiet.setLevel(logging.INFO)
        self._server = await serve(self._handle, "127.0.0.1", 0, process_request=self._http, ping_interval=None,
                                   logger=quiet)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def config_section(self, **overrides: Any) -> dict[str, Any]:
        return {"enabled": True, "bot_id": self.bot_id, "secret": self.secret, "ws_url": self.url, **overrides}

    # --- what the bot did -----------------------------------------------------------------------

    def frames(self, cmd: str) -> list[Received]:
        return [r for r in self.received if r.cmd == cmd]

    def answers_to(self, to: str) -> list[Answer]:
        return [a for a in self.answers if a.to == to]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0, what: str = "the condition") -> None:
        assert self._changed is not None
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(predicate), timeout)
            except TimeoutError:
                raise AssertionError(f"fake AI-bot service: timed out waiting for {what}") from None

    async def wait_answers(self, count: int, to: str | None = None, timeout: float = 10.0) -> list[Answer]:
        def have() -> bool:
            return len(self.answers if to is None else self.answers_to(to)) >= count

        await self.wait_for(have, timeout, f"{count} answer(s)" + (f" to {to}" if to else ""))
        return list(self.answers if to is None else self.answers_to(to))

    async def wait_subscribed(self, count: int = 1, timeout: float = 10.0) -> None:
        await self.wait_for(lambda: self.subscribes >= count and self.active is not None, timeout,
                            f"subscription #{count}")

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    # --- faults ---------------------------------------------------------------------------------

    def refuse_next(self, cmd: str, errcode: int, errmsg: str, times: int = 1) -> None:
        """Answer the next `times` frames of `cmd` with this error instead of handling them."""
        self._refusals.setdefault(cmd, []).extend([(errcode, errmsg)] * times)

    def clear_refusals(self) -> None:
        self._refusals.clear()

    def ignore_pings(self, count: int) -> None:
        self._ignore_pings += count

    async def drop(self) -> None:
        """The active connection dies without a closing handshake (a network cut)."""
        conn = self.active
        assert conn is not None, "no connection to drop"
        self.active = None
        conn.ws.transport.abort()
        await self._notify()

    # --- the service talking to the bot ---------------------------------------------------------

    async def push(self, cmd: str, body: dict[str, Any], req_id: str | None = None) -> Sent:
        conn = self.active
        assert conn is not None and conn.subscribed, "no subscribed connection to push to"
        req_id = req_id or f"REQ{next(self._ids):06d}{secrets.token_hex(3)}"
        conn.callbacks[req_id] = body
        await conn.ws.send(json.dumps({"cmd": cmd, "headers": {"req_id": req_id}, "body": body}, ensure_ascii=False))
        return Sent(req_id, str(body.get("msgid") or ""), body)

    def _body(self, user: str, msgtype: str, chat: str | None, msgid: str | None, **parts: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "msgid": msgid or f"MSG{next(self._ids):08d}{secrets.token_hex(4)}",
            "aibotid": self.bot_id,
            "chattype": "group" if chat else "single",
            "from": {"userid": user},
            "msgtype": msgtype,
            **parts,
        }
        if chat:
            body["chatid"] = chat
        return body

    async def text(self, user: str, content: str, *, chat: str | None = None, msgid: str | None = None) -> Sent:
        return await self.push("aibot_msg_callback", self._body(user, "text", chat, msgid, text={"content": content}))

    async def again(self, sent: Sent) -> Sent:
        """The same message (same msgid) once more, on a new req_id, as the service may send it."""
        return await self.push("aibot_msg_callback", dict(sent.body))

    async def voice(self, user: str, words: str) -> Sent:
        return await self.push("aibot_msg_callback", self._body(user, "voice", None, None, voice={"content": words}))

    async def image(self, user: str, content: bytes, *, expired: bool = False) -> Sent:
        """`expired`: the URL already answers 404, as it does five minutes after the message."""
        part = self._serve(content)
        if expired:
            self._files.pop(part["url"].rsplit("/", 1)[1])
        return await self.push("aibot_msg_callback", self._body(user, "image", None, None, image=part))

    async def file(self, user: str, content: bytes) -> Sent:
        return await self.push("aibot_msg_callback", self._body(user, "file", None, None, file=self._serve(content)))

    async def video(self, user: str) -> Sent:
        return await self.push("aibot_msg_callback", self._body(user, "video", None, None, video=self._serve(b"\0" * 64)))

    async def enter_chat(self, user: str) -> Sent:
        body = self._body(user, "event", None, None, event={"eventtype": "enter_chat"})
        return await self.push("aibot_event_callback", body)

    def _serve(self, content: bytes) -> dict[str, str]:
        aeskey = base64.b64encode(os.urandom(32)).decode().rstrip("=")
        name = secrets.token_hex(8)
        self._files[name] = encrypt(content, aeskey)
        return {"url": f"http://127.0.0.1:{self.port}/media/{name}", "aeskey": aeskey}

    def _http(self, connection: ServerConnection, request: Request) -> Response | None:
        if not request.path.startswith("/media/"):
            return None
        data = self._files.get(request.path[len("/media/"):])
        if data is None:
            return connection.respond(404, "expired\n")
        headers = Headers([("Content-Length", str(len(data))), ("Content-Type", "application/octet-stream"),
                           ("Connection", "close")])
        return Response(200, "OK", headers, data)

    # --- the bot talking to the service ---------------------------------------------------------

    async def _handle(self, ws: ServerConnection) -> None:
        conn = _Conn(len(self.connections) + 1, ws)
        self.connections.append(conn)
        try:
            async for raw in ws:
                try:
                    data = json.loads(raw)
                except ValueError:
                    self.violations.append(f"connection {conn.number}: a frame that is not JSON")
                    continue
                self.received.append(Received(conn.number, data))
                await self._frame(conn, Received(conn.number, data))
                await self._notify()
        except ConnectionClosed:
            pass
        finally:
            if self.active is conn:
                self.active = None
            await self._notify()

    async def _ack(self, conn: _Conn, req_id: str, errcode: int = 0, errmsg: str = "ok", body: dict | None = None) -> None:
        data: dict[str, Any] = {"headers": {"req_id": req_id}, "errcode": errcode, "errmsg": errmsg}
        if body is not None:
            data["body"] = body
        try:
            await conn.ws.send(json.dumps(data, ensure_ascii=False))
        except ConnectionClosed:
            pass

    def _refusal(self, cmd: str) -> tuple[int, str] | None:
        queue = self._refusals.get(cmd)
        return queue.pop(0) if queue else None

    async def _frame(self, conn: _Conn, frame: Received) -> None:
        cmd, req_id = frame.cmd, frame.req_id
        if not req_id:
            self.violations.append(f"connection {conn.number}: {cmd or 'a frame'} without headers.req_id")
            return
        if cmd == "aibot_subscribe":
            await self._subscribe(conn, frame)
            return
        if not conn.subscribed:
            self.violations.append(f"connection {conn.number}: {cmd} before aibot_subscribe")
            await self._ack(conn, req_id, 40001, "not subscribed")
            return
        if cmd == "ping":
            if self._ignore_pings > 0:
                self._ignore_pings -= 1
                return
            await self._ack(conn, req_id)
            return
        if cmd in ("aibot_respond_msg", "aibot_respond_welcome_msg", "aibot_send_msg"):
            if req_id in conn.busy:
                self.violations.append(f"{cmd}: a second frame on {req_id} before the first was acknowledged")
            conn.busy.add(req_id)
            task = asyncio.create_task(self._answer(conn, frame))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        self.violations.append(f"unknown cmd {cmd!r}")
        await self._ack(conn, req_id, 40002, "unknown cmd")

    async def _subscribe(self, conn: _Conn, frame: Received) -> None:
        self.subscribe_attempts += 1
        if conn.subscribed:
            self.violations.append(f"connection {conn.number}: subscribed twice")
        refusal = self._refusal("aibot_subscribe")
        body = frame.body
        if refusal is None and (body.get("bot_id") != self.bot_id or body.get("secret") != self.secret):
            refusal = (853000, "invalid bot_id or secret (code: 853000)")
        if refusal is not None:
            await self._ack(conn, frame.req_id, *refusal)
            if self.close_after_auth_failure:
                await conn.ws.close()
            return
        conn.subscribed = True
        self.subscribes += 1
        await self._ack(conn, frame.req_id)
        older, self.active = self.active, conn
        if older is not None and older is not conn:
            event = {"msgid": f"EVT{next(self._ids):08d}", "create_time": 1700000000, "aibotid": self.bot_id,
                     "msgtype": "event", "event": {"eventtype": "disconnected_event"}}
            try:
                await older.ws.send(json.dumps({"cmd": "aibot_event_callback", "headers": {"req_id": f"KICK{conn.number}"},
                                                "body": event}))
                if self.close_displaced:
                    await older.ws.close()
            except ConnectionClosed:
                pass

    async def _answer(self, conn: _Conn, frame: Received) -> None:
        try:
            if self.ack_delay:
                await asyncio.sleep(self.ack_delay)
            errcode, errmsg, answer = self._judge(conn, frame)
            if answer is not None:
                self.answers.append(answer)
            await self._ack(conn, frame.req_id, errcode, errmsg)
        finally:
            conn.busy.discard(frame.req_id)
            await self._notify()

    def _judge(self, conn: _Conn, frame: Received) -> tuple[int, str, Answer | None]:
        cmd, req_id, body = frame.cmd, frame.req_id, frame.body
        refusal = self._refusal(cmd)
        if refusal is not None:
            return refusal[0], refusal[1], None
        msgtype = str(body.get("msgtype") or "")
        if cmd == "aibot_send_msg":
            chat = str(body.get("chatid") or "")
            if msgtype == "template_card" and body.get("chat_type") == 2:
                self.violations.append("aibot_send_msg: a template card to a group")
                return 40008, "invalid message type", None
            if msgtype != "markdown":
                self.violations.append(f"aibot_send_msg: msgtype {msgtype!r}")
                return 40008, "invalid message type", None
            return 0, "ok", Answer(chat, str(body["markdown"].get("content") or ""), "send", req_id, msgtype)
        callback = conn.callbacks.get(req_id)
        if callback is None:
            return 846605, "invalid req_id", None
        to = str(callback.get("chatid") or (callback.get("from") or {}).get("userid") or "")
        if cmd == "aibot_respond_welcome_msg":
            if (callback.get("event") or {}).get("eventtype") != "enter_chat":
                self.violations.append("a welcome on a req_id that is not an enter_chat event")
            if msgtype not in ("text", "template_card"):
                return 40008, "invalid message type", None
            return 0, "ok", Answer(to, str((body.get("text") or {}).get("content") or ""), "welcome", req_id, msgtype)
        if msgtype not in REPLY_TYPES:
            self.violations.append(f"aibot_respond_msg: msgtype {msgtype!r} is not a reply type")
            return 40008, "invalid message type", None
        if msgtype == "stream":
            stream = body.get("stream") or {}
            if not stream.get("finish"):
                return 0, "ok", None  # a refresh; the person sees the finished text
            return 0, "ok", Answer(to, str(stream.get("content") or ""), "reply", req_id, msgtype)
        if msgtype == "markdown":
            return 0, "ok", Answer(to, str(body["markdown"].get("content") or ""), "reply", req_id, msgtype)
        return 0, "ok", Answer(to, json.dumps(body.get("template_card"), ensure_ascii=False), "reply", req_id, msgtype)
