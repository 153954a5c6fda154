"""Engine, sessions and schema migrations.

The schema is only ever created or changed by Alembic migrations (bot/migrations), so an
upgrade keeps a street's data. The core's versions live in bot/migrations/versions; each capability
with tables of its own brings one more folder (its Alembic branch), passed in as `folders`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

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


def insert_or_ignore(session: Session, target, conflict: Sequence[str]):
    """INSERT … ON CONFLICT (conflict) DO NOTHING, on SQLite and PostgreSQL alike: the way every
    "store it once" in the project is written (dedupe keys, run rows, per-day deliveries)."""
    from sqlalchemy.dialects import postgresql, sqlite

    builder = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[session.get_bind().dialect.name]
    return builder(target).on_conflict_do_nothing(index_elements=list(conflict))


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with factory() as session, session.begin():
        yield session


Folders = Sequence[Path]


def alembic_config(engine: Engine | None, folders: Folders = ()):
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    locations = [MIGRATIONS_DIR / "versions", *folders]
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(str(p) for p in locations))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, folders: Folders = (), target: str = "heads") -> None:
    from alembic import command

    command.upgrade(alembic_config(engine, folders), target)


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


def _script(folders: Folders = ()):
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(None, folders))


def current_revisions(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def pending_revisions(engine: Engine, folders: Folders = ()) -> set[str]:
    """Revisions not yet applied. With several branches and depends_on links, alembic_version holds
    only the tips, so "up to date" means every head is among the ancestors of what is applied."""
    script = _script(folders)
    current = tuple(current_revisions(engine))
    applied = {rev.revision for rev in script.iterate_revisions(current, "base")} if current else set()
    everything = {rev.revision for rev in script.walk_revisions()}
    return everything - applied


def database_status(engine: Engine, folders: Folders = ()) -> str:
    """'ok', or what is wrong in one line for /healthz and the CLI: empty, needs upgrade, the
    database does not exist, or the server cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - status is reported, never raised
        return connection_problem(engine, exc)
    try:
        if not inspect(engine).has_table("alembic_version"):
            return "empty: run gridbot init"
        return "needs upgrade: run gridbot db upgrade" if pending_revisions(engine, folders) else "ok"
    except Exception as exc:  # noqa: BLE001
        return f"unreachable: {type(exc).__name__}"


def connection_problem(engine: Engine, exc: Exception) -> str:
    """Why a connection failed, told apart for the operator; the URL's password is never shown."""
    message = str(getattr(exc, "orig", exc) or exc)
    url = engine.url
    where = url.render_as_string(hide_password=True)
    if engine.dialect.name == "postgresql" and "does not exist" in message and "database" in message:
        return (f"database does not exist / 数据库不存在: {url.database!r} on {url.host}:{url.port or 5432} "
                f"(createdb {url.database}, or fix [database] url)")
    if engine.dialect.name == "sqlite":
        return f"unreachable / 无法打开: {where} ({message.splitlines()[0][:120]})"
    return f"unreachable / 连不上数据库: {where} ({type(exc).__name__}; is the server running? check [database] url)"
