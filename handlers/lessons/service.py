"""Lessons over a Session: which lesson a group gets next, confirmations, and weekly coverage."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.audit import record
from bot.db import insert_or_ignore
from bot.groups import audience_of
from bot.models import Group, Person, Unit
from bot.rotation import next_in_rotation
from handlers.lessons.models import Lesson, LessonConfirmation, LessonDelivery


# --- which group a person studies with ----------------------------------------------------


@dataclass(frozen=True)
class GroupIndex:
    """Active groups by what their audience names, to find each person's lesson group quickly."""

    by_unit: dict[int, int]
    by_person: dict[int, int]
    by_role: dict[str, int]

    @classmethod
    def load(cls, session: Session) -> GroupIndex:
        by_unit: dict[int, int] = {}
        by_person: dict[int, int] = {}
        by_role: dict[str, int] = {}
        for group in session.scalars(select(Group).where(Group.active.is_(True)).order_by(Group.id)):
            units, roles, people = audience_of(group)
            for unit_id in sorted(units):
                by_unit.setdefault(unit_id, group.id)
            for person_id in sorted(people):
                by_person.setdefault(person_id, group.id)
            for role in sorted(roles):
                by_role.setdefault(role, group.id)
        return cls(by_unit, by_person, by_role)

    def group_for(self, person: Person) -> int | None:
        """A person's lessons are their unit's group's lessons; else a group naming them or their role."""
        if person.unit_id is not None and person.unit_id in self.by_unit:
            return self.by_unit[person.unit_id]
        if person.id in self.by_person:
            return self.by_person[person.id]
        return self.by_role.get(person.role)


def lesson_group_id(session: Session, person: Person) -> int | None:
    return GroupIndex.load(session).group_for(person)


# --- the morning push ---------------------------------------------------------------------


def next_lesson_for_group(session: Session, group_id: int) -> Lesson | None:
    """The first lesson in library order not yet sent to this group; once all were sent, the one sent longest ago."""
    return next_in_rotation(
        session, Lesson, LessonDelivery.lesson_id, LessonDelivery.group_id, LessonDelivery.day, group_id
    )


def deliver(session: Session, group_id: int, day: date, *, job: str, now: datetime) -> LessonDelivery | None:
    """The group's lesson for this day: the one already chosen, or the next one, recorded once.

    Recording it before pushing makes a rerun of the same day (crash, `jobs run`, a second
    instance) push the same lesson under the same key, so the group never gets two.
    """
    existing = _delivery(session, group_id, day)
    if existing is not None:
        return existing
    lesson = next_lesson_for_group(session, group_id)
    if lesson is None:
        return None
    inserted = session.execute(
        insert_or_ignore(session, LessonDelivery, ["group_id", "day"])
        .values(group_id=group_id, lesson_id=lesson.id, day=day, job=job, created_at=now)
        .returning(LessonDelivery.id)
    ).scalar_one_or_none()
    if inserted is not None:
        record(session, "scheduler", "lesson_sent", "lesson", lesson.id, {"group_id": group_id, "day": day.isoformat()}, at=now)
    return _delivery(session, group_id, day)


def _delivery(session: Session, group_id: int, day: date) -> LessonDelivery | None:
    return session.scalars(
        select(LessonDelivery).where(LessonDelivery.group_id == group_id, LessonDelivery.day == day)
    ).first()


def delivery_on(session: Session, group_id: int, day: date) -> LessonDelivery | None:
    return _delivery(session, group_id, day)


def latest_delivery(session: Session, group_id: int, up_to: date) -> LessonDelivery | None:
    return session.scalars(
        select(LessonDelivery)
        .where(LessonDelivery.group_id == group_id, LessonDelivery.day <= up_to)
        .order_by(LessonDelivery.day.desc())
        .limit(1)
    ).first()


def was_delivered(session: Session, group_id: int, lesson_id: int) -> bool:
    return (
        session.scalar(
            select(LessonDelivery.id).where(LessonDelivery.group_id == group_id, LessonDelivery.lesson_id == lesson_id).limit(1)
        )
        is not None
    )


# --- confirmations ------------------------------------------------------------------------


def confirmation(session: Session, person_id: int, lesson_id: int) -> LessonConfirmation | None:
    return session.scalars(
        select(LessonConfirmation).where(LessonConfirmation.person_id == person_id, LessonConfirmation.lesson_id == lesson_id)
    ).first()


