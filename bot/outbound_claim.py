"""Delivery claims: one instance at a time sends an outbox row.

Several `gridbot serve` may deliver from one database. Before sending, an instance claims the rows it
will send: it writes its name and a lease (`claimed_by`, `claimed_until`) in one UPDATE … RETURNING, and
another instance skips rows whose lease has not run out. On PostgreSQL the candidate rows are locked
with FOR UPDATE SKIP LOCKED, so two instances claiming at the same moment take different rows instead
of waiting on each other; on SQLite the single writer makes the UPDATE atomic by itself.

The holder renews the lease while it works and gives rows back (lease cleared) that it did not try.
If it dies, its rows become claimable again once the lease runs out: only what was in flight at that
moment can go out twice, and WeCom's duplicate check drops such a resend.

Just before an API call the holder writes `sending_since` on the call's rows (`start`), and the call's result
clears it. A pending row found with it set was in a call whose outcome nobody recorded: a copy may have
reached the API, so it goes again only with the duplicate check — never as an intended repeat
(`recent_repeats`).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.models import OutboundMessage, OutboxStatus

# Long enough for a paced batch at a slow API, short enough that a dead instance's rows are picked up
# soon after a restart; the holder renews it every RENEW_SECONDS while it is still sending.
LEASE = timedelta(seconds=30)
RENEW_SECONDS = 10.0


def instance_name() -> str:
    # The random part tells apart two Apps in one process, and a restart that got the same pid.
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"[:100]


def _due(now: datetime):
    row = OutboundMessage
    return and_(
        row.status == OutboxStatus.pending.value,
        or_(row.next_attempt_at.is_(None), row.next_attempt_at <= now),
        or_(row.claimed_until.is_(None), row.claimed_until <= now),
    )


def claim(
    session: Session,
    instance: str,
    now: datetime,
    ids: list[int] | None = None,
    limit: int = 5000,
    exclude: Iterable[int] = (),
) -> list[OutboundMessage]:
    """Claim up to `limit` due rows (these ids only, if given) for `instance`; return them, oldest first.

    Call inside a transaction; the rows are claimed when it commits.
    """
    row = OutboundMessage
    candidates = select(row.id).where(_due(now))
    if ids is not None:
        candidates = candidates.where(row.id.in_(ids))
    skip = list(exclude)
    if skip:
        candidates = candidates.where(row.id.not_in(skip))
    # On SQLite a read first: an idle round must not take the write lock the callback endpoint needs.
    # (On PostgreSQL an UPDATE that matches nothing costs no more than that read.)
    if session.get_bind().dialect.name == "sqlite" and session.scalar(candidates.limit(1)) is None:
        return []
    locked = candidates.order_by(row.id).limit(limit).with_for_update(skip_locked=True)
    statement = (
        update(row)
        .where(row.id.in_(locked), _due(now))
        .values(claimed_by=instance, claimed_until=now + LEASE)
        .returning(row)
        .execution_options(synchronize_session=False)
    )
    return sorted(session.scalars(statement), key=lambda r: r.id)


def renew(session: Session, instance: str, ids: Sequence[int], now: datetime) -> int:
    """Extend the lease on rows this instance still holds."""
    if not ids:
        return 0
    row = OutboundMessage
    result = session.execute(
        update(row)
        .where(row.id.in_(list(ids)), row.claimed_by == instance, row.status == OutboxStatus.pending.value)
        .values(claimed_until=now + LEASE)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def release(session: Session, instance: str, ids: Sequence[int]) -> None:
    """Give back rows this instance claimed but did not try (pacing): any instance may take them next round."""
    if not ids:
        return
    row = OutboundMessage
    session.execute(
        update(row)
        .where(row.id.in_(list(ids)), row.claimed_by == instance, row.status == OutboxStatus.pending.value)
        .values(claimed_until=None)
        .execution_options(synchronize_session=False)
    )


def start(session: Session, instance: str, ids: Sequence[int], now: datetime) -> set[int]:
    """Mark rows this instance still holds as being sent now (and extend their lease); return the ids marked.

    A row not returned was taken over by another instance (this one's lease ran out): it must not be sent.
    """
    if not ids:
        return set()
    row = OutboundMessage
    marked = session.scalars(
        update(row)
        .where(row.id.in_(list(ids)), row.claimed_by == instance, row.status == OutboxStatus.pending.value,
               row.claimed_until > now)
        .values(sending_since=now, claimed_until=now + LEASE)
        .returning(row.id)
        .execution_options(synchronize_session=False)
    )
    return set(marked)


def recent_repeats(session: Session, rows: Sequence[OutboundMessage], since: datetime) -> set[int]:
    """Ids of `rows` whose very text already went to the same target on the same channel since `since`.

    WeCom's duplicate check compares content, so it would drop such a row, though it is a new
    message (the same answer to the same question asked again): it must go without the check.
    """
    if not rows:
        return set()
    row = OutboundMessage
    targets = sorted({r.target for r in rows})
    sent = session.execute(
        select(row.channel, row.target, row.text).where(
            row.target.in_(targets),
            row.sent_at >= since,
            row.status == OutboxStatus.sent.value,
        )
    ).all()
    seen = {(channel, target, text) for channel, target, text in sent}
    return {r.id for r in rows if r.sending_since is None and (r.channel, r.target, r.text) in seen}
