"""Reading and writing the scheduler's tables (plain functions over a Session)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db import insert_or_ignore
from scheduler.models import JobState, RunStatus, ScheduleRun


def ensure_states(session: Session, names: Iterable[str], now: datetime) -> dict[str, JobState]:
    """The state row of each job, created (not paused, first seen now) for jobs met for the first time."""
    names = list(names)
    for name in names:
        session.execute(insert_or_ignore(session, JobState, ["name"]).values(name=name, paused=False, first_seen_at=now))
    rows = session.scalars(select(JobState).where(JobState.name.in_(names))).all()
    return {row.name: row for row in rows}


def set_paused(session: Session, name: str, paused: bool, now: datetime, actor: str) -> bool:
    """Pause or resume; return False when it already was in that state."""
    state = ensure_states(session, [name], now)[name]
    if state.paused == paused:
        return False
    state.paused = paused
    state.changed_at = now
    state.changed_by = actor
    session.flush()
    return True


def get_run(session: Session, job: str, occurrence: datetime) -> ScheduleRun | None:
    return session.scalar(select(ScheduleRun).where(ScheduleRun.job == job, ScheduleRun.occurrence == occurrence))


def start_run(session: Session, job: str, occurrence: datetime, reason: str, instance: str, now: datetime) -> None:
    """Mark the occurrence as running (a re-run takes over the existing row and keeps its totals)."""
    session.execute(
        insert_or_ignore(session, ScheduleRun, ["job", "occurrence"])
        .values(
            job=job, occurrence=occurrence, reason=reason, instance=instance, status=RunStatus.running,
            started_at=now, written=0, duplicates=0, unreachable=0,
        )
    )
    run = get_run(session, job, occurrence)
    assert run is not None
    run.reason, run.instance, run.status, run.started_at = reason, instance, RunStatus.running, now
    run.finished_at, run.detail = None, None
    session.flush()


def finish_run(
    session: Session, job: str, occurrence: datetime, status: str, now: datetime, *,
    duplicates: int = 0, detail: str | None = None, reason: str = "schedule", instance: str = "",
) -> ScheduleRun:
    """Close the run; its totals are counted from the outbox, so they include what a crashed try wrote."""
    run = get_run(session, job, occurrence)
    if run is None:
        run = ScheduleRun(job=job, occurrence=occurrence, reason=reason, instance=instance, started_at=now)
        session.add(run)
    run.status = status
    run.finished_at = now
    run.written, run.unreachable = occurrence_totals(session, job, occurrence)  # occurrence is street-local
    run.duplicates = duplicates
    run.detail = detail
    session.flush()
    return run


def key_prefix(job: str, occurrence_local: datetime) -> str:
    return f"{job}:{occurrence_local:%Y%m%dT%H%M}:"


def occurrence_totals(session: Session, job: str, occurrence: datetime, tz=None) -> tuple[int, int]:
    """(outbox rows, of which unreachable) written under this occurrence's dedupe keys."""
    from bot.models import OutboundMessage, OutboxStatus

    local = occurrence.astimezone(tz) if tz is not None else occurrence
    prefix = key_prefix(job, local)
    # A byte-order range: binary on SQLite, and "C" on PostgreSQL, whose locale collations may
    # ignore punctuation such as ":" and so break a prefix range.
    key = OutboundMessage.dedupe_key
    if session.get_bind().dialect.name == "postgresql":
        key = key.collate("C")
    in_range = (key >= prefix) & (key < prefix + "\uffff")
    rows = session.execute(
        select(OutboundMessage.status, func.count()).where(in_range).group_by(OutboundMessage.status)
    ).all()
    total = sum(count for _, count in rows)
    skipped = sum(count for status, count in rows if status == OutboxStatus.skipped.value)
    return total, skipped


def last_runs(session: Session, names: Iterable[str]) -> dict[str, ScheduleRun]:
    """The most recently started run of each job."""
    names = list(names)
    latest = (
        select(ScheduleRun.job, func.max(ScheduleRun.started_at).label("at"))
        .where(ScheduleRun.job.in_(names))
        .group_by(ScheduleRun.job)
        .subquery()
    )
    query = select(ScheduleRun).join(latest, (latest.c.job == ScheduleRun.job) & (latest.c.at == ScheduleRun.started_at))
    return {run.job: run for run in session.scalars(query)}
