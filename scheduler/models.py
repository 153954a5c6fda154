"""Scheduler state: per-job switches, one row per run of an occurrence, and the SQLite leader lease."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UtcDateTime


class JobState(Base):
    """What the scheduler knows about a declared job beyond its config: paused, and since when it exists.

    `first_seen_at` separates "missed while the bot was down" from "before the job existed":
    only occurrences after it count as missed.
    """

    __tablename__ = "schedule_jobs"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    changed_by: Mapped[str | None] = mapped_column(String(100))


class RunStatus:
    running = "running"  # started; if still so after a crash, catch-up runs it again
    done = "done"
    failed = "failed"
    missed = "missed"  # later than the misfire grace: skipped on purpose
    paused = "paused"  # the job was paused at its fire time

    HANDLED = frozenset({done, missed, paused})


class ScheduleRun(Base):
    """One occurrence of one job: who ran it, when, and what it wrote. Re-runs update the same row."""

    __tablename__ = "schedule_runs"
    __table_args__ = (
        UniqueConstraint("job", "occurrence"),
        Index("ix_schedule_runs_job_started", "job", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    occurrence: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(String(20))  # schedule, catch-up, manual
    instance: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    written: Mapped[int] = mapped_column(Integer, default=0)  # new outbox rows
    duplicates: Mapped[int] = mapped_column(Integer, default=0)  # already written earlier: not sent again
    unreachable: Mapped[int] = mapped_column(Integer, default=0)  # recorded as skipped (no channel)
    detail: Mapped[str | None] = mapped_column(Text)


class SchedulerLease(Base):
    """The leader lease on SQLite (PostgreSQL uses an advisory lock instead): held while renewed."""

    __tablename__ = "schedule_leases"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
