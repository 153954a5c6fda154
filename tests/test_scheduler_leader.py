"""Only one instance schedules: a lease row on SQLite, an advisory lock on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import text

from handlers.composition import build_app
from bot.app import App
from bot.clock import ManualClock
from bot.db import scratch_database
from tests.conftest import SHANGHAI, make_config
from scheduler.leader import AdvisoryLock, LOCK_KEY, LeaseLock


def test_sqlite_lease_has_one_holder_and_passes_on_when_it_expires(sqlite_url):
    clock = ManualClock(datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI))
    app = build_app(make_config(sqlite_url), clock=clock)
    first, second = LeaseLock(app, "a", 20), LeaseLock(app, "b", 20)
    assert first.acquire() and not second.acquire()
    clock.advance(seconds=50)
    assert first.acquire()  # renewed within the 60 s lease
    clock.advance(seconds=50)
    assert not second.acquire() and first.holder() == "a"
    clock.advance(seconds=61)  # the holder stopped renewing: it is dead
    assert second.acquire() and second.holder() == "b"
    assert not first.acquire()  # the old holder learns it lost the lease
    second.release()  # a clean stop hands over at once
    assert first.acquire()
    app.engine.dispose()


def test_postgresql_advisory_lock_has_one_holder_and_passes_on_when_its_session_dies(pg_database):
    config = make_config(pg_database)
    one, two, admin = build_app(config), build_app(config), build_app(config)
    first, second = AdvisoryLock(one, LOCK_KEY, "scheduler"), AdvisoryLock(two, LOCK_KEY, "scheduler")
    try:
        assert first.acquire() and not second.acquire()
        assert first.acquire()  # still held on its own connection
        pid = first._conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        with admin.engine.connect() as conn:  # what a killed process looks like to PostgreSQL
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        assert not first.acquire()  # the leader notices and steps down
        assert second.acquire()
        second.release()
        assert first.acquire()
    finally:
        first.release()
        second.release()
        for app in (one, two, admin):
            app.engine.dispose()


def test_the_lock_is_per_database(pg_database):
    """A second street on another database of the same server schedules independently."""
    pytest.importorskip("psycopg")
    with scratch_database(pg_database, "gridbot_other") as other_url:
        one, two = build_app(make_config(pg_database)), build_app(make_config(other_url))
        first, second = AdvisoryLock(one, LOCK_KEY, "scheduler"), AdvisoryLock(two, LOCK_KEY, "scheduler")
        try:
            assert first.acquire() and second.acquire()
        finally:
            first.release()
            second.release()
            one.engine.dispose()
            two.engine.dispose()
