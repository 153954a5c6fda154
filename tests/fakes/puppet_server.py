"""A fake Wechaty puppet service: a real grpclib HTTP/2 server on 127.0.0.1 speaking `wechaty.Puppet`.

The production client (wechaty-puppet-service) connects to it exactly as it would to
`wechaty gateway`: the token travels as `:authority`, `Event` is a server stream that starts with
a heartbeat (and a login when the account is logged in), payloads are fetched by id.

Usage (inside a running event loop)::

    fake = FakePuppet(token="insecure_test")
    await fake.start()                        # port 0; fake.endpoint is "127.0.0.1:PORT"
    fake.add_contact("wxid_zhang", "张伟")
    fake.add_room("room1@chatroom", "安居社区工作群", ["wxid_zhang"])
    fake.say("wxid_zhang", "服务 1小时", room_id="room1@chatroom", mention_bot=True)
    sent = await fake.wait_sent(1)             # what the bot sent: Sent(conversation_id, text, mention_ids)
    fake.drop_streams()                        # end every open event stream (the client sees the end)
    await fake.stop(); await fake.start()      # a restart on the same port
    fake.rejected                              # calls refused for a wrong token
    fake.hang("Ding", never)                   # replace how one method answers
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

from grpclib.const import Cardinality, Handler, Status
from grpclib.exceptions import GRPCError
from grpclib.protocol import H2Protocol
from grpclib.server import Handler as RequestHandler
from grpclib.server import Server, Stream, request_handler
from wechaty_grpc.wechaty import puppet as pb

BOT_ID = "wxid_gridbot"
BOT_NAME = "网格作风助手"
# The service's (TypeScript) message type numbers; the Python client remaps them.
TEXT, IMAGE, POST, SYSTEM = 7, 6, 16, 18


@dataclass(frozen=True)
class Sent:
    conversation_id: str
    text: str
    mention_ids: tuple[str, ...]


class FakePuppet:
    def __init__(self, token: str, self_id: str = BOT_ID, self_name: str = BOT_NAME) -> None:
        self.token = token
        self.self_id = self_id
        self.contacts: dict[str, str] = {self_id: self_name}
        self.rooms: dict[str, tuple[str, list[str]]] = {}
        self.messages: dict[str, pb.MessagePayloadResponse] = {}
        self.sent: list[Sent] = []
        self.calls: Counter[str] = Counter()
        self.rejected = 0
        self.logged_in = True
        self.port = 0
        self._streams: set[asyncio.Queue] = set()
        self._ids = itertools.count(1)
        self._server: Server | None = None
        self._protocols: list[_Protocol] = []
        self._changed = asyncio.Condition()
        self._overrides: dict[str, Any] = {}

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on 127.0.0.1 (port 0 the first time, then the same port again)."""
        self._server = _TokenServer(self)
        await self._server.start("127.0.0.1", self.port)
        self.port = self._server._server.sockets[0].getsockname()[1]  # noqa: SLF001 - grpclib keeps it there

    async def stop(self) -> None:
        """Close the listener and every connection, as a crashed or restarted gateway would."""
        assert self._server is not None
        self.drop_streams()
        self._server.close()
        for protocol in self._protocols:
            if protocol.transport is not None:
                protocol.transport.close()
        self._protocols.clear()
        await self._server.wait_closed()
        self._server = None

    def drop_streams(self) -> None:
        """End every open event stream cleanly (the connection itself stays up)."""
        for queue in list(self._streams):
            queue.put_nowait(None)

    @property
    def open_streams(self) -> int:
        return len(self._streams)

    # --- what the test controls -------------------------------------------------------------

    def add_contact(self, contact_id: str, name: str) -> None:
        self.contacts[contact_id] = name

    def add_room(self, room_id: str, topic: str, member_ids: list[str]) -> None:
        self.rooms[room_id] = (topic, [self.self_id, *member_ids])

    def say(
        self,
        talker_id: str,
        text: str,
        *,
        room_id: str = "",
        mention_bot: bool = False,
        mention_ids: tuple[str, ...] = (),
        kind: int = TEXT,
    ) -> str:
        """A contact sends a message; with mention_bot the text starts with a real @ of the bot."""
        message_id = f"msg-{next(self._ids)}"
        mentions = list(mention_ids)
        if mention_bot:
            text = f"@{self.contacts[self.self_id]}\u2005{text}"
            mentions.append(self.self_id)
        self.messages[message_id] = pb.MessagePayloadResponse(
            id=message_id,
            text=text,
            type=kind,  # type: ignore[arg-type] - the service sends its own numbers
            from_id=talker_id,
            room_id=room_id,
            to_id="" if room_id else self.self_id,
            mention_ids=mentions,
            timestamp=0,
        )
        self.push(pb.EventType.EVENT_TYPE_MESSAGE, {"messageId": message_id})
        return message_id

    def push(self, kind: pb.EventType, payload: dict[str, Any]) -> None:
        event = pb.EventResponse(type=kind, payload=json.dumps(payload))
        for queue in list(self._streams):
            queue.put_nowait(event)

    async def wait_sent(self, count: int, timeout: float = 10.0) -> list[Sent]:
        """Wait until the bot has sent at least `count` messages in all; return them all."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self.sent) >= count), timeout)
        return list(self.sent)

    async def wait_streams(self, count: int = 1, timeout: float = 10.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(self._streams) >= count), timeout)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # --- the gRPC service -------------------------------------------------------------------

    def __mapping__(self) -> dict[str, Handler]:
        unary = Cardinality.UNARY_UNARY
        methods = {
            "Start": (self._start, unary, pb.StartRequest, pb.StartResponse),
            "Stop": (self._stop, unary, pb.StopRequest, pb.StopResponse),
            "Ding": (self._ding, unary, pb.DingRequest, pb.DingResponse),
            "Event": (self._event, Cardinality.UNARY_STREAM, pb.EventRequest, pb.EventResponse),
            "MessagePayload": (self._message_payload, unary, pb.MessagePayloadRequest, pb.MessagePayloadResponse),
            "MessageSendText": (self._send_text, unary, pb.MessageSendTextRequest, pb.MessageSendTextResponse),
            "ContactPayload": (self._contact_payload, unary, pb.ContactPayloadRequest, pb.ContactPayloadResponse),
            "RoomList": (self._room_list, unary, pb.RoomListRequest, pb.RoomListResponse),
            "RoomPayload": (self._room_payload, unary, pb.RoomPayloadRequest, pb.RoomPayloadResponse),
            "RoomMemberList": (self._room_members, unary, pb.RoomMemberListRequest, pb.RoomMemberListResponse),
        }
        return {f"/wechaty.Puppet/{name}": Handler(self._routed(name, spec[0]), *spec[1:]) for name, spec in methods.items()}

    def _routed(self, name: str, method):
        async def call(stream: Stream) -> None:
            await self._overrides.get(name, method)(stream)

        return call

    def hang(self, name: str, method) -> None:
        """Answer the method `name` with `method(stream)` from now on (e.g. never, to play a silent service)."""
        self._overrides[name] = method

    def _denied_mapping(self) -> dict[str, Handler]:
        async def deny(stream: Stream) -> None:
            self.rejected += 1
            raise GRPCError(Status.UNAUTHENTICATED, "invalid token")

        return {path: Handler(deny, h.cardinality, h.request_type, h.reply_type) for path, h in self.__mapping__().items()}

    async def _start(self, stream: Stream) -> None:
        await stream.recv_message()
        self.calls["Start"] += 1
        await stream.send_message(pb.StartResponse())

    async def _stop(self, stream: Stream) -> None:
        await stream.recv_message()
        self.calls["Stop"] += 1
        await stream.send_message(pb.StopResponse())

    async def _ding(self, stream: Stream) -> None:
        request = await stream.recv_message()
        self.calls["Ding"] += 1
        await stream.send_message(pb.DingResponse())
        self.push(pb.EventType.EVENT_TYPE_DONG, {"data": request.data})

    async def _event(self, stream: Stream) -> None:
        await stream.recv_message()
        self.calls["Event"] += 1
        queue: asyncio.Queue = asyncio.Queue()
        await stream.send_message(pb.EventResponse(type=pb.EventType.EVENT_TYPE_HEARTBEAT, payload=json.dumps({"data": "stream open"})))
        if self.logged_in:
            await stream.send_message(pb.EventResponse(type=pb.EventType.EVENT_TYPE_LOGIN, payload=json.dumps({"contactId": self.self_id})))
        self._streams.add(queue)
        await self._notify()
        try:
            while (event := await queue.get()) is not None:
                await stream.send_message(event)
        finally:
            self._streams.discard(queue)

    async def _message_payload(self, stream: Stream) -> None:
        request = await stream.recv_message()
        self.calls["MessagePayload"] += 1
        payload = self.messages.get(request.id)
        if payload is None:
            raise GRPCError(Status.NOT_FOUND, f"no message {request.id}")
        await stream.send_message(payload)

    async def _send_text(self, stream: Stream) -> None:
        request = await stream.recv_message()
        self.calls["MessageSendText"] += 1
        known = request.conversation_id in self.contacts or request.conversation_id in self.rooms
        if not known:
            raise GRPCError(Status.NOT_FOUND, "no such conversation")
        self.sent.append(Sent(request.conversation_id, request.text, tuple(request.mentonal_ids)))
        await stream.send_message(pb.MessageSendTextResponse(id=f"out-{next(self._ids)}"))
        await self._notify()

    async def _contact_payload(self, stream: Stream) -> None:
        request = await stream.recv_message()
        self.calls["ContactPayload"] += 1
        name = self.contacts.get(request.id)
        if name is None:
            raise GRPCError(Status.NOT_FOUND, "no such contact")
        await stream.send_message(pb.ContactPayloadResponse(id=request.id, name=name, friend=True))

    async def _room_list(self, stream: Stream) -> None:
        await stream.recv_message()
        self.calls["RoomList"] += 1
        await stream.send_message(pb.RoomListResponse(ids=list(self.rooms)))

    async def _room_payload(self, stream: Stream) -> None:
        request = await stream.recv_message()
        self.calls["RoomPayload"] += 1
        if request.id not in self.rooms:
            raise GRPCError(Status.NOT_FOUND, "no such room")
        topic, members = self.rooms[request.id]
        await stream.send_message(pb.RoomPayloadResponse(id=request.id, topic=topic, member_ids=members))

    async def _room_members(self, stream: Stream) -> None:
        request = await stream.recv_message()
        self.calls["RoomMemberList"] += 1
        await stream.send_message(pb.RoomMemberListResponse(member_ids=self.rooms.get(request.id, ("", []))[1]))


class _Protocol(H2Protocol):
    transport: Any = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport
        super().connection_made(transport)


class _CheckToken(RequestHandler):
    """Checks the token the client sends as `:authority`, as the gateway's insecure mode does."""

    def __init__(self, fake: FakePuppet, *args: Any) -> None:
        super().__init__(*args)
        self.fake = fake
        self.denied = fake._denied_mapping()  # noqa: SLF001

    def accept(self, stream, headers, release_stream) -> None:  # type: ignore[override]
        authority = dict(headers).get(":authority")
        mapping = self.mapping if authority == self.fake.token else self.denied
        self.__gc_step__()
        self._tasks[stream] = self.loop.create_task(
            request_handler(mapping, stream, headers, self.codec, self.status_details_codec, self.dispatch, release_stream)
        )


class _TokenServer(Server):
    def __init__(self, fake: FakePuppet) -> None:
        super().__init__([fake])
        self.fake = fake

    def _protocol_factory(self) -> H2Protocol:
        self.__gc_step__()
        handler = _CheckToken(self.fake, self._mapping, self._codec, self._status_details_codec, self.__dispatch__)
        self._handlers.add(handler)
        protocol = _Protocol(handler, self._config, self._h2_config)
        self.fake._protocols.append(protocol)  # noqa: SLF001
        return protocol


class PuppetInThread:
    """The fake in its own event loop on a background thread, for synchronous callers (the CLI)."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="fake-puppet", daemon=True)
        self.fake: FakePuppet | None = None

    def __enter__(self) -> FakePuppet:
        self._thread.start()
        self.fake = self._call(self._make())
        return self.fake

    async def _make(self) -> FakePuppet:
        fake = FakePuppet(self.token)
        await fake.start()
        return fake

    def __exit__(self, *exc_info: object) -> None:
        assert self.fake is not None
        self._call(self.fake.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)
