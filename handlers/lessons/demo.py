"""The demo street's lesson library (written for this project) and this month's lesson history.

The history is what the street's morning-lesson job would have written on each of its past
occurrences this month (deliveries and the group pushes in the outbox), and who studied what.
Today's occurrence is left to the job itself. Engagement differs by unit on purpose, so the
leaders' dashboard shows the gap "以干代学" makes: most units high, a couple clearly low.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.audit import record
from bot.models import Group, OutboundMessage, OutboxStatus, Person, Unit
from handlers.lessons.importer import parse_file, store
from handlers.lessons.models import Lesson, LessonConfirmation, LessonDelivery
from handlers.lessons.service import GroupIndex
from handlers.lessons.texts import lesson_text
from scheduler.jobs import JobRun, job_specs, resolve_groups
from scheduler.triggers import build_trigger, next_occurrence
from scheduler.workdays import WorkdayCalendar

DEMO_FILE = Path(__file__).parent / "data" / "demo_lessons.md"

# Units whose people mostly skip the lessons (busy in the field); the rest study most of them.
LOW_UNITS = {"青山社区": 0.35, "综合执法队": 0.45}
HIGH_RANGE = (0.78, 0.93)
# The people a newcomer tries the bot as start the month with a clean slate, like in the hours demo.
CLEAN_SLATE = ("张伟", "李娜")


def load_demo_lessons(session: Session, app, today: date) -> None:
    rows = parse_file(DEMO_FILE, app.config.lessons.max_body_chars)
    store(session, rows, app.clock.now(), actor="demo")


@dataclass(frozen=True)
class PastRun:
    run: JobRun
    groups: tuple[Group, ...]


def past_runs(session: Session, app, kind: str, today: date) -> list[PastRun]:
    """Occurrences of the street's jobs of this kind from the 1st of the month up to (not including) today.

    The declared jobs and their triggers decide, as they would have live: a street without such
    a job has no such history, and holidays of the working-day calendar are skipped.
    """
    config = app.config
    tz = config.tz
    start = datetime.combine(today.replace(day=1), time(0), tzinfo=tz)
    end = datetime.combine(today, time(0), tzinfo=tz)
    calendar = WorkdayCalendar.from_config(config)
    found: list[PastRun] = []
    for spec in job_specs(app).values():
        if spec.kind != kind or not spec.enabled:
            continue
        groups, _ = resolve_groups(session, spec.targets)
        if not groups:
            continue
        trigger = build_trigger(spec.cron, spec.workdays_at, calendar, tz)
        fire = next_occurrence(trigger, start)
        while fire is not None and fire < end:
            found.append(PastRun(JobRun(app, spec.name, kind, fire, groups), groups))
            fire = next_occurrence(trigger, fire + timedelta(minutes=1))
    return sorted(found, key=lambda p: p.run.occurrence)


def group_push(run: JobRun, group: Group, text: str, kind: str = "text", payload: dict | None = None) -> dict:
    """An outbox row as the job's push to one group would have left it: keyed by the run, already sent."""
    return dict(
        created_at=run.occurrence,
        channel=group.channel,
        target=group.address or group.name,
        person_id=None,
        group_id=group.id,
        kind=kind,
        text=text,
        payload=payload,
        status=OutboxStatus.sent.value,
        attempts=1,
        sent_at=run.occurrence,
        error=None,
        dedupe_key=run.key(f"g{group.id}"),
    )


def bulk_insert(session: Session, model, rows: list[dict]) -> None:
    """One Core executemany: the drivers batch it (psycopg pipelines it), with no ORM objects made."""
    if rows:
        session.execute(insert(model.__table__), rows)


def unit_rates(session: Session, rng: random.Random, low: dict[str, float]) -> dict[int, float]:
    """Each unit's share of engagement: the low ones as given, the others high but not equal."""
    return {
        unit.id: low.get(unit.name, round(rng.uniform(*HIGH_RANGE), 2))
        for unit in session.scalars(select(Unit).order_by(Unit.id))
    }


def history_people(session: Session) -> list[Person]:
    return list(
        session.scalars(
            select(Person).where(Person.active.is_(True), Person.name.not_in(CLEAN_SLATE)).order_by(Person.id)
        )
    )


def load_demo_lesson_history(session: Session, app, today: date) -> None:
    runs = past_runs(session, app, "morning_lesson", today)
    if not runs:
        return
    library = list(session.scalars(select(Lesson).where(Lesson.active.is_(True)).order_by(Lesson.id)))
    if not library:
        return
    # With no earlier deliveries, "the next lesson not yet sent there, then the one sent longest
    # ago" (service.next_lesson_for_group) is the library in order, round and round.
    sent_count: dict[int, int] = {}
    delivered: dict[tuple[int, date], Lesson] = {}
    deliveries: list[dict] = []
    pushes: list[dict] = []
    for past in runs:
        day = past.run.day
        for group in past.groups:
            lesson = delivered.get((group.id, day))
            if lesson is None:
                index = sent_count.get(group.id, 0)
                lesson = library[index % len(library)]
                sent_count[group.id] = index + 1
                delivered[(group.id, day)] = lesson
                deliveries.append(
                    dict(group_id=group.id, lesson_id=lesson.id, day=day, job=past.run.name, created_at=past.run.occurrence)
                )
            pushes.append(group_push(past.run, group, lesson_text(lesson)))
    confirmations = _confirmations(session, app, delivered)
    # Inserted together rather than through service.deliver/confirm one by one (several queries
    # and an audit row each): the demo loads in every test and in the README's first command.
    bulk_insert(session, LessonDelivery, deliveries)
    bulk_insert(session, OutboundMessage, pushes)
    bulk_insert(session, LessonConfirmation, confirmations)
    detail = {"deliveries": len(deliveries), "confirmations": len(confirmations)}
    record(session, "demo", "lesson_history_loaded", "lesson", None, detail, at=app.clock.now())


def _confirmations(session: Session, app, delivered: dict[tuple[int, date], Lesson]) -> list[dict]:
    """Who studied which of their group's lessons, and when: mostly the same day, some caught up later."""
    rng = random.Random(20261101)
    rates = unit_rates(session, rng, LOW_UNITS)
    index = GroupIndex.load(session)
    now = app.clock.now()
    tz = app.config.tz
    by_group: dict[int, list[tuple[date, Lesson]]] = {}
    for (group_id, day), lesson in sorted(delivered.items(), key=lambda item: item[0][1]):
        by_group.setdefault(group_id, []).append((day, lesson))
    rows: list[dict] = []
    for person in history_people(session):
        group_id = index.group_for(person)
        if group_id is None or person.unit_id is None:
            continue
        rate = min(1.0, max(0.05, rates[person.unit_id] + rng.uniform(-0.12, 0.12)))
        seen: set[int] = set()
        for day, lesson in by_group.get(group_id, ()):
            if lesson.id in seen or rng.random() >= rate:
                continue
            later = rng.choice((0, 0, 0, 0, 1, 2))
            moment = datetime.combine(day + timedelta(days=later), time(8, 5), tzinfo=tz) + timedelta(
                minutes=rng.randint(0, 12 * 60)
            )
            if moment >= now:
                moment = datetime.combine(day, time(8, 5), tzinfo=tz) + timedelta(minutes=rng.randint(0, 600))
            seen.add(lesson.id)
            rows.append(dict(person_id=person.id, lesson_id=lesson.id, confirmed_at=moment))
    return rows
