"""Scheduled lesson work: the morning push, the weekly reminder, and the leaders' coverage summary."""

from __future__ import annotations

from collections.abc import Iterator


from bot.db import transaction
from bot.message import Reply, ToGroup, ToPerson
from bot.models import Person
from handlers.lessons import service
from handlers.lessons.texts import coverage_text, lesson_text, reminder_text
from scheduler.jobs import JobRun, audience_people


def morning_lesson(run: JobRun) -> Iterator[Reply]:
    """Each target group gets its next lesson not yet sent there; a rerun of the day resends the same one."""
    now = run.app.clock.now()
    planned: list[tuple[int, str]] = []
    with transaction(run.app.sessions) as session:
        for group in run.groups:
            delivery = service.deliver(session, group.id, run.day, job=run.name, now=now)
            if delivery is not None:
                planned.append((group.id, lesson_text(delivery.lesson)))
    for group_id, text in planned:
        yield Reply(text, to=ToGroup(group_id), dedupe_key=run.key(f"g{group_id}"))


def lesson_reminder(run: JobRun) -> Iterator[Reply]:
    """People of the target groups who have not confirmed every lesson of this week get a list of those."""
    start, _ = service.week_of(run.day)
    with run.app.sessions() as session:
        people: dict[int, Person] = {}
        for group in run.groups:
            for person in audience_people(session, group):
                people.setdefault(person.id, person)
        weeks = service.week_status(session, start, run.day, list(people.values()))
        texts = [(w.person.id, reminder_text(w)) for w in weeks if w.missing]
    for person_id, text in texts:
        yield Reply(text, to=ToPerson(person_id), dedupe_key=run.key(f"p{person_id}"))


def lesson_coverage(run: JobRun) -> Iterator[Reply]:
    """Leaders' groups get the week's share of confirmed lessons per unit, lowest first."""
    start, end = service.week_of(run.day)
    with run.app.sessions() as session:
        text = coverage_text(service.coverage(session, start, run.day), start, end)
    for group in run.groups:
        yield Reply(text, to=ToGroup(group.id), dedupe_key=run.key(f"g{group.id}"))
