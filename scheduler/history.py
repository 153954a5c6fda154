"""What a job would have pushed on its past occurrences: for demo data that looks like real use.

The declared jobs and their triggers decide, as they would have live, so a street without such a
job has no such history and holidays of the working-day calendar are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from bot.models import Group, OutboxStatus
from scheduler.jobs import JobRun, job_specs, resolve_groups
from scheduler.triggers import build_trigger, next_occurrence
from scheduler.workdays import WorkdayCalendar


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
