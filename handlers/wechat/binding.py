"""Binding a channel contact to a person, and a chat room to a group.

Plain functions over a Session in the caller's transaction; each change is audited with it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.audit import record
from bot.models import AuditEntry, Group, Identity, Person
from handlers.wechat.models import BindCode

CODE_VALID = timedelta(hours=24)
# Wrong codes one sender may try per window before being told to wait: a million codes and
# five tries an hour keep guessing hopeless.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)
REJECTED = "bind_code_rejected"


@dataclass(frozen=True)
class Bound:
    person: Person
    replaced: str | None  # the contact id this person was bound to before, if any


def issue_code(
    session: Session, person: Person, channel: str, now: datetime, actor: Person | str | None = "cli"
) -> BindCode:
    """Make a fresh code for this person; their earlier unused codes stop working."""
    session.execute(
        delete(BindCode).where(
            BindCode.person_id == person.id, BindCode.channel == channel, BindCode.used_at.is_(None)
        )
    )
    live = set(
        session.scalars(
            select(BindCode.code).where(BindCode.channel == channel, BindCode.used_at.is_(None), BindCode.expires_at > now)
        )
    )
    code = _new_code(live)
    row = BindCode(person_id=person.id, channel=channel, code=code, created_at=now, expires_at=now + CODE_VALID)
    session.add(row)
    session.flush()
    record(session, actor, "bind_code_issued", "person", person.id, {"channel": channel}, at=now)
    return row


def _new_code(taken: set[str]) -> str:
    # Two live codes must never be equal, or one person's code would bind another.
    while True:
        code = f"{secrets.randbelow(10**6):06d}"
        if code not in taken:
            return code


def recent_failures(session: Session, channel: str, external_id: str, now: datetime) -> int:
    return session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.entity == "identity",
            AuditEntry.entity_id == _identity_key(channel, external_id),
            AuditEntry.action == REJECTED,
            AuditEntry.at > now - FAILURE_WINDOW,
        )
    ) or 0


def redeem(session: Session, code: str, channel: str, external_id: str, now: datetime) -> Bound | None:
    """Link `external_id` on `channel` to the code's person; None (and a recorded failure) if the code is not live."""
    row = session.scalar(
        select(BindCode).where(
            BindCode.code == code,
            BindCode.channel == channel,
            BindCode.used_at.is_(None),
            BindCode.expires_at > now,
        )
    )
    person = session.get(Person, row.person_id) if row is not None else None
    if row is None or person is None or not person.active:
        record(session, None, REJECTED, "identity", _identity_key(channel, external_id), None, at=now)
        return None
    row.used_at = now
    row.used_by = external_id
    # One contact is one person: a contact bound before (to someone since made inactive) moves over.
    session.execute(delete(Identity).where(Identity.channel == channel, Identity.external_id == external_id))
    current = session.scalar(select(Identity).where(Identity.person_id == person.id, Identity.channel == channel))
    replaced = None
    if current is None:
        session.add(Identity(person_id=person.id, channel=channel, external_id=external_id))
    else:
        replaced = current.external_id
        current.external_id = external_id
    session.flush()
    record(
        session,
        person,
        "identity_bound",
        "person",
        person.id,
        {"channel": channel, "external_id": external_id, "replaced": replaced},
        at=now,
    )
    return Bound(person, replaced)


def bind_room(session: Session, group: Group, channel: str, room_id: str, actor: Person | str | None, now: datetime) -> None:
    """Make the group's pushes go to this room."""
    before = {"channel": group.channel, "address": group.address}
    group.channel = channel
    group.address = room_id
    session.flush()
    record(session, actor, "group_bound", "group", group.id, {"channel": channel, "address": room_id, "before": before}, at=now)


def identity_of(session: Session, person_id: int, channel: str) -> str | None:
    return session.scalar(select(Identity.external_id).where(Identity.person_id == person_id, Identity.channel == channel))


def _identity_key(channel: str, external_id: str) -> str:
    # audit_log.entity_id is 50 characters; contact ids are usually far shorter, so keep the tail.
    return f"{channel}:{external_id}"[-50:]