def confirm(session: Session, person: Person, lesson: Lesson, now: datetime) -> tuple[LessonConfirmation, bool]:
    """Record that the person studied the lesson; (row, False) when it was already recorded."""
    existing = confirmation(session, person.id, lesson.id)
    if existing is not None:
        return existing, False
    row = LessonConfirmation(person_id=person.id, lesson_id=lesson.id, confirmed_at=now)
    session.add(row)
    session.flush()
    record(session, person, "lesson_confirmed", "lesson", lesson.id, None, at=now)
    return row, True


# --- the week -----------------------------------------------------------------------------


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week that holds `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def lessons_delivered(session: Session, start: date, end: date) -> dict[int, list[LessonDelivery]]:
    """Deliveries in [start, end] by group, in day order."""
    rows = session.scalars(
        select(LessonDelivery).where(LessonDelivery.day >= start, LessonDelivery.day <= end).order_by(LessonDelivery.day)
    )
    by_group: dict[int, list[LessonDelivery]] = defaultdict(list)
    for row in rows:
        by_group[row.group_id].append(row)
    return by_group


@dataclass(frozen=True)
class PersonWeek:
    person: Person
    lessons: tuple[Lesson, ...]  # delivered to their group this week, in day order
    confirmed: frozenset[int]  # lesson ids among them they confirmed

    @property
    def missing(self) -> tuple[Lesson, ...]:
        return tuple(lesson for lesson in self.lessons if lesson.id not in self.confirmed)


def week_status(session: Session, start: date, end: date, people: list[Person] | None = None) -> list[PersonWeek]:
    """For each active person (or the given ones), the week's lessons of their group and which they confirmed."""
    index = GroupIndex.load(session)
    delivered = lessons_delivered(session, start, end)
    if people is None:
        people = list(session.scalars(select(Person).where(Person.active.is_(True)).order_by(Person.id)))
    lesson_ids = {d.lesson_id for rows in delivered.values() for d in rows}
    confirmed: dict[int, set[int]] = defaultdict(set)
    if lesson_ids and people:
        for person_id, lesson_id in session.execute(
            select(LessonConfirmation.person_id, LessonConfirmation.lesson_id).where(
                LessonConfirmation.lesson_id.in_(lesson_ids), LessonConfirmation.person_id.in_([p.id for p in people])
            )
        ):
            confirmed[person_id].add(lesson_id)
    result: list[PersonWeek] = []
    for person in people:
        group_id = index.group_for(person)
        lessons = tuple(d.lesson for d in delivered.get(group_id, ())) if group_id is not None else ()
        mine = frozenset(lid for lid in confirmed[person.id] if any(lesson.id == lid for lesson in lessons))
        result.append(PersonWeek(person, lessons, mine))
    return result


@dataclass(frozen=True)
class UnitCoverage:
    unit: str
    people: int
    expected: int  # person-lessons delivered
    confirmed: int

    @property
    def share(self) -> float:
        return self.confirmed / self.expected if self.expected else 0.0


def coverage(session: Session, start: date, end: date) -> list[UnitCoverage]:
    """Per unit: how many of the lessons its people received this week they confirmed, lowest share first."""
    units = {u.id: u.name for u in session.scalars(select(Unit))}
    totals: dict[str, list[int]] = {}
    for week in week_status(session, start, end):
        if not week.lessons or week.person.unit_id is None:
            continue
        entry = totals.setdefault(units[week.person.unit_id], [0, 0, 0])
        entry[0] += 1
        entry[1] += len(week.lessons)
        entry[2] += len(week.confirmed)
    rows = [UnitCoverage(name, p, e, c) for name, (p, e, c) in totals.items()]
    return sorted(rows, key=lambda r: (r.share, r.unit))


# --- for other capabilities (the admin console) -------------------------------------------


def active_lessons(session: Session) -> list[Lesson]:
    return list(session.scalars(select(Lesson).where(Lesson.active.is_(True)).order_by(Lesson.id)))


def lesson_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Lesson).where(Lesson.active.is_(True))) or 0


def sent_and_confirmed(session: Session) -> tuple[dict[int, int], dict[int, int]]:
    """Per lesson id: how many group deliveries, and how many people confirmed studying it."""
    sent = dict(session.execute(select(LessonDelivery.lesson_id, func.count()).group_by(LessonDelivery.lesson_id)).all())
    confirmed = dict(session.execute(
        select(LessonConfirmation.lesson_id, func.count()).group_by(LessonConfirmation.lesson_id)).all())
    return sent, confirmed


def import_lessons(session: Session, path, now: datetime, max_body_chars: int, actor="cli"):
    """The library import the CLI runs (all rows or none; ImportRejected lists every problem)."""
    from handlers.lessons.importer import import_file

    return import_file(session, path, now, max_body_chars, actor=actor)
