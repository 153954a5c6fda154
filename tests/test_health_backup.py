"""/healthz tells a load balancer the truth about the database, and a street can back up and restore (issue 13)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from bot.app import App
from bot.channels.wecom.models import WecomInbox
from handlers.composition import build_app, cli, config_from_dict
from bot.db import transaction
from bot.models import OutboundMessage, Person
from bot.server import build_asgi


def healthz(app: App) -> httpx.Response:
    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=build_asgi(app, plugins=[]))
        async with httpx.AsyncClient(transport=transport, base_url="http://gridbot") as client:
            return await client.get("/healthz")

    return asyncio.run(fetch())


def test_healthz_is_503_when_the_database_is_unreachable() -> None:
    app = build_app(config_from_dict({"database": {"url": "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"}}))
    answer = healthz(app)
    assert answer.status_code == 503
    assert "unreachable" in answer.json()["database"]
    app.engine.dispose()


def read_only(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///file:{parsed.database}?mode=ro&uri=true"
    return parsed.update_query_dict({"options": "-c default_transaction_read_only=on"}).render_as_string(hide_password=False)


def test_healthz_is_503_when_the_database_cannot_be_written(db_url: str) -> None:
    app = build_app(config_from_dict({"database": {"url": read_only(db_url)}}))
    answer = healthz(app)
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "down" and "not writable" in body["database"]
    app.engine.dispose()


def test_healthz_reports_the_inbox_and_outbox_backlog(app: App, clock) -> None:
    now = clock.now()
    with transaction(app.sessions) as session:
        session.execute(insert(OutboundMessage), [
            dict(created_at=now - timedelta(minutes=5), channel="wecom", target="u1", kind="text", text="a", status="pending", attempts=0),
            dict(created_at=now, channel="wecom", target="u2", kind="text", text="b", status="pending", attempts=0),
            dict(created_at=now, channel="wecom", target="u3", kind="text", text="c", status="sent", attempts=1),
        ])
        session.execute(insert(WecomInbox), [dict(dedupe_key="msg:1", received_at=now, from_user="u1", msg_type="text",
                                                  xml="<xml/>", status="pending", attempts=0)])
    answer = healthz(app)
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert body["backlog"]["outbox_pending"] == 2 and body["backlog"]["inbox_pending"] == 1
    assert body["backlog"]["outbox_oldest_pending_seconds"] == 300


@pytest.fixture
def cli_env(monkeypatch, tmp_path: Path):
    monkeypatch.chdir(tmp_path)

    def env_for(url: str) -> dict:
        return {"GRIDBOT_DATABASE__URL": url, "GRIDBOT_TEST_DATABASE_URL": None}

    return env_for


def test_backup_while_serving_and_restore_into_an_empty_database(sqlite_url: str, tmp_path: Path, cli_env) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--demo"], env=cli_env(sqlite_url)).exit_code == 0
    # Someone keeps writing while the backup runs.
    stop = threading.Event()

    def keep_writing() -> None:
        app = build_app(config_from_dict({"database": {"url": sqlite_url}}))
        while not stop.is_set():
            with transaction(app.sessions) as session:
                session.add(OutboundMessage(created_at=app.clock.now(), channel="console", target="1", text="写入中",
                                            status="sent", attempts=0))
        app.engine.dispose()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        backup = tmp_path / "backup" / "street-backup.db"
        result = runner.invoke(cli, ["backup", "--out", str(backup)], env=cli_env(sqlite_url))
    finally:
        stop.set()
        writer.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert str(backup) in result.output
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM people").fetchone() == (118,)

    # A second backup never overwrites the first.
    again = runner.invoke(cli, ["backup", "--out", str(backup)], env=cli_env(sqlite_url))
    assert again.exit_code == 1 and "已存在" in again.output

    empty = f"sqlite:///{tmp_path / 'restored.db'}"
    restored = runner.invoke(cli, ["restore", str(backup)], env=cli_env(empty))
    assert restored.exit_code == 0, restored.output
    app = build_app(config_from_dict({"database": {"url": empty}}))
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 118
    app.engine.dispose()
    listed = runner.invoke(cli, ["people", "list", "--format", "tsv"], env=cli_env(empty))
    assert listed.exit_code == 0 and len(listed.output.splitlines()) == 119

    # Restoring over a street that has data is refused: nothing is touched.
    refused = runner.invoke(cli, ["restore", str(backup)], env=cli_env(sqlite_url))
    assert refused.exit_code == 1 and "不是空的" in refused.output


def test_restore_refuses_a_file_that_is_not_a_backup(sqlite_url: str, tmp_path: Path, cli_env) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("不是备份")
    result = CliRunner().invoke(cli, ["restore", str(junk)], env=cli_env(f"sqlite:///{tmp_path / 'new.db'}"))
    assert result.exit_code == 1 and "不是" in result.output
    assert not (tmp_path / "new.db").exists() or (tmp_path / "new.db").stat().st_size == 0


def test_backup_on_postgresql_names_the_exact_pg_dump_command(db_url: str, tmp_path: Path, cli_env) -> None:
    if make_url(db_url).get_backend_name() != "postgresql":
        pytest.skip("not for this database: PostgreSQL's own tool")
    url = make_url(db_url).set(password="s3cret-pass")
    out = tmp_path / "street.dump"
    result = CliRunner().invoke(cli, ["backup", "--out", str(out)], env=cli_env(url.render_as_string(hide_password=False)))
    assert result.exit_code == 2
    assert "pg_dump" in result.output and "--format=custom" in result.output and str(out) in result.output
    assert url.database in result.output and "s3cret-pass" not in result.output
    assert not out.exists()
