"""包联: which leaders are liaison for a unit, and which units a leader is liaison for."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Liaison, Person


def liaison_leaders(session: Session, unit_id: int | None) -> list[Person]:
    if unit_id is None:
        return []
    query = (
        select(Person)
        .join(Liaison, Liaison.leader_id == Person.id)
        .where(Liaison.unit_id == unit_id, Person.active.is_(True))
        .order_by(Person.id)
    )
    return list(session.scalars(query))


def liaison_unit_ids(session: Session, leader_id: int) -> set[int]:
    return set(session.scalars(select(Liaison.unit_id).where(Liaison.leader_id == leader_id)))
