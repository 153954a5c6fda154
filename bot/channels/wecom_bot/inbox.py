"""The AI bot's inbox: store each callback once (by msgid), hand it out, mark it done with its replies."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.app import AlreadyHandled
from bot.channels.wecom_bot.models import BotInboxStatus, WecomBotInbox
from bot.db import transaction


@dataclass(frozen=True)
class Stored:
    """What storing a callback found: a new row, a copy of one still waiting, or one already answered."""

    inbox_id: int
    new: bool
    pending: bool


@dataclass(frozen=True)
class Item:
    inbox_id: int
    req_id: str
    body: dict[str, Any]


def store(sessions: sessionmaker[Session], msgid: str, req_id: str, body: dict[str, Any], now: datetime) -> Stored:
    """Write the callback unless its msgid is known. A copy of a message not handled yet takes the
    copy's req_id: the older one may have died with the connection that brought it."""
    chat = body.get("chatid") if body.get("chattype") == "group" else None
    sender = (body.get("from") or {}).get("userid") or ""
    with transaction(sessions) as session:
        insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[session.get_bind().dialect.name]
        statement = (
            insert(WecomBotInbox)
            .values(
                msgid=msgid[:255],
                req_id=req_id[:255],
                received_at=now,
                from_user=str(sender)[:64],
                chat_id=str(chat)[:128] if chat else None,
                msg_type=str(body.get("msgtype") or "")[:30],
                body=json.dumps(body, ensure_ascii=False),
                status=BotInboxStatus.pending.value,
                attempts=0,
            )
            .on_conflict_do_nothing(index_elements=["msgid"])
            .returning(WecomBotInbox.id)
        )
        new_id = session.execute(statement).scalar()
        if new_id is not None:
            return Stored(new_id, new=True, pending=True)
        row = session.execute(
            select(WecomBotInbox.id, WecomBotInbox.status).where(WecomBotInbox.msgid == msgid[:255])
        ).one()
        if row.status == BotInboxStatus.pending.value:
            session.execute(update(WecomBotInbox).where(WecomBotInbox.id == row.id).values(req_id=req_id[:255]))
        return Stored(row.id, new=False, pending=row.status == BotInboxStatus.pending.value)


def load(sessions: sessionmaker[Session], ids: list[int]) -> list[Item]:
    """The pending ones among these rows, with their newest req_id, in the order received."""
    with sessions() as session:
        rows = session.execute(
            select(WecomBotInbox.id, WecomBotInbox.req_id, WecomBotInbox.body)
            .where(WecomBotInbox.id.in_(ids), WecomBotInbox.status == BotInboxStatus.pending.value)
            .order_by(WecomBotInbox.id)
        )
        return [Item(r.id, r.req_id, json.loads(r.body)) for r in rows]


def pending(sessions: sessionmaker[Session], limit: int = 10_000) -> list[tuple[int, str]]:
    """(id, sender) of callbacks received but not handled yet (a crash, a failed round), oldest first."""
    with sessions() as session:
        rows = session.execute(
            select(WecomBotInbox.id, WecomBotInbox.from_user)
            .where(WecomBotInbox.status == BotInboxStatus.pending.value)
            .order_by(WecomBotInbox.id)
            .limit(limit)
        )
        return [(r.id, r.from_user) for r in rows]


def done_marker(inbox_id: int, now: Callable[[], datetime]) -> Callable[[Session], None]:
    """A function to run inside the transaction that handles the message: it marks the row done, or
    raises AlreadyHandled when another worker or instance committed it first (then nothing is said
    twice). Shaped for `App.handle(incoming, on_commit=...)`."""

    def mark_done(session: Session) -> None:
        # On the table, not the mapped class: no need to synchronise the session's objects.
        table = WecomBotInbox.__table__
        marked = session.execute(
            update(table)
            .where(table.c.id == inbox_id, table.c.status == BotInboxStatus.pending.value)
            .values(status=BotInboxStatus.done.value, processed_at=now(), attempts=table.c.attempts + 1)
        )
        if marked.rowcount == 0:
            raise AlreadyHandled(f"AI bot inbox row {inbox_id}")

    return mark_done


def mark_failed(sessions: sessionmaker[Session], inbox_id: int, error: str, now: datetime) -> None:
    with transaction(sessions) as session:
        row = session.get(WecomBotInbox, inbox_id)
        if row is not None and row.status == BotInboxStatus.pending.value:
            row.status = BotInboxStatus.failed.value
            row.error = error[:2000]
            row.processed_at = now
            row.attempts += 1


def purge(sessions: sessionmaker[Session], before: datetime) -> int:
    """Forget handled callbacks received before `before`, long after the service could repeat them."""
    with transaction(sessions) as session:
        result = session.execute(
            delete(WecomBotInbox).where(
                WecomBotInbox.status != BotInboxStatus.pending.value, WecomBotInbox.received_at < before
            )
        )
        return result.rowcount or 0
