"""Service hours: completion per unit against the monthly target, and per person with the shortfall.

Everyone active in a unit counts toward the target, as in the hours capability's own summary.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from bot.models import Person, Role, Unit, ROLE_LABELS
from dash.month import Month
from dash.scope import Scope
from handlers.hours.models import HourEntry


class _Completion:
    """How far a number of people got toward the monthly target, for a unit or for everyone in scope."""

    people: int
    reached: int
    target: float
    # Hours counted toward the target: each person's total, capped at the target.
    credited: float

    @property
    def rate(self) -> float:
        return self.reached / self.people if self.people else 0.0

    @property
    def completion(self) -> float:
        """Hours served against everyone's target together; one person's surplus does not cover another's gap."""
        return self.credited / (self.people * self.target) if self.people and self.target else 0.0


@dataclass(frozen=True)
class UnitHours(_Completion):
    unit_id: int
    unit: str
    people: int
    reached: int
    hours: float
    target: float
    credited: float = 0.0

    @property
    def average(self) -> float:
        return self.hours / self.people if self.people else 0.0


@dataclass(frozen=True)
class PersonHours:
    person_id: int
    name: str
    role: str
    unit: str
    hours: float
    entries: int
    target: float

    @property
    def shortfall(self) -> float:
        return max(round(self.target - self.hours, 2), 0.0)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]


@dataclass(frozen=True)
class HoursSummary(_Completion):
    units: list[UnitHours]
    people: int
    reached: int
    hours: float
    target: float
    credited: float = 0.0


def _month_totals(month: Month):
    return (
        select(
            HourEntry.person_id.label("person_id"),
            func.sum(HourEntry.hours).label("total"),
            func.count().label("entries"),
        )
        .where(HourEntry.day >= month.first, HourEntry.day < month.following)
        .group_by(HourEntry.person_id)
        .subquery("totals")
    )


def unit_summary(session: Session, scope: Scope, month: Month, target: float) -> HoursSummary:
    totals = _month_totals(month)
    total = func.coalesce(totals.c.total, 0)
    query = (
        select(
            Unit.id,
            Unit.name,
            func.count(Person.id),
            func.sum(case((total >= target, 1), else_=0)),
            func.sum(total),
            func.sum(case((total >= target, target), else_=total)),
        )
        .select_from(Person)
        .join(Unit, Unit.id == Person.unit_id)
        .outerjoin(totals, totals.c.person_id == Person.id)
        .where(Person.active.is_(True), scope.people(Person.unit_id, Person.id))
        .group_by(Unit.id, Unit.name)
        .order_by(Unit.id)
    )
    units = [
        UnitHours(uid, name, int(people), int(reached or 0), round(float(hours or 0), 2), target, float(credited or 0))
        for uid, name, people, reached, hours, credited in session.execute(query)
    ]
    return HoursSummary(
        units,
        sum(u.people for u in units),
        sum(u.reached for u in units),
        round(sum(u.hours for u in units), 2),
        target,
        sum(u.credited for u in units),
    )


SORTS = {
    "shortfall": "差额",
    "hours": "时长",
    "name": "姓名",
    "unit": "单位",
}


def people_hours(
    session: Session,
    scope: Scope,
    month: Month,
    target: float,
    sort: str = "shortfall",
    descending: bool = True,
    unit_id: int | None = None,
    limit: int | None = None,
) -> list[PersonHours]:
    totals = _month_totals(month)
    hours = func.coalesce(totals.c.total, 0)
    shortfall = case((hours < target, literal(target) - hours), else_=0)
    order = {
        "shortfall": shortfall,
        "hours": hours,
        "name": Person.name,
        "unit": Unit.name,
    }.get(sort, shortfall)
    query = (
        select(Person.id, Person.name, Person.role, func.coalesce(Unit.name, ""), hours, func.coalesce(totals.c.entries, 0))
        .select_from(Person)
        .outerjoin(Unit, Unit.id == Person.unit_id)
        .outerjoin(totals, totals.c.person_id == Person.id)
        .where(Person.active.is_(True), scope.people(Person.unit_id, Person.id))
        .order_by(order.desc() if descending else order.asc(), Person.id)
    )
    if unit_id is not None:
        query = query.where(Person.unit_id == unit_id)
    if limit is not None:
        query = query.limit(limit)
    return [
        PersonHours(pid, name, role, unit, round(float(total), 2), int(entries), target)
        for pid, name, role, unit, total, entries in session.execute(query)
    ]
