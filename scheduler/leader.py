"""Only one instance runs the scheduler.

PostgreSQL: a session-level advisory lock, held on a dedicated connection for as long as the
instance leads. If the process dies, its connection closes and PostgreSQL releases the lock;
a standby that retries every `standby_retry_seconds` then takes over. The leader checks its
connection at the same interval and steps down if it was lost.

SQLite: one instance per database file is the supported setup. A lease row with an expiry
(three retry intervals) still guards against a second `gridbot serve` on the same file: the
holder renews it; another instance takes over only after it expired. A clean stop releases it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.dialects import sqlite

from bot.app import App
from bot.db import transaction
from bot.locks import AdvisoryLock, advisory_key
from scheduler.models import SchedulerLease

log = logging.getLogger(__name__)

LOCK_NAME = "gridbot-scheduler"
# A stable 63-bit key for pg_try_advisory_lock(bigint); advisory locks are per database.
LOCK_KEY = advisory_key(LOCK_NAME)


class Leadership(Protocol):
    def acquire(self) -> bool:
        """Try to become (or stay) leader; True while this instance leads."""

    def release(self) -> None: ...


class LeaseLock:
    def __init__(self, app: App, instance: str, interval_seconds: float) -> None:
        self.app = app
        self.instance = instance
        self.ttl = timedelta(seconds=3 * interval_seconds)
        self.held = False

    def acquire(self) -> bool:
        now = self.app.clock.now()
        try:
            with transaction(self.app.sessions) as session:
                session.execute(
                    sqlite.insert(SchedulerLease)
                    .values(name=LOCK_NAME, holder=self.instance, expires_at=now + self.ttl)
                    .on_conflict_do_nothing(index_elements=["name"])
                )
                renewed = session.execute(
                    update(SchedulerLease)
                    .where(
                        SchedulerLease.name == LOCK_NAME,
                        (SchedulerLease.holder == self.instance) | (SchedulerLease.expires_at <= now),
                    )
                    .values(holder=self.instance, expires_at=now + self.ttl)
                ).rowcount
        except Exception:  # noqa: BLE001 - database busy or gone: not leader this round
            log.warning("renewing the scheduler lease failed", exc_info=True)
            renewed = 0
        if self.held and not renewed:
            log.warning("scheduler lease lost; stepping down")
        self.held = bool(renewed)
        return self.held

    def holder(self) -> str | None:
        with self.app.sessions() as session:
            return session.scalar(select(SchedulerLease.holder).where(SchedulerLease.name == LOCK_NAME))

    def release(self) -> None:
        if not self.held:
            return
        with transaction(self.app.sessions) as session:
            session.execute(
                update(SchedulerLease)
                .where(SchedulerLease.name == LOCK_NAME, SchedulerLease.holder == self.instance)
                .values(expires_at=self.app.clock.now())
            )
        self.held = False


def leadership_for(app: App, instance: str) -> Leadership:
    if app.engine.dialect.name == "postgresql":
        return AdvisoryLock(app, LOCK_KEY, "scheduler")
    return LeaseLock(app, instance, app.config.schedule.standby_retry_seconds)
