"""A PostgreSQL session-level advisory lock: one holder among several instances for work that must
run once (the scheduler's leader, the AI bot's one connection)."""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


def advisory_key(name: str) -> int:
    """A stable 63-bit key for pg_try_advisory_lock(bigint); advisory locks are per database."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") >> 1


class AdvisoryLock:
    def __init__(self, app: App, key: int, what: str) -> None:
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
