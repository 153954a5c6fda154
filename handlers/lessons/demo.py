"""The demo street's lesson library (written for this project) and this month's lesson history.

The history is what the street's morning-lesson job would have written on each of its past
occurrences this month (deliveries and the group pushes in the outbox), and who studied what.
Today's occurrence is left to the job itself. Engagement differs by unit on purpose, so the
leaders' dashboard shows the gap "以干代学" makes: most units high, a couple clearly low.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import record
from bot.models import OutboundMessage
from handlers.lessons.importer import parse_file, store
from handlers.lessons.models import Lesson, LessonConfirmation, LessonDelivery
from handlers.lessons.service import GroupIndex
from handlers.lessons.texts import lesson_text
from bot.demo import bulk_insert, history_people, unit_rates
from scheduler.history import group_push, past_runs

DEMO_FILE = Path(__file__).parent / "data" / "demo_lessons.md"

# Units whose people mostly skip the lessons (busy in the field); the rest study most of them.
LOW_UNITS = {"青山社区": 0.35, "综合执法队": 0.45}


def load_demo_lessons(session: Session, app, today: date) -> None:
    rows = parse_file(DEMO_FILE, app.config.lessons.max_body_chars)
    store(session, rows, app.clock.now(), actor="demo")


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
