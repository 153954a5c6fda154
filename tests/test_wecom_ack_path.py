"""The callback's bare ASGI path: what a body streamed without Content-Length or an odd method gets."""

from __future__ import annotations

import httpx

from bot.app import App
from tests.fakes.wecom_server import WecomCallbacks
from tests.test_wecom_callback import cadre_userid, cb, fake, inbox_rows, serve, wecom_app  # noqa: F401 - fixtures


def chunks(body: bytes, size: int = 1000):
    for start in range(0, len(body), size):
        yield body[start:start + size]


def test_a_streamed_callback_is_stored_and_an_endless_one_refused(wecom_app: App, cb: WecomCallbacks) -> None:
    userid = cadre_userid(wecom_app)
    good = cb.text(userid, "帮助")
    huge = cb.text(userid, "服务 1小时")
    with serve(wecom_app, process=False) as server:
        url = server.url + "/wecom/callback"
        # A generator body goes out chunked, with no Content-Length for the server to check first.
        streamed = httpx.post(url, params=good.params, content=chunks(good.body, 50))
        endless = httpx.post(url, params=huge.params, content=chunks(huge.body + b" " * 70_000))
        put = httpx.put(url, params=good.params, content=good.body)
    assert (streamed.status_code, streamed.content) == (200, b"")
    assert endless.status_code == 400
    assert put.status_code == 405
    rows = inbox_rows(wecom_app)
    assert [row.from_user for row in rows] == [userid]
    assert "帮助" in rows[0].xml
