"""The personal-WeChat channel against a fake puppet service on 127.0.0.1 (real gRPC over HTTP/2)."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import func, select

# Not the client itself: importing it here would create its .wechaty/ folder in the working directory.
pytest.importorskip("wechaty_grpc", reason="needs the gridbot[wechat] extra")

from bot.message import Reply, ToGroup  # noqa: E402
from bot.models import Group, Identity, OutboundMessage  # noqa: E402
from handlers.hours.models import HourEntry  # noqa: E402
from tests.fakes.puppet_server import BOT_ID, POST, SYSTEM, IMAGE  # noqa: E402
from tests.wechaty_rig import TOKEN, running, settled, until  # noqa: E402

ROOM = "20811@chatroom"
ZHANG = "wxid_zhangwei"
MENTION = "\u2005"


def run(scenario):
    asyncio.run(asyncio.wait_for(scenario, 60))


async def logged_in(rig) -> None:
    await until(lambda: rig.channel.up.is_set(), what="the bot to log in")


def hour_rows(rig, person_id: int) -> list[HourEntry]:
    with rig.app.sessions() as session:
        return list(session.scalars(select(HourEntry).where(HourEntry.person_id == person_id)))


def wechat_rows(rig) -> list[tuple]:
    with rig.app.sessions() as session:
        query = select(OutboundMessage.target, OutboundMessage.status, OutboundMessage.person_id)
        return [tuple(r) for r in session.execute(query.where(OutboundMessage.channel == "wechaty").order_by(OutboundMessage.id))]


def test_private_message_is_answered_in_the_private_chat(db_url, clock, tmp_path):
    async def scenario():
        async with running(db_url, clock, tmp_path) as rig:
            await logged_in(rig)
            assert rig.channel.self_id == BOT_ID
            zhang = rig.bind("张伟", ZHANG)
            rig.fake.say(ZHANG, "服务 2小时 入户走访")
            [sent] = await rig.fake.wait_sent(1)
            assert sent.conversation_id == ZHANG
            assert sent.mention_ids == ()
            assert sent.text.startswith("✅ 已登记") and "2 小时" in sent.text
            assert [float(e.hours) for e in hour_rows(rig, zhang.id)] == [2.0]
            await until(lambda: wechat_rows(rig) == [(ZHANG, "sent", zhang.id)], what="the row marked sent")

    run(scenario())


def test_room_command_with_mention_is_stored_once_and_answered_with_mention(db_url, clock, tmp_path):
    async def scenario():
        async with running(db_url, clock, tmp_path) as rig:
            await logged_in(rig)
            zhang = rig.bind("张伟", ZHANG)
            rig.fake.add_room(ROOM, "安居社区工作群", [ZHANG])
            rig.fake.say(ZHANG, "服务 1小时", room_id=ROOM, mention_bot=True)
            [sent] = await rig.fake.wait_sent(1)
            assert sent.conversation_id == ROOM
            assert sent.text.startswith(f"@张伟{MENTION}✅ 已登记")
            assert sent.mention_ids == (ZHANG,)
            await settled(rig, 1)  # nothing more arrives: the message was handled once
            assert len(rig.fake.sent) == 1
            assert [float(e.hours) for e in hour_rows(rig, zhang.id)] == [1.0]

    run(scenario())


def test_room_chatter_and_the_bots_own_messages_are_ignored(db_url, clock, tmp_path):
    async def scenario():
        async with running(db_url, clock, tmp_path) as rig:
            await logged_in(rig)
            zhang = rig.bind("张伟", ZHANG)
            rig.fake.add_room(ROOM, "安居社区工作群", [ZHANG])
            rig.fake.say(ZHANG, "大家下午好，今天降温注意保暖", room_id=ROOM)
            rig.fake.say(BOT_ID, "服务 3小时")  # the bot's own message, echoed by the service
            rig.fake.say(BOT_ID, "服务 3小时", room_id=ROOM)
            # A command word without @ is still for the bot; it is answered, and with an @.
            rig.fake.say(ZHANG, "我的时长", room_id=ROOM)
            [sent] = await rig.fake.wait_sent(1)
            assert sent.conversation_id == ROOM and sent.mention_ids == (ZHANG,)
            assert "11月累计" in sent.text
            await settled(rig, 4)
            assert len(rig.fake.sent) == 1
            assert hour_rows(rig, zhang.id) == []

    run(scenario())


def test_unbound_contact_is_told_how_to_bind(db_url, clock, tmp_path):
    async def scenario():
        async with running(db_url, clock, tmp_path) as rig:
            await logged_in(rig)
            rig.fake.add_contact("wxid_new", "小陈")
            rig.fake.add_room(ROOM, "安居社区工作群", ["wxid_new"])
            rig.fake.say("wxid_new", "服务 1小时")
            [private] = await rig.fake.wait_sent(1)
            assert private.conversation_id == "wxid_new"
            assert "绑定 123456" in private.text and "6位绑定码" in private.text
            rig.fake.say("wxid_new", "在吗", room_id=ROOM, mention_bot=True)
            room = (await rig.fake.wait_sent(2))[1]
            assert room.conversation_id == ROOM and room.mention_ids == ("wxid_new",)
            assert room.text.startswith(f"@小陈{MENTION}") and "绑定 123456" in room.text
            with rig.app.sessions() as session:
                assert session.scalar(select(func.count()).select_from(HourEntry)) == 0
            # Answered through the outbound log like any reply.
            await until(lambda: [r[1] for r in wechat_rows(rig)] == ["sent", "sent"], what="rows marked sent")

    run(scenario())


def test_binding_with_a_code_then_using_the_bot(db_url, clock, tmp_path):
    async def scenario():
        async with running(db_url, clock, tmp_path) as rig:
            await logged_in(rig)
            rig.fake.add_contact(ZHANG, "伟哥")
            code = rig.code_for("张伟")
            wrong = "000000" if code != "000000" else "111111"
            rig.fake.say(ZHANG, f"绑定 {wrong}")
            rig.fake.say(ZHANG, "绑定 12345")
            first, second = await rig.fake.wait_sent(2)
            texts = {first.text, second.text}
            assert any("不对或已失效" in t for t in texts)
            assert any("6位数字" in t for t in texts)
            with rig.app.sessions() as session:
                assert session.scalar(select(func.count()).select_from(Identity)) == 0
            rig.fake.say(ZHANG, f"绑定 {code}")
            done = (await rig.fake.wait_sent(3))[2]
            assert "绑定成功" in done.text and "张伟" in done.text
            rig.fake.say(ZHANG, "服务 1小时")
            logged = (await rig.fake.wait_sent(4))[3]
            assert logged.text.startswith("✅ 已登记")
            zhang = rig.person("张伟")
            assert len(hour_rows(rig, zhang.id)) == 1
            # The code was used up: another contact cannot take it.
            rig.fake.add_contact("wxid_other", "别人")
            rig.fake.say("wxid_other", f"绑定 {code}")
            reused = (await rig.fake.wait_sent(5))[4]
            assert "不对或已失效" in reused.text
            with rig.app.sessions() as session:
                identities = session.execute(select(Identity.person_id, Identity.external_id)).all()
            assert identities == [(zhang.id, ZHANG)]

    run(scenario())


def test_admin_binds_a_room_and_a_push_reaches_it(db_url, clock, tmp_path):
    async def scenario():
        async with running(db_url, clock, tmp_path) as rig:
            await logged_in(rig)
            rig.bind("林晓雯", "wxid_lin")
            rig.bind("张伟", ZHANG)
            rig.fake.add_room(ROOM, "安居社区工作群", ["wxid_lin", ZHANG])
            rig.fake.say(ZHANG, "绑定群 安居社区工作群", room_id=ROOM)
            refused = (await rig.fake.wait_sent(1))[0]
            assert "管理员" in refused.text
            rig.fake.say("wxid_lin", "绑定群 安居社区工作群", room_id=ROOM)
            bound = (await rig.fake.wait_sent(2))[1]
            assert "已把本群绑定" in bound.text and bound.mention_ids == ("wxid_lin",)
            with rig.app.sessions() as session:
                group = session.scalars(select(Group).where(Group.name == "安居社区工作群")).one()
            assert (group.channel, group.address) == ("wechaty", ROOM)

            notice = Reply("明早8点网格例会，请准时参加。", to=ToGroup(group.id), dedupe_key=f"notice:2026-11-27:{group.id}")
            rig.app.push([notice])
            pushed = (await rig.fake.wait_sent(3))[2]
            assert (pushed.conversation_id, pushed.text, pushed.mention_ids) == (ROOM, notice.text, ())
            assert rig.app.push([notice]) == []  # the same occurrence again writes and sends nothing
            await settled(rig, rig.channel.messages_done)
            assert len(rig.fake.sent) == 3
            def pushed_row():
                with rig.app.sessions() as session:
                    row = session.scalars(select(OutboundMessage).where(OutboundMessage.dedupe_key == notice.dedupe_key)).one()
                return (row.channel, row.target, row.status)

            await until(lambda: pushed_row() == ("wechaty", ROOM, "sent"), what="the push marked sent")

    run(scenario())


def test_a_dropped_stream_is_reopened(db_url, clock, tmp_path):
    async def scenario():
        async with running(db_url, clock, tmp_path) as rig:
            await logged_in(rig)
            rig.bind("张伟", ZHANG)
            assert rig.channel.connects == 1
            rig.fake.drop_streams()
            await until(lambda: rig.channel.connects == 2 and rig.channel.up.is_set(), what="a reconnect")
            assert rig.channel.last_disconnect == "the event stream ended"
            rig.fake.say(ZHANG, "服务 1小时")
            [sent] = await rig.fake.wait_sent(1)
            assert sent.text.startswith("✅ 已登记")

    run(scenario())


def test_the_channel_reconnects_after_the_service_restarts(db_url, clock, tmp_path, caplog):
    caplog.set_level(logging.INFO)

    async def scenario():
        async with running(db_url, clock, tmp_path) as rig:
            await logged_in(rig)
            zhang = rig.bind("张伟", ZHANG)
            rig.fake.add_room(ROOM, "安居社区工作群", [ZHANG])
            await rig.fake.stop()
            await until(lambda: not rig.channel.up.is_set(), what="the channel to notice")
            # While the service is down the channel keeps trying, and says why.
            await until(lambda: "cannot reach" in (rig.channel.last_error or ""), what="a failed retry")
            await rig.fake.start()
            await until(lambda: rig.channel.connects == 2 and rig.channel.up.is_set(), what="a reconnect")
            rig.fake.say(ZHANG, "服务 1小时", room_id=ROOM, mention_bot=True)
            [sent] = await rig.fake.wait_sent(1)
            assert sent.text.startswith(f"@张伟{MENTION}✅ 已登记") and sent.mention_ids == (ZHANG,)
            assert len(hour_rows(rig, zhang.id)) == 1

    run(scenario())
    assert "reconnecting in" in caplog.text
    assert TOKEN not in caplog.text


def test_a_wrong_token_is_reported_and_retried_without_leaking_it(db_url, clock, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = "insecure_11111111-2222-4333-8444-555555555555"

    async def scenario():
        async with running(db_url, clock, tmp_path, token=wrong) as rig:
            # The fake counts a refusal as it answers; the channel records it a moment later.
            await until(
                lambda: rig.fake.rejected >= 2 and "rejected the token" in (rig.channel.last_error or ""),
                what="two refused attempts, the channel saying why",
            )
            assert not rig.channel.up.is_set()
            assert rig.fake.calls["Start"] == 0 and rig.fake.calls["Event"] == 0

    run(scenario())
    assert "rejected the token" in caplog.text
    assert wrong not in caplog.text and TOKEN not in caplog.text


def test_posts_system_messages_and_images_do_not_break_the_stream(db_url, clock, tmp_path):
    async def scenario():
        async with running(db_url, clock, tmp_path) as rig:
            await logged_in(rig)
            rig.bind("张伟", ZHANG)
            rig.fake.add_room(ROOM, "安居社区工作群", [ZHANG])
            rig.fake.say(ZHANG, "<sysmsg/>", room_id=ROOM, kind=SYSTEM)
            rig.fake.say(ZHANG, "动态", kind=POST)
            rig.fake.say(ZHANG, "", room_id=ROOM, kind=IMAGE, mention_bot=True)
            rig.fake.say(ZHANG, "", kind=IMAGE)
            [hint] = await rig.fake.wait_sent(1)
            assert hint.conversation_id == ZHANG and "文字" in hint.text
            rig.fake.say(ZHANG, "服务 1小时")
            answer = (await rig.fake.wait_sent(2))[1]
            assert answer.text.startswith("✅ 已登记")
            assert rig.channel.connects == 1  # the same stream carried on

    run(scenario())


def test_a_silent_service_is_noticed_by_ding(db_url, clock, tmp_path):
    async def scenario():
        async with running(db_url, clock, tmp_path, ding_interval=0.1, rpc_timeout=0.5) as rig:
            await logged_in(rig)
            await until(lambda: rig.fake.calls["Ding"] >= 2, what="two pings")
            assert rig.channel.connects == 1  # answered pings keep the connection

            async def never(stream):
                await asyncio.sleep(3600)

            rig.fake.hang("Ding", never)
            await until(lambda: rig.channel.connects >= 2, timeout=20, what="a reconnect after a silent Ding")
            assert "Ding" in (rig.channel.last_disconnect or "")

    run(scenario())
