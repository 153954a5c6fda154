"""The inbox: every accepted callback is written here before WeCom is answered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.wecom.models import InboxStatus, WecomInbox
from bot.channels.wecom.xmlparse import InboundMessage
from bot.db import transaction


def store(sessions: sessionmaker[Session], message: InboundMessage, xml: str, now: datetime) -> int | None:
    """Write the callback once; return its new id, or None when it was already received (a redelivery)."""
    return store_many(sessions, [(message, xml)], now)[0]


def pending(sessions: sessionmaker[Session], limit: int = 10_000) -> list[tuple[int, str]]:
    """(id, from_user) of callbacks acknowledged but not yet processed, oldest first."""
    with sessions() as session:
        rows = session.execute(
            select(WecomInbox.id, WecomInbox.from_user)
            .where(WecomInbox.status == InboxStatus.pending.value)
            .order_by(WecomInbox.id)
            .limit(limit)
        )
        return [(r.id, r.from_user) for r in rows]


def load(sessions: sessionmaker[Session], inbox_id: int) -> WecomInbox | None:
    with sessions() as session:
        row = session.get(WecomInbox, inbox_id)
        if row is not None:
            session.expunge(row)
        return row


def mark_failed(sessions: sessionmaker[Session], inbox_id: int, error: str, now: datetime) -> None:
    with transaction(sessions) as session:
        row = session.get(WecomInbox, inbox_id)
        if row is not None and row.status == InboxStatus.pending.value:
            row.status = InboxStatus.failed.value
            row.error = error[:2000]
            row.processed_at = now
            row.attempts += 1


def purge(sessions: sessionmaker[Session], before: datetime) -> int:
    """Forget processed callbacks received before `before` (long after WeCom's last retry)."""
    with transaction(sessions) as session:
        result = session.execute(
            delete(WecomInbox).where(WecomInbox.status != InboxStatus.pending.value, WecomInbox.received_at < before)
        )
        return result.rowcount or 0


def store_many(
    sessions: sessionmaker[Session], items: list[tuple[InboundMessage, str]], now: datetime
) -> list[int | None]:
    """Group commit: many callbacks in one transaction, each inserted once (None = a redelivery)."""
    with transaction(sessions) as session:
        insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[session.get_bind().dialect.name]
        ids: list[int | None] = []
        for message, xml in items:
            statement = (
                insert(WecomInbox)
                .values(
                    dedupe_key=message.dedupe_key()[:255],
                    received_at=now,
                    from_user=message.from_user[:64],
                    msg_type=message.msg_type[:20],
                    xml=xml,
                    status=InboxStatus.pending.value,
                    attempts=0,
                )
                .on_conflict_do_nothing(index_elements=["dedupe_key"])
                .returning(WecomInbox.id)
            )
            ids.append(session.execute(statement).scalar_one_or_none())
        return ids
