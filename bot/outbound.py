"""The one outbound path for replies and pushes.

Replies become outbox rows inside the transaction of the change they report, then channels
deliver them. Scheduled pushes write rows with a dedupe key (job:occurrence:target), so a
second run of the same occurrence — after a restart, by hand, or from another instance — adds
nothing and sends nothing more.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import logging
import queue
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bot import outbound_claim, outbound_render
from bot.channels import Channel, SendResult
from bot.clock import Clock
from bot.db import insert_or_ignore, transaction
from bot.message import Incoming, Reply, ToAddress, ToGroup, ToPerson, ToSender
from bot.models import Group, OutboundMessage, OutboxStatus, Person

log = logging.getLogger(__name__)

# A row that keeps failing is retried after 5 s, 10 s, 20 s … (at most 30 min apart) and given up
# after this many attempts, about 45 minutes after the first: a channel outage shorter than that
# loses nothing.
MAX_ATTEMPTS = 10
FIRST_RETRY_SECONDS = 5
LONGEST_RETRY_SECONDS = 1800


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before the next try, after `attempts` failed ones."""
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), LONGEST_RETRY_SECONDS))

# Rows per multi-row INSERT; SQLite allows 32766 bound parameters, 14 columns a row.
BULK_CHUNK = 500

# Channels whose incoming message ids are unique for good (WeCom MsgId, the AI bot's msgid, WeChat
# message ids): a reply to such a message is keyed by it, so handling the message twice cannot write
# its replies twice.
STABLE_MESSAGE_IDS = frozenset({"wecom", "wecom_bot", "wechaty"})


def reply_key(message: Incoming, index: int) -> str:
    """The dedupe key of the `index`-th reply to `message`."""
    message_id = message.message_id or ""
    if len(message_id) > 180:
        message_id = "h" + hashlib.sha256(message_id.encode("utf-8")).hexdigest()
    return f"reply:{message.channel}:{message_id}:{index}"


class _MarkWriter:
    """A thread that writes delivery marks (rows about to be sent, results of calls that returned) as they come.

    `write(starts, outcomes)` gets everything that piled up during the previous transaction and answers the
    ids of `starts` it marked; each submitter's future gets its own share.
    """

    def __init__(self, write: Callable[[list[OutboundMessage], list[tuple[OutboundMessage, SendResult]]], set[int]]):
        self._write = write
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, loop: asyncio.AbstractEventLoop, starts: Sequence[OutboundMessage] = (),
               outcomes: Sequence[tuple[OutboundMessage, SendResult]] = ()) -> asyncio.Future:
        future = loop.create_future()
        self._queue.put((loop, future, list(starts), list(outcomes)))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="outbox-marks", daemon=True)
                self._thread.start()
        return future

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            starts = [row for *_, rows, _ in batch for row in rows]
            outcomes = [outcome for *_, done in batch for outcome in done]
            try:
                marked = self._write(starts, outcomes)
            except Exception:  # noqa: BLE001 - those calls are not made; their rows wait for the next round
                log.warning("could not write delivery marks", exc_info=True)
                marked = set()
            for loop, future, rows, _ in batch:
                try:
                    loop.call_soon_threadsafe(_resolve, future, {row.id for row in rows} & marked)
                except RuntimeError:
                    pass  # that round's event loop is gone: nobody waits for the answer


def _resolve(future: asyncio.Future, value: set[int]) -> None:
    if not future.done():
        future.set_result(value)


class UnroutableError(Exception):
    pass


@dataclass(frozen=True)
class Route:
    channel: str
    target: str
    person_id: int | None = None
    group_id: int | None = None


