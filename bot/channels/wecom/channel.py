"""Outbound WeCom channels: "wecom" (people by UserID), "wecom_appchat" (app group chats), "wecom_robot".

Each offers `send_batch(rows)`; the Outbound hands it all pending rows of the channel at once. A row
answered None was not tried now (pacing) and stays pending; it is offered again next round.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.channels import SendResult
from bot.outbound_claim import recent_repeats
from bot.channels.wecom.client import FREQUENCY_ERRORS, WecomApiError, WecomClient
from bot.channels.wecom.pacing import APPCHAT_LIMITS, BACKOFF_SECONDS, MEMBER_LIMITS, ROBOT_LIMITS, Pacer
from bot.clock import Clock
from bot.config import WecomConfig
from bot.models import OutboundMessage, Person
from bot.text import split_utf8

log = logging.getLogger(__name__)

TEXT_LIMIT = 2048
ROBOT_MARKDOWN_LIMIT = 4096
MAX_USERS_PER_CALL = 1000
CONCURRENT_CALLS = 8
# Any row may reach WeCom twice (a timeout after delivery, a crash before its result was recorded):
# every send asks WeCom to drop a copy within the longest interval it allows, 4 hours.
DUPLICATE_CHECK_SECONDS = 4 * 3600
_TASK_ID_CHARS = re.compile(r"[^0-9A-Za-z_\-@]")

Result = SendResult | None
# Reports the results of one API call's rows as soon as the call returns; Outbound records them before it
# returns, and the call keeps its concurrency slot until then.
Done = Callable[[Sequence[tuple[Any, Result]]], Awaitable[None]] | None
# Announces the rows of one API call just before it starts; answers the ids that may be sent (Outbound marks
# them as being sent, so after a crash the next sender knows a copy may be out). The others are not sent now.
Sending = Callable[[Sequence[Any]], Awaitable[set[int]]] | None


async def _report(done: Done, outcome: Sequence[tuple[Any, Result]]) -> None:
    if done is not None and outcome:
        await done(outcome)


async def _start(sending: Sending, rows: Sequence[OutboundMessage]) -> list[OutboundMessage]:
    """The rows of a call that may go now (all of them when nobody asks to be told)."""
    if sending is None:
        return list(rows)
    allowed = await sending(rows)
    return [row for row in rows if row.id in allowed]


def _error(exc: WecomApiError) -> SendResult:
    # No errcode: no answer from WeCom (a timeout, a broken connection, a garbled reply), so it may have sent.
    return SendResult(ok=False, error=str(exc), retryable=exc.retryable, maybe_sent=exc.errcode is None)


def _chunks(row: OutboundMessage, limit: int) -> list[str]:
    return split_utf8(row.text or "", limit) or [""]


def _task_id(raw: str, suffix: str = "") -> str:
    cleaned = _TASK_ID_CHARS.sub("_", raw or "task")
    return (cleaned[: 128 - len(suffix)] + suffix) or "task"


def _cut(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def template_card(payload: dict[str, Any], fallback_text: str, suffix: str = "") -> dict[str, Any] | None:
    """A WeCom template_card from a Reply payload (buttons or a vote), or None if it is neither."""
    title = _cut(str(payload.get("title") or fallback_text.split("\n", 1)[0]), 36)
    description = str(payload.get("description") or "")
    card: dict[str, Any] = {
        "main_title": {"title": title, "desc": _cut(description, 44)} if description else {"title": title},
        "task_id": _task_id(str(payload.get("task_id") or ""), suffix),
    }
    if description and len(description) > 44:
        card["sub_title_text"] = _cut(description, 1000)
    if payload.get("buttons"):
        card["card_type"] = "button_interaction"
        card["button_list"] = [
            {"text": _cut(str(b["text"]), 10), "style": 1, "key": str(b["key"])} for b in payload["buttons"][:6]
        ]
        return card
    vote = payload.get("vote")
    if vote and vote.get("options"):
        card["card_type"] = "vote_interaction"
        card["checkbox"] = {
            "question_key": str(vote["question_key"]),
            "option_list": [{"id": str(o["id"]), "text": _cut(str(o["text"]), 11)} for o in vote["options"][:20]],
            "mode": 1 if vote.get("multiple") else 0,
        }
        card["submit_button"] = {"text": "提交", "key": f"submit:{vote['question_key']}"}
        return card
    return None


class _Base:
    immediate = False

    def __init__(self, config: WecomConfig, client: WecomClient, clock: Clock) -> None:
        self.config = config
        self.client = client
        self.clock = clock
        self._gate: asyncio.Semaphore | None = None

    def address_for(self, session: Session, person: Person) -> str | None:
        return None

    def emit(self, message: OutboundMessage) -> None:  # not an immediate channel
        raise NotImplementedError

    async def send(self, message: OutboundMessage) -> SendResult:
        result = (await self.send_batch([message]))[0]
        return result if result is not None else SendResult(ok=False, error="paced: waiting for room", retryable=True)

    def _slot(self) -> asyncio.Semaphore:
        if self._gate is None:
            self._gate = asyncio.Semaphore(CONCURRENT_CALLS)
        return self._gate

    async def _call(self, rows: Sequence[OutboundMessage], send, done: Done, sending: Sending
                    ) -> list[tuple[OutboundMessage, Result]]:
        """One API call within a concurrency slot: announced before, recorded before the slot is free again.

        `send(rows)` makes the call for the rows that may go; the others come back None (not tried now)."""
        async with self._slot():
            going = await _start(sending, rows)
            outcome = await send(going) if going else []
            await _report(done, outcome)
        results = {id(row): result for row, result in outcome}
        return [(row, results.get(id(row))) for row in rows]

    async def send_batch(self, rows: Sequence[OutboundMessage], done: Done = None, sending: Sending = None
                         ) -> list[Result]:
        raise NotImplementedError


class WecomAppChannel(_Base):
    """Messages to people through the self-built app (message/send), addressed by UserID."""

    name = "wecom"

    def __init__(self, config: WecomConfig, client: WecomClient, clock: Clock) -> None:
        super().__init__(config, client, clock)
        self.pacer = Pacer(clock, MEMBER_LIMITS)
        self.api_pacer = Pacer(clock, ((10_000, 60.0),))

    def address_for(self, session: Session, person: Person) -> str | None:
        return person.wecom_userid or None

    def _body(self, row: OutboundMessage, chunk: str, suffix: str) -> dict[str, Any]:
        if row.kind == "card" and row.payload:
            card = template_card(row.payload, row.text, suffix)
            if card is not None:
                return {"msgtype": "template_card", "template_card": card}
        if row.kind == "markdown":
            return {"msgtype": "markdown", "markdown": {"content": chunk}}
        return {"msgtype": "text", "text": {"content": chunk}}

    def _parts(self, row: OutboundMessage) -> list[str]:
        if row.kind == "card" and row.payload and template_card(row.payload, row.text) is not None:
            return [""]
        return _chunks(row, TEXT_LIMIT)

    def _repeats(self, rows: Sequence[OutboundMessage]) -> set[int]:
        since = self.clock.now() - timedelta(seconds=DUPLICATE_CHECK_SECONDS)
        with self.client.sessions() as session:
            return recent_repeats(session, rows, since)

    async def send_batch(self, rows: Sequence[OutboundMessage], done: Done = None, sending: Sending = None
                         ) -> list[Result]:
        results: list[Result] = [None] * len(rows)
        if self.pacer.room("@api") == 0:
            return results  # WeCom asked us to back off: everything waits
        # The same answer sent again on purpose (asked again) must go without WeCom's duplicate check.
        try:
            repeats = await asyncio.to_thread(self._repeats, [r for r in rows if r.target])
        except Exception:  # noqa: BLE001 - without the history, every row keeps the check
            log.warning("could not read what was recently sent; every message keeps the duplicate check")
            repeats = set()
        # Coalesce rows that say the same thing into one call (up to 1000 UserIDs each).
        groups: dict[tuple, list[int]] = {}
        for index, row in enumerate(rows):
            if not row.target:
                results[index] = SendResult(ok=False, error="no WeCom UserID", retryable=False)
                continue
            parts = len(self._parts(row))
            if not self.pacer.take(row.target, parts):
                continue  # this member has had their 30 a minute: wait
            payload = {k: v for k, v in (row.payload or {}).items() if not k.startswith("mention")}
            key = (row.kind, row.text, repr(sorted(payload.items())), row.id not in repeats)
            groups.setdefault(key, []).append(index)
        # Calls run in parallel, except that one person's messages keep their order: a call waits
        # for the wave after the last earlier call that reaches any of its people.
        waves: list[list[tuple[list[int], str]]] = []
        last_wave: dict[str, int] = {}
        for indexes in groups.values():
            for start in range(0, len(indexes), MAX_USERS_PER_CALL):
                part = indexes[start : start + MAX_USERS_PER_CALL]
                suffix = f"-{start // MAX_USERS_PER_CALL + 1}" if start else ""
                wave = 1 + max((last_wave.get(rows[i].target, -1) for i in part), default=-1)
                for i in part:
                    last_wave[rows[i].target] = wave
                if wave == len(waves):
                    waves.append([])
                waves[wave].append((part, suffix))
        index_of = {id(row): i for i, row in enumerate(rows)}

        async def call(part: list[int], suffix: str) -> list[tuple[OutboundMessage, Result]]:
            check = rows[part[0]].id not in repeats
            return await self._call([rows[i] for i in part], lambda going: self._send_group(going, suffix, check),
                                    done, sending)

        for wave_calls in waves:
            outcomes = await asyncio.gather(*(call(part, suffix) for part, suffix in wave_calls))
            for outcome in outcomes:
                for row, result in outcome:
                    results[index_of[id(row)]] = result
        return results

    async def _send_group(self, rows: list[OutboundMessage], suffix: str,
                          duplicate_check: bool = True) -> list[tuple[OutboundMessage, Result]]:
        first = rows[0]
        users = list(dict.fromkeys(r.target for r in rows))
        msgids: list[str] = []
        invalid: set[str] = set()
        for chunk in self._parts(first):
            body: dict[str, Any] = {"touser": "|".join(users), **self._body(first, chunk, suffix)}
            if duplicate_check:
                body["enable_duplicate_check"] = 1
                body["duplicate_check_interval"] = DUPLICATE_CHECK_SECONDS
            try:
                answer = await self.client.send_message(body)
            except WecomApiError as exc:
                if exc.errcode in FREQUENCY_ERRORS:
                    self.pacer.block("@api", BACKOFF_SECONDS)
                    log.warning("WeCom message/send said %s: backing off for %.0f s", exc.errcode, BACKOFF_SECONDS)
                else:
                    log.warning("%s (%d recipients)", exc, len(users))
                return [(r, _error(exc)) for r in rows]
            if answer.get("msgid"):
                msgids.append(str(answer["msgid"]))
            invalid.update(u for u in str(answer.get("invaliduser") or "").split("|") if u)
        external = ",".join(msgids)[:128] or None
        out: list[tuple[OutboundMessage, Result]] = []
        for row in rows:
            if row.target in invalid:
                out.append((row, SendResult(ok=False, external_id=external,
                                            error=f"invaliduser: {row.target}", retryable=False)))
            else:
                out.append((row, SendResult(ok=True, external_id=external)))
        return out


class WecomAppChatChannel(_Base):
    """Pushes to app group chats (appchat/send); a group's address is its chatid."""

    name = "wecom_appchat"

    def __init__(self, config: WecomConfig, client: WecomClient, clock: Clock) -> None:
        super().__init__(config, client, clock)
        self.pacer = Pacer(clock, APPCHAT_LIMITS)

    async def send_batch(self, rows: Sequence[OutboundMessage], done: Done = None, sending: Sending = None
                         ) -> list[Result]:
        results: list[Result] = [None] * len(rows)
        calls = []

        async def call(row: OutboundMessage, chunks: list[str]) -> Result:
            async def send(going: list[OutboundMessage]) -> list[tuple[OutboundMessage, Result]]:
                return [(row, await self._send_row(row, chunks))]

            [(_, result)] = await self._call([row], send, done, sending)
            return result

        for index, row in enumerate(rows):
            chunks = _chunks(row, TEXT_LIMIT)
            if not self.pacer.take(row.target, len(chunks)):
                continue
            calls.append((index, call(row, chunks)))
        outcomes = await asyncio.gather(*(c for _, c in calls))
        for (index, _), result in zip(calls, outcomes):
            results[index] = result
        return results

    async def _send_row(self, row: OutboundMessage, chunks: list[str]) -> SendResult:
        msgtype = "markdown" if row.kind == "markdown" else "text"
        for chunk in chunks:
            try:
                await self.client.send_appchat({"chatid": row.target, "msgtype": msgtype, msgtype: {"content": chunk}})
            except WecomApiError as exc:
                if exc.errcode in FREQUENCY_ERRORS:
                    self.pacer.block(row.target, BACKOFF_SECONDS)
                log.warning("%s (app chat)", exc)
                return _error(exc)
        return SendResult(ok=True)


