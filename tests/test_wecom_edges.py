"""The callback endpoint's edges (issue 13): the URL check decrypts nothing but a URL-check string, a replay
older than the redelivery memory is refused, HEAD is not POST, a client that hangs up is not a server
fault, and a locked SQLite file gets WeCom an answer before its 5 seconds are up."""

from __future__ import annotations

import logging
import socket
import sqlite3
import time
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy.engine import make_url

from bot.app import App
from bot.demo import DEMO_CADRE
from tests.fakes.wecom_server import FakeWecom, WecomCallbacks, wait_for
from tests.test_wecom_callback import cadre_userid, cb, fake, hour_entries, inbox_rows, serve, wecom_app  # noqa: F401

DAY = 86400


def test_the_url_check_does_not_decrypt_a_captured_callback(wecom_app: App, cb: WecomCallbacks) -> None:
    captured = cb.text(cadre_userid(wecom_app), "服务 2小时")
    encrypt = captured.body.decode().split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    with serve(wecom_app, process=False) as server:
        answer = httpx.get(server.url + "/wecom/callback", params=dict(captured.params, echostr=encrypt))
        genuine = httpx.get(server.url + "/wecom/callback", params=cb.verify_params("6843985472638271047"))
    assert answer.status_code == 403
    assert b"xml" not in answer.content and "服务" not in answer.text
    assert (genuine.status_code, genuine.content) == (200, b"6843985472638271047")


def test_a_replay_older_than_the_redelivery_memory_is_refused(wecom_app: App, fake: FakeWecom, cb: WecomCallbacks) -> None:
    userid = cadre_userid(wecom_app)
    # Captured more than three days ago: the inbox has forgotten it by now.
    old = cb.text(userid, "服务 2小时", create_time=int(time.time()) - 3 * DAY - 3600)
    with serve(wecom_app) as server:
        answer = httpx.post(server.url + "/wecom/callback", params=old.params, content=old.body)
        fresh = cb.text(userid, "帮助")
        assert httpx.post(server.url + "/wecom/callback", params=fresh.params, content=fresh.body).status_code == 200
        assert wait_for(lambda: fake.texts_to(userid))
    assert answer.status_code == 403
    assert hour_entries(wecom_app, DEMO_CADRE) == []
    assert len(inbox_rows(wecom_app)) == 1 and len(fake.texts_to(userid)) == 1


def test_head_is_not_taken_for_a_post(wecom_app: App, fake: FakeWecom, cb: WecomCallbacks) -> None:
    signed = cb.text(cadre_userid(wecom_app), "服务 2小时")
    with serve(wecom_app) as server:
        answer = httpx.request("HEAD", server.url + "/wecom/callback", params=signed.params, content=signed.body)
    assert answer.status_code == 405
    assert inbox_rows(wecom_app) == [] and fake.count("message/send") == 0


def test_a_client_that_hangs_up_mid_body_is_an_info_line_not_a_fault(
    wecom_app: App, cb: WecomCallbacks, caplog: pytest.LogCaptureFixture
) -> None:
    signed = cb.text(cadre_userid(wecom_app), "帮助")
    with caplog.at_level(logging.INFO), serve(wecom_app, process=False) as server:
        head = (f"POST /wecom/callback?{urlencode(signed.params)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: text/xml\r\nContent-Length: {len(signed.body)}\r\n\r\n")
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            sock.sendall(head.encode() + signed.body[:20])
        noted = wait_for(lambda: any("disconnect" in r.getMessage() for r in caplog.records), timeout=5)
    faults = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("bot.")]
    assert noted and faults == []
    [line] = [r for r in caplog.records if "disconnect" in r.getMessage()]
    assert line.levelno == logging.INFO
    assert inbox_rows(wecom_app) == []


def test_a_locked_sqlite_file_gets_wecom_a_503_within_its_5_seconds(wecom_app: App, cb: WecomCallbacks) -> None:
    url = make_url(wecom_app.config.database.url)
    if url.get_backend_name() != "sqlite":
        pytest.skip("not for this database: SQLite's file lock")
    signed = cb.text(cadre_userid(wecom_app), "服务 2小时")
    with serve(wecom_app, process=False) as server:
        blocker = sqlite3.connect(url.database, timeout=1)
        blocker.execute("BEGIN EXCLUSIVE")  # a backup tool, a long migration, another process
        try:
            started = time.monotonic()
            answer = httpx.post(server.url + "/wecom/callback", params=signed.params, content=signed.body, timeout=30)
            elapsed = time.monotonic() - started
        finally:
            blocker.rollback()
            blocker.close()
    assert answer.status_code == 503
    assert elapsed < 4.5, f"answered after {elapsed:.1f} s"