class Outbound:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock
        self.channels: dict[str, Channel] = {}
        # Order in which channels are tried to reach a person who did not write to us.
        self.person_preference: list[str] = []
        # Who this instance is in delivery claims (bot/outbound_claim.py).
        self.instance = outbound_claim.instance_name()
        # Results of sends that could not be recorded (the database was away): written first next round,
        # and those rows are not offered again meanwhile, so nothing that went out goes out twice.
        self._unrecorded: dict[int, tuple[OutboundMessage, SendResult]] = {}
        # Texts made at send time (bot/outbound_render.py): renderer name -> function.
        self.renderers: dict[str, outbound_render.Renderer] = {}
        self._marks: _MarkWriter | None = None
        self._marks_connection: Connection | None = None  # used by the marks writer's thread only

    def register(self, channel: Channel, prefer: bool = False) -> None:
        self.channels[channel.name] = channel
        if prefer:
            self.person_preference.insert(0, channel.name)
        else:
            self.person_preference.append(channel.name)

    # --- routing -------------------------------------------------------------------------

    def route_person(self, session: Session, person: Person) -> Route | None:
        for name in self.person_preference:
            address = self.channels[name].address_for(session, person)
            if address:
                return Route(name, address, person_id=person.id)
        return None

    def route_group(self, session: Session, group: Group) -> Route:
        return Route(group.channel, group.address or group.name, group_id=group.id)

    def route(self, session: Session, reply: Reply, message: Incoming | None, sender: Person | None) -> Route | None:
        to = reply.to
        if isinstance(to, ToSender):
            if message is None:
                raise UnroutableError("a reply to the sender needs an incoming message")
            target = message.chat_id or message.sender
            return Route(message.channel, target, person_id=sender.id if sender else None)
        if isinstance(to, ToPerson):
            person = session.get(Person, to.person_id)
            if person is None or not person.active:
                return None
            if sender is not None and message is not None and person.id == sender.id and not message.chat_id:
                return Route(message.channel, message.sender, person_id=person.id)
            return self.route_person(session, person)
        if isinstance(to, ToGroup):
            group = session.get(Group, to.group_id)
            if group is None or not group.active:
                return None
            return self.route_group(session, group)
        if isinstance(to, ToAddress):
            return Route(to.channel, to.address) if to.channel in self.channels else None
        raise UnroutableError(f"unknown recipient {to!r}")

    # --- writing -------------------------------------------------------------------------

    def enqueue(
        self,
        session: Session,
        replies: Sequence[Reply],
        message: Incoming | None = None,
        sender: Person | None = None,
    ) -> list[OutboundMessage]:
        """Write outbox rows for these replies in the caller's transaction; return the rows written.

        A reply whose dedupe key was already used writes nothing. A reply that cannot be routed
        (a person with no reachable channel) is recorded as skipped, so it is visible, not lost.
        A push to thousands of people loads them in a few queries and writes keyed rows in chunks.
        """
        now = self.clock.now()
        people = sorted({r.to.person_id for r in replies if isinstance(r.to, ToPerson)})
        for chunk in _chunks(people, BULK_CHUNK) if len(people) > 1 else ():
            session.scalars(select(Person).where(Person.id.in_(chunk))).all()  # into the identity map
        rows: list[OutboundMessage] = []
        keyed: list[dict] = []
        for index, reply in enumerate(replies):
            values = self._values(session, reply, message, sender, now)
            if values["dedupe_key"] is None:
                values["dedupe_key"] = _row_key(message, index, values["status"])
            if values["dedupe_key"] is None:
                row = OutboundMessage(**values)
                session.add(row)
                rows.append(row)
            else:
                keyed.append(values)
        for chunk in _chunks(keyed, BULK_CHUNK):
            rows.extend(_insert_rows_once(session, chunk))
        # No flush here: the commit writes these rows together with the handler's own changes.
        return rows

    def _values(self, session: Session, reply: Reply, message: Incoming | None, sender: Person | None, now: datetime) -> dict:
        route = self.route(session, reply, message, sender)
        if route is None:
            person_id = reply.to.person_id if isinstance(reply.to, ToPerson) else None
            group_id = reply.to.group_id if isinstance(reply.to, ToGroup) else None
            route = Route("none", "", person_id=person_id, group_id=group_id)
            status = OutboxStatus.skipped.value
        else:
            channel = self.channels.get(route.channel)
            if channel is None:
                status = OutboxStatus.skipped.value
            else:
                status = OutboxStatus.sent.value if channel.immediate else OutboxStatus.pending.value
        return dict(
            created_at=now,
            channel=route.channel,
            target=route.target,
            person_id=route.person_id,
            group_id=route.group_id,
            kind=reply.kind,
            text=reply.text,
            payload=_payload(reply, message, sender, route),
            status=status,
            attempts=0,
            sent_at=now if status == OutboxStatus.sent.value else None,
            error="no reachable channel" if status == OutboxStatus.skipped.value else None,
            dedupe_key=reply.dedupe_key,
        )

    def emit_immediate(self, rows: Iterable[OutboundMessage]) -> None:
        for row in rows:
            channel = self.channels.get(row.channel)
            if channel is not None and channel.immediate and row.status == OutboxStatus.sent.value:
                if outbound_render.needs_render(row):
                    # Only the object in hand gets the live text; the stored row keeps the redacted one.
                    try:
                        row.text = outbound_render.render(self.sessions, self.clock, row, self.renderers)
                    except Exception:  # noqa: BLE001 - the stored text still says what happened
                        log.exception("could not complete outbox row %s for %s", row.id, row.channel)
                channel.emit(row)

    # --- delivering ----------------------------------------------------------------------

    async def deliver(self, ids: Iterable[int] | None = None, limit: int = 5000) -> int:
        """Send pending rows (these ids, or the oldest pending ones); return how many were sent.

        The rows are first claimed for this instance (bot/outbound_claim.py), so another instance
        delivering from the same database does not send them too. Each row is recorded as sent or
        failed right after its own API call: a crash resends at most what was in flight.

        Rows are handed to their channel together: a channel with `send_batch(rows)` gets all of
        its rows at once (so one text to many people can go out in few calls) and may answer None
        for a row it will not try yet (pacing) — that row is given back, its attempts unchanged. A
        `send_batch` that takes `done` reports each call's rows through it as the call completes, and
        one that takes `sending` announces each call's rows through it just before the call (sending
        only the rows it answers). Other channels get one `send(row)` per row, marked and recorded alike.

        The database work runs on a thread: delivery shares the event loop with the channels'
        callback endpoints, which must answer within WeCom's 5 seconds even while SQLite is busy.
        """
        wanted = None if ids is None else list(ids)
        if wanted is not None and not wanted:
            return 0
        if self._unrecorded and not await asyncio.to_thread(self._record_unrecorded):
            return 0  # the database is still away: send nothing new meanwhile
        rows, unrendered = await asyncio.to_thread(self._pending, wanted, limit)
        if not rows:
            return 0
        held = {row.id for row in rows}
        started: set[int] = set()  # rows whose call began: unrecorded ones keep their lease (the outcome is unknown)
        renewing = asyncio.create_task(self._renew(held), name="outbox-claim-renewal")
        try:
            return await self._send_claimed(rows, unrendered, held, started)
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)
            untried = held - started
            if untried:
                try:
                    await asyncio.to_thread(self._release, sorted(untried))
                except Exception:  # noqa: BLE001 - the lease runs out by itself
                    log.warning("could not give back %d claimed outbox rows; they wait for the lease", len(untried))

    async def _send_claimed(self, rows: list[OutboundMessage], unrendered: dict[int, str], held: set[int],
                            started: set[int]) -> int:
        by_channel: dict[str, list[OutboundMessage]] = {}
        early: list[tuple[OutboundMessage, SendResult]] = []
        for row in rows:
            if row.id in unrendered:
                early.append((row, SendResult(ok=False, error=unrendered[row.id], retryable=True)))
            else:
                by_channel.setdefault(row.channel, []).append(row)
        sent = 0
        # Each call writes its rows' `sending_since` before it starts and its result as soon as it returns, and
        # waits for the commit (channels hold their concurrency slot meanwhile): at any moment, only the calls
        # actually under way are unrecorded. The writes go to one thread of their own, which takes whatever
        # has piled up while it committed into its next transaction: many parallel calls cost a few
        # transactions, not two each, and no write waits for the event loop or a busy thread pool.
        if self._marks is None:
            self._marks = _MarkWriter(self._write)
        marks = self._marks
        loop = asyncio.get_running_loop()

        async def starting(batch: Sequence[OutboundMessage]) -> set[int]:
            """Mark rows as being sent now; return the ids that may be sent (those still held by this instance)."""
            wanted = [row for row in batch if row.id in held]
            if not wanted:
                return set()
            pending = marks.submit(loop, starts=wanted)
            started.update(row.id for row in wanted)  # before the await: a cancelled round must not give them back
            return await pending

        async def record(outcomes: Sequence[tuple[OutboundMessage, SendResult | None]]) -> None:
            nonlocal sent
            done = [(row, result) for row, result in outcomes if result is not None and row.id in held]
            if not done:
                return
            held.difference_update(row.id for row, _ in done)
            sent += sum(1 for _, result in done if result.ok)
            await marks.submit(loop, outcomes=done)

        try:
            await record(early)
            await self._send_channels(by_channel, record, starting)
        finally:
            await marks.submit(loop)  # after everything submitted before it: a cancelled round's results too
        return sent

    def _write(self, starts: Sequence[OutboundMessage], outcomes: Sequence[tuple[OutboundMessage, SendResult]]) -> set[int]:
        """Mark `starts` as being sent and record `outcomes`, in one transaction; return the ids marked.

        If the database is away, the outcomes are kept until it is back (`_record`) and nothing is marked, so
        those calls are not made."""
        if not starts and not outcomes:
            return set()
        try:
            try:
                return self._write_once(starts, outcomes)
            except DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
                return self._write_once(starts, outcomes)  # the kept connection had died (a database restart)
        except Exception:  # noqa: BLE001 - a send that went out must not be lost, nor repeated
            if not outcomes:
                raise
            self._record(outcomes)
            if starts:
                log.warning("could not mark %d outbox rows as being sent; they wait for the next round", len(starts))
            return set()

    def _write_once(self, starts: Sequence[OutboundMessage],
                    outcomes: Sequence[tuple[OutboundMessage, SendResult]]) -> set[int]:
        # The writer thread keeps its connection: no pool checkout and liveness ping on every call's
        # marks, which under load would stretch the time a finished call stays unrecorded.
        if self._marks_connection is None:
            self._marks_connection = self.sessions.kw["bind"].connect()
        try:
            with self.sessions(bind=self._marks_connection) as session, session.begin():
                marked = outbound_claim.start(session, self.instance, [row.id for row in starts], self.clock.now())
                if outcomes:
                    session.execute(update(OutboundMessage), self._result_updates(outcomes))
            return marked
        except Exception:
            connection, self._marks_connection = self._marks_connection, None
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - it is being dropped anyway
                pass
            raise

    async def _send_channels(self, by_channel: dict[str, list[OutboundMessage]], record, starting) -> None:
        for name, group in by_channel.items():
            channel = self.channels.get(name)
            batch = getattr(channel, "send_batch", None)
            if batch is not None:
                extra = {}
                if _takes(batch, "done"):
                    extra["done"] = record
                if _takes(batch, "sending"):
                    extra["sending"] = starting
                try:
                    results = list(await batch(group, **extra))
                except Exception as exc:  # noqa: BLE001 - a failing channel must not stop the others
                    log.exception("delivery of %d rows on %s failed", len(group), name)
                    # Some of them may have gone out before it failed: a retry carries the duplicate check.
                    results = [SendResult(ok=False, error=f"{type(exc).__name__}", retryable=True, maybe_sent=True)] * len(group)
                await record(list(zip(group, results)))
                continue
            for row in group:
                if channel is None:
                    result = SendResult(ok=False, error=f"channel {row.channel} is not running", retryable=True)
                else:
                    if not await starting([row]):
                        continue  # not marked (the database is away, or the row was taken over): not sent now
                    try:
                        result = await channel.send(row)
                    except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
                        log.exception("delivery of outbox row %s failed", row.id)
                        result = SendResult(ok=False, error=f"{type(exc).__name__}: {exc}", retryable=True,
                                            maybe_sent=True)
                await record([(row, result)])

    def _pending(self, ids: list[int] | None, limit: int) -> tuple[list[OutboundMessage], dict[int, str]]:
        """Claim due rows for this instance; complete the texts made at send time (id -> error if that failed)."""
        with transaction(self.sessions) as session:
            rows = outbound_claim.claim(session, self.instance, self.clock.now(), ids, limit, exclude=self._unrecorded)
            session.expunge_all()
        uncertain = sum(1 for row in rows if row.sending_since is not None)
        if uncertain:
            log.warning("sending %d outbox rows again whose earlier call's outcome is unknown (an instance stopped "
                        "mid-call, or no answer came); they carry the duplicate check", uncertain)
        unrendered: dict[int, str] = {}
        for row in rows:
            if outbound_render.needs_render(row):
                try:
                    row.text = outbound_render.render(self.sessions, self.clock, row, self.renderers)
                except Exception as exc:  # noqa: BLE001 - tried again like a failed send
                    log.exception("could not complete outbox row %s", row.id)
                    unrendered[row.id] = f"could not complete the text: {type(exc).__name__}"
        return rows, unrendered

    async def _renew(self, held: set[int]) -> None:
        while True:
            await asyncio.sleep(outbound_claim.RENEW_SECONDS)
            try:
                await asyncio.to_thread(self._renew_now, sorted(held))
            except Exception:  # noqa: BLE001 - tried again next period
                log.warning("could not renew the claim on %d outbox rows", len(held))

    def _renew_now(self, ids: list[int]) -> None:
        with transaction(self.sessions) as session:
            outbound_claim.renew(session, self.instance, ids, self.clock.now())

    def _release(self, ids: list[int]) -> None:
        with transaction(self.sessions) as session:
            outbound_claim.release(session, self.instance, ids)

    def _record(self, outcomes: Sequence[tuple[OutboundMessage, SendResult]]) -> None:
        """Write these results now; if the database is away, keep them until it is back."""
        try:
            self.mark_many(outcomes)
        except Exception:  # noqa: BLE001 - a send that went out must not be lost, nor repeated
            if not self._unrecorded:
                log.warning("could not record %d delivery results; kept until the database answers again",
                            len(outcomes), exc_info=True)
            for row, result in outcomes:
                self._unrecorded[row.id] = (row, result)

    def _record_unrecorded(self) -> bool:
        outcomes = list(self._unrecorded.values())
        try:
            self.mark_many(outcomes)
        except Exception:  # noqa: BLE001 - still away; try again next round
            return False
        for row, _ in outcomes:
            self._unrecorded.pop(row.id, None)
        log.info("recorded %d delivery results kept while the database was away", len(outcomes))
        return True

    def mark(self, row_id: int, result: SendResult) -> None:
        with self.sessions() as session, session.begin():
            row = session.get(OutboundMessage, row_id)
            if row is None:
                return
            row.attempts += 1
            row.external_id = result.external_id or row.external_id
            row.error = result.error
            row.claimed_until = None
            row.sending_since = self.clock.now() if result.maybe_sent and not result.ok else None
            if result.ok:
                row.status = OutboxStatus.sent.value
                row.sent_at = self.clock.now()
            elif not result.retryable or row.attempts >= MAX_ATTEMPTS:
                row.status = OutboxStatus.failed.value
            else:
                row.next_attempt_at = self.clock.now() + retry_delay(row.attempts)

    def mark_many(self, outcomes: Sequence[tuple[OutboundMessage, SendResult]]) -> None:
        """Record a batch's results in one transaction (rows as loaded for delivery)."""
        if not outcomes:
            return
        updates = self._result_updates(outcomes)
        with self.sessions() as session, session.begin():
            session.execute(update(OutboundMessage), updates)

    def _result_updates(self, outcomes: Sequence[tuple[OutboundMessage, SendResult]]) -> list[dict]:
        now = self.clock.now()
        updates = []
        for row, result in outcomes:
            attempts = row.attempts + 1
            if result.ok:
                status = OutboxStatus.sent.value
            elif not result.retryable or attempts >= MAX_ATTEMPTS:
                status = OutboxStatus.failed.value
            else:
                status = OutboxStatus.pending.value
            updates.append(
                dict(
                    id=row.id,
                    attempts=attempts,
                    status=status,
                    error=result.error,
                    external_id=result.external_id or row.external_id,
                    sent_at=now if result.ok else row.sent_at,
                    next_attempt_at=now + retry_delay(attempts) if status == OutboxStatus.pending.value else None,
                    claimed_until=None,
                    # A call that ended without an answer may have delivered: its retry keeps the duplicate check.
                    sending_since=now if result.maybe_sent and not result.ok else None,
                )
            )
        return updates


