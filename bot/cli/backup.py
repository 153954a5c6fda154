"""`gridbot backup --out FILE` and `gridbot restore FILE` (docs/operations.md has the restore drill).

SQLite: the backup is SQLite's online backup API — a consistent copy taken in one read transaction,
while `gridbot serve` keeps writing (WAL lets writers go on). Restore copies a backup into an empty
database and brings its schema up to date. PostgreSQL has its own tools: both commands print the
exact pg_dump / pg_restore command for this database instead (the password is never printed).
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from pathlib import Path

import click
from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from bot.cli.common import CliState, fail, pass_state

# Tables whose row counts are shown after a backup or restore, so an operator sees it is the right street.
SHOWN = (("people", "人员"), ("hour_entries", "服务时长记录"), ("outbox", "消息记录"))


def register(cli: click.Group) -> None:
    cli.add_command(backup)
    cli.add_command(restore)


def _pg_args(url: URL) -> list[str]:
    args = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args


def _password_note(url: URL) -> str:
    return "（密码不在命令里：用 PGPASSWORD 环境变量或 ~/.pgpass 提供）" if url.password else ""


def _counts(connection: sqlite3.Connection) -> str:
    parts = []
    for table, label in SHOWN:
        try:
            (count,) = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        except sqlite3.Error:
            continue
        parts.append(f"{label}{count}条")
    return "，".join(parts)


def _sqlite_path(state: CliState) -> tuple[URL, Path]:
    """The configured URL, and for SQLite its file; nothing is opened yet."""
    url = make_url(state.config.database.url)
    if url.get_backend_name() != "sqlite":
        return url, Path()
    database = url.database or ""
    if not database or database == ":memory:":
        fail("这个数据库不是文件（内存数据库），无法备份或恢复。")
    if database.startswith("file:"):
        database = database[len("file:"):].split("?", 1)[0]
    return url, Path(database)


@click.command()
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The backup file to write (never overwritten).")
@pass_state
def backup(state: CliState, out: Path) -> None:
    """Back up the database to FILE, consistently, while the bot keeps serving (SQLite)."""
    url, path = _sqlite_path(state)
    if url.get_backend_name() == "postgresql":
        command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(out), *_pg_args(url), url.database or ""]
        click.echo("PostgreSQL 数据库请用它自己的备份工具，在能连上数据库的机器上运行：")
        click.echo("  " + shlex.join(command) + _password_note(url))
        click.echo("恢复方法见 docs/operations.md。")
        raise SystemExit(2)
    if out.exists():
        fail(f"没有备份：{out} 已存在，不会覆盖它。请换一个文件名。")
    state.app()  # says so and stops when the database is not ready
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = sqlite3.connect(partial)
    try:
        # One step: one read transaction, so the copy is one moment of the database.
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        if target.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            fail("备份校验没有通过，没有留下备份文件。请检查磁盘后重试。")
        summary = _counts(target)
    finally:
        target.close()
        source.close()
    os.replace(partial, out)
    click.echo(f"已备份到 {out}（{out.stat().st_size / 1024 / 1024:.1f} MB；{summary}）。")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_state
def restore(state: CliState, file: Path) -> None:
    """Restore a backup FILE into the configured database, which must be empty (SQLite)."""
    url, path = _sqlite_path(state)
    if url.get_backend_name() == "postgresql":
        command = ["pg_restore", "--exit-on-error", "--no-owner", *_pg_args(url), "--dbname", url.database or "", str(file)]
        click.echo("PostgreSQL 的备份请用 pg_restore 恢复到一个空数据库（先 createdb 建好），然后运行 gridbot db upgrade：")
        click.echo("  " + shlex.join(command) + _password_note(url))
        raise SystemExit(2)
    # The backup first: nothing about the target is touched until the file is known to be one.
    try:
        source = sqlite3.connect(f"file:{file.resolve()}?mode=ro", uri=True)
        try:
            versions = source.execute("SELECT version_num FROM alembic_version").fetchall()
            intact = source.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        finally:
            source.close()
    except sqlite3.Error:
        versions, intact = [], False
    if not versions:
        fail(f"没有恢复：{file} 不是 gridbot 的备份文件（不是 SQLite 数据库，或没有 gridbot 的表）。")
    if not intact:
        fail(f"没有恢复：{file} 已损坏（完整性校验没有通过）。请换一份备份。")
    app = state.app(require_schema=False)
    engine = app.engine
    tables = inspect(engine).get_table_names()
    engine.dispose()
    if tables:
        fail(f"没有恢复：目标数据库不是空的（已有{len(tables)}张表）。请指向一个新的数据库文件，"
             "以免覆盖现有数据。")
    source = sqlite3.connect(f"file:{file.resolve()}?mode=ro", uri=True)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        summary = _counts(target)
    finally:
        target.close()
        source.close()
    app.upgrade()  # a backup made by an older version gets the newer schema, its data kept
    click.echo(f"已从 {file} 恢复到 {path}（{summary}）。数据库状态：{app.database_status()}。")
