from sqlalchemy import select

from bot.message import Kind
from bot.models import Person


def test_help_lists_only_what_the_person_may_do(bot):
    cadre = bot.send("张伟", "帮助").text
    admin = bot.send("林晓雯", "帮助").text
    assert "可以这样跟我说" in cadre and "【服务时长】" in cadre and "【随手拍】" in cadre
    # 定时任务 is for admins only: the admin's menu has it, the cadre's does not.
    assert "【定时任务】" in admin and "【定时任务】" not in cadre


def test_unknown_sender_is_told_how_to_register_and_nothing_else(bot):
    said = bot.send(None, "服务 3小时", sender="99999")
    assert "花名册" in said.text and "街道党政办" in said.text


def test_not_understood_suggests_help(bot):
    said = bot.send("张伟", "今天天气不错")
    assert "帮助" in said.text


def test_enter_agent_event_gets_a_welcome(bot):
    said = bot.send("张伟", kind=Kind.event, event="enter_agent")
    assert "欢迎" in said.text


def test_a_typo_of_a_command_that_only_shows_something_is_answered(bot):
    said = bot.send("张伟", "我的时常")
    assert "11月累计 0 小时" in said.text


def test_a_typo_nothing_recognises_gets_the_closest_command_suggested(bot):
    # Nearly every typo of a command word is now understood (a homophone, a reading, the phrasing model); the
    # last resort still names the closest command word.
    with bot.app.sessions() as session:
        person = session.scalar(select(Person).where(Person.name == "张伟"))
        said = bot.app.router.not_understood(person, "我的反映列彪彪")
    assert "您是想说「我的反映」吗" in said


def test_a_command_word_typed_with_a_homophone_is_answered(bot):
    assert "看板登录链接" in bot.send("张伟", "看版").text  # 看版 sounds like 看板


def test_help_differs_by_role(bot):
    cadre = bot.send("张伟", "帮助").text
    leader = bot.send("王建国", "帮助").text
    assert "时长统计" not in cadre and "时长统计" in leader


def test_a_refused_command_stores_nothing_and_says_why(bot):
    from sqlalchemy import func, select

    from bot.models import AuditEntry

    def audited() -> int:
        with bot.app.sessions() as session:
            return session.scalar(select(func.count()).select_from(AuditEntry))

    before = audited()
    said = bot.send("李娜", "定时任务 暂停 1")
    assert said.replies == ["定时任务只有管理员可以查看和调整。"]
    assert audited() == before
    assert "已暂停" not in bot.send("林晓雯", "定时任务").text


def test_help_is_a_short_menu_and_each_topic_has_details(bot):
    menu = bot.send("张伟", "帮助").text
    assert "【服务时长】" in menu and "【随手拍】" in menu and len(menu.splitlines()) <= 12
    details = bot.send("张伟", "帮助 时长").text
    assert details.startswith("【服务时长】") and "例：服务 2.5小时 入户走访 昨天" in details
