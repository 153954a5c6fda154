"""Talking to the WeCom AI bot over its long connection, against the fake service on 127.0.0.1."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.channels.wecom_bot.models import WecomBotInbox
from handlers.hours.models import HourEntry
from handlers.reports.models import PendingMedia, Report
from tests.wecom_bot_rig import ADMIN, CADRE, GROUP_CHAT, fake_service, run, running


def hours_of(rig, name: str) -> list[float]:
    person = rig.person(name)
    with rig.app.sessions() as session:
        return [float(e.hours) for e in session.scalars(select(HourEntry).where(HourEntry.person_id == person.id))]


def test_help_in_a_single_chat_is_answered_on_its_req_id(db_url, clock, tmp_path):
    async def scenario():
        async with fake_service() as fake, running(db_url, clock, tmp_path, fake) as rig:
            sent = await fake.text(CADRE, "帮助")
            [answer] = await fake.wait_answers(1, to=CADRE)
            assert (answer.via, answer.req_id, answer.msgtype) == ("reply", sent.req_id, "stream")
            assert answer.text.startswith("张伟您好") and "可以这样跟我说" in answer.text
            [frame] = fake.frames("aibot_respond_msg")
            assert frame.body["stream"]["finish"] is True
            assert fake.frames("aibot_send_msg") == []
            assert fake.violations == []
            await fake.wait_for(lambda: [r.status for r in rig.rows()] == ["sent"], what="the row marked sent")

    run(scenario())


def test_hours_are_stored_and_answered_once_when_the_msgid_comes_twice(db_url, clock, tmp_path):
    async def scenario():
        async with fake_service() as fake, running(db_url, clock, tmp_path, fake) as rig:
            first = await fake.text(CADRE, "服务 2小时 入户走访")
            again = await fake.again(first)
            assert again.req_id != first.req_id and again.msgid == first.msgid
            [answer] = await fake.wait_answers(1, to=CADRE)
            assert answer.text.startswith("✅ 已登记") and "2 小时" in answer.text
            assert answer.req_id == first.req_id
            # One more message from the same person goes through the same worker after the repeat:
            # once it is answered, a second answer to the repeat would have come before it.
            await fake.text(CADRE, "我的时长")
            answers = await fake.wait_answers(2, to=CADRE)
            assert "11月累计" in answers[1].text
            assert len(answers) == 2
            assert hours_of(rig, "张伟") == [2.0]
            with rig.app.sessions() as session:
                assert session.scalar(select(func.count()).select_from(WecomBotInbox)) == 2

    run(scenario())


def test_an_unknown_user_is_told_how_to_get_registered(db_url, clock, tmp_path):
    async def scenario():
        async with fake_service() as fake, running(db_url, clock, tmp_path, fake) as rig:
            await fake.text("stranger07", "服务 1小时")
            [answer] = await fake.wait_answers(1, to="stranger07")
            assert "还不在本街道的花名册里" in answer.text and "街道党政办" in answer.text
            with rig.app.sessions() as session:
                assert session.scalar(select(func.count()).select_from(HourEntry)) == 0

    run(scenario())


def test_in_a_group_the_mention_is_stripped_and_the_answer_goes_to_the_chat(db_url, clock, tmp_path):
    async def scenario():
        async with fake_service() as fake, running(db_url, clock, tmp_path, fake) as rig:
            sent = await fake.text(CADRE, "@网格作风助手 服务 1.5小时 环境整治", chat=GROUP_CHAT)
            [answer] = await fake.wait_answers(1, to=GROUP_CHAT)
            assert answer.req_id == sent.req_id and answer.text.startswith("✅ 已登记")
            assert hours_of(rig, "张伟") == [1.5]
            # Just the @name: the menu rather than a puzzled answer.
            await fake.text(ADMIN, "@网格作风助手", chat=GROUP_CHAT)
            answers = await fake.wait_answers(2, to=GROUP_CHAT)
            assert "可以这样跟我说" in answers[1].text
            assert fake.answers_to(CADRE) == [] and fake.violations == []

    run(scenario())


def test_voice_is_handled_as_its_text(db_url, clock, tmp_path):
    async def scenario():
        async with fake_service() as fake, running(db_url, clock, tmp_path, fake) as rig:
            await fake.voice(CADRE, "服务3小时走访搬迁户")
            [answer] = await fake.wait_answers(1, to=CADRE)
            assert answer.text.startswith("✅ 已登记") and "3 小时" in answer.text
            assert hours_of(rig, "张伟") == [3.0]

    run(scenario())


def test_entering_the_chat_gets_a_welcome_with_the_menu(db_url, clock, tmp_path):
    async def scenario():
        async with fake_service() as fake, running(db_url, clock, tmp_path, fake):
            sent = await fake.enter_chat(CADRE)
            [answer] = await fake.wait_answers(1, to=CADRE)
            assert (answer.via, answer.req_id, answer.msgtype) == ("welcome", sent.req_id, "text")
            assert "欢迎使用网格作风助手" in answer.text and "可以这样跟我说" in answer.text
            assert len(answer.text) <= 500
            await fake.enter_chat("stranger08")
            [stranger] = await fake.wait_answers(1, to="stranger08")
            assert stranger.via == "welcome" and "花名册" in stranger.text
            assert fake.violations == []

    run(scenario())


def test_a_photo_and_a_file_are_decrypted_and_attached_to_a_report(db_url, clock, tmp_path):
    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40  # a JPEG's first bytes, then anything
    document = b"%PDF-1.4 minutes of the residents' meeting " * 30

    async def scenario():
        async with fake_service() as fake, running(db_url, clock, tmp_path, fake) as rig:
            await fake.image(CADRE, photo)
            [held] = await fake.wait_answers(1, to=CADRE)
            assert "收到照片" in held.text
            await fake.text(CADRE, "随手拍 安居社区3栋楼道堆满杂物没人管")
            answers = await fake.wait_answers(2, to=CADRE)
            assert "已附：照片1张" in answers[1].text and "**#" in answers[1].text  # the number in bold
            await fake.file(CADRE, document)
            answers = await fake.wait_answers(3, to=CADRE)
            assert "已把文件补充到反映" in answers[2].text
            with rig.app.sessions() as session:
                report = session.scalars(select(Report)).one()
                stored = sorted((a.kind, open(a.path, "rb").read()) for a in report.attachments)
            assert stored == [("file", document), ("image", photo)]
            for attachment in report.attachments:
                assert attachment.path.startswith(str(tmp_path / "bot-media"))

    run(scenario())


def test_a_photo_whose_link_expired_is_not_acknowledged_as_received(db_url, clock, tmp_path, caplog):
    async def scenario():
        async with fake_service() as fake, running(db_url, clock, tmp_path, fake) as rig:
            sent = await fake.image(CADRE, b"\xff\xd8\xff" + b"x" * 100, expired=True)
            [answer] = await fake.wait_answers(1, to=CADRE)
            assert "图片没能收下" in answer.text and "重新发送" in answer.text
            with rig.app.sessions() as session:
                assert session.scalar(select(func.count()).select_from(PendingMedia)) == 0
        assert f"an image in message {sent.msgid} could not be fetched: the file's URL answered HTTP 404" in caplog.text

    run(scenario())


def test_a_video_gets_a_hint_instead_of_silence(db_url, clock, tmp_path):
    async def scenario():
        async with fake_service() as fake, running(db_url, clock, tmp_path, fake):
            await fake.video(CADRE)
            [answer] = await fake.wait_answers(1, to=CADRE)
            assert "文字、语音、图片或文件" in answer.text

    run(scenario())
