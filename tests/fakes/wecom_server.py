"""A fake WeCom server API on 127.0.0.1, and a helper that encrypts and signs callbacks like WeCom.

Real HTTP (uvicorn in a background thread, port 0), so the production client runs whole.

Usage::

    from tests.fakes.wecom_server import FakeWecom, WecomCallbacks

    with FakeWecom() as fake:                 # or fake = FakeWecom().start(); ...; fake.stop()
        config = make_config(db_url, wecom=fake.config_section())   # [wecom] pointed at the fake
        ...
        fake.texts_to("demo052")              # texts the bot sent to that UserID via message/send
        fake.calls_to("message/send")         # every recorded request (Call objects), errors included
        fake.fail_next("message/send", -1, times=2)   # inject WeCom errors (-1, 42001, 45009, ...)
        fake.latency = 0.05                   # seconds added to every answer
        fake.delay_user("demo052", 30)        # message/send to that UserID answers 30 s later (0 lifts it)
        fake.expire_tokens()                  # every issued token now answers 42001
        fake.add_media("MEDIA1", b"...", "image/jpeg")  # what media/get serves
        fake.duplicate_check = True           # honour enable_duplicate_check as WeCom does (off by default):
        fake.delivered_to("demo052")          #   the texts WeCom would show, a dropped copy left out

    cb = WecomCallbacks.for_fake(fake)        # same token / AES key / CorpID as fake.config_section()
    signed = cb.text("demo052", "服务 2小时")   # SignedCallback: .params (query dict), .body (bytes)
    httpx.post(url, params=signed.params, content=signed.body)
    cb.verify_params("echo-plaintext")        # query for the GET URL check

With `duplicate_check` on, a message/send carrying `enable_duplicate_check` whose content already went to a
recipient within `duplicate_check_interval` (default 1800 s, at most 4 hours) is not delivered to that recipient
again — the call still answers errcode 0, as WeCom's does. Every request is recorded either way (`calls`,
`texts_to`); `Call.delivered` lists the recipients it reached.

Messages are accepted only on the endpoints the bot uses: gettoken, message/send, appchat/send,
webhook/send, media/get, message/update_template_card. Anything else answers 404.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import uvicorn
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.channels.wecom.crypto import WecomCrypto

CORP_ID = "wwfakecorp0001"
AGENT_ID = 1000002
SECRET = "fake-app-secret-not-real"
TOKEN = "fakeCallbackToken"
# 43 characters that decode to 32 bytes, as the admin console generates them.
ENCODING_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
ROBOTS = {"安居社区机器人": "fake-robot-key-anju", "领导班子机器人": "fake-robot-key-lingdao"}

TEXT_LIMIT = 2048
MARKDOWN_LIMIT = 4096


@dataclass
class Call:
    """One request the fake received. `ok` is False when it answered with a non-zero errcode."""

    api: str
    params: dict[str, str]
    body: dict[str, Any] | None
    at: float
    errcode: int = 0
    answer: dict[str, Any] = field(default_factory=dict)
    # message/send: the recipients WeCom would show it to (valid ones, minus copies its duplicate check drops).
    delivered: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.errcode == 0


class FakeWecom:
    def __init__(
        self,
        corp_id: str = CORP_ID,
        secret: str = SECRET,
        robots: dict[str, str] | None = None,
        token_ttl: int = 7200,
        latency: float = 0.0,
        known_users: set[str] | None = None,
        duplicate_check: bool = False,
    ) -> None:
        self.corp_id = corp_id
        self.secret = secret
        self.robots = dict(ROBOTS if robots is None else robots)
        self.token_ttl = token_ttl
        self.latency = latency
        # When set, UserIDs outside it are answered as `invaliduser` (all invalid → 81013).
        self.known_users = known_users
        # Honour enable_duplicate_check + duplicate_check_interval (see the module docstring).
        self.duplicate_check = duplicate_check
        self._shown: dict[tuple[str, str], float] = {}  # (UserID, content) -> when it last reached them
        self.calls: list[Call] = []
        self.media: dict[str, tuple[bytes, str]] = {}
        self._tokens: dict[str, float] = {}  # token -> monotonic expiry
        self._failures: dict[str, list[int]] = {}
        self._response_codes: set[str] = set()
        self._user_delays: dict[str, float] = {}
        self._msgids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # --- lifecycle -----------------------------------------------------------------------

    def start(self) -> FakeWecom:
        config = uvicorn.Config(self._asgi(), host="127.0.0.1", port=0, log_level="warning", access_log=False,
                                lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="fake-wecom", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("fake WeCom server did not start")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> FakeWecom:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config_section(self, **overrides: Any) -> dict[str, Any]:
        """A `[wecom]` config table pointed at this fake (robots included); overrides win."""
        section: dict[str, Any] = {
            "enabled": True,
            "corp_id": self.corp_id,
            "agent_id": AGENT_ID,
            "secret": self.secret,
            "token": TOKEN,
            "encoding_aes_key": ENCODING_AES_KEY,
            "api_base": self.base_url,
            "robots": [{"name": name, "key": key} for name, key in self.robots.items()],
        }
        section.update(overrides)
        return section

    # --- controls ------------------------------------------------------------------------

    def fail_next(self, api: str, errcode: int, times: int = 1) -> None:
        """The next `times` requests to `api` (e.g. "message/send") answer this errcode."""
        with self._lock:
            self._failures.setdefault(api, []).extend([errcode] * times)

    def delay_user(self, userid: str, seconds: float) -> None:
        """message/send calls that reach `userid` answer this much later (a slow call in flight)."""
        with self._lock:
            self._user_delays[userid] = seconds

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens = {token: 0.0 for token in self._tokens}

    def add_media(self, media_id: str, content: bytes, content_type: str = "image/jpeg") -> None:
        self.media[media_id] = (content, content_type)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._failures.clear()
            self._shown.clear()

    # --- what was received ---------------------------------------------------------------

    def calls_to(self, api: str, ok_only: bool = False) -> list[Call]:
        return [c for c in list(self.calls) if c.api == api and (c.ok or not ok_only)]

    def count(self, api: str, ok_only: bool = False) -> int:
        return len(self.calls_to(api, ok_only))

    def sent(self, api: str = "message/send") -> list[dict[str, Any]]:
        """Bodies of the messages accepted on this API."""
        return [c.body or {} for c in self.calls_to(api, ok_only=True)]

    def texts_to(self, userid: str) -> list[str]:
        """Text/markdown contents accepted by message/send for this UserID, in order."""
        out = []
        for body in self.sent("message/send"):
            if userid in str(body.get("touser", "")).split("|"):
                out.append(_content(body))
        return out

    def delivered_to(self, userid: str) -> list[str]:
        """Like `texts_to`, but only the copies WeCom would show (with `duplicate_check` on, repeats dropped)."""
        return [_content(c.body or {}) for c in self.calls_to("message/send", ok_only=True) if userid in c.delivered]

    def robot_texts(self, robot_name: str) -> list[str]:
        key = self.robots[robot_name]
        return [_content(c.body or {}) for c in self.calls_to("webhook/send", ok_only=True) if c.params.get("key") == key]

    # --- the API -------------------------------------------------------------------------

    def _asgi(self) -> Starlette:
        routes = [
            Route("/cgi-bin/gettoken", self._gettoken, methods=["GET"]),
            Route("/cgi-bin/message/send", self._api("message/send", self._message_send), methods=["POST"]),
            Route("/cgi-bin/appchat/send", self._api("appchat/send", self._appchat_send), methods=["POST"]),
            Route("/cgi-bin/webhook/send", self._webhook_send, methods=["POST"]),
            Route("/cgi-bin/media/get", self._media_get, methods=["GET"]),
            Route("/cgi-bin/message/update_template_card",
                  self._api("message/update_template_card", self._update_card), methods=["POST"]),
        ]
        return Starlette(routes=routes)

    async def _pause(self) -> None:
        if self.latency:
            await asyncio.sleep(self.latency)

    def _injected(self, api: str) -> int:
        with self._lock:
            queue = self._failures.get(api)
            return queue.pop(0) if queue else 0

    def _record(self, api: str, request: Request, body: dict | None, answer: dict) -> JSONResponse:
        delivered = self._deliver(body, answer) if api == "message/send" and body and not answer.get("errcode") else []
        self.calls.append(Call(api, dict(request.query_params), body, time.monotonic(), answer.get("errcode", 0), answer,
                               delivered))
        return JSONResponse(answer)

    def _deliver(self, body: dict, answer: dict) -> list[str]:
        """The recipients an accepted message/send reaches; with the duplicate check, a repeat within the
        interval reaches nobody new (WeCom still answers errcode 0)."""
        invalid = set(str(answer.get("invaliduser") or "").split("|"))
        users = [u for u in dict.fromkeys(str(body.get("touser", "")).split("|")) if u and u not in invalid]
        content = json.dumps(body.get(str(body.get("msgtype", ""))), ensure_ascii=False, sort_keys=True)
        check = self.duplicate_check and str(body.get("enable_duplicate_check", 0)) == "1"
        try:
            interval = min(int(body.get("duplicate_check_interval") or 1800), 4 * 3600)
        except (TypeError, ValueError):
            interval = 1800
        now = time.monotonic()
        out = []
        with self._lock:
            for user in users:
                last = self._shown.get((user, content))
                if check and last is not None and now - last < interval:
                    continue  # dropped by WeCom's duplicate check
                self._shown[(user, content)] = now
                out.append(user)
        return out

    def _token_error(self, token: str) -> int:
        with self._lock:
            expiry = self._tokens.get(token)
        if expiry is None:
            return 40014
        return 42001 if expiry <= time.monotonic() else 0

    async def _gettoken(self, request: Request) -> Response:
        await self._pause()
        injected = self._injected("gettoken")
        if injected:
            return self._record("gettoken", request, None, {"errcode": injected, "errmsg": "injected"})
        if request.query_params.get("corpid") != self.corp_id or request.query_params.get("corpsecret") != self.secret:
            return self._record("gettoken", request, None, {"errcode": 40001, "errmsg": "invalid credential"})
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_ttl
        return self._record("gettoken", request, None,
                            {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": self.token_ttl})

    def _api(self, api: str, handler):
        async def endpoint(request: Request) -> Response:
            await self._pause()
            body = await _json(request)
            if body is None:
                return self._record(api, request, None, {"errcode": 47001, "errmsg": "data format error"})
            delay = max((self._user_delays.get(u, 0.0) for u in str(body.get("touser", "")).split("|")), default=0.0)
            if delay:
                await asyncio.sleep(delay)
            error = self._token_error(request.query_params.get("access_token", ""))
            if error:
                return self._record(api, request, body, {"errcode": error, "errmsg": "access_token invalid"})
            injected = self._injected(api)
            if injected:
                return self._record(api, request, body, {"errcode": injected, "errmsg": "injected"})
            return self._record(api, request, body, handler(body))

        return endpoint

    def _content_error(self, body: dict, limit: int) -> dict | None:
        msgtype = body.get("msgtype")
        if msgtype not in body:
            return {"errcode": 40008, "errmsg": "invalid message type"}
        content = body[msgtype].get("content") if isinstance(body[msgtype], dict) else None
        if content is not None and len(content.encode("utf-8")) > limit:
            return {"errcode": 40058, "errmsg": "content exceed max length"}
        return None

    def _message_send(self, body: dict) -> dict:
        if body.get("agentid") != AGENT_ID:
            return {"errcode": 40056, "errmsg": "invalid agentid"}
        users = [u for u in str(body.get("touser", "")).split("|") if u]
        if not users or len(users) > 1000:
            return {"errcode": 40058, "errmsg": "touser must hold 1 to 1000 ids"}
        error = self._content_error(body, TEXT_LIMIT)
        if error:
            return error
        invalid = [u for u in users if self.known_users is not None and u not in self.known_users]
        if len(invalid) == len(users):
            return {"errcode": 81013, "errmsg": "user & party & tag all invalid"}
        answer = {"errcode": 0, "errmsg": "ok", "msgid": f"fakemsg{next(self._msgids)}"}
        if invalid:
            answer["invaliduser"] = "|".join(invalid)
        if body.get("msgtype") == "template_card":
            code = secrets.token_hex(8)
            self._response_codes.add(code)
            answer["response_code"] = code
        return answer

    def _appchat_send(self, body: dict) -> dict:
        if not body.get("chatid"):
            return {"errcode": 86003, "errmsg": "chat not found"}
        return self._content_error(body, TEXT_LIMIT) or {"errcode": 0, "errmsg": "ok"}

    def _update_card(self, body: dict) -> dict:
        code = body.get("response_code")
        if code not in self._response_codes:
            return {"errcode": 40058, "errmsg": "invalid response_code"}
        self._response_codes.discard(code)
        return {"errcode": 0, "errmsg": "ok", "invaliduser": []}

    async def _webhook_send(self, request: Request) -> Response:
        await self._pause()
        body = await _json(request)
        if body is None:
            return self._record("webhook/send", request, None, {"errcode": 47001, "errmsg": "data format error"})
        if request.query_params.get("key") not in self.robots.values():
            return self._record("webhook/send", request, body, {"errcode": 93000, "errmsg": "invalid webhook url"})
        injected = self._injected("webhook/send")
        if injected:
            return self._record("webhook/send", request, body, {"errcode": injected, "errmsg": "injected"})
        limit = MARKDOWN_LIMIT if body.get("msgtype") == "markdown" else TEXT_LIMIT
        return self._record("webhook/send", request, body, self._content_error(body, limit) or {"errcode": 0, "errmsg": "ok"})

    async def _media_get(self, request: Request) -> Response:
        await self._pause()
        error = self._token_error(request.query_params.get("access_token", "")) or self._injected("media/get")
        if error:
            return self._record("media/get", request, None, {"errcode": error, "errmsg": "error"})
        media = self.media.get(request.query_params.get("media_id", ""))
        if media is None:
            return self._record("media/get", request, None, {"errcode": 40007, "errmsg": "invalid media_id"})
        content, content_type = media
        self.calls.append(Call("media/get", dict(request.query_params), None, time.monotonic()))
        name = request.query_params["media_id"] + (".jpg" if "jpeg" in content_type else ".bin")
        return Response(content, media_type=content_type,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def _json(request: Request) -> dict | None:
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError, ClientDisconnect):
        # A sender that died mid-request (a killed instance) sent nothing: it is not recorded as a send.
        return None
    return body if isinstance(body, dict) else None


def _content(body: dict) -> str:
    part = body.get(body.get("msgtype", ""), {})
    if isinstance(part, dict):
        return part.get("content") or part.get("description") or json.dumps(part, ensure_ascii=False)
    return ""


# --- callbacks, as WeCom sends them ------------------------------------------------------


@dataclass(frozen=True)
class SignedCallback:
    params: dict[str, str]  # msg_signature, timestamp, nonce
    body: bytes  # <xml><ToUserName/><AgentID/><Encrypt/></xml>
    plaintext: str  # the inner XML, for assertions


class WecomCallbacks:
    """Builds callbacks encrypted and signed exactly as WeCom does (crypto checked against official vectors)."""

    def __init__(self, token: str = TOKEN, encoding_aes_key: str = ENCODING_AES_KEY, corp_id: str = CORP_ID,
                 agent_id: int = AGENT_ID) -> None:
        self.crypto = WecomCrypto(token, encoding_aes_key, corp_id)
        self.corp_id = corp_id
        self.agent_id = agent_id
        self._ids = itertools.count(int(time.time() * 1000) % 10**9 * 1000)

    @classmethod
    def for_fake(cls, fake: FakeWecom) -> WecomCallbacks:
        return cls(corp_id=fake.corp_id)

    def next_msg_id(self) -> str:
        return str(next(self._ids))

    def verify_params(self, echo: str, timestamp: str | None = None, nonce: str | None = None) -> dict[str, str]:
        """Query string for the GET URL check whose answer must be exactly `echo`."""
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or secrets.token_hex(5)
        encrypt, sig = self.crypto.encrypt_message(echo, timestamp, nonce)
        return {"msg_signature": sig, "timestamp": timestamp, "nonce": nonce, "echostr": encrypt}

    def wrap(self, inner_xml: str, timestamp: str | None = None, nonce: str | None = None) -> SignedCallback:
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or secrets.token_hex(5)
        encrypt, sig = self.crypto.encrypt_message(inner_xml, timestamp, nonce)
        body = (f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName><AgentID><![CDATA[{self.agent_id}]]></AgentID>"
                f"<Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>").encode()
        return SignedCallback({"msg_signature": sig, "timestamp": timestamp, "nonce": nonce}, body, inner_xml)

    def message(self, from_user: str, msg_type: str, fields: dict[str, Any], create_time: int | None = None,
                msg_id: str | None = None) -> SignedCallback:
        """Any inner message; `fields` are extra elements (a value may be raw XML given as ("raw", text))."""
        create_time = create_time or int(time.time())
        parts = [
            f"<ToUserName><![CDATA[{self.corp_id}]]></ToUserName>",
            f"<FromUserName><![CDATA[{escape(from_user)}]]></FromUserName>",
            f"<CreateTime>{create_time}</CreateTime>",
            f"<MsgType><![CDATA[{msg_type}]]></MsgType>",
        ]
        for name, value in fields.items():
            if isinstance(value, tuple) and value[0] == "raw":
                parts.append(f"<{name}>{value[1]}</{name}>")
            else:
                parts.append(f"<{name}>{escape(str(value))}</{name}>")
        if msg_type != "event":
            parts.append(f"<MsgId>{msg_id or self.next_msg_id()}</MsgId>")
        parts.append(f"<AgentID>{self.agent_id}</AgentID>")
        return self.wrap("<xml>" + "".join(parts) + "</xml>")

    def text(self, from_user: str, content: str, msg_id: str | None = None, create_time: int | None = None) -> SignedCallback:
        return self.message(from_user, "text", {"Content": content}, create_time, msg_id)

    def image(self, from_user: str, media_id: str, pic_url: str = "http://127.0.0.1/pic.jpg",
              msg_id: str | None = None) -> SignedCallback:
        return self.message(from_user, "image", {"PicUrl": pic_url, "MediaId": media_id}, msg_id=msg_id)

    def location(self, from_user: str, lat: float, lon: float, label: str = "", msg_id: str | None = None) -> SignedCallback:
        return self.message(from_user, "location",
                            {"Location_X": lat, "Location_Y": lon, "Scale": 15, "Label": label}, msg_id=msg_id)

    def voice(self, from_user: str, media_id: str, msg_id: str | None = None) -> SignedCallback:
        return self.message(from_user, "voice", {"MediaId": media_id, "Format": "amr"}, msg_id=msg_id)

    def event(self, from_user: str, event: str, event_key: str = "", create_time: int | None = None,
              **fields: Any) -> SignedCallback:
        return self.message(from_user, "event", {"Event": event, "EventKey": event_key, **fields}, create_time)

    def card_event(self, from_user: str, task_id: str, event_key: str = "", card_type: str = "button_interaction",
                   response_code: str = "rc1", selected: dict[str, list[str]] | None = None,
                   create_time: int | None = None) -> SignedCallback:
        fields: dict[str, Any] = {"TaskId": task_id, "CardType": card_type, "ResponseCode": response_code}
        if selected:
            items = "".join(
                f"<SelectedItem><QuestionKey>{escape(q)}</QuestionKey><OptionIds>"
                + "".join(f"<OptionId>{escape(o)}</OptionId>" for o in options)
                + "</OptionIds></SelectedItem>"
                for q, options in selected.items()
            )
            fields["SelectedItems"] = ("raw", items)
        return self.event(from_user, "template_card_event", event_key, create_time, **fields)


# --- running gridbot's own server in a test ------------------------------------------------


class ServerThread:
    """Serve an ASGI app (e.g. `bot.server.build_asgi(app)`) with uvicorn on 127.0.0.1, port 0, lifespan on.

        with ServerThread(build_asgi(app)) as server:
            httpx.get(server.url + "/healthz")

    Leaving the block shuts it down the way SIGTERM does (the lifespan's shutdown runs).
    """

    def __init__(self, asgi: Any) -> None:
        self.asgi = asgi
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    def start(self) -> ServerThread:
        config = uvicorn.Config(self.asgi, host="127.0.0.1", port=0, log_level="warning", access_log=False,
                                lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="gridbot-serve", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("gridbot server did not start")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=20)
        self._server = self._thread = None

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.02) -> bool:
    """Poll a condition on real time (for work done by a running server's background tasks)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
