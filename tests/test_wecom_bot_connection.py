"""The AI bot's connection under trouble: drops, wrong credentials, a second connection, silent
pings, refused replies, and a restart between a message and its answer."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from handlers.composition import build_app
from bot.app import App
from bot.channels.wecom_bot import inbox
from bot.channels.wecom_bot.models import WecomBotInbox
from handlers.hours.models import HourEntry
from tests.fakes.aibot_server import SECRET
from tests.wecom_bot_rig import CADRE, bot_config, fake_service, run, running, small_street, until

LOGGER = "bot.channels.wecom_bot"


def hour_count(app) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(HourEntry))


def test_after_a_drop_the_channel_reconnects_and_answers_again(db_url, clock, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)

    async def scenario():
        async with fake_service() as fake, running(db_url, clock, tmp_path, fake) as rig:
            assert rig.channel.connects == 1
            await fake.drop()
            await fake.wait_subscribed(2)
            await until(lambda: rig.channel.connects == 2 and rig.channel.up.is_set(), what="the reconnect")
            assert rig.channel.last_disconnect == "the connection dropped without a closing handshake"
            assert 0 < rig.channel.waits[-1] <= 0.05  # the first retry after a working connection is quick
            sent = await fake.text(CADRE, "服务 1小时 政策宣传")
            [answer] = await fake.wait_answers(1, to=CADRE)
            assert answer.req_id == sent.req_id and answer.text.startswith("✅ 已登记")
            assert [r.conn for r in fake.frames("aibot_subscribe")] == [1, 2]
            assert fake.violations == []
        assert "reconnecting in" in caplog.text

    run(scenario())


def test_wrong_credentials_are_logged_with_the_key_to_fix_and_retried_with_backoff(db_url, clock, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = "not-the-secret-9d2c"

    async def scenario():
        async with fake_service() as fake:
            config = {"wecom_bot": {"secret": wrong}}
            async with running(db_url, clock, tmp_path, fake, config=config, subscribe=False,
                               reconnect_min=0.02, reconnect_max=0.08) as rig:
                await fake.wait_for(lambda: fake.subscribe_attempts >= 5, what="five subscription attempts")
                await until(lambda: len(rig.channel.waits) >= 4, what="four retries")
                assert fake.subscribes == 0 and not rig.channel.up.is_set()
                waits = rig.channel.waits[:4]
                # Doubling from 0.02 s (less up to 20 % jitter), held at the 0.08 s cap.
                assert 0.016 <= waits[0] <= 0.02 and 0.032 <= waits[1] <= 0.04
                assert 0.064 <= waits[2] <= 0.08 and 0.064 <= waits[3] <= 0.08
                assert "errcode 853000" in rig.channel.last_error
        refused = [r for r in caplog.records if r.name.startswith(LOGGER) and "refused the subscription" in r.message]
        assert refused and refused[0].levelno == logging.ERROR
        assert "wecom_bot.bot_id and wecom_bot.secret" in refused[0].getMessage()
        assert "GRIDBOT_WECOM_BOT__SECRET" in refused[0].getMessage()
        assert wrong not in caplog.text and SECRET not in caplog.text  # not even the library's frame log

    run(scenario())


def test_a_rate_limited_subscription_waits_longer(db_url, clock, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)

    async def scenario():
        async with fake_service(close_after_auth_failure=False) as fake:
            fake.refuse_next("aibot_subscribe", 45009, "api freq out of limit")
            async with running(db_url, clock, tmp_path, fake, subscribe=False, reconnect_max=0.5) as rig:
                await fake.wait_subscribed(1)  # the service did not close the socket: the channel did, then retried
                await until(rig.channel.up.is_set, what="the subscription")
                assert rig.channel.waits == [rig.channel.waits[0]] and rig.channel.waits[0] >= 0.5
        assert "too frequent (errcode 45009" in caplog.text

    run(scenario())


async def subscribe_elsewhere(fake):
    """Another program subscribing with the same credentials (a second machine, a tool, the SDK)."""
    from websockets.asyncio.client import connect

    ws = await connect(fake.url)
    await ws.send(json.dumps({"cmd": "aibot_subscribe", "headers": {"req_id": "aibot_subscribe_other"},
                              "body": {"bot_id": fake.bot_id, "secret": fake.secret}}))
    assert json.loads(await ws.recv())["errcode"] == 0
    return ws


def test_a_second_connection_kicks_the_first_which_backs_off_instead_of_fighting(db_url, clock, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)

    async def scenario():
        async with fake_service(close_displaced=False) as fake:
            async with running(db_url, clock, tmp_path, fake) as rig:
                other = await subscribe_elsewhere(fake)
                await until(lambda: not rig.channel.up.is_set() and rig.channel.waits, what="the channel to give way")
                assert rig.channel.last_disconnect.startswith("displaced by a newer connection")
                # Even though the service left its socket open (seen in practice), it is closed and
                # the next try is far off, not a tight loop of displacing each other.
                assert rig.channel.waits == [30.0]
                await fake.wait_for(lambda: fake.connections[0].ws.state.name == "CLOSED", what="the old socket closed")
                assert fake.subscribes == 2 and fake.active is fake.connections[1]
                await other.close()
        warning = next(r for r in caplog.records if "disconnected_event" in r.getMessage())
        assert warning.levelno == logging.WARNING
        assert "a second `gridbot serve`" in warning.getMessage() and "trying again in 30 s" in warning.getMessage()

    run(scenario())


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_several_instances_on_postgresql_hold_one_connection_and_a_standby_takes_over(db_url, clock, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)

    async def scenario():
        async with fake_service() as fake:
            async with running(db_url, clock, tmp_path, fake, standby_interval=0.05) as first:
                async with running(db_url, clock, tmp_path / "b", fake, street=None, subscribe=False,
                                   standby_interval=0.05) as second:
                    await until(lambda: second.channel.standing_by, what="the second instance to stand by")
                    assert fake.subscribes == 1 and first.channel.up.is_set() and second.channel.attempts == 0
                    # The first instance stops (or dies, which releases its lock as well).
                    await first.plugin.stop()
                    await fake.wait_subscribed(2)
                    await until(second.channel.up.is_set, what="the standby to take over")
                    sent = await fake.text(CADRE, "帮助")
                    [answer] = await fake.wait_answers(1, to=CADRE)
                    assert answer.req_id == sent.req_id
                    assert len(fake.frames("aibot_subscribe")) == 2 and fake.violations == []
        assert "another gridbot instance holds the AI bot's connection; standing by" in caplog.text
        assert "taking over the AI bot's connection" in caplog.text

    run(scenario())


def test_two_unanswered_pings_mean_a_dead_connection(db_url, clock, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)

    async def scenario():
        async with fake_service() as fake:
            async with running(db_url, clock, tmp_path, fake, ping_interval=0.1) as rig:
                await fake.wait_for(lambda: len(fake.frames("ping")) >= 2, what="two answered pings")
                assert rig.channel.connects == 1
                fake.ignore_pings(2)
                await fake.wait_subscribed(2)
                await until(lambda: rig.channel.connects == 2, what="the reconnect")
                assert rig.channel.last_disconnect == "two pings in a row went unanswered; the connection is dead"
                # The silent socket was left for dead and closed by the channel (the fake never closed it).
                await fake.wait_for(lambda: fake.connections[0].ws.state.name == "CLOSED", what="the dead socket closed")
                await fake.text(CADRE, "帮助")
                await fake.wait_answers(1, to=CADRE)
        assert "two pings in a row went unanswered" in caplog.text

    run(scenario())


def test_a_refused_reply_is_logged_and_sent_as_a_new_message(db_url, clock, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)

    async def scenario():
        async with fake_service() as fake, running(db_url, clock, tmp_path, fake) as rig:
            fake.refuse_next("aibot_respond_msg", 846608, "stream message update expired")
            sent = await fake.text(CADRE, "服务 2小时 入户走访")
            [answer] = await fake.wait_answers(1, to=CADRE)
            assert answer.via == "send" and answer.text.startswith("✅ 已登记")
            [refused] = fake.frames("aibot_respond_msg")
            assert refused.req_id == sent.req_id
            [pushed] = fake.frames("aibot_send_msg")
            assert pushed.body["chatid"] == CADRE and pushed.body["chat_type"] == 1
            assert pushed.body["msgtype"] == "markdown"
            await until(lambda: [r.status for r in rig.rows()] == ["sent"], what="the row marked sent")
        line = next(r.getMessage() for r in caplog.records if "refused a reply" in r.getMessage())
        assert "errcode 846608: stream message update expired" in line and CADRE in line

    run(scenario())


def test_a_restart_between_a_message_and_its_reply_answers_once(db_url, clock, tmp_path):
    async def scenario():
        async with fake_service() as fake:
            # serve #1 handles the message, then stops before its delivery worker sends the answer.
            async with running(db_url, clock, tmp_path, fake, deliver=False) as first:
                sent = await fake.text(CADRE, "服务 2小时 入户走访")
                await until(lambda: [r.status for r in first.rows()] == ["pending"], what="the stored answer")
                assert hour_count(first.app) == 1
            assert fake.answers == []
            # serve #2: the service repeats the message on a new req_id; the answer goes out once.
            async with running(db_url, clock, tmp_path, fake, street=None) as second:
                await fake.again(sent)
                [answer] = await fake.wait_answers(1, to=CADRE)
                assert answer.text.startswith("✅ 已登记") and "2 小时" in answer.text
                # The first req_id belonged to the closed connection: refused, then sent as a new message.
                assert answer.via == "send"
                await fake.text(CADRE, "我的时长")
                answers = await fake.wait_answers(2, to=CADRE)
                assert len(answers) == 2 and "11月累计 2 小时" in answers[1].text
                assert hour_count(second.app) == 1
                assert fake.violations == []

    run(scenario())


def test_a_message_stored_but_not_handled_before_a_crash_is_handled_at_start(db_url, clock, tmp_path):
    async def scenario():
        async with fake_service() as fake:
            app = build_app(bot_config(db_url, fake), clock=clock)
            small_street(app)
            body = {"msgid": "MSGCRASH1", "aibotid": fake.bot_id, "chattype": "single", "from": {"userid": CADRE},
                    "msgtype": "text", "text": {"content": "服务 3小时 环境整治"}}
            assert inbox.store(app.sessions, "MSGCRASH1", "REQ-of-a-dead-connection", body, clock.now()).new
            app.engine.dispose()
            async with running(db_url, clock, tmp_path, fake, street=None) as rig:
                [answer] = await fake.wait_answers(1, to=CADRE)
                assert answer.via == "send" and "3 小时" in answer.text
                assert hour_count(rig.app) == 1
                with rig.app.sessions() as session:
                    assert session.scalar(select(WecomBotInbox.status)) == "done"

    run(scenario())
