"""Binding a WeCom group to a gridbot group through the AI bot, and pushes into it: exactly once,
from `gridbot jobs run` in another process while serve keeps the one connection, paced per chat."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import time_machine
from click.testing import CliRunner
from sqlalchemy import select

from handlers.composition import cli
from bot.db import transaction
from bot.message import Reply, ToGroup, ToPerson
from bot.models import Group, OutboundMessage
from tests.conftest import SHANGHAI
from tests.fakes.aibot_server import FakeAibot
from tests.wecom_bot_rig import ADMIN, CADRE, GROUP_CHAT, fake_service, run, running, small_street, until

JOBS = """
[[schedule.jobs]]
name = "morning_lesson"
kind = "morning_lesson"
workdays_at = "07:50"
targets = ["安居社区工作群"]
"""


def street_with_lessons(app) -> None:
    from handlers.lessons.demo import load_demo_lessons

    small_street(app)
    with transaction(app.sessions) as session:
        load_demo_lessons(session, app, app.clock.now().date())


def group(app, name: str = "安居社区工作群") -> Group:
    with app.sessions() as session:
        return session.scalars(select(Group).where(Group.name == name)).one()


def gridbot(tmp_path: Path, db_url: str, fake: FakeAibot, *args: str):
    """The real CLI in this process (another App, no connection), configured like a street would be."""
    config = tmp_path / "gridbot.toml"
    config.write_text(
        f'[wecom_bot]\nenabled = true\nbot_id = "{fake.bot_id}"\nws_url = "{fake.url}"\n' + JOBS, encoding="utf-8"
    )
    env = {"GRIDBOT_DATABASE__URL": db_url, "GRIDBOT_WECOM_BOT__SECRET": fake.secret}
    return CliRunner().invoke(cli, ["--config", str(config), *args], env=env, catch_exceptions=False)


def test_an_admin_binds_a_group_and_the_morning_lesson_goes_there_once(db_url, clock, tmp_path):
    async def scenario():
        async with fake_service() as fake, running(db_url, clock, tmp_path, fake, street=street_with_lessons) as rig:
            await fake.text(CADRE, "@机器人 绑定群 安居社区工作群", chat=GROUP_CHAT)
            [refused] = await fake.wait_answers(1, to=GROUP_CHAT)
            assert "管理员" in refused.text
            await fake.text(ADMIN, "@机器人 绑定群 安居社区工作群", chat=GROUP_CHAT)
            bound = (await fake.wait_answers(2, to=GROUP_CHAT))[1]
            assert "已把本群绑定为「安居社区工作群」" in bound.text and bound.via == "reply"
            anju = group(rig.app)
            assert (anju.channel, anju.address) == ("wecom_bot", GROUP_CHAT)

            # Thursday 26 November 2026, a working day, after the 07:50 lesson time.
            with time_machine.travel(datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI), tick=False):
                first = await asyncio.to_thread(gridbot, tmp_path, db_url, fake, "jobs", "run", "morning_lesson")
                assert first.exit_code == 0, first.output
                assert "新发送1条" in first.output
                lesson = (await fake.wait_answers(3, to=GROUP_CHAT))[2]
                again = await asyncio.to_thread(gridbot, tmp_path, db_url, fake, "jobs", "run", "morning_lesson")
                assert again.exit_code == 0 and "新发送0条" in again.output
            assert lesson.via == "send" and lesson.text.startswith("【作风微课堂】第1课")
            [push] = [f for f in fake.frames("aibot_send_msg") if f.body["chatid"] == GROUP_CHAT]
            assert (push.body["chat_type"], push.body["msgtype"]) == (2, "markdown")
            with rig.app.sessions() as session:
                rows = session.scalars(select(OutboundMessage).where(OutboundMessage.dedupe_key.like("morning_lesson:%"))).all()
            assert [(r.channel, r.target, r.status) for r in rows] == [("wecom_bot", GROUP_CHAT, "sent")]
            # serve kept the bot's one connection: the CLI never opened one of its own.
            assert fake.subscribes == 1 and len(fake.connections) == 1 and rig.channel.connects == 1
            assert fake.violations == []

    run(scenario())


def test_pushes_to_a_chat_are_paced_30_a_minute_and_1000_an_hour_and_none_is_dropped(db_url, clock, tmp_path):
    async def scenario():
        async with fake_service() as fake, running(db_url, clock, tmp_path, fake, deliver=False) as rig:
            anju = group(rig.app)
            with transaction(rig.app.sessions) as session:
                bound = session.get(Group, anju.id)
                bound.channel, bound.address = "wecom_bot", GROUP_CHAT
            notices = [Reply(f"通知{i:04d}", to=ToGroup(anju.id), dedupe_key=f"notice:{i}") for i in range(1040)]
            assert len(rig.app.push(notices)) == 1040

            sent = await rig.app.outbound.deliver()
            assert sent == 30 and len(fake.answers_to(GROUP_CHAT)) == 30
            assert await rig.app.outbound.deliver() == 0  # still the same minute: all wait
            for _ in range(40):  # 40 more minutes, 30 a minute, until the hour's 1000 are out
                clock.advance(seconds=61)
                await rig.app.outbound.deliver()
            assert len(fake.answers_to(GROUP_CHAT)) == 1000
            clock.advance(minutes=20)  # the first sends are now more than an hour old
            while await rig.app.outbound.deliver():
                clock.advance(seconds=61)
            texts = [a.text for a in fake.answers_to(GROUP_CHAT)]
            assert texts == [f"通知{i:04d}" for i in range(1040)]  # all of them, in order, once
            assert {r.status for r in rig.rows()} == {"sent"}

    run(scenario())


def test_a_push_to_a_person_goes_to_their_single_chat(db_url, clock, tmp_path):
    async def scenario():
        async with fake_service() as fake, running(db_url, clock, tmp_path, fake) as rig:
            zhang = rig.person("张伟")
            rig.app.push([Reply("本周还有2课未学，记得回复「已学」。", to=ToPerson(zhang.id), dedupe_key="reminder:1")])
            [answer] = await fake.wait_answers(1, to=CADRE)
            assert answer.via == "send" and "已学" in answer.text
            [frame] = fake.frames("aibot_send_msg")
            assert frame.body["chat_type"] == 1

    run(scenario())


def test_rows_wait_while_the_channel_is_not_connected_and_go_when_it_is_back(db_url, clock, tmp_path):
    async def scenario():
        async with fake_service() as fake, running(db_url, clock, tmp_path, fake) as rig:
            zhang = rig.person("张伟")
            fake.refuse_next("aibot_subscribe", 45009, "api freq out of limit", times=10_000)
            await fake.drop()
            await until(lambda: not rig.channel.up.is_set(), what="the channel to notice")
            [row] = rig.app.push([Reply("明早8点例会。", to=ToPerson(zhang.id), dedupe_key="notice:x")])
            assert await rig.app.outbound.deliver([row.id]) == 0
            [waiting] = rig.rows()
            assert (waiting.status, waiting.attempts) == ("pending", 0)  # not a failed try: nothing was tried
            fake.clear_refusals()
            [answer] = await fake.wait_answers(1, to=CADRE)
            assert answer.text == "明早8点例会。"
            await until(lambda: [r.status for r in rig.rows()] == ["sent"], what="the row marked sent")

    run(scenario())
