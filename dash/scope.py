"""Who may see what: the same rule as in chat.

Admins see the whole street; leaders the units they are liaison for (包联); everyone else
only their own figures. Every query of the dashboard is narrowed by a Scope.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from bot.models import Liaison, Person, Unit


class Level(str, enum.Enum):
    street = "street"
    units = "units"
    self = "self"


@dataclass(frozen=True)
class Scope:
    person_id: int
    person_name: str
    level: Level
    unit_ids: tuple[int, ...] = ()
    unit_names: tuple[str, ...] = ()

    @property
    def sees_anonymous(self) -> bool:
        """Only admins may see who filed an anonymous report."""
        return self.level == Level.street

    @property
    def label(self) -> str:
        if self.level == Level.street:
            return "全街道"
        if self.level == Level.units:
            return "包联单位：" + "、".join(self.unit_names)
        return f"{self.person_name}（本人）"

    def people(self, unit_column, person_column) -> ColumnElement[bool]:
        """A filter on rows that belong to a person (their unit column and id column)."""
        if self.level == Level.street:
            return true()
        if self.level == Level.units:
            return unit_column.in_(self.unit_ids) if self.unit_ids else false()
        return person_column == self.person_id

    def units(self, unit_column) -> ColumnElement[bool]:
        """A filter on rows that belong to a unit; someone who sees only themselves sees no unit's rows."""
        if self.level == Level.street:
            return true()
        if self.level == Level.units:
            return unit_column.in_(self.unit_ids) if self.unit_ids else false()
        return false()


def scope_for(session: Session, person: Person) -> Scope:
    if person.is_admin:
        return Scope(person.id, person.name, Level.street)
    if person.is_leader:
        rows = session.execute(
            select(Unit.id, Unit.name).join(Liaison, Liaison.unit_id == Unit.id).where(Liaison.leader_id == person.id).order_by(Unit.id)
        ).all()
        if rows:
            return Scope(person.id, person.name, Level.units, tuple(r[0] for r in rows), tuple(r[1] for r in rows))
    return Scope(person.id, person.name, Level.self)
