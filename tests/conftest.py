"""Test fixtures: a real database (SQLite always, PostgreSQL when GRIDBOT_TEST_DATABASE_URL is set),
a manual clock, the app, the demo street and the test bot."""

from __future__ import annotations

import os
from dataclasses import dataclass
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, make_url, text

from handlers.composition import build_app, config_from_dict, upgrade_schema
from bot.app import App
from bot.clock import ManualClock
from bot.config import Config
from bot.db import Base, make_engine, scratch_database, upgrade
from tests.harness import TestBot

# Every table must be known to the metadata the tests truncate: the core channels' models too.
from bot.channels.wecom import models as _wecom_models  # noqa: E402,F401
from bot.channels.wecom_bot import models as _wecom_bot_models  # noqa: E402,F401

# The reason a test gives when its database variant does not apply (e.g. SQLite's file lock on PostgreSQL).
NOT_FOR_THIS_DATABASE = "not for this database"
PG_ENV = "GRIDBOT_TEST_DATABASE_URL"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Thursday 26 November 2026, 10:00 in Shanghai: a working day in the middle of a week.
DEFAULT_NOW = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)



@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once; every test gets a copy of the file, which is much faster than migrating again."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated once, dropped at the end."""
    base_url = os.environ.get(PG_ENV)
    if not base_url:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    with scratch_database(base_url, "gridbot_test") as url:
        # A throwaway database need not wait for each commit to reach the disk: every test commits often.
        url = make_url(url).update_query_dict({"options": "-c synchronous_commit=off"}).render_as_string(hide_password=False)
        engine = make_engine(url)
        upgrade_schema(engine)
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def pg_sequences(pg_database: str) -> list[tuple[str, str, str]]:
    """(sequence, table, column) of every id column with a sequence, looked up once."""
    engine = make_engine(pg_database)
    found = []
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for column in table.primary_key.columns:
                sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": f'"{table.name}"', "c": column.name}).scalar()
                if sequence:
                    found.append((sequence, table.name, column.name))
    engine.dispose()
    return found


def _truncate_all(engine: Engine, sequences: list[tuple[str, str, str]]) -> None:
    # DELETE, not TRUNCATE: on tables this small it is twenty times faster, and the sequences restart by hand.
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
        if sequences:
            conn.execute(text("SELECT " + ", ".join(f"setval('{s}', 1, false)" for s, _, _ in sequences)))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "gridbot.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_database")
    if "demo_app" in request.fixturenames:
        return url  # demo_app puts back only what the last test changed
    engine = make_engine(url)
    _truncate_all(engine, request.getfixturevalue("pg_sequences"))
    engine.dispose()
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """For tests that need SQLite only (file-level behaviour, CLI runs)."""
    path = tmp_path / "gridbot.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DEFAULT_NOW)


def make_config(db_url: str, **sections: dict) -> Config:
    data: dict = {"database": {"url": db_url}}
    data.update(sections)
    return config_from_dict(data)


@pytest.fixture
def config(db_url: str) -> Config:
    return make_config(db_url)


@pytest.fixture
def app(config: Config, clock: ManualClock) -> Iterator[App]:
    application = build_app(config, clock=clock)
    yield application
    application.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo street loaded once (at DEFAULT_NOW, default configuration); chat tests copy the file."""
    from bot.demo import load_demo

    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    shutil.copy(sqlite_template, path)
    app = build_app(make_config(f"sqlite:///{path}"), clock=ManualClock(DEFAULT_NOW))
    load_demo(app)
    with app.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    app.engine.dispose()
    return path


@dataclass(frozen=True)
class DemoSnapshot:
    """The demo street's rows in PostgreSQL, and a checksum of each table holding them."""

    rows: dict[str, list[dict]]
    sums: dict[str, str]


def _checksums(conn) -> dict[str, str]:
    """Each table's content as one md5 (rows as text, sorted): equal sums, equal rows."""
    parts = [f"""SELECT '{t.name}', md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM "{t.name}" x"""
             for t in Base.metadata.sorted_tables]
    return dict(conn.execute(text(" UNION ALL ".join(parts))).all())


@pytest.fixture(scope="session")
def pg_demo_rows(pg_database: str, pg_sequences: list[tuple[str, str, str]]) -> DemoSnapshot:
    """The demo street loaded once into PostgreSQL (at DEFAULT_NOW, default configuration), kept as rows."""
    from bot.demo import load_demo

    engine = make_engine(pg_database)
    _truncate_all(engine, pg_sequences)
    app = build_app(make_config(pg_database), clock=ManualClock(DEFAULT_NOW))
    load_demo(app)
    app.engine.dispose()
    with engine.connect() as conn:
        rows = {t.name: [dict(r._mapping) for r in conn.execute(t.select())] for t in Base.metadata.sorted_tables}
        sums = _checksums(conn)
    _truncate_all(engine, pg_sequences)
    engine.dispose()
    return DemoSnapshot(rows, sums)


def _restore_rows(engine: Engine, demo: DemoSnapshot, sequences: list[tuple[str, str, str]]) -> None:
    """Put back the demo rows of every table that differs from them (and of the tables referring to one), then
    move each id sequence past its rows. Most tests touch a few tables; the 2,000 known rules questions stay."""
    tables = Base.metadata.sorted_tables
    with engine.begin() as conn:
        now = _checksums(conn)
        reset = {name for name, sum_ in now.items() if sum_ != demo.sums[name]}
        grown = True
        while grown:  # a table whose rows point at a reset one goes with it
            before = len(reset)
            reset |= {t.name for t in tables if any(fk.column.table.name in reset for fk in t.foreign_keys)}
            grown = len(reset) > before
        for table in reversed(tables):
            if table.name in reset:
                conn.execute(table.delete())
        for table in tables:
            if table.name in reset and demo.rows[table.name]:
                conn.execute(table.insert(), demo.rows[table.name])
        if sequences:
            conn.execute(text("SELECT " + ", ".join(
                f"""setval('{s}', COALESCE((SELECT MAX("{c}") FROM "{t}"), 0) + 1, false)""" for s, t, c in sequences)))


@pytest.fixture
def demo_app(app: App, request: pytest.FixtureRequest) -> App:
    from bot.demo import load_demo

    url = app.engine.url.render_as_string(hide_password=False)
    if app.clock.now() == DEFAULT_NOW and app.config == make_config(url):
        # Same street, same day, same settings as the template: a copy instead of 1.4 s of inserts.
        if app.engine.dialect.name == "sqlite":
            app.engine.dispose()
            shutil.copy(request.getfixturevalue("sqlite_demo_template"), app.engine.url.database)
            return app
        if app.engine.dialect.name == "postgresql":
            _restore_rows(app.engine, request.getfixturevalue("pg_demo_rows"), request.getfixturevalue("pg_sequences"))
            return app
    if app.engine.dialect.name == "postgresql":
        _truncate_all(app.engine, request.getfixturevalue("pg_sequences"))  # db_url left the last test's rows for this
    load_demo(app)
    return app


@pytest.fixture
def bot(demo_app: App) -> TestBot:
    return TestBot(demo_app)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """In CI (GRIDBOT_TEST_REQUIRE_ALL=1) a skipped test is a failure: nothing may silently not run."""
    outcome = yield
    report = outcome.get_result()
    # A variant that does not apply to its database ("not for this database: …") is no missing service.
    not_applicable = NOT_FOR_THIS_DATABASE in str(report.longrepr)
    if os.environ.get("GRIDBOT_TEST_REQUIRE_ALL") == "1" and report.skipped and not not_applicable:
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every test must run: {report.longrepr}"
