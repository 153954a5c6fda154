"""The inbox: every accepted callback is written here before WeCom is answered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.wecom.models import InboxStatus, WecomInbox
from bot.channels.wecom.xmlparse import InboundMessage
from bot.db import insert_or_ignore, transaction


def pending(sessions: sessionmaker[Session], limit: int = 10_000, now: datetime | None = None) -> list[tuple[int, str]]:
    """(id, from_user) of callbacks acknowledged but not yet processed, oldest first; with `now`, only
    those whose pause after a failed try is over."""
    with sessions() as session:
        query = select(WecomInbox.id, WecomInbox.from_user).where(WecomInbox.status == InboxStatus.pending.value)
        if now is not None:
            query = query.where(or_(WecomInbox.next_attempt_at.is_(None), WecomInbox.next_attempt_at <= now))
        rows = session.execute(query.order_by(WecomInbox.id).limit(limit))
        return [(r.id, r.from_user) for r in rows]


def next_retry(sessions: sessionmaker[Session], now: datetime) -> datetime | None:
    """When the earliest pending callback that failed a try may be tried again (None: nothing waits)."""
    with sessions() as session:
        return session.scalar(
            select(func.min(WecomInbox.next_attempt_at)).where(
                WecomInbox.status == InboxStatus.pending.value, WecomInbox.next_attempt_at > now
            )
        )


def load_pending(sessions: sessionmaker[Session], ids: list[int]) -> dict[int, str]:
    """The stored XML of those callbacks that are still pending."""
    with sessions() as session:
        rows = session.execute(
            select(WecomInbox.id, WecomInbox.xml).where(
                WecomInbox.id.in_(ids), WecomInbox.status == InboxStatus.pending.value
            )
        )
        return {r.id: r.xml for r in rows}


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
    """Group commit: many callbacks in one INSERT, each stored once (None = a redelivery).

    One statement for the batch: on PostgreSQL every statement is a round trip, paid while WeCom waits.
    A callback repeated within the batch is stored for its first occurrence only.
    """
    keys = [message.dedupe_key()[:255] for message, _ in items]
    with transaction(sessions) as session:
        rows = [
            dict(
                dedupe_key=key,
                received_at=now,
                from_user=message.from_user[:64],
                msg_type=message.msg_type[:20],
                xml=xml,
                status=InboxStatus.pending.value,
                attempts=0,
            )
            for key, (message, xml) in zip(keys, items)
        ]
        statement = (
            insert_or_ignore(session, WecomInbox, ["dedupe_key"])
            .values(rows)
            .returning(WecomInbox.id, WecomInbox.dedupe_key)
        )
        stored = {row.dedupe_key: row.id for row in session.execute(statement)}
    ids: list[int | None] = []
    for key in keys:
        ids.append(stored.pop(key, None))
    return ids
