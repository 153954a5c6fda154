"""What `GET /healthz` reports: can the database be reached and written, and how much work is waiting.

A load balancer or a monitor takes 503 as "send nothing here": an instance whose database is gone or
read-only (a failed-over replica, a full or read-only disk) acknowledges nothing it could keep.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, inspect, select, text

from bot.models import OutboundMessage, OutboxStatus

# How long the write probe may wait for a lock before the database counts as not writable.
PROBE_SECONDS = 2


def not_writable(engine: Engine) -> str | None:
    """None when a write goes through (it is rolled back at once), else why it does not."""
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={PROBE_SECONDS * 1000}")
                conn.commit()
            try:
                with conn.begin() as transaction:
                    if not sqlite:
                        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{PROBE_SECONDS}s'")
                    # A no-op write on a one-row table every migrated database has.
                    conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
                    transaction.rollback()
            finally:
                if sqlite:
                    conn.rollback()
                    conn.exec_driver_sql("PRAGMA busy_timeout=10000")
                    conn.commit()
    except Exception as exc:  # noqa: BLE001 - reported, never raised
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        return f"{type(exc).__name__}: {reason[0] if reason else ''}"[:200]
    return None


def backlog(engine: Engine, now: datetime) -> dict[str, Any]:
    """Outbox rows waiting to be sent (and the oldest one's age), callbacks waiting to be processed."""
    with engine.connect() as conn:
        count, oldest = conn.execute(
            select(func.count(), func.min(OutboundMessage.created_at)).where(
                OutboundMessage.status == OutboxStatus.pending.value
            )
        ).one()
        inbox = None
        if inspect(conn).has_table("wecom_inbox"):
            inbox = conn.execute(text("SELECT count(*) FROM wecom_inbox WHERE status = 'pending'")).scalar_one()
    return {
        "outbox_pending": count,
        "outbox_oldest_pending_seconds": int((now - oldest).total_seconds()) if oldest is not None else 0,
        "inbox_pending": inbox,
    }


def check(app) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) for /healthz. `app` is the bot.app.App being served."""
    status = app.database_status()
    if status.startswith(("empty", "needs upgrade")):
        return 200, {"status": "degraded", "database": status}
    if status != "ok":  # unreachable, or the database does not exist
        return 503, {"status": "down", "database": status}
    reason = not_writable(app.engine)
    if reason is not None:
        return 503, {"status": "down", "database": f"not writable: {reason}"}
    return 200, {"status": "ok", "database": status, "backlog": backlog(app.engine, app.clock.now())}
