"""The callback URL: GET answers WeCom's URL check, POST receives messages.

A POST is acknowledged (200, empty body) only after its inbox row is committed; a redelivery is
acknowledged without being stored or processed again. A bad signature gets 403, bad input 400;
if the database cannot take the row the answer is 503, so WeCom delivers it again later.

The POST is the hot path and is served as a bare ASGI app: no Request, QueryParams, Headers or
Response objects, which cost about a quarter of the event loop's time per callback
(bench/profile_paths.py --path ack). The rare GET keeps Starlette's conveniences.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.channels.wecom.crypto import DecryptError, SignatureError, WecomCrypto
from bot.channels.wecom.xmlparse import InboundMessage, XmlError, parse_envelope, parse_message

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
# A callback older than this is a replay: WeCom's own retries end within seconds, and the inbox remembers
# what it received for three days (plugin.KEEP_INBOX); the hour between absorbs clocks that differ.
MAX_AGE_SECONDS = 3 * 24 * 3600 - 3600
# WeCom waits 5 s for the answer: past this, a 503 (it delivers again later) beats no answer at all.
STORE_SECONDS = 3.5
# The URL check's echostr decrypts to a short random string; anything else is a captured message.
MAX_ECHO = 128

# Store the message; return its inbox id (None for a redelivery).
Store = Callable[[InboundMessage, str], Awaitable[int | None]]
# Hand a stored message (its inbox id and the parsed message) to the background processor.
Notify = Callable[[int, InboundMessage], None]

HINTS = {
    "signature mismatch": "check [wecom] token against the admin console",
    "receiveid does not match the CorpID": "check [wecom] corp_id",
    "bad padding": "check [wecom] encoding_aes_key against the admin console",
}


def _log_rejection(status: int, reason: str, client: str) -> None:
    hint = HINTS.get(reason, "")
    log.warning("WeCom callback rejected (%s) from %s: %s%s", status, client, reason, f" — {hint}" if hint else "")


def _reject(status: int, reason: str, request: Request) -> Response:
    _log_rejection(status, reason, request.client.host if request.client else "?")
    return Response(b"", status_code=status)


class _Disconnected(Exception):
    """The client hung up before its body arrived: nobody waits for an answer, and nothing is wrong here."""


class _Rejected(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


# Each answer to a POST is an empty body with one of these statuses; the messages are built once.
_EMPTY_BODY = {"type": "http.response.body", "body": b""}
_STARTS = {
    status: {"type": "http.response.start", "status": status, "headers": [(b"content-length", b"0")]}
    for status in (200, 400, 403, 503)
}
_NOT_ALLOWED = {"type": "http.response.start", "status": 405,
                "headers": [(b"content-length", b"0"), (b"allow", b"GET, POST")]}


class _Asgi:
    """The route's ASGI app. An instance, not a method, so Starlette's Route passes it the raw scope."""

    def __init__(self, endpoint: CallbackEndpoint) -> None:
        self.endpoint = endpoint

    async def __call__(self, scope, receive, send) -> None:
        if scope["method"] not in ("GET", "POST"):
            # Starlette adds HEAD to every GET route; it is neither a URL check nor a delivery here.
            await send(_NOT_ALLOWED)
            await send(_EMPTY_BODY)
            return
        if scope["method"] != "POST":
            await self.endpoint.check_url(Request(scope, receive))(scope, receive, send)
            return
        status = await self.endpoint.receive(scope, receive)
        await send(_STARTS[status])
        await send(_EMPTY_BODY)


class CallbackEndpoint:
    def __init__(self, crypto: WecomCrypto, path: str, store: Store, notify: Notify,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.crypto = crypto
        self.path = path
        self.store = store
        self.notify = notify
        # CreateTime is WeCom's wall clock, whatever clock the app runs on.
        self.wall_clock = wall_clock
        self.acknowledged = 0
        self.redeliveries = 0

    def routes(self) -> list[Route]:
        return [Route(self.path, _Asgi(self), methods=["GET", "POST"])]

    def check_url(self, request: Request) -> Response:
        """The GET: WeCom's URL check when the callback URL is saved in the admin console."""
        try:
            return self._verify_url(request)
        except Exception:  # noqa: BLE001 - WeCom must get an answer; 503 makes it try again
            log.exception("WeCom URL check could not be handled")
            return Response(b"", status_code=503)

    def _verify_url(self, request: Request) -> Response:
        query = request.query_params  # already URL-decoded ("+" and "/" in echostr come back intact)
        names = ("msg_signature", "timestamp", "nonce", "echostr")
        if not all(query.get(n) for n in names):
            return _reject(400, "URL check without msg_signature/timestamp/nonce/echostr", request)
        try:
            plain = self.crypto.check_url(*(query[n] for n in names))
        except (SignatureError, DecryptError) as exc:
            return _reject(403, exc.reason, request)
        if len(plain) > MAX_ECHO or "<" in plain or not plain.isprintable():
            # A signed message's Encrypt passes the signature too: never hand its plaintext back.
            return _reject(403, "echostr is not a URL-check string", request)
        log.info("WeCom URL check passed")
        return PlainTextResponse(plain)

    async def receive(self, scope, receive) -> int:
        """The POST on the bare ASGI path: the status to answer, once the callback is stored (or not)."""
        try:
            return await self._receive(scope, receive)
        except _Rejected as rejected:
            client = scope.get("client")
            _log_rejection(rejected.status, rejected.reason, client[0] if client else "?")
            return rejected.status
        except _Disconnected:
            client = scope.get("client")
            log.info("WeCom callback: %s disconnected before sending the whole body; nothing stored",
                     client[0] if client else "?")
            return 400
        except TimeoutError:
            log.warning("WeCom callback not stored within %.1f s (database busy): answered 503, WeCom delivers it again",
                        STORE_SECONDS)
            return 503
        except Exception:  # noqa: BLE001 - WeCom must get an answer; 503 makes it try again
            log.exception("WeCom callback could not be handled")
            return 503

    async def _receive(self, scope, receive) -> int:
        # As Starlette's QueryParams: URL-decoded, blanks kept, the last of a repeated name wins.
        query = dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
        signature, timestamp, nonce = query.get("msg_signature"), query.get("timestamp"), query.get("nonce")
        if not (signature and timestamp and nonce):
            raise _Rejected(400, "POST without msg_signature/timestamp/nonce")
        body = await self._read_body(scope, receive)
        if body is None:
            raise _Rejected(400, f"body over {MAX_BODY} bytes")
        try:
            envelope = parse_envelope(body)
        except XmlError as exc:
            raise _Rejected(400, f"envelope: {exc}") from None
        try:
            self.crypto.verify(signature, timestamp, nonce, envelope.encrypt)
            plaintext = self.crypto.decrypt(envelope.encrypt)
        except (SignatureError, DecryptError) as exc:
            raise _Rejected(403, exc.reason) from None
        try:
            message = parse_message(plaintext)
        except XmlError as exc:
            raise _Rejected(400, f"message: {exc}") from None
        if int(message.get("CreateTime")) < self.wall_clock() - MAX_AGE_SECONDS:
            raise _Rejected(403, "CreateTime older than the inbox remembers (a replay)")
        inbox_id = await asyncio.wait_for(self.store(message, plaintext), STORE_SECONDS)
        if inbox_id is None:
            self.redeliveries += 1
            log.info("WeCom redelivered %s: acknowledged, not processed again", message.dedupe_key()[:80])
        else:
            self.acknowledged += 1
            self.notify(inbox_id, message)
        return 200

    @staticmethod
    async def _read_body(scope, receive) -> bytes | None:
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > MAX_BODY):
                return None
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected()
            body.extend(message.get("body", b""))
            if len(body) > MAX_BODY:
                return None
            if not message.get("more_body", False):
                return bytes(body)


class GroupCommitter:
    """Collects concurrent callbacks and writes them in one transaction on one thread.

    SQLite takes one writer at a time; many small transactions from many threads mostly wait on
    each other. Batching keeps the acknowledgement fast under load and costs nothing when idle.
    """

    def __init__(self, write: Callable[[list[tuple[InboundMessage, str]]], list[int | None]], batch: int = 256) -> None:
        self._write = write
        self._batch = batch
        self._queue: asyncio.Queue | None = None
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self._queue = asyncio.Queue()
        self._task = asyncio.create_task(self._run(), name="wecom-inbox-writer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def store(self, message: InboundMessage, xml: str) -> int | None:
        if self._queue is None:
            raise RuntimeError("the WeCom inbox writer is not running")
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((message, xml, future))
        return await future

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            items = [await self._queue.get()]
            while len(items) < self._batch and not self._queue.empty():
                items.append(self._queue.get_nowait())
            try:
                ids = await asyncio.to_thread(self._write, [(m, x) for m, x, _ in items])
            except Exception as exc:  # noqa: BLE001 - each waiting request answers 503
                for _, _, future in items:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, _, future), inbox_id in zip(items, ids):
                if not future.done():
                    future.set_result(inbox_id)
