"""Concurrent redeliveries and the group commit: a callback is stored once and answered once."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from handlers.composition import build_app
from bot.app import App
from bot.channels.wecom import inbox
from bot.channels.wecom.models import InboxStatus, WecomInbox
from bot.channels.wecom.plugin import WecomPlugin
from bot.channels.wecom.xmlparse import parse_message
from bot.demo import DEMO_CADRE
from bot.models import OutboundMessage, Person
from bot.server import DeliveryWorker, build_asgi
from tests.conftest import make_config
from tests.fakes.wecom_server import FakeWecom, ServerThread, WecomCallbacks, wait_for


@pytest.fixture
def fake() -> Iterator[FakeWecom]:
    with FakeWecom() as server:
        yield server


@pytest.fixture
def wecom_app(db_url: str, clock, fake: FakeWecom, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    import bot.demo

    section = fake.config_section(data_dir=str(tmp_path / "wecom"), workers=2)
    application = build_app(make_config(db_url, wecom=section), clock=clock)
    bot.demo.load_demo(application, only=("hours",))
    yield application
    application.engine.dispose()


def cadre_userid(app: App) -> str:
    with app.sessions() as session:
        return session.scalar(select(Person.wecom_userid).where(Person.name == DEMO_CADRE))


def test_overlapping_redeliveries_store_once_and_answer_once(wecom_app: App, fake: FakeWecom) -> None:
    from handlers.hours.models import HourEntry

    cb = WecomCallbacks.for_fake(fake)
    userid = cadre_userid(wecom_app)
    signed = cb.text(userid, "服务 2小时")
    plugin = WecomPlugin(wecom_app)
    with ServerThread(build_asgi(wecom_app, plugins=[plugin, DeliveryWorker(wecom_app, interval=0.2)])) as server:
        url = server.url + "/wecom/callback"
        # WeCom's retries can overlap the first delivery: some of these land in the same group commit.
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: httpx.post(url, params=signed.params, content=signed.body), range(4)))
        assert wait_for(lambda: fake.texts_to(userid), timeout=30)
        assert wait_for(lambda: plugin.processed == 1, timeout=10)
    assert [a.status_code for a in answers] == [200] * 4
    with wecom_app.sessions() as session:
        rows = list(session.scalars(select(WecomInbox)))
        person_id = session.scalar(select(Person.id).where(Person.name == DEMO_CADRE))
        hours = [float(e.hours) for e in session.scalars(
            select(HourEntry).where(HourEntry.person_id == person_id, HourEntry.source != "demo"))]
        sent = list(session.scalars(select(OutboundMessage).where(OutboundMessage.target == userid)))
    assert [r.status for r in rows] == [InboxStatus.done.value]
    assert hours == [2.0]
    assert [(r.channel, r.status) for r in sent] == [("wecom", "sent")]
    texts = fake.texts_to(userid)
    assert len(texts) == 1 and "2" in texts[0]


def test_a_callback_twice_in_one_group_commit_is_stored_once(wecom_app: App, fake: FakeWecom) -> None:
    cb = WecomCallbacks.for_fake(fake)
    first = parse_message(cb.text("u1", "帮助", msg_id="42").plaintext)
    other = parse_message(cb.text("u2", "帮助", msg_id="43").plaintext)
    now = wecom_app.clock.now()
    ids = inbox.store_many(wecom_app.sessions, [(first, "<a/>"), (other, "<b/>"), (first, "<a/>")], now)
    assert ids[0] is not None and ids[1] is not None and ids[2] is None
    assert inbox.store_many(wecom_app.sessions, [(first, "<a/>")], now) == [None]
    assert inbox.load_pending(wecom_app.sessions, [ids[0], ids[1]]) == {ids[0]: "<a/>", ids[1]: "<b/>"}


def test_a_message_two_instances_both_picked_up_is_handled_once(wecom_app: App, fake: FakeWecom) -> None:
    """Two instances' sweeps can offer the same pending row: the second handling rolls back silently."""
    from bot.channels.wecom.handling import InboxMarker, handle_all
    from bot.channels.wecom.inbound import to_incoming
    from handlers.hours.models import HourEntry

    cb = WecomCallbacks.for_fake(fake)
    userid = cadre_userid(wecom_app)
    signed = cb.text(userid, "服务 2小时")
    plaintext = WecomPlugin(wecom_app).crypto.decrypt(_encrypt_field(signed))
    message = parse_message(plaintext)
    [inbox_id] = inbox.store_many(wecom_app.sessions, [(message, plaintext)], wecom_app.clock.now())
    incoming = to_incoming(message, wecom_app.config.wecom.menu, None)
    marker = InboxMarker(wecom_app.clock)
    assert handle_all(wecom_app, marker, [(inbox_id, incoming)]) == 1
    handle_all(wecom_app, marker, [(inbox_id, incoming)])
    with wecom_app.sessions() as session:
        cadre = session.scalar(select(Person.id).where(Person.wecom_userid == userid))
        assert len(session.scalars(select(HourEntry).where(HourEntry.person_id == cadre)).all()) == 1
        replies = session.scalars(select(OutboundMessage).where(OutboundMessage.target == userid)).all()
        assert len(replies) == 1 and "已登记" in replies[0].text
        assert session.get(WecomInbox, inbox_id).status == InboxStatus.done.value


def _encrypt_field(signed) -> str:
    from bot.channels.wecom.xmlparse import parse_envelope

    return parse_envelope(signed.body).encrypt
