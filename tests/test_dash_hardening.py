"""The dashboard's edges (issue 13): no login token is kept in clear anywhere, junk numbers in an address are a
400 after sign-in and never a 500, and a sign-in posted from another site is refused."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from sqlalchemy import select, update

from bot.app import App
from handlers.composition import build_app
from bot.db import Base
from bot.message import Incoming
from bot.models import Person
from bot.server import build_asgi
from handlers.dashboard.web import DashSite
from tests.conftest import make_config
from tests.fakes.wecom_server import FakeWecom
from tests.harness import TestBot
from tests.test_dash_pages import seed_street
from tests.test_dash_web import BASE, TestClient, client, link_for, login, street  # noqa: F401 - fixtures

HUGE = "9" * 5000


def everything_stored(app: App) -> str:
    """Every row of every table, as text."""
    parts = []
    with app.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            parts.extend(repr(tuple(row)) for row in conn.execute(select(table)))
    return "\n".join(parts)


def test_the_login_link_is_never_stored_in_clear(app, street, client) -> None:
    said = TestBot(app).send("书记", "看板")
    link = re.search(r"http://\S+", said.text).group(0)
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 20
    assert token not in everything_stored(app)
    assert client.post(link.removeprefix(BASE), follow_redirects=False).status_code == 303


def test_over_wecom_the_live_link_is_made_when_the_message_is_sent(db_url, clock, tmp_path: Path) -> None:
    from bot.channels.wecom.plugin import WecomPlugin

    with FakeWecom() as fake:
        app = build_app(make_config(db_url, wecom=fake.config_section(data_dir=str(tmp_path / "w"))), clock=clock)
        people = seed_street(app).people
        with app.sessions() as session, session.begin():
            session.execute(update(Person).where(Person.id == people["书记"]).values(wecom_userid="shuji"))
        plugin = WecomPlugin(app)
        app.handle(Incoming(channel="wecom", sender="shuji", timestamp=clock.now(), text="看板", message_id="8801"))

        async def deliver() -> None:
            await app.outbound.deliver()
            await plugin.client.aclose()

        asyncio.run(deliver())
        [text] = fake.texts_to("shuji")
    path = re.search(r"/dash/login/\S+", text).group(0)
    token = path.rsplit("/", 1)[1]
    assert token not in everything_stored(app)
    client = TestClient(build_asgi(app, [DashSite(app)]))
    assert client.post(path, follow_redirects=False).status_code == 303
    client.close()
    app.engine.dispose()


def test_junk_numbers_in_an_address_are_400_after_sign_in_never_500(app, street, client) -> None:
    paths = [f"/dash/people?unit={HUGE}", "/dash/people?unit=²", f"/dash/reports?unit={HUGE}", "/dash/reports?unit=²",
             f"/dash/export/people.xlsx?unit={HUGE}", f"/dash/export/reports.xlsx?unit={HUGE}"]
    for path in paths:
        # Signed out, nothing is looked at: the answer is the sign-in page.
        assert client.get(path).status_code == 401, path[:40]
    login(app, client, "管理员")
    for path in paths:
        answer = client.get(path)
        assert answer.status_code == 400 and "unit" in answer.text, path[:40]
    for task in ("9223372036854775808", "99999999999", "0"):
        assert client.get(f"/dash/ledger/{task}.json").status_code == 404, task


def test_a_sign_in_posted_from_another_site_is_refused(app, street, client) -> None:
    path = link_for(app, "书记")
    forged = client.post(path, headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert forged.status_code == 403 and "set-cookie" not in forged.headers
    assert "看板" in forged.text
    # The link was not spent: its owner, on the dashboard's own page, still signs in with it.
    own = client.post(path, headers={"Origin": BASE}, follow_redirects=False)
    assert own.status_code == 303
