"""One bad message never holds up the others (issue 13): outside numbers are checked at the door, a message
that keeps failing is retried a bounded number of times and then set aside with an admin told once, and an
image that cannot be stored is still answered."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event, insert, select

from bot.app import App
from handlers.composition import build_app
from bot.channels.wecom import inbox
from bot.channels.wecom.models import InboxStatus, WecomInbox
from bot.channels.wecom.plugin import WecomPlugin
from bot.channels.wecom.xmlparse import parse_message
from bot.db import transaction
from bot.demo import ADMIN
from bot.models import Person, Role
from bot.server import DeliveryWorker, build_asgi
from tests.conftest import make_config
from tests.fakes.wecom_server import FakeWecom, ServerThread, WecomCallbacks, wait_for
from tests.test_wecom_callback import cadre_userid, cb, fake, inbox_rows, serve, wecom_app  # noqa: F401 - fixtures

POISON_USER = "poison-user"


def make_app(db_url: str, clock, fake: FakeWecom, data_dir: Path, monkeypatch, **wecom) -> App:
    from bot.demo import load_demo

    config = make_config(db_url, wecom=fake.config_section(data_dir=str(data_dir), **wecom))
    application = build_app(config, clock=clock)
    load_demo(application, only=("hours",))
    return application


def userid_of(app: App, name: str) -> str:
    with app.sessions() as session:
        return session.scalar(select(Person.wecom_userid).where(Person.name == name))


def colleagues(app: App, count: int) -> list[str]:
    """WeCom UserIDs of `count` demo people who are not admins."""
    with app.sessions() as session:
        return list(session.scalars(
            select(Person.wecom_userid)
            .where(Person.wecom_userid.is_not(None), Person.role != Role.admin.value, Person.active.is_(True))
            .order_by(Person.id).limit(count)
        ))


@pytest.mark.parametrize(
    "fields",
    [
        {"create_time": "²"},  # passes str.isdigit(), fails int()
        {"create_time": "99999999999999999999"},  # no such date
        {"create_time": "１７９０００００００"},  # full-width digits
        {"msg_id": "12ab"},
        {"msg_id": "9" * 40},
        {"from_user": "x" * 300},  # WeCom UserIDs are at most 64 bytes
    ],
    ids=["superscript", "huge", "fullwidth", "msgid-letters", "msgid-huge", "long-sender"],
)
def test_a_bad_number_or_field_is_refused_at_the_door(wecom_app: App, cb: WecomCallbacks, fields: dict) -> None:
    sender = fields.get("from_user", cadre_userid(wecom_app))
    signed = cb.message(sender, "text", {"Content": "服务 2小时"}, create_time=fields.get("create_time"),
                        msg_id=fields.get("msg_id"))
    with serve(wecom_app, process=False) as server:
        answer = httpx.post(server.url + "/wecom/callback", params=signed.params, content=signed.body)
    assert answer.status_code == 400
    assert inbox_rows(wecom_app) == []


def test_a_poison_message_in_a_batch_does_not_hold_up_the_other_30(
    db_url: str, clock, fake: FakeWecom, cb: WecomCallbacks, tmp_path: Path, monkeypatch
) -> None:
    # One worker, so the poison and the 30 good messages share its batches.
    app = make_app(db_url, clock, fake, tmp_path / "wecom", monkeypatch, workers=1)
    people = colleagues(app, 30)
    admin = userid_of(app, ADMIN[0])
    # A row an earlier version let in: its CreateTime is "²", which only breaks when processed.
    poison = cb.message(people[0], "text", {"Content": "帮助"}, create_time="²", msg_id="4242").plaintext
    good = [cb.text(user, "帮助").plaintext for user in people]
    with transaction(app.sessions) as session:
        session.execute(insert(WecomInbox).values(dedupe_key="msg:4242", received_at=app.clock.now(), from_user=people[0],
                                                  msg_type="text", xml=poison, status="pending", attempts=0))
    inbox.store_many(app.sessions, [(parse_message(xml), xml) for xml in good], app.clock.now())

    with serve(app):
        answered = wait_for(lambda: all(fake.texts_to(user) for user in people), timeout=10)
        told = wait_for(lambda: fake.texts_to(admin), timeout=10)
        told_again = wait_for(lambda: len(fake.texts_to(admin)) > 1, timeout=1)
    assert answered, f"{sum(1 for u in people if fake.texts_to(u))} of 30 answered within 10 s"
    with app.sessions() as session:
        row = session.scalars(select(WecomInbox).where(WecomInbox.dedupe_key == "msg:4242")).one()
    assert row.status == InboxStatus.failed.value and row.error
    assert told and not told_again
    assert people[0] in fake.texts_to(admin)[0]
    app.engine.dispose()


def _mentions(parameters, value: str) -> bool:
    if isinstance(parameters, dict):
        return value in parameters.values()
    if isinstance(parameters, (list, tuple)):
        return any(_mentions(p, value) if isinstance(p, (dict, list, tuple)) else p == value for p in parameters)
    return False


def test_a_message_that_keeps_failing_is_retried_with_backoff_then_set_aside_and_an_admin_told_once(
    db_url: str, clock, fake: FakeWecom, cb: WecomCallbacks, tmp_path: Path, monkeypatch
) -> None:
    app = make_app(db_url, clock, fake, tmp_path / "wecom", monkeypatch)
    admin = userid_of(app, ADMIN[0])
    cadre = cadre_userid(app)

    @event.listens_for(app.engine, "before_cursor_execute")
    def broken(conn, cursor, statement, parameters, context, executemany):
        # Every statement about this sender fails, the error reply included: a message that cannot be processed
        # (storing the callback itself still works).
        if _mentions(parameters, POISON_USER) and "wecom_inbox" not in statement:
            raise RuntimeError("this message breaks the database every time")

    plugin = WecomPlugin(app)
    with ServerThread(build_asgi(app, plugins=[plugin, DeliveryWorker(app, interval=0.2)])) as server:
        url = server.url + "/wecom/callback"
        signed = cb.text(POISON_USER, "帮助")
        assert httpx.post(url, params=signed.params, content=signed.body).status_code == 200

        def attempts() -> int:
            return next((r.attempts for r in inbox_rows(app) if r.from_user == POISON_USER), 0)

        assert wait_for(lambda: attempts() == 1)
        # Others are answered meanwhile.
        other = cb.text(cadre, "帮助")
        assert httpx.post(url, params=other.params, content=other.body).status_code == 200
        assert wait_for(lambda: fake.texts_to(cadre))
        # Not retried before its time.
        plugin.sweep_soon()
        assert not wait_for(lambda: attempts() > 1, timeout=1)
        tries = [1]
        while attempts() < 20 and [r.status for r in inbox_rows(app) if r.from_user == POISON_USER] == ["pending"]:
            clock.advance(hours=1)
            plugin.sweep_soon()
            assert wait_for(lambda: attempts() > tries[-1] or
                            [r.status for r in inbox_rows(app) if r.from_user == POISON_USER] != ["pending"])
            tries.append(attempts())
        assert wait_for(lambda: fake.texts_to(admin))
        assert not wait_for(lambda: len(fake.texts_to(admin)) > 1, timeout=1)
    [row] = [r for r in inbox_rows(app) if r.from_user == POISON_USER]
    assert row.status == InboxStatus.failed.value
    assert 2 <= row.attempts <= 10 and "breaks the database" in row.error
    assert POISON_USER in fake.texts_to(admin)[0]
    app.engine.dispose()


def test_an_image_that_cannot_be_stored_is_still_answered(
    db_url: str, clock, fake: FakeWecom, cb: WecomCallbacks, tmp_path: Path, monkeypatch
) -> None:
    # A file where the media folder should be: mkdir fails whatever the user's rights (tests run as root here).
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    app = make_app(db_url, clock, fake, blocked, monkeypatch)
    cadre = cadre_userid(app)
    fake.add_media("MEDIA_1", b"\xff\xd8\xff\xe0fake-jpeg" * 10, "image/jpeg")
    with serve(app) as server:
        signed = cb.image(cadre, "MEDIA_1")
        assert httpx.post(server.url + "/wecom/callback", params=signed.params, content=signed.body).status_code == 200
        assert wait_for(lambda: fake.texts_to(cadre))
    assert "照片" in fake.texts_to(cadre)[0]
    assert [r.status for r in inbox_rows(app)] == ["done"]
    app.engine.dispose()
