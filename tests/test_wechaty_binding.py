"""Binding WeChat contacts and rooms: the CLI an operator uses, and the codes' rules, on a real database."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

pytest.importorskip("wechaty_grpc", reason="needs the gridbot[wechat] extra")

from handlers.composition import build_app
from bot.app import App  # noqa: E402
from handlers.composition import cli  # noqa: E402
from bot.message import Incoming  # noqa: E402
from bot.models import AuditEntry, Group, Identity, Person  # noqa: E402
from handlers.wechat.models import BindCode  # noqa: E402
from tests.conftest import make_config  # noqa: E402
from tests.fakes.puppet_server import PuppetInThread  # noqa: E402
from tests.wechaty_rig import TOKEN, small_street  # noqa: E402

CODE_LINE = re.compile(r"绑定码：(\d{6})")


@pytest.fixture
def street(db_url, clock):
    app = build_app(make_config(db_url), clock=clock)
    small_street(app)
    yield app
    app.engine.dispose()


def gridbot(db_url: str, *args: str, **settings: str):
    env = {"GRIDBOT_DATABASE__URL": db_url, **{f"GRIDBOT_WECHATY__{k.upper()}": v for k, v in settings.items()}}
    env["GRIDBOT_TEST_DATABASE_URL"] = None  # the test suite's own variable is no config key
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def say(app: App, sender: str, text: str, room: str | None = None) -> str:
    message = Incoming(channel="wechaty", sender=sender, timestamp=app.clock.now(), text=text, chat_id=room)
    return "\n".join(row.text for row in app.handle(message))


def person(app: App, name: str) -> Person:
    with app.sessions() as session:
        return session.scalars(select(Person).where(Person.name == name)).one()


def identities(app: App) -> list[tuple[int, str]]:
    with app.sessions() as session:
        return [tuple(r) for r in session.execute(select(Identity.person_id, Identity.external_id).where(Identity.channel == "wechaty"))]


def test_bind_code_from_the_cli_binds_the_sender(street, db_url):
    result = gridbot(db_url, "people", "bind-code", "张伟")
    assert result.exit_code == 0, result.output
    code = CODE_LINE.search(result.output).group(1)
    assert f"绑定 {code}" in result.output and "24小时" in result.output
    assert "绑定成功" in say(street, "wxid_zw", f"绑定 {code}")
    assert identities(street) == [(person(street, "张伟").id, "wxid_zw")]
    # Now the contact is 张伟: the bot knows him.
    assert "张伟" in say(street, "wxid_zw", "绑定 123456")


def test_a_new_code_replaces_the_old_one(street, db_url):
    first = CODE_LINE.search(gridbot(db_url, "people", "bind-code", "张伟").output).group(1)
    second = CODE_LINE.search(gridbot(db_url, "people", "bind-code", "张伟").output).group(1)
    with street.sessions() as session:
        assert list(session.scalars(select(BindCode.code))) == [second]
    if first != second:
        assert "不对或已失效" in say(street, "wxid_zw", f"绑定 {first}")
    assert "绑定成功" in say(street, "wxid_zw", f"绑定 {second}")


def test_bind_code_for_someone_not_on_the_roster_fails(street, db_url):
    result = gridbot(db_url, "people", "bind-code", "赵无名")
    assert result.exit_code != 0
    assert "找不到" in result.output


def test_a_code_expires_after_24_hours(street, db_url, clock):
    code = CODE_LINE.search(gridbot(db_url, "people", "bind-code", "李娜").output).group(1)
    # The CLI stamps the code with the system clock; the bot's clock is the test's.
    with street.sessions() as session, session.begin():
        row = session.scalars(select(BindCode)).one()
        row.created_at = clock.now()
        row.expires_at = clock.now() + timedelta(hours=24)
    clock.advance(hours=24, minutes=1)
    assert "不对或已失效" in say(street, "wxid_ln", f"绑定 {code}")
    assert identities(street) == []


def test_guessing_is_stopped_after_five_wrong_codes(street, db_url):
    code = CODE_LINE.search(gridbot(db_url, "people", "bind-code", "李娜").output).group(1)
    wrong = [f"{(int(code) + n) % 10**6:06d}" for n in range(1, 6)]
    for guess in wrong:
        assert "不对或已失效" in say(street, "wxid_guess", f"绑定 {guess}")
    assert "太多次" in say(street, "wxid_guess", f"绑定 {code}")
    assert identities(street) == []
    # Someone else, with the right code, is not affected.
    assert "绑定成功" in say(street, "wxid_ln", f"绑定 {code}")


def test_bad_input_is_explained_and_nothing_is_stored(street):
    assert "6位数字" in say(street, "wxid_x", "绑定 12345a")
    assert "6位数字" in say(street, "wxid_x", "绑定")
    with street.sessions() as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "identity_bound")).all() == []
    assert identities(street) == []


def test_bind_room_by_topic_through_the_puppet(street, db_url):
    with PuppetInThread(TOKEN) as fake:
        fake.add_room("5566@chatroom", "安居社区网格群", [])
        fake.add_room("7788@chatroom", "安居社区工作群（微信）", [])
        result = gridbot(db_url, "groups", "bind-room", "安居社区工作群", "--topic", "安居社区工作群（微信）",
                         endpoint=fake.endpoint, token=TOKEN)
        assert result.exit_code == 0, result.output
        assert "7788@chatroom" in result.output
        assert fake.calls["Start"] == 0 and fake.calls["Stop"] == 0  # the running bot's account is left alone
    with street.sessions() as session:
        group = session.scalars(select(Group).where(Group.name == "安居社区工作群")).one()
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "group_bound")).one()
    assert (group.channel, group.address) == ("wechaty", "7788@chatroom")
    assert audit.entity_id == str(group.id) and audit.detail["before"]["channel"] == "console"


def test_bind_room_with_an_unknown_topic_suggests_close_ones(street, db_url):
    with PuppetInThread(TOKEN) as fake:
        fake.add_room("5566@chatroom", "安居社区网格群", [])
        result = gridbot(db_url, "groups", "bind-room", "安居社区工作群", "--topic", "安居社区网格",
                         endpoint=fake.endpoint, token=TOKEN)
    assert result.exit_code != 0
    assert "安居社区网格群" in result.output
    with street.sessions() as session:
        group = session.scalars(select(Group).where(Group.name == "安居社区工作群")).one()
    assert group.channel == "console"


def test_bind_room_with_a_wrong_token_says_so_without_showing_it(street, db_url):
    wrong = "insecure_99999999-8888-4777-8666-555555555555"
    with PuppetInThread(TOKEN) as fake:
        result = gridbot(db_url, "groups", "bind-room", "安居社区工作群", "--topic", "x", endpoint=fake.endpoint, token=wrong)
        assert fake.rejected == 1
    assert result.exit_code != 0
    assert "token" in result.output and wrong not in result.output
