"""The callback endpoint on a real uvicorn server, against the fake WeCom API: stored once, answered once."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from handlers.composition import build_app
from bot.app import App
from bot.channels.wecom.models import InboxStatus, WecomInbox, WecomMedia
from bot.channels.wecom.plugin import WecomPlugin
from bot.demo import DEMO_CADRE
from bot.message import Kind
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
    from bot.demo import load_demo

    config = make_config(db_url, wecom=fake.config_section(data_dir=str(tmp_path / "wecom")))
    application = build_app(config, clock=clock)
    # The demo roster and hours are all these tests need; other capabilities' demo content is theirs to test.
    load_demo(application, only=("hours",))
    yield application
    application.engine.dispose()


@pytest.fixture
def cb(fake: FakeWecom) -> WecomCallbacks:
    return WecomCallbacks.for_fake(fake)


def cadre_userid(app: App) -> str:
    with app.sessions() as session:
        return session.scalar(select(Person.wecom_userid).where(Person.name == DEMO_CADRE))


def serve(app: App, process: bool = True) -> ServerThread:
    """`gridbot serve` with only the WeCom plugin and the delivery worker (no scheduler noise)."""
    return ServerThread(build_asgi(app, plugins=[WecomPlugin(app, process=process), DeliveryWorker(app, interval=0.2)]))


def hour_entries(app: App, person_name: str) -> list:
    from handlers.hours.models import HourEntry

    with app.sessions() as session:
        person_id = session.scalar(select(Person.id).where(Person.name == person_name))
        return list(session.scalars(select(HourEntry).where(HourEntry.person_id == person_id, HourEntry.source != "demo")))


def inbox_rows(app: App) -> list[WecomInbox]:
    with app.sessions() as session:
        return list(session.scalars(select(WecomInbox).order_by(WecomInbox.id)))


def test_full_serve_answers_the_url_check(wecom_app: App, cb: WecomCallbacks) -> None:
    # The real plugin list, as `gridbot serve` loads it.
    with ServerThread(build_asgi(wecom_app)) as server:
        answer = httpx.get(server.url + "/wecom/callback", params=cb.verify_params("6843985472638271047"))
    assert answer.status_code == 200
    assert answer.content == b"6843985472638271047"  # bare: no quotes, BOM or newline


def test_hours_logged_once_and_answered_once_despite_three_deliveries(
    wecom_app: App, fake: FakeWecom, cb: WecomCallbacks
) -> None:
    userid = cadre_userid(wecom_app)
    signed = cb.text(userid, "服务 2小时")
    with serve(wecom_app) as server:
        url = server.url + "/wecom/callback"
        answers = [httpx.post(url, params=signed.params, content=signed.body) for _ in range(3)]
        assert wait_for(lambda: fake.texts_to(userid))
        assert wait_for(lambda: not [r for r in inbox_rows(wecom_app) if r.status == InboxStatus.pending.value])
    assert [(a.status_code, a.content) for a in answers] == [(200, b"")] * 3
    assert len(inbox_rows(wecom_app)) == 1
    entries = hour_entries(wecom_app, DEMO_CADRE)
    assert [float(e.hours) for e in entries] == [2.0]
    texts = fake.texts_to(userid)
    assert len(texts) == 1 and "2" in texts[0]
    with wecom_app.sessions() as session:
        row = session.scalars(select(OutboundMessage).where(OutboundMessage.target == userid)).one()
    assert (row.channel, row.status) == ("wecom", "sent")
    assert row.external_id and row.external_id.startswith("fakemsg")


def test_forged_signature_gets_403_and_nothing_happens(wecom_app: App, fake: FakeWecom, cb: WecomCallbacks,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    userid = cadre_userid(wecom_app)
    signed = cb.text(userid, "服务 2小时")
    forged = dict(signed.params, msg_signature="0" * 40)
    other_key = WecomCallbacks(token="someone-else").text(userid, "服务 3小时")
    with caplog.at_level(logging.WARNING), serve(wecom_app) as server:
        url = server.url + "/wecom/callback"
        first = httpx.post(url, params=forged, content=signed.body)
        second = httpx.post(url, params=other_key.params, content=other_key.body)
        bad_echo = httpx.get(url, params=dict(cb.verify_params("x"), nonce="123"))
        # A real message afterwards proves the server was listening the whole time.
        ok = cb.text(userid, "帮助")
        assert httpx.post(url, params=ok.params, content=ok.body).status_code == 200
        assert wait_for(lambda: fake.texts_to(userid))
    assert (first.status_code, second.status_code, bad_echo.status_code) == (403, 403, 403)
    assert len(inbox_rows(wecom_app)) == 1
    assert hour_entries(wecom_app, DEMO_CADRE) == []
    assert len(fake.texts_to(userid)) == 1
    assert "signature mismatch" in caplog.text and "[wecom] token" in caplog.text


def test_bad_input_gets_400_never_500(wecom_app: App, cb: WecomCallbacks) -> None:
    userid = cadre_userid(wecom_app)
    good = cb.text(userid, "帮助")
    no_fields = cb.wrap("<xml><MsgType>text</MsgType></xml>")
    not_xml = cb.wrap("this is not xml")
    with serve(wecom_app, process=False) as server:
        url = server.url + "/wecom/callback"
        statuses = {
            "malformed envelope": httpx.post(url, params=good.params, content=b"<xml><Encrypt>").status_code,
            "no Encrypt": httpx.post(url, params=good.params, content=b"<xml><ToUserName>x</ToUserName></xml>").status_code,
            "missing fields": httpx.post(url, params=no_fields.params, content=no_fields.body).status_code,
            "inner not xml": httpx.post(url, params=not_xml.params, content=not_xml.body).status_code,
            "too big": httpx.post(url, params=good.params, content=good.body + b" " * 70_000).status_code,
            "no query": httpx.post(url, content=good.body).status_code,
            "empty GET": httpx.get(url).status_code,
        }
    assert statuses == {name: 400 for name in statuses}
    assert inbox_rows(wecom_app) == []


def test_crash_between_ack_and_reply_loses_nothing(wecom_app: App, fake: FakeWecom, cb: WecomCallbacks) -> None:
    userid = cadre_userid(wecom_app)
    signed = cb.text(userid, "服务 2小时")
    # First run: the callback is acknowledged and stored, then the server stops before any processing.
    with serve(wecom_app, process=False) as server:
        answer = httpx.post(server.url + "/wecom/callback", params=signed.params, content=signed.body)
    assert (answer.status_code, answer.content) == (200, b"")
    assert [r.status for r in inbox_rows(wecom_app)] == ["pending"]
    assert hour_entries(wecom_app, DEMO_CADRE) == [] and fake.count("message/send") == 0

    # Restart (a new App on the same database, as a new process would build): the reply goes out.
    restarted = build_app(wecom_app.config, clock=wecom_app.clock)
    with serve(restarted) as server:
        assert wait_for(lambda: fake.texts_to(userid))
        # WeCom retried meanwhile: still acknowledged, not processed again.
        httpx.post(server.url + "/wecom/callback", params=signed.params, content=signed.body)
        assert wait_for(lambda: [r.status for r in inbox_rows(restarted)] == ["done"])
    # And once more: nothing is sent twice.
    again = build_app(wecom_app.config, clock=wecom_app.clock)
    with serve(again):
        assert not wait_for(lambda: len(fake.texts_to(userid)) > 1, timeout=1.0)
    assert len(fake.texts_to(userid)) == 1
    assert len(hour_entries(wecom_app, DEMO_CADRE)) == 1
    for application in (restarted, again):
        application.engine.dispose()


def test_image_is_fetched_and_stored(wecom_app: App, fake: FakeWecom, cb: WecomCallbacks, tmp_path: Path) -> None:
    userid = cadre_userid(wecom_app)
    picture = b"\xff\xd8\xff\xe0fake-jpeg-bytes" * 10
    fake.add_media("MEDIA_1", picture, "image/jpeg")
    seen = []
    wecom_app.after_commit.append(lambda rows: seen.append(rows))
    with serve(wecom_app) as server:
        signed = cb.image(userid, "MEDIA_1")
        assert httpx.post(server.url + "/wecom/callback", params=signed.params, content=signed.body).status_code == 200
        assert wait_for(lambda: [r.status for r in inbox_rows(wecom_app)] == ["done"])
    with wecom_app.sessions() as session:
        media = session.scalars(select(WecomMedia)).one()
    stored = Path(media.path)
    assert stored.read_bytes() == picture and str(stored).startswith(str(tmp_path / "wecom"))
    assert fake.count("media/get", ok_only=True) == 1


def test_enter_agent_gets_a_welcome_and_events_dedupe(wecom_app: App, fake: FakeWecom, cb: WecomCallbacks) -> None:
    userid = cadre_userid(wecom_app)
    moment = int(time.time())  # one second for all: only the event and key tell them apart
    enter = cb.event(userid, "enter_agent", create_time=moment)
    click_a = cb.event(userid, "click", "A", create_time=moment)
    click_b = cb.event(userid, "click", "B", create_time=moment)
    with serve(wecom_app) as server:
        url = server.url + "/wecom/callback"
        for signed in (enter, enter, click_a, click_b, click_b):
            assert httpx.post(url, params=signed.params, content=signed.body).status_code == 200
        assert wait_for(lambda: fake.texts_to(userid))
        assert wait_for(lambda: all(r.status == "done" for r in inbox_rows(wecom_app)))
    # enter_agent twice is one event; two different menu keys at the same second are two.
    assert len(inbox_rows(wecom_app)) == 3
    assert len(fake.texts_to(userid)) == 1
    assert "欢迎" in fake.texts_to(userid)[0]


def test_unknown_sender_is_told_how_to_register(wecom_app: App, fake: FakeWecom, cb: WecomCallbacks) -> None:
    with serve(wecom_app) as server:
        signed = cb.text("stranger01", "服务 2小时")
        httpx.post(server.url + "/wecom/callback", params=signed.params, content=signed.body)
        assert wait_for(lambda: fake.texts_to("stranger01"))
    assert "花名册" in fake.texts_to("stranger01")[0]
    with wecom_app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(WecomInbox)) == 1


def test_card_event_reaches_handlers_normalised(db_url: str, clock, fake: FakeWecom, cb: WecomCallbacks,
                                                tmp_path: Path) -> None:
    from bot.router import Command

    seen = []

    def on_card(ctx, match):
        seen.append((ctx.message.event_key, ctx.message.event_data))
        return "收到"

    config = make_config(db_url, wecom=fake.config_section(data_dir=str(tmp_path / "w")))
    commands = [Command(name="card", handler=on_card, kinds=frozenset({Kind.event}), events=("card",),
                        allow_unregistered=True)]
    app = build_app(config, clock=clock, commands=commands)
    try:
        with serve(app) as server:
            signed = cb.card_event("u1", "quiz-1", "submit:q1", "vote_interaction", "RC1", {"q1": ["A"]})
            httpx.post(server.url + "/wecom/callback", params=signed.params, content=signed.body)
            assert wait_for(lambda: fake.texts_to("u1"))
    finally:
        app.engine.dispose()
    assert seen == [("submit:q1", {"task_id": "quiz-1", "card_type": "vote_interaction", "response_code": "RC1",
                                   "selected": {"q1": ["A"]}})]
