"""Lesson coverage (作风微课堂): of the lessons each person's group received this month, how many they confirmed.

A person studies with their unit's group, else a group naming them, else one naming their role —
the same rule as the lessons capability. The groups are few (tens), so that rule becomes a CASE
expression and the counting stays in the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, null, select
from sqlalchemy.orm import Session

from bot.models import Group, Person, Unit
from dash.month import Month
from dash.scope import Scope
from handlers.lessons.models import LessonConfirmation, LessonDelivery


@dataclass(frozen=True)
class UnitLessons:
    unit_id: int
    unit: str
    people: int
    expected: int
    confirmed: int

    @property
    def rate(self) -> float:
        return self.confirmed / self.expected if self.expected else 0.0


@dataclass(frozen=True)
class LessonsSummary:
    units: list[UnitLessons]
    delivered: int  # distinct lessons pushed to any group this month

    @property
    def expected(self) -> int:
        return sum(u.expected for u in self.units)

    @property
    def confirmed(self) -> int:
        return sum(u.confirmed for u in self.units)

    @property
    def rate(self) -> float:
        return self.confirmed / self.expected if self.expected else 0.0


def group_of_person(session: Session):
    """A SQL expression: the id of the group a person studies with (NULL when none)."""
    by_unit: dict[int, int] = {}
    by_person: dict[int, int] = {}
    by_role: dict[str, int] = {}
    for group_id, audience in session.execute(select(Group.id, Group.audience).where(Group.active.is_(True)).order_by(Group.id)):
        audience = audience or {}
        for unit_id in audience.get("units") or ():
            by_unit.setdefault(int(unit_id), group_id)
        for person_id in audience.get("people") or ():
            by_person.setdefault(int(person_id), group_id)
        for role in audience.get("roles") or ():
            by_role.setdefault(str(role), group_id)
    expression = case(by_role, value=Person.role, else_=null()) if by_role else null()
    if by_person:
        expression = case(by_person, value=Person.id, else_=expression)
    if by_unit:
        expression = case(by_unit, value=Person.unit_id, else_=expression)
    return expression


def _month_deliveries(month: Month):
    """This month's (group, lesson) pairs, computed once: a few per group, so every later join is cheap."""
    return (
        select(LessonDelivery.group_id, LessonDelivery.lesson_id)
        .where(LessonDelivery.day >= month.first, LessonDelivery.day < month.following)
        .distinct()
        .cte("month_deliveries")
        .prefix_with("MATERIALIZED")
    )


def _lesson_ids(session: Session, month: Month) -> list[int]:
    return list(
        session.scalars(
            select(LessonDelivery.lesson_id)
            .where(LessonDelivery.day >= month.first, LessonDelivery.day < month.following)
            .distinct()
        )
    )


def _counts(delivered):
    """Per group: distinct lessons delivered this month."""
    return (
        select(delivered.c.group_id.label("group_id"), func.count().label("n"))
        .group_by(delivered.c.group_id)
        .subquery("delivered")
    )


def _confirmed(delivered, group, lesson_ids: list[int]):
    """Per person: how many of the lessons their group received this month they confirmed.

    One probe of the unique (person, lesson) index per lesson the person's group received,
    rather than scanning everyone's year of confirmations.
    """
    return (
        select(Person.id.label("person_id"), func.count().label("n"))
        .select_from(Person)
        .join(delivered, delivered.c.group_id == group)
        .join(
            LessonConfirmation,
            and_(LessonConfirmation.person_id == Person.id, LessonConfirmation.lesson_id == delivered.c.lesson_id),
        )
        # Redundant for the result, but with the ids spelled out PostgreSQL reads only the
        # confirmations of this month's lessons instead of hashing the whole table.
        .where(Person.active.is_(True), LessonConfirmation.lesson_id.in_(lesson_ids))
        .group_by(Person.id)
        .subquery("confirmed")
    )


def unit_summary(session: Session, scope: Scope, month: Month) -> LessonsSummary:
    group = group_of_person(session)
    delivered = _month_deliveries(month)
    counts = _counts(delivered)
    confirmed = _confirmed(delivered, group, _lesson_ids(session, month))
    per_person = (
        select(
            Person.unit_id.label("unit_id"),
            func.coalesce(counts.c.n, 0).label("expected"),
            func.coalesce(confirmed.c.n, 0).label("confirmed"),
        )
        .select_from(Person)
        .outerjoin(counts, counts.c.group_id == group)
        .outerjoin(confirmed, confirmed.c.person_id == Person.id)
        .where(Person.active.is_(True), Person.unit_id.is_not(None), scope.people(Person.unit_id, Person.id))
        .subquery("pp")
    )
    rows = session.execute(
        select(Unit.id, Unit.name, func.count(), func.sum(per_person.c.expected), func.sum(per_person.c.confirmed))
        .join(per_person, per_person.c.unit_id == Unit.id)
        .group_by(Unit.id, Unit.name)
        .order_by(Unit.id)
    ).all()
    delivered = session.scalar(
        select(func.count(func.distinct(LessonDelivery.lesson_id))).where(
            LessonDelivery.day >= month.first, LessonDelivery.day < month.following
        )
    )
    return LessonsSummary(
        [UnitLessons(uid, name, int(n), int(e or 0), int(c or 0)) for uid, name, n, e, c in rows], int(delivered or 0)
    )


def people_lessons(session: Session, scope: Scope, month: Month) -> dict[int, tuple[int, int]]:
    """Per person in scope: (lessons their group received this month, how many they confirmed)."""
    group = group_of_person(session)
    delivered = _month_deliveries(month)
    counts = _counts(delivered)
    confirmed = _confirmed(delivered, group, _lesson_ids(session, month))
    rows = session.execute(
        select(Person.id, func.coalesce(counts.c.n, 0), func.coalesce(confirmed.c.n, 0))
        .select_from(Person)
        .outerjoin(counts, counts.c.group_id == group)
        .outerjoin(confirmed, confirmed.c.person_id == Person.id)
        .where(Person.active.is_(True), scope.people(Person.unit_id, Person.id))
    )
    return {pid: (int(expected), int(done)) for pid, expected, done in rows}

