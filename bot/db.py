"""Engine, sessions and schema migrations.

The schema is only ever created or changed by Alembic migrations (bot/migrations), so an
upgrade keeps a street's data. Each capability owns an Alembic branch; `upgrade heads` applies all.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# Every module that declares ORM models; Alembic's autogenerate and the test suite import them all.
MODEL_MODULES: tuple[str, ...] = (
    "bot.models",
    "domain.hours.models",
    "domain.wechaty.models",
    "scheduler.models",
    "domain.lessons.models",
    "domain.quiz.models",
    "domain.rules.models",
    "dash.models",
    "domain.reports.models",
    "domain.ledger.models",
    "bot.channels.wecom.models",
    "bot.channels.wecom_bot.models",
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps are stored in UTC and always come back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def import_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL + NORMAL is durable across application crashes; only an OS crash can lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, echo: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session


def alembic_config(engine: Engine):
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, target: str = "heads") -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), target)


@contextmanager
def scratch_database(server_url: str, prefix: str = "gridbot_scratch") -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of `server_url`, dropped afterwards; yields its URL.

    For tests and benchmarks, so they never touch the database they were pointed at.
    """
    import uuid

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _script():
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg)


def current_revisions(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def pending_revisions(engine: Engine) -> set[str]:
    """Revisions not yet applied. With several branches and depends_on links, alembic_version holds
    only the tips, so "up to date" means every head is among the ancestors of what is applied."""
    script = _script()
    current = tuple(current_revisions(engine))
    applied = {rev.revision for rev in script.iterate_revisions(current, "base")} if current else set()
    everything = {rev.revision for rev in script.walk_revisions()}
    return everything - applied


def database_status(engine: Engine) -> str:
    """'ok', 'needs upgrade' or 'unreachable: …' for /healthz and the CLI."""
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        if not inspect(engine).has_table("alembic_version"):
            return "empty: run gridbot init"
        return "needs upgrade: run gridbot db upgrade" if pending_revisions(engine) else "ok"
    except Exception as exc:  # noqa: BLE001 - status is reported, never raised
        return f"unreachable: {type(exc).__name__}"
