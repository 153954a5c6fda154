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

import hashlib
import logging
from datetime import timedelta
from typing import Protocol

from sqlalchemy import Connection, select, text, update
from sqlalchemy.dialects import sqlite

from bot.app import App
from bot.db import transaction
from scheduler.models import SchedulerLease

log = logging.getLogger(__name__)

LOCK_NAME = "gridbot-scheduler"
# A stable 63-bit key for pg_try_advisory_lock(bigint); advisory locks are per database.
LOCK_KEY = int.from_bytes(hashlib.sha256(LOCK_NAME.encode()).digest()[:8], "big") >> 1


class Leadership(Protocol):
    def acquire(self) -> bool:
        """Try to become (or stay) leader; True while this instance leads."""

    def release(self) -> None: ...


class AdvisoryLock:
    def __init__(self, app: App, key: int = LOCK_KEY, what: str = "scheduler") -> None:
        """`key` and `what` let other single-holder work (the AI bot's one connection) use it too."""
        self.engine = app.engine
        self.key = key
        self.what = what
        self._conn: Connection | None = None

    def acquire(self) -> bool:
        if self._conn is not None:
            try:
                # A session-level lock lives as long as its session: a live connection still holds it.
                self._conn.execute(text("SELECT 1")).scalar_one()
                return True
            except Exception:  # noqa: BLE001 - a broken connection means the lock is gone
                log.warning("%s lock connection lost; stepping down", self.what, exc_info=True)
            self._close()
            return False
        try:
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except Exception:  # noqa: BLE001 - database down: stay standby and retry
            log.warning("cannot reach the database to take the %s lock", self.what, exc_info=True)
            return False
        try:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar_one())
        except Exception:  # noqa: BLE001
            log.warning("taking the %s lock failed", self.what, exc_info=True)
            conn.close()
            return False
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def _close(self) -> None:
        if self._conn is not None:
            try:
                # Returned to the pool: the lock must not travel with the connection.
                self._conn.invalidate()
                self._conn.close()
            except Exception:  # noqa: BLE001
                pass
            self._conn = None

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            except Exception:  # noqa: BLE001
                pass
            self._close()


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
        return AdvisoryLock(app)
    return LeaseLock(app, instance, app.config.schedule.standby_retry_seconds)