def _payload(reply: Reply, message: Incoming | None, sender: Person | None, route: Route | None = None) -> dict | None:
    payload = dict(reply.payload or {})
    if isinstance(reply.to, ToSender) and message is not None and message.chat_id:
        # In a group or room the channel may @ the person it answers.
        payload["mention"] = message.sender
        if sender is not None:
            payload["mention_name"] = sender.name
    if (
        message is not None
        and message.reply_token
        and route is not None
        and route.channel == message.channel
        and route.target == (message.chat_id or message.sender)
    ):
        # An answer back into the conversation the message came from may go out as a reply to it.
        payload["reply_token"] = message.reply_token
    return payload or None


def _row_key(message: Incoming | None, index: int, status: str) -> str | None:
    """A key for a row that has none: every row a channel will deliver carries one (a reply: its message's
    key and its index; anything else: a random one, stable once written). Rows shown at once need none."""
    if status != OutboxStatus.pending.value:
        return None
    if message is not None and message.message_id and message.channel in STABLE_MESSAGE_IDS:
        return reply_key(message, index)
    return f"row:{uuid.uuid4().hex}"


def _takes(send_batch, parameter: str) -> bool:
    try:
        return parameter in inspect.signature(send_batch).parameters
    except (TypeError, ValueError):
        return False


def _insert_rows_once(session: Session, rows: list[dict]) -> list[OutboundMessage]:
    """Insert keyed rows, skipping keys already used; return the rows written, as loaded objects.

    Every reply to a WeCom or WeChat message is keyed, so this is on the path of each message:
    RETURNING the rows themselves saves reading them back, and the rows go as parameters (not
    `.values(rows)`), so the compiled statement is cached instead of built again each time.
    """
    statement = insert_or_ignore(session, OutboundMessage, ["dedupe_key"]).returning(OutboundMessage)
    return sorted(session.scalars(statement, rows), key=lambda row: row.id)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]