class WecomRobotChannel(_Base):
    """Pushes through group robots (webhook/send); a group's address is the robot's name in [[wecom.robots]]."""

    name = "wecom_robot"

    def __init__(self, config: WecomConfig, client: WecomClient, clock: Clock) -> None:
        super().__init__(config, client, clock)
        self.pacer = Pacer(clock, ROBOT_LIMITS)
        self.keys = {robot.name: robot.key for robot in config.robots}

    async def send_batch(self, rows: Sequence[OutboundMessage], done: Done = None, sending: Sending = None
                         ) -> list[Result]:
        results: list[Result] = [None] * len(rows)
        by_robot: dict[str, list[int]] = {}
        for index, row in enumerate(rows):
            if row.target not in self.keys:
                results[index] = SendResult(ok=False, error=f"no robot named {row.target!r} in [[wecom.robots]]",
                                            retryable=False)
                continue
            by_robot.setdefault(row.target, []).append(index)
        # One robot's messages go in order, one at a time; different robots in parallel.
        outcomes = await asyncio.gather(*(self._send_robot(name, [rows[i] for i in idx], done, sending)
                                          for name, idx in by_robot.items()))
        for idx, outcome in zip(by_robot.values(), outcomes):
            for i, result in zip(idx, outcome):
                results[i] = result
        return results

    async def _send_robot(self, name: str, rows: list[OutboundMessage], done: Done = None,
                          sending: Sending = None) -> list[Result]:
        # webhook/send has no duplicate check: the outbox's claim and recorded result are what keep a
        # robot message from going twice (a crash mid-call may still send the one in flight again).
        out: list[Result] = [None] * len(rows)
        for index, row in enumerate(rows):
            markdown = row.kind == "markdown"
            chunks = _chunks(row, ROBOT_MARKDOWN_LIMIT if markdown else TEXT_LIMIT)
            if not self.pacer.take(name, len(chunks)):
                break  # keep the order: nothing after a waiting message overtakes it
            if not await _start(sending, [row]):
                break  # not marked (the database is away): it and what follows wait for the next round
            out[index] = await self._send_row(name, row, chunks, markdown)
            await _report(done, [(row, out[index])])
        return out

    async def _send_row(self, name: str, row: OutboundMessage, chunks: list[str], markdown: bool) -> SendResult:
        key = self.keys[name].get_secret_value()
        for chunk in chunks:
            if markdown:
                body: dict[str, Any] = {"msgtype": "markdown", "markdown": {"content": chunk}}
            else:
                body = {"msgtype": "text", "text": {"content": chunk}}
                mention = (row.payload or {}).get("mention")
                if mention:
                    body["text"]["mentioned_list"] = [mention]
            try:
                await self.client.send_robot(key, body)
            except WecomApiError as exc:
                if exc.errcode in FREQUENCY_ERRORS:
                    self.pacer.block(name, BACKOFF_SECONDS)
                log.warning("%s (robot %s)", exc, name)
                return _error(exc)
        return SendResult(ok=True)
