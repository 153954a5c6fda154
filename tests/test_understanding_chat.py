"""Issue 12's everyday messages, as cadres typed them: each checks the reply and what was stored.

The fixture clock is Thursday 2026-11-26 (Asia/Shanghai).
"""

from __future__ import annotations

from datetime import date

import cn2an
import pytest
from sqlalchemy import func, select

from handlers.hours.models import HourEntry
from handlers.lessons.models import LessonConfirmation
from handlers.quiz.models import QuizAnswer
from handlers.reports.models import Report
from tests.reports_support import ADMIN, CADRE, GRID_WORKER, SECRETARY, ticket_of


def hours_of(bot, name: str = CADRE) -> list[tuple[date, float, str]]:
    person = bot.person(name)
    with bot.app.sessions() as session:
        rows = session.scalars(select(HourEntry).where(HourEntry.person_id == person.id).order_by(HourEntry.id))
        return [(r.day, float(r.hours), r.note) for r in rows]


def count(bot, model) -> int:
    with bot.app.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def newest_report(bot) -> Report:
    with bot.app.sessions() as session:
        return session.scalars(select(Report).order_by(Report.id.desc())).first()


# --- hours as typed ----------------------------------------------------------------------------


def test_a_patrol_in_half_hours_of_the_clock_is_logged_for_yesterday(bot):
    said = bot.send(CADRE, "昨天晚上巡逻1个半钟头")
    assert hours_of(bot) == [(date(2026, 11, 25), 1.5, "晚上巡逻")]
    assert "✅ 已登记" in said.text and "11月25日" in said.text and "服务 1.5 小时" in said.text


def test_a_vague_amount_asks_for_the_exact_hours_and_the_number_completes_it(bot):
    said = bot.send(CADRE, "今天上午入户走访了8户，大概用了三个多小时")
    assert hours_of(bot) == []
    assert "几个小时" in said.text or "多少小时" in said.text
    done = bot.send(CADRE, "3.5")
    assert hours_of(bot) == [(date(2026, 11, 26), 3.5, "上午入户走访了8户")]
    assert "服务 3.5 小时" in done.text


def test_service_told_with_no_amount_asks_how_long(bot):
    said = bot.send(GRID_WORKER, "今天下午一直在社区帮忙搞卫生")
    assert hours_of(bot, GRID_WORKER) == []
    assert "小时" in said.text and "没看懂" not in said.text


@pytest.mark.parametrize("text", ["这个月还差多少", "还差几个小时", "我达标了没"])
def test_asking_what_is_left_this_month_gets_ones_own_total(bot, text):
    bot.send(CADRE, "服务 3小时 走访")
    said = bot.send(CADRE, text)
    assert "11月" in said.text and "3" in said.text and "还差 17" in said.text
    assert len(hours_of(bot)) == 1


@pytest.mark.parametrize("text", ["上个月时长", "我的时长 上个月", "我的时长 2026-10"])
def test_last_month_by_name_or_number(bot, text):
    bot.send(CADRE, "10月30日 服务 4小时 入户")
    said = bot.send(CADRE, text)
    assert "10月" in said.text and "4" in said.text
    assert "本月还没有" not in said.text


@pytest.mark.parametrize("logged, correction, day, hours, note, shown", [
    ("服务3小时 入户走访", "改成2小时", 26, 2.0, "入户走访", "3 → 2 小时"),
    ("今天巡逻2小时", "不对不对 是昨天 一个半小时", 25, 1.5, "巡逻", "11月25日"),  # the day and the amount, both
])
def test_a_correction_changes_the_entry_just_logged(bot, logged, correction, day, hours, note, shown):
    bot.send(CADRE, logged)
    said = bot.send(CADRE, correction)
    assert hours_of(bot) == [(date(2026, 11, day), hours, note)]
    assert "已更正" in said.text and shown in said.text


def test_a_spoken_self_correction_in_one_message_stores_the_corrected_amount(bot):
    said = bot.send(CADRE, "服务3小时，改成2小时")
    assert hours_of(bot) == [(date(2026, 11, 26), 2.0, "")]
    assert "服务 2 小时" in said.text


# --- complaints that mention time are tickets, never hours ---------------------------------------


@pytest.mark.parametrize(
    "text, anonymous",
    [
        ("随手拍 社区服务站下午3点就关门了，办事群众等了2小时", False),
        ("投诉 安居社区网格员入户走访只待了5分钟就走了", False),
        ("别写我名字啊 社区门口共享单车乱停没人管", True),
    ],
)
def test_a_complaint_with_a_duration_becomes_a_ticket_not_hours(bot, text, anonymous):
    number = ticket_of(bot.send(CADRE, text))
    assert hours_of(bot) == []
    with bot.app.sessions() as session:
        assert session.get(Report, number).anonymous is anonymous


@pytest.mark.parametrize("text", ["朋友结婚我能随礼多少", "群众硬塞给我一个红包 没推掉 咋整", "服务对象请吃饭能去吗"])
def test_a_conduct_question_without_a_command_word_reaches_the_rules_and_stores_nothing(bot, text):
    tickets = count(bot, Report)
    said = bot.send(CADRE, text)
    assert "没看懂" not in said.text and "没看出服务了多长时间" not in said.text
    assert "《" in said.text or "没有找到" in said.text or "回复数字" in said.text
    assert hours_of(bot) == [] and count(bot, Report) == tickets


# --- small talk, lessons, quiz ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["你好", "谢谢", "在吗", "👍", "谢啦"])
def test_small_talk_gets_a_friendly_line_and_the_menu_hint(bot, text):
    said = bot.send(CADRE, text)
    assert "没看懂" not in said.text and "帮助" in said.text and len(said.text) <= 80


@pytest.mark.parametrize("text, number", [("已学 第二十课", 20), ("学完了👌", None)])
def test_lesson_confirmations_as_typed(bot, text, number):
    bot.send(CADRE, "今日微课")
    before = count(bot, LessonConfirmation)
    said = bot.send(CADRE, text)
    assert "没看懂" not in said.text
    if number is None:
        assert count(bot, LessonConfirmation) == before + 1 and "学习" in said.text
    else:
        assert f"第{number}课" in said.text or "第二十课" in said.text or "没有" in said.text


@pytest.mark.parametrize("text", ["本月排行榜", "答题排名", "答题排行榜"])
def test_the_leaderboard_however_asked(bot, text):
    said = bot.send(CADRE, text)
    assert "排行" in said.text and "【练习题】" not in said.text


@pytest.mark.parametrize("text, stored", [("B吧", "B"), ("我选A和C", None)])
def test_an_answer_in_words_is_scored(bot, text, stored):
    bot.send(GRID_WORKER, "答题")
    answers = count(bot, QuizAnswer)
    said = bot.send(GRID_WORKER, text)
    assert "没看懂" not in said.text and "没有选项和" not in said.text
    if stored:
        assert count(bot, QuizAnswer) == answers + 1


# --- the admin's jobs, by the job's name -----------------------------------------------------------


def test_pausing_a_job_by_its_name(bot):
    said = bot.send(ADMIN, "把每日一题停了")
    assert "已暂停定时任务 每日一题" in said.text
    again = bot.send(ADMIN, "恢复每日一题")
    assert "已恢复定时任务 每日一题" in again.text


def test_a_job_word_that_fits_several_jobs_asks_for_the_number(bot):
    said = bot.send(ADMIN, "暂停微课推送")
    assert said.replies[0].startswith("请写上任务编号")
    assert any("作风微课堂" in reply for reply in said.replies)


def test_the_board_and_the_lesson_asked_with_a_show_me_word(bot):
    assert "台账" in bot.send(SECRETARY, "看一下整改台账").text
    assert "没看懂" not in bot.send(GRID_WORKER, "发一下今天的作风微课堂").text


@pytest.mark.parametrize("text, hours", [("巡逻一个钟头又一刻钟", 1.25), ("服务两个小时零十分", 2.17), ("值守1小时30分", 1.5)])
def test_an_amount_with_minutes_or_quarters_is_read_whole(bot, text, hours):
    said = bot.send(GRID_WORKER, text)
    assert [h for _, h, _ in hours_of(bot, GRID_WORKER)] == [hours]
    assert f"服务 {hours:g} 小时" in said.text


def test_two_amounts_in_one_message_ask_rather_than_store_one(bot):
    said = bot.send(GRID_WORKER, "巡逻2小时 值守了半小时")
    assert hours_of(bot, GRID_WORKER) == []
    assert "回复「1」" in said.text or "回复数字" in said.text or "两个时长" in said.text


def test_a_second_stretch_added_with_again_is_added_even_half_an_hour(bot):
    said = bot.send(GRID_WORKER, "巡逻2小时 后来又值守了半小时")
    assert [h for _, h, _ in hours_of(bot, GRID_WORKER)] == [2.5] and "服务 2.5 小时" in said.text


@pytest.mark.parametrize("text", ["服务时长不够会怎样", "每周要巡逻几个小时"])
def test_a_question_about_the_hours_rule_is_not_ones_own_total(bot, text):
    said = bot.send(CADRE, text)
    assert "累计" not in said.text and hours_of(bot) == []


@pytest.mark.parametrize(
    "text, prompt",
    [("我要投诉", "请直接说要反映的问题"), ("你好我想反映个问题", "请直接说要反映的问题"),
     ("我想登记时长", "服务了多长时间"), ("能问个事吗", "请直接问"), ("有个事想咨询", "请直接问")],
)
def test_saying_what_one_wants_before_saying_it_gets_asked_to_go_ahead(bot, text, prompt):
    tickets = count(bot, Report)
    said = bot.send(CADRE, text)
    assert prompt in said.text
    assert count(bot, Report) == tickets and hours_of(bot) == []


@pytest.mark.parametrize("text", ["多谢多谢", "加油💪", "嗯哪", "领导好", "晓得了", "收到收到👌🏻"])
def test_more_small_talk(bot, text):
    said = bot.send(GRID_WORKER, text)
    assert "没看懂" not in said.text and "帮助" in said.text


def test_a_complaint_typed_in_traditional_characters_is_a_ticket(bot):
    number = ticket_of(bot.send(GRID_WORKER, "投訴 辦事員上班時間玩手機 不理人"))
    with bot.app.sessions() as session:
        assert "办事员上班时间玩手机" in session.get(Report, number).text


def test_the_last_day_of_a_month_by_name(bot):
    said = bot.send(GRID_WORKER, "10月最后一天 疫苗接种 服务 六个钟头 补登")
    assert [d for d, _, _ in hours_of(bot, GRID_WORKER)] == [date(2026, 10, 31)]
    assert "10月31日" in said.text


@pytest.mark.parametrize("text", ["我提的随手拍有回复没", "随手拍能不能不留名字", "反映的问题满意率是多少"])
def test_questions_about_reports_file_no_ticket(bot, text):
    tickets = count(bot, Report)
    bot.send(CADRE, text)
    assert count(bot, Report) == tickets


def test_a_long_run_on_about_service_with_no_amount_asks_how_long(bot):
    said = bot.send(GRID_WORKER, "今天上午跟着社区的同志一起去安置区挨家挨户走访了解搬迁户的就业情况走了好多家具体多长时间也没顾上看")
    assert hours_of(bot, GRID_WORKER) == [] and "几个小时" in said.text


# --- rules paraphrases from the issue: the article that covers them is cited, or offered by number ---


@pytest.mark.parametrize(
    "text, document, article",
    [
        ("收了群众一箱苹果怎么办", "礼品礼金管理规定", "第三条"),
        ("单位的打印纸可以拿回家给孩子用吗", "办公用品和资产管理规定", "第五条"),
        ("公务接待一桌能上几个菜", "公务接待管理办法", "第六条"),
        ("上级领导来检查能安排住宿吗", "公务接待管理办法", "第八条"),
    ],
)
def test_a_paraphrase_reaches_the_article_that_covers_it(bot, text, document, article):
    said = bot.send(CADRE, text)
    cited = [line for line in said.text.splitlines() if document in line and article in line]
    assert cited, said.text
    assert said.text.startswith("依据") or "回复数字" in said.text
    assert len(said.text) <= 500


def test_a_day_that_cannot_be_pinned_down_is_asked_never_taken_for_today(bot):
    said = bot.send(GRID_WORKER, "11月上旬的某天 入户走访 2小时")
    assert hours_of(bot, GRID_WORKER) == [] and "今天" not in said.text and "哪一天" in said.text
    told = bot.send(GRID_WORKER, "11月3日")  # the day alone completes the entry that waited for it
    assert "✅ 已登记" in told.text and [(d, h) for d, h, _ in hours_of(bot, GRID_WORKER)] == [(date(2026, 11, 3), 2.0)]


@pytest.mark.parametrize("text, day", [("7号楼入户走访 3小时", date(2026, 11, 26)), ("上个月25号 入户核对 4小时", date(2026, 10, 25))])
def test_a_building_number_is_no_day_and_last_months_day_is_read(bot, text, day):
    bot.send(GRID_WORKER, text)
    assert [d for d, _, _ in hours_of(bot, GRID_WORKER)] == [day]


@pytest.mark.parametrize("text, hours", [("多记了一个钟头", 2.0), ("少记了半小时", 3.5)])
def test_more_or_less_by_an_amount_changes_the_entry_by_that_much(bot, text, hours):
    bot.send(CADRE, "服务3小时 入户走访")
    said = bot.send(CADRE, text)
    assert [h for _, h, _ in hours_of(bot)] == [hours] and "已更正" in said.text


def test_asking_how_to_undo_undoes_nothing(bot):
    bot.send(CADRE, "服务3小时 入户走访")
    said = bot.send(CADRE, "撤销时长是发啥字")
    assert len(hours_of(bot)) == 1 and "已撤销" not in said.text


@pytest.mark.parametrize("text", ["反映的事办完了 在哪儿打分", "我包联社区的随手拍 在哪能看到"])
def test_asking_where_to_find_something_files_no_ticket(bot, text):
    tickets = count(bot, Report)
    said = bot.send(SECRETARY, text)
    assert count(bot, Report) == tickets and "已收到您的反映" not in said.text


def test_a_range_ending_a_quarter_past(bot):
    bot.send(GRID_WORKER, "昨儿个晚上夜巡 十点到十一点一刻")
    assert hours_of(bot, GRID_WORKER) == [(date(2026, 11, 25), 1.25, "晚上夜巡")]


@pytest.mark.parametrize("text", ["服务2小时 值守了半小时", "服务 2小时 11月上旬的某天", "服务 两个小时或者两个半 记不清了"])
def test_a_command_word_does_not_store_what_is_in_doubt_either(bot, text):
    said = bot.send(GRID_WORKER, text)
    assert hours_of(bot, GRID_WORKER) == [] and "已登记" not in said.text


def test_a_problem_that_has_lasted_days_is_offered_as_a_report(bot):
    said = bot.send(CADRE, "路灯坏了好几天了没人修")
    assert "随手拍" in said.text and "回复「1」" in said.text


# --- blind rounds 10 to 12: what they taught ---------------------------------------------------


def test_asking_not_to_be_named_in_other_words_files_an_anonymous_ticket(bot):
    number = ticket_of(bot.send(CADRE, "不要署我的名 反映个事 社区公示栏好几个月没更新了"))
    with bot.app.sessions() as session:
        assert session.get(Report, number).anonymous is True


def test_a_report_asking_whether_the_name_can_be_hidden_is_never_filed_under_the_name(bot):
    before = count(bot, Report)
    said = bot.send(CADRE, "我想反映个事 但是能不能不显示我名字 网格里有个商铺占道经营 说了也没人管")
    if count(bot, Report) == before:
        assert "匿名" in said.text
        said = bot.send(CADRE, "1")
    with bot.app.sessions() as session:
        assert session.get(Report, ticket_of(said)).anonymous is True


def test_a_leader_asking_for_the_open_tickets_files_none(bot):
    before = count(bot, Report)
    said = bot.send(SECRETARY, "还没办结的反映列一下")
    assert count(bot, Report) == before and "已收到您的反映" not in said.text


def test_asking_how_the_quiz_works_explains_instead_of_starting_one(bot):
    answers = count(bot, QuizAnswer)
    said = bot.send(GRID_WORKER, "答题是怎么玩的 说明一下")
    assert "【练习题】" not in said.text and "答题" in said.text
    assert count(bot, QuizAnswer) == answers


def test_an_amount_alone_is_asked_about_and_stored_only_on_the_number(bot):
    said = bot.send(CADRE, "一个半")
    assert hours_of(bot) == [] and "1" in said.text and "1.5" in said.text
    bot.send(CADRE, "1")
    assert [h for _, h, _ in hours_of(bot)] == [1.5]


def test_a_day_named_then_pointed_at_is_no_doubt(bot):
    said = bot.send(CADRE, "各位好 我补登一下 11月20号那天去安居社区帮扶困难户 仨小时")
    assert [(d, h) for d, h, _ in hours_of(bot)] == [(date(2026, 11, 20), 3.0)] and "服务 3 小时" in said.text


# --- blind rounds 13 and 14: what they taught --------------------------------------------------


def test_a_clock_range_with_minutes_in_words_is_logged_to_the_minute(bot):
    said = bot.send(CADRE, "医保缴费动员挨家挨户敲门 昨晚六点四十到八点十分")
    assert [(d, h) for d, h, _ in hours_of(bot)] == [(date(2026, 11, 25), 1.5)] and "服务 1.5 小时" in said.text


def test_eight_oclock_then_a_word_is_still_eight_oclock(bot):
    bot.send(CADRE, "上礼拜五晚上治安巡逻 从八点一直巡到十点")
    assert [h for _, h, _ in hours_of(bot)] == [2.0]


@pytest.mark.parametrize("text, hours", [
    ("上礼拜六 帮社区搞文明创建 大概4个钟头", 4.0),
    ("上周三帮扶搬迁户找工作 陪着跑了趟人社所 一个半钟头", 1.5),
])
def test_service_the_readers_half_know_is_logged_when_the_phrasing_is_plain(bot, text, hours):
    said = bot.send(CADRE, text)
    assert [h for _, h, _ in hours_of(bot)] == [hours] and "✅ 已登记" in said.text


def test_a_bare_amount_is_still_asked_about(bot):
    said = bot.send(CADRE, "今天 2小时")
    assert hours_of(bot) == [] and "回复" in said.text


def test_what_was_done_in_the_end_is_the_amount_logged(bot):
    bot.send(CADRE, "今天本来计划去网格宣传反诈三个小时后来下雨了只搞了一个半钟头 记一个半")
    assert [h for _, h, _ in hours_of(bot)] == [1.5]


def test_not_knowing_how_long_asks_for_the_hours_instead_of_answering_a_rule(bot):
    before = hours_of(bot, SECRETARY)
    said = bot.send(SECRETARY, "上午去网格里走访了几户 具体多久没看表")
    assert hours_of(bot, SECRETARY) == before and "几个小时" in said.text and "依据" not in said.text


def test_teaching_how_to_use_the_app_is_service_not_a_question(bot):
    bot.send(CADRE, "下沉服务 给楼栋长培训咋用随手拍 讲了一个半钟头")
    assert [h for _, h, _ in hours_of(bot)] == [1.5]


def test_the_day_corrected_as_a_date_moves_the_entry(bot):
    bot.send(CADRE, "服务 2小时 入户走访")
    said = bot.send(CADRE, "日子记错了 应该是11.24")
    assert [(d, h) for d, h, _ in hours_of(bot)] == [(date(2026, 11, 24), 2.0)] and "11.24 小时" not in said.text


@pytest.mark.parametrize("text", [
    "物业费一年涨了30% 社区也不管 这合理吗？？？吐槽一下",
    "网格员电话打了七八遍没人接 不是说2小时内回复吗 投诉",
    "老年卡办了40天还没下来 啥情况 反应一下",
    "搬迁安置区3号路坑坑洼洼 下雨积水20多公分 娃上学得绕路 这个反映给城管",
    "我家低保申请交上去两个多月了一点消息都没有 问社区就说在等 麻烦你帮我跟上面反映反映到底咋回事",
    "小区路灯从上礼拜开始就不亮了 晚上黑咕隆咚的 这事能帮我报上去不",
    "我们网格二组那边的井盖松了 踩上去哐哐响 你帮我转给负责的部门吧",
    "随手拍 安康路口那个井盖缺了半个月了 晚上谁掉下去咋办？",
])
def test_a_complaint_that_says_so_at_the_end_is_filed_whatever_it_asked(bot, text):
    before = count(bot, Report)
    said = bot.send(GRID_WORKER, text)
    assert count(bot, Report) == before + 1 and "已收到您的反映" in said.text


@pytest.mark.parametrize("text", ["这种情况该向谁反映", "我不是干部 也能用你反映问题吗"])
def test_asking_whom_to_report_to_files_nothing(bot, text):
    before = count(bot, Report)
    bot.send(GRID_WORKER, text)
    assert count(bot, Report) == before


@pytest.mark.parametrize("text", ["撤销是撤哪一条 撤了还能恢复不", "一天最多能登几个小时"])
def test_how_to_questions_about_hours_get_the_hours_help(bot, text):
    said = bot.send(CADRE, text)
    assert "【服务时长】" in said.text and "依据" not in said.text


def test_asking_how_quiz_points_count_starts_no_question(bot):
    said = bot.send(ADMIN, "答题的积分怎么算的 在哪看排行")
    assert "【练习题】" not in said.text and "排行" in said.text


@pytest.mark.parametrize("text", [
    "钥匙锁屋里了 能不能帮我叫个开锁的", "你给说说 那个新能源股明天能涨不", "我手机微信老是闪退 可以帮我修一下吗",
])
def test_personal_errands_and_stocks_are_not_for_the_discipline_committee(bot, text):
    said = bot.send(CADRE, text)
    assert said.text.startswith("这个我帮不上")


@pytest.mark.parametrize("text", ["周末跟同事打麻将带点小彩头 不算赌吧", "过年想给县里领导捎点咱这儿的核桃木耳 应该没事吧"])
def test_asking_to_be_told_it_is_all_right_reaches_the_rules(bot, text):
    said = bot.send(CADRE, text)
    assert "没看懂" not in said.text and ("赌博" in said.text or "土特产" in said.text)


def test_a_long_message_asking_whether_a_rule_exists_reaches_the_rules(bot):
    said = bot.send(CADRE, "街道又让我们把上个月报过的人口数据重新填一遍表 有没有规定不让重复报")
    assert "重复填报" in said.text


# --- blind rounds 15 and 16: what they taught --------------------------------------------------


def _anonymous(bot, number: int) -> bool:
    with bot.app.sessions() as session:
        return session.get(Report, number).anonymous


@pytest.mark.parametrize("text", [
    "悄悄的反映一下 不想暴露自己 社区开个证明收了我20块钱",
    "能不能别写我名字 反映下社区主任上班时间老在外面打牌",
    "别让人知道是我说的🤫 有辆公车天天晚上停在别的小区 帮我反映一下",
    "这个事我不方便出面 帮我匿名报一下 单位有人把办公电脑搬回家了",
    "悄悄跟你们说 不要告诉别人是我 网格员小刘收了人家两条烟才给开证明",
    "楼下饭馆天天晚上往下水道倒油 我邻居都认识我 处理的时候千万别说是谁举报的",
    "帮我跟上面说一下 办低保的时候有工作人员暗示要请他吃饭 千万别让人知道是我说的 我怕以后办事被为难",
])
def test_not_to_be_named_said_anywhere_or_asked_politely_files_an_anonymous_ticket(bot, text):
    number = ticket_of(bot.send(CADRE, text))
    assert _anonymous(bot, number) is True


@pytest.mark.parametrize("text", [
    "俺要反映个事 俺们楼下那个路灯坏了快俩月了 黑咕隆咚的 夜儿个俺家老头子差点摔了 咋整啊",
    "反映：三号网格宣传栏掉了 砸到人咋办",
])
def test_a_complaint_ending_what_do_i_do_is_filed(bot, text):
    assert "已收到您的反映" in bot.send(SECRETARY, text).text


@pytest.mark.parametrize("text", [
    "随手拍反映了以后 别人能看到是我反映的吗", "反映的事交上去以后 去哪看进度", "随手拍可以发照片不", "匿名反映能看到我是谁吗",
])
def test_a_question_about_the_feature_files_nothing_and_explains_it(bot, text):
    before = count(bot, Report)
    said = bot.send(GRID_WORKER, text)
    assert count(bot, Report) == before and "【随手拍】" in said.text


def test_a_leader_asking_which_tickets_are_still_open_files_none(bot):
    before = count(bot, Report)
    bot.send(SECRETARY, "现在还有哪些反映没办完 拉个单子给我")
    assert count(bot, Report) == before


def test_a_category_named_as_where_it_belongs_recategorizes(bot):
    for text in ("随手拍 第1网格路灯坏了", "随手拍 第1网格楼道堆杂物", "随手拍 第1网格井盖松了"):
        number = ticket_of(bot.send(CADRE, text))
    said = bot.send(GRID_WORKER, f"#{number} 归到形式主义官僚主义那一类")
    assert said.text == f"#{number} 的分类已改为：形式主义官僚主义。"


def test_a_bare_yesterday_after_the_amount_is_yesterday(bot):
    bot.send(GRID_WORKER, "巡逻 2h 昨")
    assert [(d, h) for d, h, _ in hours_of(bot, GRID_WORKER)] == [(date(2026, 11, 25), 2.0)]


def test_the_report_figures_with_response_times_are_not_the_hours_summary(bot):
    said = bot.send(SECRETARY, "本月反映统计 响应时长那些 发我")
    assert "随手拍" in said.text and "服务时长" not in said.text


@pytest.mark.parametrize("text", ["高铁从咱县到省城要几个小时啊", "给我起草个通知 周五下午开安全生产会", "今天92号油多少钱一升"])
def test_a_journey_a_draft_or_a_fuel_price_is_off_topic(bot, text):
    said = bot.send(SECRETARY, text)
    assert said.text.startswith("这个我帮不上")


def test_asking_the_format_of_an_entry_gets_the_hours_help(bot):
    said = bot.send(CADRE, "登记时长格式是啥样的 我发了几次都不对")
    assert "【服务时长】" in said.text and "累计" not in said.text.split("\n")[0]


# --- blind round 17 (when to ask): what it taught ----------------------------------------------


@pytest.mark.parametrize("text", [
    "@网格助手 上周五 2小时15分", "今天上午在安居社区 3小时", "在社区服务中心待了三个小时", "周一在王奶奶那儿2h",
    "上午俩小时 记一下", "在社区帮着录入户走访台账 两个半小时",
    "【转发】李娜：今天上午入户走访3小时", "群里刘主任说 昨晚巡逻的每人按2小时记",
])
def test_an_amount_with_no_activity_of_ones_own_is_asked_about_and_stores_nothing(bot, text):
    said = bot.send(CADRE, text)
    assert hours_of(bot) == [] and "回复" in said.text and "已登记" not in said.text


def test_the_asked_amount_is_stored_on_the_number(bot):
    bot.send(CADRE, "今天上午在安居社区 3小时")
    bot.send(CADRE, "1")
    assert [(d, h) for d, h, _ in hours_of(bot)] == [(date(2026, 11, 26), 3.0)]


def test_a_time_of_day_pointed_at_is_today(bot):
    bot.send(GRID_WORKER, "晌午那会儿创文卫生大扫除 45分钟")
    assert [(d, h) for d, h, _ in hours_of(bot, GRID_WORKER)] == [(date(2026, 11, 26), 0.75)]


@pytest.mark.parametrize("text", ["5号楼电梯又停了 老人下不来", "便民窗口那个小伙子上班一直刷抖音"])
def test_a_problem_told_without_a_report_word_is_offered_as_one(bot, text):
    before = count(bot, Report)
    said = bot.send(CADRE, text)
    assert count(bot, Report) == before and "随手拍" in said.text and "回复" in said.text


# --- blind round 18: what it taught --------------------------------------------------------------


def test_the_day_noted_wrongly_in_other_words_moves_the_entry(bot):
    bot.send(CADRE, "服务 2小时 入户走访")
    bot.send(CADRE, "日子记岔了 是上周六")
    assert [(d, h) for d, h, _ in hours_of(bot)] == [(date(2026, 11, 21), 2.0)]


def test_asking_ones_place_now_shows_the_leaderboard(bot):
    assert "排行榜" in bot.send(CADRE, "我现在排老几").text


def test_asking_where_to_pay_a_utility_bill_is_off_topic_and_a_stranger_hears_what_works_for_them(bot):
    said = bot.send(None, "天然气费在哪交啊", sender="visitor-9")
    assert said.text.startswith("这个我帮不上") and "匿名反映" in said.text and "登记服务时长" not in said.text


def test_an_either_or_question_reaches_the_rules(bot):
    said = bot.send(GRID_WORKER, "两家邻居为了晾衣服吵起来了 我是先自己劝还是直接报社区")
    assert "没看懂" not in said.text and "矛盾调解" in said.text


# --- round 19: hours that are not the sender's own, not done yet, or not service -------------------


@pytest.mark.parametrize("text", [
    "后天周六要在卡点值守4小时 提前登记下",  # a bare weekday beside 后天 only repeats it
    "今晚七点到九点要去巡河 完事了再来登",
])
def test_service_still_to_come_is_not_logged_ahead(bot, text):
    said = bot.send(CADRE, text)
    assert hours_of(bot) == []
    assert "做完再发" in said.text or "11月28日还没到" in said.text


def test_someone_elses_hours_are_not_logged_under_the_sender(bot):
    said = bot.send(CADRE, "小刘昨天入户走访了3个小时 他手机没电了 你给他登一下")
    assert hours_of(bot) == []
    assert "本人登记" in said.text


def test_a_teams_total_asks_for_ones_own_share(bot):
    said = bot.send(GRID_WORKER, "我们网格4个人今儿一块清理楼道 一共干了8个钟头")
    assert hours_of(bot, GRID_WORKER) == []
    assert "您本人" in said.text
    done = bot.send(GRID_WORKER, "2小时")
    assert [(day, hours) for day, hours, _ in hours_of(bot, GRID_WORKER)] == [(date(2026, 11, 26), 2.0)]
    assert "服务 2 小时" in done.text


def test_banter_in_a_group_reply_is_asked_about_not_logged(bot):
    said = bot.send(CADRE, "楼上说得对 巡逻俩钟头腿都走细了😂")
    assert hours_of(bot) == []
    assert "回复「1」" in said.text or "回复数字" in said.text


def test_keeping_a_queue_in_order_is_service_not_a_complaint(bot):
    reports_before = count(bot, Report)
    said = bot.send(CADRE, "周一在疫苗接种点引导排队三刻钟")
    assert hours_of(bot) == [(date(2026, 11, 23), 0.75, "在疫苗接种点引导排队")]
    assert count(bot, Report) == reports_before and "✅ 已登记" in said.text


def test_nothing_happening_on_a_round_is_no_question_to_the_rules(bot):
    said = bot.send(CADRE, "下午巡了三个点 都没啥事")
    assert hours_of(bot) == [] and "帮不上" not in said.text and "条文" not in said.text


@pytest.mark.parametrize("text,anonymous", [
    ("帮老周反映一下 他在医保窗口等了3小时没人管", False),
    ("投诉 有领导天天用公车送孩子上学 我不想露名", True),
    ("隐名反映 小区保安收快递员过路费", True),
])
def test_reports_for_someone_else_or_unnamed_in_other_words_are_filed(bot, text, anonymous):
    reports_before = count(bot, Report)
    said = bot.send(CADRE, text)
    assert hours_of(bot) == [] and count(bot, Report) == reports_before + 1
    assert "已收到您的反映" in said.text
    assert newest_report(bot).anonymous is anonymous


def test_a_polite_request_not_to_be_named_stays_out_of_the_complaint(bot):
    bot.send(CADRE, "能不能别写我名字 反映下窗口的小王给群众开证明还收钱")
    report = newest_report(bot)
    assert report.anonymous and report.text.startswith("窗口的小王")


def test_a_how_to_question_after_a_courtesy_gets_the_help_not_the_rules(bot):
    said = bot.send(GRID_WORKER, "问一下 晚上值班超过12小时的咋登记")
    assert "【服务时长】" in said.text and "条文" not in said.text


# --- round 20: commands said around the command word -----------------------------------------------


def test_a_quiz_answer_with_a_remark_after_it_is_scored(bot):
    bot.send(GRID_WORKER, "答题")
    answers = count(bot, QuizAnswer)
    said = bot.send(GRID_WORKER, "c 这题简单")
    assert count(bot, QuizAnswer) == answers + 1 and "没看懂" not in said.text


def test_running_a_job_by_its_name_now(bot):
    said = bot.send(ADMIN, "每日一题那个任务现在手动跑一次")
    assert "已执行 每日一题" in said.text


def test_a_day_and_its_number_are_no_ticket_and_an_old_day_is_refused(bot):
    said = bot.send(CADRE, "9月28号国庆前安全检查那次 服务3小时 还能补登不")
    assert "无权查看" not in said.text and "10月1日以后" in said.text
    assert hours_of(bot) == []


def test_asking_whether_an_entry_may_still_be_made_offers_it_and_1_logs_it(bot):
    said = bot.send(CADRE, "上周三入户走访2小时 忘登了 还能补不")
    assert hours_of(bot) == [] and "能补登" in said.text and "11月18日" in said.text
    bot.send(CADRE, "1")
    assert [(day, hours) for day, hours, _ in hours_of(bot)] == [(date(2026, 11, 18), 2.0)]


def test_people_counted_in_all_are_no_hours_question(bot):
    said = bot.send(CADRE, "来调研的一共六个人 咱这边陪餐最多能去几个")
    assert "陪餐" in said.text and "累计" not in said.text


def test_a_cadre_asking_for_the_hours_summary_in_words_is_told_it_is_for_leaders(bot):
    said = bot.send(CADRE, "给我看看时长统计")
    assert "只对领导和管理员开放" in said.text
    mine = bot.send(CADRE, "我的时长统计")
    assert "11月累计" in mine.text


def test_a_binding_code_told_in_passing_is_tried(bot):
    said = bot.send(None, "网格员给了我一个码620458 咋用 绑上", sender="visitor-9")
    assert "绑定码" in said.text and "花名册" not in said.text


# --- round 21: voice-input run-ons and replies that depend on what came before ---------------------


def test_asking_whether_a_report_reveals_the_sender_files_nothing(bot):
    reports_before = count(bot, Report)
    said = bot.send(GRID_WORKER, "反映问题会不会让人知道是我")
    assert count(bot, Report) == reports_before and "【随手拍】" in said.text


def test_a_complaint_in_indignation_after_a_report_word_is_filed(bot):
    reports_before = count(bot, Report)
    said = bot.send(GRID_WORKER, "意见箱 社区开证明还要收十块钱？")
    assert count(bot, Report) == reports_before + 1 and "已收到您的反映" in said.text


def test_a_spoken_correction_takes_the_amount_after_not_but(bot):
    bot.send(CADRE, "昨天入户走访3小时")
    said = bot.send(CADRE, "不对不对那个我刚才说错了嗯不是三个小时是两个半小时就是中间有半个钟头去接孩子了那个不能算")
    assert [hours for _, hours, _ in hours_of(bot)] == [2.5] and "3 → 2.5" in said.text


def test_a_spoken_correction_of_the_day_takes_the_day_said_last(bot):
    bot.send(GRID_WORKER, "巡逻 2小时")
    said = bot.send(GRID_WORKER, "那个刚才那条登的是今天的嗯其实是昨天晚上的巡逻就是日子写错了时间没错还是俩小时你帮我改一下")
    assert [(day, hours) for day, hours, _ in hours_of(bot, GRID_WORKER)][-1] == (date(2026, 11, 25), 2.0)
    assert "11月25日" in said.text


def test_a_target_in_a_leaders_question_is_no_entry(bot):
    entries = hours_of(bot, SECRETARY)
    said = bot.send(SECRETARY, "还有哪些人时长没够20个钟头的 全部列出来")
    assert hours_of(bot, SECRETARY) == entries and "未达标" in said.text


def test_picking_the_hours_reading_of_points_by_number_and_word_logs_them(bot):
    bot.send(CADRE, "今天4个点")
    said = bot.send(CADRE, "1 时长")
    assert [(day, hours) for day, hours, _ in hours_of(bot)] == [(date(2026, 11, 26), 4.0)]
    assert "服务 4 小时" in said.text


def test_a_spoken_gripe_about_meetings_is_a_report_not_hours(bot):
    reports_before = count(bot, Report)
    said = bot.send(GRID_WORKER, "然后那个我吐槽一下就是社区那个晨会明明说十分钟然后每次都开四十多分钟我们网格员的活都耽误了")
    assert hours_of(bot, GRID_WORKER) == [] and count(bot, Report) == reports_before + 1
    assert "形式主义" in said.text


def test_a_grid_worker_asking_for_the_ledger_is_told_it_is_for_leaders(bot):
    said = bot.send(GRID_WORKER, "我能看一下整改台账吗")
    assert "只对领导和管理员开放" in said.text


def test_asking_if_it_is_a_person_after_a_courtesy_gets_who_it_is(bot):
    said = bot.send(CADRE, "请问你是真人还是机器人")
    assert "小助手" in said.text and "条文" not in said.text


# --- the tuning part's remaining report misses: said late, politely, by pinyin, or asking for someone to act --


@pytest.mark.parametrize("text,anonymous", [
    ("路口那个红绿灯坏了三天了没人修 我就想曝光一下 看看有没有人管", False),
    ("幸福家园广场那边有人占道摆摊 堵得车都过不去 麻烦让城管来处理下", False),
    ("@网格助手 找人管管吧 幸福路菜市场门口污水横流好几天了 臭得不行😷", False),
    ("意见：小区门口菜市场占道经营 早上车根本过不去", False),
    ("sui手拍 小区北门井盖丢了 很危险 我先拿锥桶围起来了", False),
    ("niming反映 有领导让社区重复报表格 一个数据报了四五遍", True),
    ("能不能帮我保密 我想举报社区主任的亲戚占了两套安置房", True),
    ("不想让人知道是我说的 物业收费从来不公示 能帮忙反映不", True),
    ("帮我匿名反映下 有个领导让网格员替他签到", True),
    ("我想反映个事 但是能不能不显示我名字 网格里有个商铺占道经营 老板是社区主任亲戚 说了也没人管", True),
])
def test_reports_said_in_more_everyday_ways_are_filed(bot, text, anonymous):
    reports_before, confirmations = count(bot, Report), count(bot, LessonConfirmation)
    said = bot.send(GRID_WORKER, text)
    assert count(bot, Report) == reports_before + 1 and "已收到您的反映" in said.text
    assert newest_report(bot).anonymous is anonymous
    assert count(bot, LessonConfirmation) == confirmations


# --- round 22: first-time users, notices and typos ---------------------------------------------------


def test_asking_whether_ones_name_is_passed_on_files_nothing(bot):
    reports_before = count(bot, Report)
    said = bot.send(None, "反映问题会不会把我名字告诉他们", sender="visitor-9")
    assert count(bot, Report) == reports_before and "匿名反映" in said.text


@pytest.mark.parametrize("text", [
    "坐公交从街道到安居社区坐了一个多钟头 这车太慢了",
    "通知 明天上午九点半在街道三楼开作风建设推进会 会议时长1小时 各网格员准时参加 收到请回复",
    "#7 进展 上门看了 跟业主沟通了一个小时 约好周五前整改",
])
def test_a_journey_a_notice_or_a_ticket_step_is_no_hours_entry(bot, text):
    said = bot.send(GRID_WORKER, text)
    assert "您是想登记服务时长" not in said.text and "还没到" not in said.text
    assert [e for e in hours_of(bot, GRID_WORKER) if e[0] == date(2026, 11, 26)] == []


@pytest.mark.parametrize("text,anonymous", [
    ("不要让他们知道是我说的 低保评议根本没公示就定了 我要投诉", True),
    ("能不能帮我把这个反映上去 排了俩钟头队 窗口说系统坏了让明天再来", False),
    ("投述 办低保的工作人员让我跑了五趟还没办下来", False),
])
def test_a_residents_report_with_a_typo_or_asked_politely_is_filed(bot, text, anonymous):
    reports_before = count(bot, Report)
    said = bot.send(None, text, sender="visitor-9")
    assert count(bot, Report) == reports_before + 1 and "已收到您的反映" in said.text
    assert newest_report(bot).anonymous is anonymous


def test_asking_whether_an_app_is_needed_gets_the_help(bot):
    said = bot.send(GRID_WORKER, "要下载app不 还是就在微信里发字就行")
    assert "帮不上" not in said.text and "帮助" in said.text


# --- round 23: catching up at the end of the month ---------------------------------------------------


@pytest.mark.parametrize("text,day,hours", [
    ("国庆节当天在安置点值守6个钟头 补登一下", date(2026, 10, 1), 6.0),
    ("十月十五 文明创建 两个半小时 补录", date(2026, 10, 15), 2.5),
    ("十一月七号礼拜六 安居社区环境整治 干了四个钟头", date(2026, 11, 7), 4.0),
    ("1号那个礼拜天也去了 疫苗接种点引导群众 5小时", date(2026, 11, 1), 5.0),
    ("10月最后一天去搬迁户家帮扶两小时 上个月的应该还能补吧 补上", date(2026, 10, 31), 2.0),
    ("上周三中午11点半到下午2点帮扶困难户 算服务时长", date(2026, 11, 18), 2.5),
    # round 28: a day told in pieces, or corrected on the way
    ("昨儿早上八点半到十二点 后晌两点到四点 都在网格里做信息采集", date(2026, 11, 25), 5.5),
    ("昨天在网格排查燃气隐患 从九点一直整到十一点半 中午吃完饭又干了一个钟头", date(2026, 11, 25), 3.5),
    ("前晌值班三个钟头 后晌又入户走访了一个钟头 都是昨天的", date(2026, 11, 25), 4.0),
    ("昨天巡逻了一个半小时 路上来回坐车四十分钟不算", date(2026, 11, 25), 1.5),
    ("昨天去网格里宣传反诈APP 弄了一个小时五十分 不对 是一小时四十五", date(2026, 11, 25), 1.75),
    ("周一入户走访 开始想着是三个小时 后来一算是两小时四十五分 按两小时四十五分记", date(2026, 11, 23), 2.75),
    ("昨天 哦不对 是前天 下沉网格防火宣传俩钟头", date(2026, 11, 24), 2.0),
    ("俺昨儿个夜里被叫去调解两口子打架 从十点半算到十二点半 两个钟头", date(2026, 11, 25), 2.0),
    ("11月9号给搬迁户讲医保缴费咋弄 一小时四十五分", date(2026, 11, 9), 1.75),
])
def test_entries_with_their_days_and_amounts_said_every_way_are_logged_as_meant(bot, text, day, hours):
    said = bot.send(GRID_WORKER, text)
    assert [(d, h) for d, h, _ in hours_of(bot, GRID_WORKER)] == [(day, hours)] and "✅ 已登记" in said.text


@pytest.mark.parametrize("text", ["11.3跟11.5两天各入户俩钟头 一块登了", "补一下：上礼拜四3小时 上礼拜五2个半 都是下沉走访"])
def test_two_days_in_one_message_are_sent_apart_not_merged(bot, text):
    entries = hours_of(bot)
    said = bot.send(CADRE, text)
    assert hours_of(bot) == entries and "一条只能登记一天" in said.text


def test_logging_a_colleagues_hours_said_first_is_refused(bot):
    said = bot.send(CADRE, "帮小刘登一下 他昨天入户俩小时 他手机没电了")
    assert hours_of(bot) == [] and "本人登记" in said.text


def test_a_progress_update_in_words_is_the_tickets_progress_not_its_view(bot):
    said = bot.send(GRID_WORKER, "#21 更新下进度 跟物业谈了俩小时 同意这周修电梯")
    assert "办理经过" not in said.text and all(day != date(2026, 11, 26) for day, _, _ in hours_of(bot, GRID_WORKER))


@pytest.mark.parametrize("who,text,shown", [
    (SECRETARY, "月底了 拖后腿的是谁 报个名单给我", "未达标"),  # the leaders' summary
    (GRID_WORKER, "第五课再推我一遍 上回没看完", "第5课"),  # a lesson again, by number
    (ADMIN, "⏰定时任务", "定时任务（共"),  # an emoji in front of a command word is decoration
])
def test_a_command_said_in_passing_or_decorated_is_understood(bot, who, text, shown):
    said = bot.send(who, text)
    assert shown in said.text


# --- round 24: polite wrappers and emoji around the command ----------------------------------------


def test_a_thank_you_after_the_request_does_not_hide_it(bot):
    said = bot.send(GRID_WORKER, "您好，我想再做几道练习题，麻烦出题，谢谢。")
    assert "【练习题】" in said.text
    asked = bot.send(GRID_WORKER, "您好，请问随手拍可以不留名字吗？谢谢。")
    assert "【随手拍】" in asked.text and "条文" not in asked.text
    thanks = bot.send(GRID_WORKER, "谢谢")
    assert "不客气" in thanks.text


def test_a_formal_lesson_confirmation_is_understood(bot):
    said = bot.send(GRID_WORKER, "您好，今天的微课我已认真学习，特此确认。")
    assert "没看懂" not in said.text and "【今日微课】" not in said.text


# --- round 26: what looks like hours and is not, and what is ----------------------------------------


@pytest.mark.parametrize("text", ["登记一下 周一下午入户走访困难群众两个小时", "登记下 礼拜一下午入户走访困难群众两个小时"])
def test_the_xia_of_a_verb_before_a_weekday_is_no_next_week(bot, text):
    said = bot.send(SECRETARY, text)
    assert "还没到" not in said.text and "✅ 已登记" in said.text
    assert hours_of(bot, SECRETARY)[-1] == (date(2026, 11, 23), 2.0, "下午入户走访困难群众")


def test_a_numbered_sorting_point_is_a_place_not_a_ticket(bot):
    said = bot.send(CADRE, "晚上垃圾分类督导 1.5个小时 在3号点位")
    assert "#3" not in said.text and "✅ 已登记" in said.text
    assert hours_of(bot) == [(date(2026, 11, 26), 1.5, "晚上垃圾分类督导 在3号点位")]


def test_someone_elses_promise_for_tomorrow_is_not_a_plan_to_log(bot):
    said = bot.send(GRID_WORKER, "等那个施工队等了两小时 还说明天再来 气死了")
    assert "还没到" not in said.text and "已登记" not in said.text
    assert [e for e in hours_of(bot, GRID_WORKER) if e[0] >= date(2026, 11, 26)] == []


def test_noise_told_without_a_report_word_is_offered_as_a_report(bot):
    reports_before = count(bot, Report)
    said = bot.send(GRID_WORKER, "楼下广场舞天天放到十点 吵得人睡不着")
    assert "随手拍" in said.text and "没看懂" not in said.text
    assert count(bot, Report) == reports_before


def test_nothing_done_all_day_is_no_question_for_the_rules(bot):
    said = bot.send(CADRE, "等领导签字等了一个半钟头 今天啥也没干成")
    assert "条文" not in said.text and hours_of(bot) == []


@pytest.mark.parametrize("text,cited", [
    ("下雨天开公车捎孩子去学校 反正顺路 没事吧", "公务用车"),
    ("出差坐卧铺还是坐高铁", "差旅费"),
    ("公车撞了电动车 司机要怎么做", "公务用车"),
])
def test_a_work_question_naming_weather_or_a_train_is_still_a_rules_question(bot, text, cited):
    said = bot.send(CADRE, text)
    assert "帮不上" not in said.text and cited in said.text


def test_an_associations_board_seat_is_a_side_job(bot):
    said = bot.send(CADRE, "有个协会想让我挂个理事 每月给点补贴 中不中")
    assert "1 《示范街道干部廉洁自律和礼品礼金管理规定（示例）》第八条" in said.text
    picked = bot.send(CADRE, "1")
    assert "第八条" in picked.text and "不得领取兼职报酬" in picked.text


def test_smoking_in_the_office_is_not_answered_by_the_rule_on_cigarettes_at_meals(bot):
    said = bot.send(CADRE, "办公室里能抽烟不")
    assert "依据《示范街道公务接待管理办法（示例）》第六条" not in said.text


@pytest.mark.parametrize("text", [
    "安置区那几个垃圾桶满得冒尖了 味儿老大",
    "小区门口那个大坑啥时候填啊 都半个月了",
    "5号楼有户人家天天半夜唱K 吵得睡不着？？",
])
def test_a_problem_put_as_a_question_is_offered_as_a_report_not_called_off_topic(bot, text):
    reports_before = count(bot, Report)
    said = bot.send(GRID_WORKER, text)
    assert "帮不上" not in said.text and "随手拍" in said.text and count(bot, Report) == reports_before
    filed = bot.send(GRID_WORKER, "1")
    assert "已收到您的反映" in filed.text and count(bot, Report) == reports_before + 1


@pytest.mark.parametrize("text,first", [
    # asked what happens, the penalty comes before the rule broken
    ("要是谁收了红包被查出来了 一般给个啥处理", "《示范街道干部廉洁自律和礼品礼金管理规定（示例）》第十条"),
    ("两家邻居为占车位吵翻了 这事先归谁管 网格员能直接甩手不管不", "《示范街道网格员和下沉干部工作职责（示例）》一、（三）：矛盾调解"),
])
def test_an_everyday_paraphrase_offers_the_answering_article_first(bot, text, first):
    said = bot.send(CADRE, text)
    assert f"1 {first}" in said.text


def test_three_posts_visited_are_no_three_hours_offered(bot):
    said = bot.send(CADRE, "跑了3个点位做反诈宣传")
    assert "3小时" not in said.text and "几个小时" in said.text and hours_of(bot) == []


def test_asking_whether_it_counts_as_a_fault_is_a_rules_question_not_off_topic(bot):
    said = bot.send(CADRE, "老有人嫌我说话冲 办个事让人家来回跑好几趟 这算毛病不")
    assert "帮不上" not in said.text and "纪工委" in said.text


# --- round 28: the border between storing and asking ------------------------------------------------


def test_a_stretch_from_morning_to_night_is_refused_by_the_limit_not_asked_about(bot):
    said = bot.send(GRID_WORKER, "昨天森林防火值守从早上六点一直守到夜里十点")
    assert "一次最多登记12小时" in said.text and "16小时" in said.text and hours_of(bot, GRID_WORKER) == []


@pytest.mark.parametrize("text", ["帮刘姐把她昨天巡逻的3小时登记上 她手机没电了", "小王今天替我在卡口值守了4个小时"])
def test_service_someone_else_did_is_not_logged_for_the_sender(bot, text):
    said = bot.send(CADRE, text)
    assert hours_of(bot) == [] and "本人登记" in said.text


def test_residents_who_came_to_complain_are_people_served_not_a_report(bot):
    reports_before = count(bot, Report)
    said = bot.send(GRID_WORKER, "今天接待了6个来反映问题的群众 都调解完了")
    assert count(bot, Report) == reports_before and "几个小时" in said.text


@pytest.mark.parametrize("answer,hours", [("二", 2.0), ("两个", 2.0), ("俩", 2.0)])
def test_the_hours_asked_for_may_be_answered_in_words(bot, answer, hours):
    bot.send(CADRE, "今天入户走访了")
    said = bot.send(CADRE, answer)
    assert [h for _, h, _ in hours_of(bot)] == [hours] and "✅ 已登记" in said.text


def test_a_vague_answer_to_how_long_is_asked_again(bot):
    bot.send(CADRE, "今儿入户走访了")
    again = bot.send(CADRE, "一上午吧")
    assert "几个小时" in again.text and hours_of(bot) == []
    said = bot.send(CADRE, "3")
    assert [h for _, h, _ in hours_of(bot)] == [3.0] and "✅ 已登记" in said.text


@pytest.mark.parametrize("no", ["2", "不是"])
def test_a_no_to_the_only_option_is_said_back_and_nothing_stored(bot, no):
    bot.send(CADRE, "今天巡了3个点")
    said = bot.send(CADRE, no)
    assert "那就不登记服务时长" in said.text and "没看懂" not in said.text and hours_of(bot) == []


def test_a_number_beyond_the_options_keeps_the_question_open(bot):
    asked = bot.send(CADRE, "小区垃圾堆了3天没人清 我今天帮着清了2小时")
    assert "\n1 " in asked.text and "\n2 " in asked.text and "\n5 " not in asked.text
    said = bot.send(CADRE, "5")
    assert "没有第5项" in said.text
    picked = bot.send(CADRE, "1")
    assert "没有第" not in picked.text and "没看懂" not in picked.text


def test_a_corrected_amount_after_one_over_the_limit_logs_the_service(bot):
    refused = bot.send(CADRE, "服务 25小时")
    assert "一次最多登记12小时" in refused.text and hours_of(bot) == []
    said = bot.send(CADRE, "不对 是两个半钟头")
    assert [h for _, h, _ in hours_of(bot)] == [2.5] and "✅ 已登记" in said.text


def test_asking_what_this_account_is_tells_its_name(bot):
    assert "网格作风助手" in bot.send(CADRE, "这个号是干嘛用的").text
    said = bot.send(None, "你好 这是街道的号吗", sender="visitor-28")
    assert "网格作风助手" in said.text and "花名册" in said.text


def test_a_lesson_confirmed_with_the_word_weike_first_is_confirmed(bot):
    before = count(bot, LessonConfirmation)
    bot.send(CADRE, "今日微课")
    said = bot.send(CADRE, "微课学好了")
    assert count(bot, LessonConfirmation) == before + 1 and "【今日微课】" not in said.text


def test_who_sees_an_anonymous_report_is_a_question_for_the_help(bot):
    said = bot.send(GRID_WORKER, "匿名反映的话领导能看到是谁不")
    assert "【随手拍】" in said.text and "条文" not in said.text


@pytest.mark.parametrize("text,cited", [
    ("倒车没看好把公车屁股剐了 是我自己的问题 修车钱谁出啊", "《示范街道公务用车使用管理规定（示例）》第八条"),
    ("过年老乡拎了两箱橘子搁我办公室门口了 这会儿退也找不着人了 要交上去不", "《示范街道干部廉洁自律和礼品礼金管理规定（示例）》第三条"),
    ("我儿下个月结婚 辖区开超市那个老板说要来随个份子喝喜酒 能叫他来不", "《示范街道干部廉洁自律和礼品礼金管理规定（示例）》第五条"),
])
def test_everyday_words_for_a_dent_fruit_or_a_wedding_find_their_article_first(bot, text, cited):
    said = bot.send(CADRE, text)
    assert cited in said.text and said.text.index(cited) == said.text.index("《")


def test_where_to_download_a_form_is_not_answered_by_the_rule_that_names_it(bot):
    said = bot.send(CADRE, "办公用品需求计划表的模版在哪下载")
    assert "依据" not in said.text


# --- round 29 and rules round 15: a week of traffic; pay, leave and fair questions ------------------


def test_overtime_on_duty_is_service_not_office_work(bot):
    said = bot.send(GRID_WORKER, "上周六加班值守 6小时")
    assert [(d, h) for d, h, _ in hours_of(bot, GRID_WORKER)] == [(date(2026, 11, 21), 6.0)] and "✅ 已登记" in said.text


def test_a_trip_with_sightseeing_on_the_way_is_a_rules_question(bot):
    said = bot.send(SECRETARY, "出差顺道去景区转一圈 门票自己掏")
    assert "帮不上" not in said.text and "《示范街道差旅费管理规定（示例）》第五条" in said.text


@pytest.mark.parametrize("text", ["春节值班三天 有没有值班补助", "网格员有没有五险一金"])
def test_asking_whether_a_payment_exists_is_not_answered_by_a_rule_that_never_names_it(bot, text):
    said = bot.send(CADRE, text)
    assert "依据" not in said.text and "纪工委" in said.text


def test_asking_whether_a_repeated_form_is_fair_reaches_the_rules(bot):
    said = bot.send(CADRE, "上个月刚交的搬迁户台帐 这个月又叫重新填一遍报上去 这合理不")
    assert "帮不上" not in said.text


def test_everyday_words_for_a_bath_house_find_the_reception_rule(bot):
    said = bot.send(CADRE, "兄弟街道来交流 中午吃完工作餐 主任说下午带他们去泡个澡按个脚放松放松 中不中")
    assert "《示范街道公务接待管理办法（示例）》第九条" in said.text


# --- round 30 and rules round 16: what must be asked, and asking leave for what no rule covers -------


@pytest.mark.parametrize("text", ["王建国昨天入户走访了4个小时"])
def test_service_told_of_someone_else_on_the_roster_is_not_logged_for_the_sender(bot, text):
    said = bot.send(CADRE, text)
    assert hours_of(bot) == [] and "本人登记" in said.text


@pytest.mark.parametrize("text", ["我们网格组仨人今天一共巡逻了6个小时", "社区全体今天创文大扫除 总共40个小时"])
def test_a_groups_total_asks_for_the_senders_share(bot, text):
    said = bot.send(GRID_WORKER, text)
    assert hours_of(bot, GRID_WORKER) == [] and "您本人服务了几个小时" in said.text


def test_writing_a_report_in_the_office_is_asked_about_not_logged(bot):
    said = bot.send(CADRE, "在办公室写下沉服务总结 2个小时")
    assert hours_of(bot) == [] and "✅ 已登记" not in said.text


def test_a_range_of_amounts_is_vague_and_asked_about(bot):
    said = bot.send(CADRE, "巡逻了一个半到两个小时吧")
    assert hours_of(bot) == [] and "几个小时" in said.text


def test_a_vague_amount_settled_by_the_one_to_log_is_logged(bot):
    said = bot.send(GRID_WORKER, "前天晚上防火巡逻一个钟头多一点 记1小时吧")
    assert [(d, h) for d, h, _ in hours_of(bot, GRID_WORKER)] == [(date(2026, 11, 24), 1.0)] and "✅ 已登记" in said.text


def test_smoking_in_the_official_car_is_not_answered_by_the_rule_on_drivers(bot):
    said = bot.send(CADRE, "公车里能抽烟不 司机自己也抽")
    assert "依据" not in said.text


@pytest.mark.parametrize("text", ["接待完能送每人一盒本地茶叶吗", "外县来交流的同行走的时候 我们想每人送一袋咱这的小米 算违规不"])
def test_giving_guests_something_to_take_home_finds_the_rule_against_gifts(bot, text):
    said = bot.send(CADRE, text)
    cited = "《示范街道公务接待管理办法（示例）》第九条"
    assert cited in said.text and said.text.index(cited) == said.text.index("《")


# --- round 31: a problem and the time spent on it -------------------------------------------------


@pytest.mark.parametrize("text", [
    "小区东侧下水井返水 周日我守到半夜 大概四个钟头",
    "小区那条流浪狗又咬人了😡 我上午追了它一个钟头也没逮着",
])
def test_a_problem_told_with_the_time_spent_on_it_is_asked_about(bot, text):
    reports_before = count(bot, Report)
    said = bot.send(CADRE, text)
    assert "您是想" in said.text and hours_of(bot) == [] and count(bot, Report) == reports_before


def test_a_report_that_asks_whether_the_time_counts_is_not_filed_at_once(bot):
    reports_before = count(bot, Report)
    said = bot.send(CADRE, "想反映下12栋后面垃圾没人清 我今天自己清了两个钟头 这个能算时长不")
    assert "已收到您的反映" not in said.text and count(bot, Report) == reports_before and hours_of(bot) == []


def test_nobody_giving_way_is_no_question_of_who_nor_the_leaders_summary(bot):
    said = bot.send(CADRE, "昨天处理13栋漏水纠纷 两家谁也不让 弄了3小时还没结果")
    assert "时长统计只对领导" not in said.text and "条文" not in said.text


def test_keeping_order_in_a_queue_quarrel_is_service(bot):
    said = bot.send(GRID_WORKER, "今天上午值班 处理窗口群众排队纠纷 俩小时")
    assert [h for _, h, _ in hours_of(bot, GRID_WORKER)] == [2.0] and "✅ 已登记" in said.text


@pytest.mark.parametrize("text,day,hours", [("今天 3.5", date(2026, 11, 26), 3.5), ("昨天 两个半", date(2026, 11, 25), 2.5)])
def test_a_bare_amount_after_a_day_word_is_asked_about_and_the_choice_logs_it(bot, text, day, hours):
    asked = bot.send(CADRE, text)
    assert "您是想登记服务时长" in asked.text and hours_of(bot) == []
    bot.send(CADRE, "1")
    assert [(d, h) for d, h, _ in hours_of(bot)] == [(day, hours)]


# --- round 32: time that is not (yet) the sender's own ------------------------------------------------


def test_a_leader_logging_hours_for_someone_on_the_roster_is_told_each_logs_their_own(bot):
    before = hours_of(bot, SECRETARY), hours_of(bot, CADRE)
    said = bot.send(SECRETARY, f"给{CADRE}记6个小时 他这周在安居社区下沉的")
    assert "本人登记" in said.text and (hours_of(bot, SECRETARY), hours_of(bot, CADRE)) == before


@pytest.mark.parametrize("text", ["今晚8点到10点网格巡逻", "下午三点到六点去入户 先记上省得忘了"])
def test_a_stretch_of_the_clock_still_to_come_today_is_not_logged_ahead(bot, text):
    said = bot.send(CADRE, text)  # the test clock says 10:00
    assert "做完再发" in said.text and hours_of(bot) == []


def test_a_stretch_of_the_clock_already_over_today_is_logged(bot):
    bot.send(CADRE, "上午8点到9点半巡逻")
    assert [(d, h) for d, h, _ in hours_of(bot)] == [(date(2026, 11, 26), 1.5)]


@pytest.mark.parametrize("text", ["周一周二各值了3小时班", "这周一共下沉了9个小时 一起登了吧"])
def test_hours_of_several_days_in_one_message_are_sent_back_to_be_split(bot, text):
    said = bot.send(GRID_WORKER, text)
    assert "按天分开发" in said.text and hours_of(bot, GRID_WORKER) == []


@pytest.mark.parametrize("text", ["俺们组今儿个值守了整整８个钟头 轮班的", "社区今天组织了3小时的大扫除"])
def test_a_groups_or_an_events_hours_ask_for_the_senders_own(bot, text):
    said = bot.send(GRID_WORKER, text)
    assert "已登记" not in said.text and hours_of(bot, GRID_WORKER) == []


@pytest.mark.parametrize("text,hours,note", [
    ("上午巡逻2个钟 下午入户1个半钟 今天一共三个半", 3.5, "上午巡逻 下午入户"),
    ("上午巡逻2小时 下午入户3小时 一共5小时", 5.0, "上午巡逻 下午入户"),
    ("昨天入户2小时 后面开会那1小时就不算了", 2.0, "入户"),
    ("调解纠纷2个小时，来回路上半小时不算", 2.0, "调解纠纷"),
])
def test_parts_of_a_day_a_total_and_a_stretch_left_out(bot, text, hours, note):
    said = bot.send(GRID_WORKER, text)
    assert [(h, n) for _, h, n in hours_of(bot, GRID_WORKER)] == [(hours, note)] and "✅ 已登记" in said.text


def test_two_amounts_with_or_between_them_are_asked_for(bot):
    said = bot.send(GRID_WORKER, "入户 两个小时或者两个半 记不清了")
    assert "具体是几个小时" in said.text and hours_of(bot, GRID_WORKER) == []


# --- round 33: a week of ordinary traffic --------------------------------------------------------------


@pytest.mark.parametrize("text", ["你这咋这么笨 说啥都听不懂", "这玩意儿真难用", "你怎么这么笨"])
def test_cross_words_about_the_bot_get_an_apology_and_how_to_say_it(bot, text):
    said = bot.send(CADRE, text)
    assert said.text.startswith("抱歉") and "帮助" in said.text and "这个我帮不上" not in said.text


def test_a_problem_told_in_a_few_words_is_offered_as_a_report(bot):
    reports_before = count(bot, Report)
    said = bot.send(GRID_WORKER, "幸福小区门口停车乱得很")
    assert "提交随手拍" in said.text and count(bot, Report) == reports_before


def test_what_to_do_about_a_problem_one_spent_time_on_is_asked_not_sent_to_the_committee(bot):
    said = bot.send(CADRE, "5栋那个下水道又堵了 我后晌带人通了俩钟头 咋整")
    assert "纪工委" not in said.text and "您是想" in said.text and hours_of(bot) == []


@pytest.mark.parametrize("text", ["40分钟的也能登吗 还是得满一个小时", "一天登两次咋弄 上午俩小时下午仨小时那种"])
def test_how_to_log_questions_get_the_hours_help(bot, text):
    said = bot.send(CADRE, text)
    assert "【服务时长】" in said.text and hours_of(bot) == []


def test_the_answer_said_twice_with_a_particle_is_one_answer(bot):
    bot.send(GRID_WORKER, "答题")
    answers = count(bot, QuizAnswer)
    said = bot.send(GRID_WORKER, "B吧 应该是B")
    assert said.text.startswith(("✅ 回答正确", "❌")) and count(bot, QuizAnswer) == answers + 1


@pytest.mark.parametrize("text", ["开会算不算时长", "培训那3个小时能不能算进时长里 能算就帮我记上", "路上的时间算服务时长不"])
def test_whether_desk_work_or_the_way_there_counts_is_answered_by_the_hours_not_a_rule(bot, text):
    said = bot.send(CADRE, text)
    assert "一般不算" in said.text and "依据" not in said.text and hours_of(bot) == []


def test_whether_an_unknown_kind_of_work_counts_says_whom_to_ask_and_how_to_log(bot):
    said = bot.send(CADRE, "帮老人代缴医保算不算服务时长")
    assert "请问社区或街道管理员" in said.text and "服务 2小时" in said.text and "纪工委" not in said.text


def test_an_entry_with_its_own_day_after_a_vague_one_is_logged_as_said_not_as_the_answer(bot):
    asked = bot.send(GRID_WORKER, "今天帮居民修水管弄了半天")
    assert "具体是几个小时" in asked.text and hours_of(bot, GRID_WORKER) == []
    said = bot.send(GRID_WORKER, "昨天下午值班2点到5点半")
    assert "✅ 已登记" in said.text and "昨天" in said.text
    assert hours_of(bot, GRID_WORKER) == [(date(2026, 11, 25), 3.5, "下午值班")]
    # A bare amount now could answer the old question or correct the new entry: asked, not guessed.
    said = bot.send(GRID_WORKER, "3小时")
    assert "回复「1」" in said.text and hours_of(bot, GRID_WORKER) == [(date(2026, 11, 25), 3.5, "下午值班")]


def test_time_on_the_way_counted_in_asks_for_the_service_alone(bot):
    said = bot.send(GRID_WORKER, "来回路上加入户 一共三个半钟头")
    assert "具体是几个小时" in said.text and hours_of(bot, GRID_WORKER) == []


# --- round 34: the border between storing and asking --------------------------------------------------


@pytest.mark.parametrize("text", ["今天争取再下沉2个钟头 把这个月的补上", "下周我带班子成员每人下沉4小时"])
def test_hours_hoped_for_or_set_for_next_week_are_not_logged(bot, text):
    before = hours_of(bot, SECRETARY)
    said = bot.send(SECRETARY, text)
    assert "做完再发" in said.text and hours_of(bot, SECRETARY) == before


def test_logging_for_an_old_colleague_by_nickname_is_refused(bot):
    before = hours_of(bot, GRID_WORKER)
    said = bot.send(GRID_WORKER, "帮老周登记下 他昨天巡逻2小时")
    assert "本人登记" in said.text and hours_of(bot, GRID_WORKER) == before


def test_a_relative_correction_asks_what_the_entry_should_be(bot):
    bot.send(GRID_WORKER, "今天走访3小时")
    said = bot.send(GRID_WORKER, "不对 少了半个钟")
    assert "改成多少" in said.text and [h for d, h, _ in hours_of(bot, GRID_WORKER) if d == date(2026, 11, 26)] == [3.0]


def test_changing_two_entries_at_once_is_explained(bot):
    bot.send(GRID_WORKER, "前天入户2小时")
    bot.send(GRID_WORKER, "今天走访3小时")
    said = bot.send(GRID_WORKER, "两条都改成2.5")
    assert "一次只能改最近一条" in said.text
    assert sorted(h for d, h, _ in hours_of(bot, GRID_WORKER) if d >= date(2026, 11, 24)) == [2.0, 3.0]


@pytest.mark.parametrize("answer,day", [("两个半吧", date(2026, 11, 26)), ("两个半 就昨天的", date(2026, 11, 25))])
def test_the_amount_asked_for_may_come_with_a_particle_or_the_day(bot, answer, day):
    bot.send(CADRE, "今天上午入户走访了")
    bot.send(CADRE, answer)
    assert [(d, h) for d, h, _ in hours_of(bot) if d >= date(2026, 11, 25)] == [(day, 2.5)]


def test_a_bare_amount_with_the_day_after_it_is_asked_about(bot):
    said = bot.send(CADRE, "1个半 昨天的")
    assert "登记服务时长（11月25日 1.5小时）" in said.text and hours_of(bot) == []


def test_persuading_a_household_without_an_amount_asks_how_long(bot):
    said = bot.send(CADRE, "今天第三次去老马家做工作了")
    assert "没看懂" not in said.text and "已登记" not in said.text


# --- round 35: a duration in what is not one's own service ---------------------------------------------


@pytest.mark.parametrize("text", ["昨天入户的时候停电了俩钟头 走访只能打手电", "入户的时候有个大爷非拉着我唠了一个钟头家常 走都走不了😂",
                                  "坐公交去网格路上就40分钟 堵死了"])
def test_how_long_something_else_lasted_is_not_logged(bot, text):
    before = hours_of(bot, GRID_WORKER)
    said = bot.send(GRID_WORKER, text)
    assert "已登记" not in said.text and "没看懂" not in said.text and hours_of(bot, GRID_WORKER) == before


def test_a_promise_to_be_there_is_not_logged_for_the_weekday_just_past(bot):
    said = bot.send(CADRE, "好的王书记 周六上午8点到11点创文 准时到")
    assert "做完再发" in said.text and hours_of(bot) == []


def test_whether_a_patrol_counts_offers_the_entry_without_storing_it(bot):
    said = bot.send(CADRE, "巡逻1个钟头也算下沉服务不")
    assert "可以登记" in said.text and hours_of(bot) == []
    bot.send(CADRE, "1")
    assert [(d, h) for d, h, _ in hours_of(bot)] == [(date(2026, 11, 26), 1.0)]


@pytest.mark.parametrize("text", ["俩钟头登上没", "为啥我上周五登的那一个半小时没了", "我昨天明明登的3个小时 咋查出来是2小时"])
def test_asking_whether_an_entry_is_there_shows_ones_records(bot, text):
    said = bot.send(GRID_WORKER, text)
    assert said.text.startswith(f"{GRID_WORKER}，11月累计") and "纪工委" not in said.text


def test_short_by_an_amount_after_a_refused_entry_stores_nothing(bot):
    bot.send(GRID_WORKER, "服务 25小时")
    before = hours_of(bot, GRID_WORKER)
    said = bot.send(GRID_WORKER, "不对 少了半个钟")
    assert "已登记" not in said.text and hours_of(bot, GRID_WORKER) == before


# --- rounds 36 and 37: numbers that are not hours, and an ordinary day's traffic -----------------------


def test_an_events_length_asks_for_the_senders_own_hours_and_the_answer_logs_them(bot):
    said = bot.send(CADRE, "今天反诈宣传活动一共搞了4个钟头 我中途才到的")
    assert "4个钟头" in said.text and "您本人做了几个小时" in said.text and hours_of(bot) == []
    bot.send(CADRE, "2小时")
    assert [(d, h) for d, h, _ in hours_of(bot)] == [(date(2026, 11, 26), 2.0)]


@pytest.mark.parametrize("text", ["昨天帮扶孤寡老人 等救护车等了40分钟 陪到医院才回", "开车20公里去村里搞宣传 光路上就40分钟",
                                  "今天入户走访8户 每户20分钟"])
def test_a_wait_a_ride_or_a_time_per_household_beside_service_asks_for_the_service_itself(bot, text):
    before = hours_of(bot, GRID_WORKER)
    said = bot.send(GRID_WORKER, text)
    assert "看着不是您本人服务的时长" in said.text and "登记服务时长（" not in said.text
    assert hours_of(bot, GRID_WORKER) == before


@pytest.mark.parametrize("text, day, amount", [
    ("今天入户登记人口信息 2号楼一共36户 登了28户 还剩8户没人在家 用时3.5小时", date(2026, 11, 26), 3.5),
    ("前天帮扶困难户老刘家 他家4口人 低保每月1800 我帮着填表2小时15分", date(2026, 11, 24), 2.25),
    ("上周六帮7号楼3单元601的老太太搬家具 她电话138 0571 5621 服物了1个小时", date(2026, 11, 21), 1.0),
    ("今天入户走访70岁以上空巢老人8户 平均每户20分钟 总共用了3个小时", date(2026, 11, 26), 3.0),
    ("上上周五带队入户 一共走访21户 我用了3个半小时", date(2026, 11, 13), 3.5),
])
def test_house_numbers_counts_money_and_phone_numbers_beside_an_entry_do_not_hold_it_up(bot, text, day, amount):
    said = bot.send(CADRE, text)
    assert "✅ 已登记" in said.text
    assert [(d, h) for d, h, _ in hours_of(bot)] == [(day, amount)]


def test_a_greeting_with_a_date_and_a_cheer_is_small_talk(bot):
    said = bot.send(GRID_WORKER, "早上好 11月26号 又是元气满满的一天💪")
    assert said.text.startswith(f"{GRID_WORKER}您好") and "登记服务时长" not in said.text


def test_a_sigh_about_a_long_meeting_gets_sympathy_and_stores_nothing(bot):
    said = bot.send(CADRE, "今天开会开了一下午 腰都坐断了😩")
    assert said.text.startswith("辛苦了") and "不算服务时长" in said.text and hours_of(bot) == []


def test_how_many_reports_one_sent_this_month_lists_them(bot):
    number = ticket_of(bot.send(GRID_WORKER, "随手拍 3栋门口的路灯坏了一个礼拜了"))
    said = bot.send(GRID_WORKER, "我这个月反映了几个来着 都给我列出来")
    assert said.text.startswith("您的反映") and f"#{number}" in said.text


def test_a_ticket_number_in_chinese_numerals_is_looked_up(bot):
    number = ticket_of(bot.send(CADRE, "随手拍 5号楼楼道灯坏了"))
    said = bot.send(CADRE, f"查询 {cn2an.an2cn(number)}号")
    assert said.text.startswith(f"#{number}｜") and "5号楼楼道灯坏了" in said.text


def test_a_quiz_answer_with_its_reason_is_scored(bot):
    bot.send(GRID_WORKER, "答题")
    answers = count(bot, QuizAnswer)
    said = bot.send(GRID_WORKER, "应该是B 超过500元要报告")
    assert said.text.startswith(("✅ 回答正确", "❌")) and count(bot, QuizAnswer) == answers + 1


def test_whether_a_room_was_booked_is_not_a_rules_question(bot):
    said = bot.send(ADMIN, "下午4点开会的会议室订了没")
    assert said.text.startswith("这个我帮不上") and "纪工委" not in said.text


# --- round 38: long voice input that tells a story and asks at the end --------------------------------


def test_asking_after_ones_reports_at_the_end_of_a_story_files_nothing(bot):
    number = ticket_of(bot.send(GRID_WORKER, "随手拍 3栋门口井盖松了"))
    reports = count(bot, Report)
    said = bot.send(GRID_WORKER, "就是那个我前两天反映的那几个事路灯啊井盖啊到底有人管没有居民天天问我然后查一下我的反映")
    assert said.text.startswith("您的反映") and f"#{number}" in said.text and count(bot, Report) == reports


def test_a_rating_said_after_the_story_of_checking_the_work(bot):
    number = ticket_of(bot.send(CADRE, "随手拍 楼道墙皮掉了一大块"))
    bot.send(GRID_WORKER, f"受理 #{number}")
    bot.send(GRID_WORKER, f"办结 #{number} 墙皮已修补")
    bot.send(CADRE, f"查询 #{number}")
    said = bot.send(CADRE, "嗯看了我也去现场瞅了墙皮是补好了就是补得有点糙颜色也不一样不过居民说能用就行凑合吧满意")
    assert said.text.startswith("谢谢您的评价") and f"#{number}" in said.text
    with bot.app.sessions() as session:
        assert session.get(Report, number).rating == "satisfied"


@pytest.mark.parametrize("text", ["昨天入户那个我刚才报的是两小时不对不对我回头看了下手机记录其实是两个半钟头帮我改一下"])
def test_a_correction_told_at_length_changes_the_entry_to_the_amount_after_the_cue(bot, text):
    bot.send(CADRE, "昨天下午入户走访两小时")
    said = bot.send(CADRE, text)
    assert "2 → 2.5" in said.text and [h for _, h, _ in hours_of(bot)] == [2.5]


def test_an_undo_asked_for_at_the_end_of_a_story_removes_the_entry(bot):
    bot.send(CADRE, "今天上午值守3小时")
    said = bot.send(CADRE, "嗯那个早上那条登记的是我手滑了提前登上了结果根本没去成因为下雨活动取消了帮我撤掉吧")
    assert said.text.startswith("已撤销") and hours_of(bot) == []


@pytest.mark.parametrize("text, day, amount", [
    ("昨天晚上网格巡逻七点出发九点半回来的中间还帮一个走丢的老头找着家了他闺女都急哭了", date(2026, 11, 25), 2.5),
    ("今天早上出门那个公交等了四十分钟才来急死我了然后到社区做了1.5h的创文宣传就是发发单子讲一讲帮我登记", date(2026, 11, 26), 1.5),
    ("昨儿晚上巡逻把整个网格走了一圈一个半钟头路上碰到王大妈拉着我聊了二十分钟她家猫丢了", date(2026, 11, 25), 1.5),
    ("上上周五我在社区值班那天是四个钟当时系统登不上然后后来就忘了今天翻本子想起来了补上", date(2026, 11, 13), 4.0),
])
def test_a_long_spoken_entry_is_logged_whatever_else_it_tells(bot, text, day, amount):
    said = bot.send(GRID_WORKER, text)
    assert "✅ 已登记" in said.text
    assert [(d, h) for d, h, _ in hours_of(bot, GRID_WORKER)][-1] == (day, amount)


def test_a_day_before_october_named_with_its_festival_is_refused_not_asked_about(bot):
    said = bot.send(CADRE, "嗯9月25号中秋慰问那天我入户给困难户送月饼送了4个小时之前一直忘了登然后给我补上吧")
    assert "只能登记10月1日以后的服务" in said.text and hours_of(bot) == []


@pytest.mark.parametrize("who, text, reply", [
    (ADMIN, "大家反映晚上十点推送太晚了影响休息有的都睡了又被吵醒把那个晚上的定时任务先暂停了", "暂停定时任务"),
    (ADMIN, "王书记要看板我这边收藏的那个链接也打不开了不知道是不是过期了你重新发一下看板地址", "看板登录链接"),
    (SECRETARY, "上午带队去三个社区转了一圈问题还是不少楼道堆物飞线充电都有嗯刚回来了给我看看台账", "整改台账"),
    (CADRE, "那个刚才王书记打电话让我看一下大家的时长统计嗯就是全街道的你给我出一个全部的我好整理了给他汇报", "时长统计只对领导和管理员开放"),
    (GRID_WORKER, "闲着也是闲着等车的功夫来道题做做", "【练习题】"),
    (GRID_WORKER, "听说今天的微课讲的是矛盾调解我正好最近网格里老碰上吵架的不知道咋劝嗯你发我看看呗", "微课"),
])
def test_what_is_asked_at_the_end_of_a_long_message_is_done(bot, who, text, reply):
    said = bot.send(who, text)
    assert reply in said.text and "没看懂" not in said.text and "您是想" not in said.text


def test_telling_the_bot_just_to_get_it_off_ones_chest_is_small_talk(bot):
    before = hours_of(bot, GRID_WORKER)
    said = bot.send(GRID_WORKER, "今天真是累死了跑了一天腿从东头跑到西头回家孩子还发烧了哎就是跟你说说发发牢骚没啥事")
    assert said.text.startswith("辛苦了") and hours_of(bot, GRID_WORKER) == before


# --- round 40: conversations over two or three turns --------------------------------------------------


def test_anonymity_asked_in_the_reply_that_picks_the_report_is_kept(bot):
    asked = bot.send(GRID_WORKER, "3号楼下水道堵了")
    assert "随手拍" in asked.text and count(bot, Report) is not None
    said = bot.send(GRID_WORKER, "匿名反映吧 别写我名")
    assert "已收到您的反映" in said.text
    report = newest_report(bot)
    assert report.anonymous and "下水道" in report.text


def test_a_day_asked_for_is_answered_by_the_day_alone(bot):
    said = bot.send(GRID_WORKER, "前几天巡逻了2小时")
    assert "是哪一天的服务" in said.text
    before = hours_of(bot, GRID_WORKER)
    assert not before or before[-1][0] != date(2026, 11, 26)
    done = bot.send(GRID_WORKER, "11月23号")
    assert "✅ 已登记" in done.text and hours_of(bot, GRID_WORKER)[-1][:2] == (date(2026, 11, 23), 2.0)


@pytest.mark.parametrize("first, correction, expected", [
    ("昨天巡逻2小时", "写错 是11.23", (date(2026, 11, 23), 2.0)),
    ("今天值守5小时", "不好意思多打了一个小时", (date(2026, 11, 26), 4.0)),
])
def test_a_correction_said_loosely_changes_what_it_says(bot, first, correction, expected):
    bot.send(CADRE, first)
    said = bot.send(CADRE, correction)
    assert "已更正" in said.text and [(d, h) for d, h, _ in hours_of(bot)] == [expected]


def test_the_amount_asked_for_may_come_with_how_to_count_it(bot):
    bot.send(GRID_WORKER, "昨儿后晌去帮扶了好几个钟头")
    before = len(hours_of(bot, GRID_WORKER))
    said = bot.send(GRID_WORKER, "就算3个半吧")
    assert "✅ 已登记" in said.text
    assert len(hours_of(bot, GRID_WORKER)) == before + 1 and hours_of(bot, GRID_WORKER)[-1][:2] == (date(2026, 11, 25), 3.5)


def test_a_day_said_in_the_reply_that_picks_the_hours_is_the_day_logged(bot):
    bot.send(CADRE, "90分钟")
    said = bot.send(CADRE, "登记时长的 昨天入户")
    assert "✅ 已登记" in said.text and [(d, h) for d, h, _ in hours_of(bot)] == [(date(2026, 11, 25), 1.5)]


def test_a_rating_with_an_emoji_after_looking_at_the_closed_ticket(bot):
    number = ticket_of(bot.send(CADRE, "随手拍 楼道灯坏了一个月了"))
    bot.send(GRID_WORKER, f"受理 #{number}")
    bot.send(GRID_WORKER, f"办结 #{number} 已换灯泡")
    bot.send(CADRE, f"查询 #{number}")
    said = bot.send(CADRE, "根本没解决 不满意😤")
    assert said.text.startswith(f"收到，#{number} 已退回重办")  # 不满意 sends it back (回炉)
    with bot.app.sessions() as session:
        assert session.get(Report, number).reopen_count == 1


def test_a_quiz_letter_with_its_place_said_beside_it(bot):
    bot.send(GRID_WORKER, "答题")
    answers = count(bot, QuizAnswer)
    said = bot.send(GRID_WORKER, "额 我猜是第二个 B")
    assert said.text.startswith(("✅ 回答正确", "❌", "这是")) and "没看懂" not in said.text
    assert count(bot, QuizAnswer) in (answers, answers + 1)


# --- hours told in pieces and by the clock (round 41) ------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("上午下沉社区俩钟头下午又一个半 都是昨天的", (date(2026, 11, 25), 3.5)),
    ("昨天入户帮扶 上午十点到十一点 下午一点到两点", (date(2026, 11, 25), 2.0)),
    ("入户两小时十五分 加上电话回访四十五分", (date(2026, 11, 26), 3.0)),
    ("周六 八点到十点 十点半到十二点 都在弄创文", (date(2026, 11, 21), 3.5)),
    ("周一晚上值班 七点到十点 中间吃饭半小时不算", (date(2026, 11, 23), 2.5)),
    ("前天下午宣传垃圾分类 两点到三点 三点半到五点 中间那半小时没干", (date(2026, 11, 24), 2.5)),
    ("今儿个早上六点半出去巡逻 一直干到九点", (date(2026, 11, 26), 2.5)),
    ("昨晚值班到十一点 七点半开始的", (date(2026, 11, 25), 3.5)),
    ("今早巡河 六点到七点 七点半到八点", (date(2026, 11, 26), 1.5)),
    ("周二下沉社区 九点到十一点 十一点以后吃饭去了 没算", (date(2026, 11, 24), 2.0)),
])
def test_hours_told_in_pieces_are_added_up_and_a_break_taken_off(bot, text, expected):
    said = bot.send(CADRE, text)
    assert "✅ 已登记" in said.text and [(d, h) for d, h, _ in hours_of(bot)] == [expected]


@pytest.mark.parametrize("text", [
    "从八点到十二点入户 中间歇了一阵",  # how long was the break?
    "今天巡逻了一个多钟头 一点多到两点半吧",  # neither is exact
    "我和老刘一块巡逻的 一共四个钟头 他干得多点",  # shared with someone
    "我们网格今天一共巡了八个钟头 四个人",
    "這禮拜一到三 每天值班2小時",  # several days
    "走访 上午俩小时 下午俩小时 下午那个是周一的",
    "周五防火宣传 预计上午9点到11点 提前报备一下",  # still to come
    "网格巡查 今天上午转了3圈 一圈40分钟",  # a time per round
    "老刘跟我说他今天走访了五个钟头 这数能直接填不",  # someone else's
    "昨天晚上调解两口子吵架搞了俩小时 这个能记不",  # asked whether it may be: offered, not stored
    "帮扶第三户的时候发现他家煤气管老化了 待了一个小时",  # a problem found too: asked which
    "今天早上八点开始值守 一直到现在还没完事呢",  # still going on
    "昨天值班 七点开始 几点完的忘了",  # the end forgotten: asked
    "帮李娜登一下 她今天入户两个半钟头",  # someone else's, asked to be logged
])
def test_pieces_that_leave_the_amount_in_doubt_store_nothing(bot, text):
    said = bot.send(CADRE, text)
    assert "✅ 已登记" not in said.text and hours_of(bot) == []
    assert len(said.text) <= 500


@pytest.mark.parametrize("first, correction, hours", [
    ("今天上午巡逻八点到十点", "哦不对 是到十点半", 2.5),
    ("昨天下午走访两点到四点", "开始时间记错了 是一点半开始的", 2.5),
    ("昨天上午值守九点到十一点", "不对不对 我九点半才到的", 1.5),
    ("巡逻 一点到两点", "结束是两点四十五 刚才看错表了", 1.75),
    ("昨天防火巡查13:00-15:00", "15点不对 到15点半", 2.5),
    ("昨天走访 九点到十一点", "开始其实是八点半 结束没错", 2.5),
])
def test_a_new_start_or_end_time_corrects_the_stretch_just_logged(bot, first, correction, hours):
    bot.send(CADRE, first)
    said = bot.send(CADRE, correction)
    assert "已更正" in said.text and f"→ {hours:g} 小时" in said.text
    assert [h for _, h, _ in hours_of(bot)] == [hours]


def test_a_vague_new_end_time_asks_and_changes_nothing(bot):
    bot.send(CADRE, "昨天走访两点到四点半")
    said = bot.send(CADRE, "不对 结束不是四点半 好像是五点多")
    assert "写准" in said.text and [h for _, h, _ in hours_of(bot)] == [2.5]


def test_an_end_time_corrected_in_the_same_message(bot):
    said = bot.send(CADRE, "昨天巡逻 10:00到11:00 哦不对是到11点半")
    assert "✅ 已登记" in said.text and [h for _, h, _ in hours_of(bot)] == [1.5]


def test_someone_elses_hour_is_not_added_to_ones_entry(bot):
    bot.send(CADRE, "今天入户两个小时")
    said = bot.send(CADRE, "刚才那条再加上小张的一个钟")
    assert "别人的时长" in said.text and [h for _, h, _ in hours_of(bot)] == [2.0]


def test_a_quarter_left_out_is_added_but_a_late_day_is_an_entry_of_its_own(bot):
    bot.send(CADRE, "今儿巡逻俩钟头")
    assert "已更正" in bot.send(CADRE, "漏报了一刻钟 帮我补上").text
    assert [h for _, h, _ in hours_of(bot)] == [2.25]
    said = bot.send(CADRE, "10月30号巡逻2小时 上个月漏登了 还能补不")
    assert "已更正" not in said.text and [h for _, h, _ in hours_of(bot)] == [2.25]


def test_asking_whether_one_has_only_logged_so_much_is_ones_total(bot):
    said = bot.send(CADRE, "我这月到现在是不是才登了8个钟头")
    assert said.text.startswith(f"{CADRE}，11月累计") and hours_of(bot) == []


def test_a_leader_asking_about_a_units_people_gets_the_summary(bot):
    said = bot.send(SECRETARY, "安居社区那几个人时长够没够 帮我看看")
    assert said.text.startswith("11月服务时长")


# --- leaders' steps with numbers said loosely, and the rest of round 41-44 ----------------------


def test_a_ticket_passed_on_with_its_number_said_loosely_is_no_new_ticket(bot):
    number = ticket_of(bot.send(CADRE, "随手拍 步行街占道经营 堵得走不了人"))
    tickets = count(bot, Report)
    said = bot.send(SECRETARY, f"{number}号那个占道经营的 转给幸福社区")
    assert count(bot, Report) == tickets and "已收到您的反映" not in said.text
    assert "随手拍列表" not in bot.send(ADMIN, "随手拍列表拉一下 待受理的").text and count(bot, Report) == tickets


def test_a_rating_led_by_a_few_words_after_looking_at_the_closed_ticket(bot):
    number = ticket_of(bot.send(CADRE, "随手拍 楼道灯坏了一个月了"))
    bot.send(GRID_WORKER, f"受理 #{number}")
    bot.send(GRID_WORKER, f"办结 #{number} 已换灯泡")
    bot.send(CADRE, f"查询 #{number}")
    said = bot.send(CADRE, "这个处理我不满意啊 等了十几天 来了就糊弄一下")
    assert said.text.startswith(f"收到，#{number} 已退回重办")


def test_letters_with_a_remark_after_them_are_the_answer(bot):
    bot.send(GRID_WORKER, "答题")
    answers = count(bot, QuizAnswer)
    said = bot.send(GRID_WORKER, "选AC 第二个我拿不准")
    # read as the letters AC: scored, or told the question takes one letter (nothing stored then)
    assert said.text.startswith(("✅", "❌", "这是单选题"))
    assert count(bot, QuizAnswer) == answers + (0 if said.text.startswith("这是单选题") else 1)


def test_just_studied_with_a_remark_confirms_the_lesson_shown(bot):
    bot.send(GRID_WORKER, "今日微课")
    before = count(bot, LessonConfirmation)
    said = bot.send(GRID_WORKER, "刚学完 防电诈那课挺有用")
    assert "没看懂" not in said.text and count(bot, LessonConfirmation) == before + 1


def test_not_yet_studied_confirms_nothing(bot):
    bot.send(GRID_WORKER, "今日微课")
    before = count(bot, LessonConfirmation)
    bot.send(GRID_WORKER, "今天微课还没学完 晚上再看")
    assert count(bot, LessonConfirmation) == before


def test_signing_off_for_now_gets_a_short_friendly_line(bot):
    answers = count(bot, QuizAnswer)
    said = bot.send(GRID_WORKER, "等会儿再答哈 B区有人吵起来了我先过去看看")
    assert said.text.startswith("好的，您先忙") and count(bot, QuizAnswer) == answers


@pytest.mark.parametrize("who, text, says", [
    (SECRETARY, "台帐发一下 下午督查要用", "整改台账："),
    (SECRETARY, "那个看板网址再发一遍 上次的找不着了", "看板登录链接"),
    (ADMIN, "第二十课有多少人学了", "作风微课学习情况"),
])
def test_leaders_requests_in_a_hurry(bot, who, text, says):
    assert says in bot.send(who, text).text


# --- residents' reports and handlers' steps (rounds 45-46) ------------------------------------


@pytest.mark.parametrize("text", [
    "[图片][图片] 随手拍 人行道上井盖缺了一块 晚上黑根本看不见 老人小孩走这很危险",
    "喂 那个我就是想反应一下我们这个五号楼电梯又坏了已经第三回了这个月 我妈八十多了每天爬七楼受不了 能不能帮忙催一下物业",
    "@社区小助手 帮我报一个 1网格菜市场门口共享单车堆成山 把盲道全堵了",
    "您好，打扰了。想通过这个渠道反映一下：我们小区（锦绣花园）二期的路灯从上周开始就不亮了，晚上出门很不方便，麻烦相关部门看一下，谢谢！",
    "我要投素 楼上天天往下扔垃圾 昨天差点砸到我孙子 拍了照 看图",
])
def test_a_report_said_with_a_photo_a_greeting_or_a_typo_is_filed_at_once(bot, text):
    tickets = count(bot, Report)
    said = bot.send(CADRE, text)
    assert "已收到您的反映" in said.text and count(bot, Report) == tickets + 1
    assert "[图片]" not in newest_report(bot).text


@pytest.mark.parametrize("text", ["我要匿命投诉 某某烧烤店占道经营 桌子摆到马路中间了",
                                  "举报！！！ 3号楼有人私拉电线给电动车充电 从五楼吊下来的 我不敢实名 怕被报复",
                                  "保密哈 别让人知道是我反映的 我们单位宿舍楼的消防栓里面是空的 水带都没有"])
def test_a_wish_not_to_be_named_however_typed_keeps_the_report_anonymous(bot, text):
    tickets = count(bot, Report)
    said = bot.send(CADRE, text)
    if count(bot, Report) == tickets:
        assert "匿名提交随手拍吗" in said.text  # asked first; never filed under the name
    else:
        assert newest_report(bot).anonymous and "已收到" in said.text


@pytest.mark.parametrize("text", ["你好 我前天那个投诉 编号是 ２３ 处理了没有啊", "反映完了一般多久有人处理啊"])
def test_asking_after_a_report_files_no_new_one(bot, text):
    tickets = count(bot, Report)
    said = bot.send(CADRE, text)
    assert "已收到您的反映" not in said.text and count(bot, Report) == tickets


def test_a_handlers_note_and_close_with_the_number_said_loosely(bot):
    number = ticket_of(bot.send(CADRE, "随手拍 3栋楼道灯坏了一个月了"))
    bot.send(GRID_WORKER, f"受理 #{number}")
    said = bot.send(GRID_WORKER, f"{cn2an.an2cn(number)}号那个 物业说配件要等两天 先这样跟居民说一下")
    assert "进展" in said.text
    said = bot.send(GRID_WORKER, f"#{number} 车挪走了 结案")
    assert "办结" in said.text
    with bot.app.sessions() as session:
        assert session.get(Report, number).status == "closed"


def test_a_problem_offered_as_a_report_is_filed_by_the_choice_with_a_word(bot):
    said = bot.send(CADRE, "楼道里电动车充电 飞线拉了好几根")
    assert "回复「1」" in said.text
    tickets = count(bot, Report)
    assert "已收到您的反映" in bot.send(CADRE, "选1 要反映的").text and count(bot, Report) == tickets + 1


def test_hours_not_today_ask_the_day_and_the_day_completes_them(bot):
    said = bot.send(CADRE, "巡逻了两个钟头 不是今天的")
    assert "是哪一天" in said.text and hours_of(bot) == []
    assert "✅ 已登记" in bot.send(CADRE, "周一的").text
    assert [(d, h) for d, h, _ in hours_of(bot)] == [(date(2026, 11, 23), 2.0)]


def test_a_stretch_that_ends_now_is_counted_to_now(bot):
    said = bot.send(GRID_WORKER, "早上七点半开始网格巡查 干到现在才歇口气")
    assert "✅ 已登记" in said.text and hours_of(bot, GRID_WORKER)[-1][:2] == (date(2026, 11, 26), 2.5)


def test_a_half_day_off_is_a_work_question_not_off_topic(bot):
    said = bot.send(CADRE, "周五下午想请半天假 找谁批")
    assert "帮不上" not in said.text and "纪工委" in said.text


# --- a question about logging beside the entry, and sighs about problems (rounds 47-48) ---------


@pytest.mark.parametrize("text, hours", [
    ("昨天上午9点到11点半在服务站值班 是不是这样登的", 2.5),
    ("防火宣传1.5小时 记上 这月还差多少😂", 1.5),
    ("昨天的入户走访２个半小时 这样登对不对啊？？", 2.5),
    ("前天晚上也就是礼拜二晚上我参加了治安联防巡逻从七点半巡到十一点三个半小时你帮我登一下", 3.5),
    ("昨儿个晚上网格里有两户因为漏水吵起来了我过去调解了好半天 前前后后三个小时整 帮我记上哈", 3.0),
])
def test_an_entry_with_a_question_about_sending_it_is_logged(bot, text, hours):
    said = bot.send(CADRE, text)
    assert "✅ 已登记" in said.text and [h for _, h, _ in hours_of(bot)] == [hours]


@pytest.mark.parametrize("text, says", [
    ("昨儿个晚上跟着巡逻队转了一个半小时，这个能登吧？", "回复「1」"),  # whether it may be: offered
    ("大前天走访了90分钟 算1.5小时吧？", "回复「1」"),
    ("今天下午入户走访了三个多小时 这样能算吗", "具体是几个小时"),  # vague: asked
    ("帮扶了一上午 一上午能算几小时啊", "具体是几个小时"),
    ("昨天帮扶那2小时我登过没有啊 忘了", "11月累计"),  # a check of the entries
    ("3个小时 算吗", "登记服务时长"),  # an amount alone, asked about: offered among the readings
])
def test_a_question_about_logging_hours_is_answered_by_the_hours_not_the_rules(bot, text, says):
    said = bot.send(CADRE, text)
    assert says in said.text and "纪工委" not in said.text and hours_of(bot) == []


@pytest.mark.parametrize("text", ["咋又停水了 这个月第三回了", "谁又把电动车推楼道里充电了 真不怕着火",
                                  "东门那个路灯又不亮了 咋回事啊"])
def test_a_sigh_about_a_problem_offers_a_report_and_files_nothing(bot, text):
    tickets = count(bot, Report)
    said = bot.send(CADRE, text)
    assert "随手拍" in said.text and "纪工委" not in said.text and count(bot, Report) == tickets


def test_leaders_stats_said_with_the_word_for_a_report_files_nothing(bot):
    tickets = count(bot, Report)
    said = bot.send(SECRETARY, "本月随手拍受理、办结情况统计一下。")
    assert "已收到您的反映" not in said.text and count(bot, Report) == tickets


def test_a_verdict_given_after_the_story_rates_the_ticket(bot):
    number = ticket_of(bot.send(CADRE, "随手拍 4栋水管漏水 楼道全是水"))
    bot.send(GRID_WORKER, f"受理 #{number}")
    bot.send(GRID_WORKER, f"办结 #{number} 已换水管")
    said = bot.send(CADRE, f"{number}号那个单子我看了虽然最后是修好了但是拖了快一个月才弄我给个不满意吧")
    assert said.text.startswith(f"收到，#{number} 已退回重办")


def test_praise_gets_thanks_and_letters_decided_at_the_end_are_the_answer(bot):
    assert bot.send(GRID_WORKER, "这个小助手用着还挺顺手比以前那个填表省事多了辛苦开发的同志们了").text.startswith("谢谢")
    bot.send(GRID_WORKER, "答题")
    said = bot.send(GRID_WORKER, "这题我看了半天我觉得a和d都对吧b肯定不对那就选ad")
    assert said.text.startswith(("✅", "❌", "这是单选题"))


def test_a_run_of_days_after_the_share_was_asked_is_no_answer_to_it(bot):
    bot.send(CADRE, "我和老刘一块巡逻的 一共四个钟头")
    said = bot.send(CADRE, "這禮拜一到三 每天值班2小時")
    assert "一条只能登记一天" in said.text and hours_of(bot) == []


@pytest.mark.parametrize("text, hours, day", [
    ("昨儿个晚上巡罗一个半钟头，这么写能记上吗？", 1.5, date(2026, 11, 25)),  # how it is written, asked: logged
    ("周一调解邻里纠纷 9点到11点半 登记下 不知道调解算不算服务", 2.5, date(2026, 11, 23)),  # asked to log it, unsure it counts
    ("昨天 入户 2h 对了你们这个能看到我总共多少了不", 2.0, date(2026, 11, 25)),  # the total asked after the entry
    ("11/17 防诈宣传 一个钟 今天的还没弄完 晚点再登", 1.0, date(2026, 11, 17)),  # today's is for later
])
def test_an_entry_with_a_question_beside_it_is_logged_and_the_reply_shows_the_month(bot, text, hours, day):
    said = bot.send(CADRE, text)
    assert "✅ 已登记" in said.text and "11月累计" in said.text
    assert [(d, h) for d, h, _ in hours_of(bot)] == [(day, hours)]
    assert not any(word in hours_of(bot)[0][2] for word in ("登记下", "再登", "这么写", "总共"))


def test_a_weekend_said_of_the_saturday_just_named_is_that_day(bot):
    said = bot.send(CADRE, "周六值守了3小时 周末加班的也算时长吧")
    assert "11月21日" in said.text and "回复「1」" in said.text and "随手拍" not in said.text and hours_of(bot) == []


def test_two_or_three_hours_said_as_lia_sa_is_asked_not_guessed(bot):
    said = bot.send(CADRE, "昨天下沉服务俩仨小时吧")
    assert "具体是几个小时" in said.text and "吧" not in said.text.split("具体")[0] and hours_of(bot) == []


def test_a_reply_that_takes_one_reading_and_turns_down_the_other_picks_it(bot):
    tickets = count(bot, Report)
    offered = bot.send(CADRE, "小区垃圾堆了好几天 我今天帮着清了2小时")
    assert "回复数字" in offered.text
    said = bot.send(CADRE, "登时长就行 不用反映了 已经清完了")
    assert "✅ 已登记" in said.text and [h for _, h, _ in hours_of(bot)] == [2.0] and count(bot, Report) == tickets


def test_someone_elses_hours_by_name_are_the_leaders_to_see(bot):
    bot.send(GRID_WORKER, "今天入户走访3小时")
    refused = bot.send(CADRE, "帮我看看李娜这个月登了多少")
    assert "只对领导和管理员开放" in refused.text
    said = bot.send(SECRETARY, "李娜和张伟这个月时长各多少")
    lines = said.text.splitlines()
    assert any(line.startswith("李娜：3 小时") for line in lines) and any(line.startswith("张伟：0 小时") for line in lines)


def test_a_visit_told_with_a_vague_time_is_not_a_look_at_ones_total(bot):
    said = bot.send(CADRE, "独居的孙大爷家暖气不热 我去看了 陪他坐了一个多小时")
    assert "累计" not in said.text and "回复" in said.text and hours_of(bot) == []


def test_burning_rubbish_put_out_is_asked_about_not_ignored(bot):
    said = bot.send(GRID_WORKER, "花坛边上有人烧垃圾 我过去灭了")
    assert "随手拍" in said.text and not said.text.startswith("没看懂")


def test_a_report_asked_for_at_the_end_is_filed_and_a_question_about_names_is_help(bot):
    tickets = count(bot, Report)
    assert "已收到您的反映" in bot.send(CADRE, "路灯坏了好几天了 帮我随手拍报上去").text
    said = bot.send(GRID_WORKER, "随手拍能不写名不")
    assert "已收到您的反映" not in said.text and "匿名" in said.text and count(bot, Report) == tickets + 1


def test_logging_for_a_colleague_is_answered_as_how_the_bot_works(bot):
    said = bot.send(CADRE, "能帮别的同事登时长吗 他没绑定")
    assert "本人登记" in said.text and "纪工委" not in said.text


def test_two_letters_with_a_remark_on_the_kind_of_question_are_the_answer(bot):
    bot.send(GRID_WORKER, "答题")
    said = bot.send(GRID_WORKER, "A和D吧 应该是多选")
    assert said.text.startswith(("✅", "❌", "这是单选题"))


def test_all_after_the_short_summary_is_the_whole_list(bot):
    short = bot.send(SECRETARY, "时长统计")
    assert "全部名单请发" in short.text
    said = bot.send(SECRETARY, "全部")
    assert "服务时长" in said.text and len(said.text) > len(short.text)


def test_a_job_picked_by_its_place_in_the_list_just_shown(bot):
    bot.send(ADMIN, "定时任务")
    said = bot.send(ADMIN, "暂停第2个")
    assert said.text.startswith("已暂停定时任务")


@pytest.mark.parametrize("text", ["把待受理的反映都给我拉出来看看", "最近群众反映的问题清单发我下"])
def test_the_worklist_asked_for_in_other_words_files_nothing(bot, text):
    tickets = count(bot, Report)
    said = bot.send(SECRETARY, text)
    assert "已收到您的反映" not in said.text and not said.text.startswith("没看懂") and count(bot, Report) == tickets


@pytest.mark.parametrize("text", ["把问题台账发我 明早开会要用", "我想看下全街道的任务台账"])
def test_the_ledger_asked_for_by_another_name(bot, text):
    said = bot.send(SECRETARY, text)
    assert "整改台账" in said.text


@pytest.mark.parametrize("text, hours, day", [
    ("俺夜儿个后晌就是两点到四点那个在社区调解俩邻居吵架的事儿 中不中给俺记上", 2.0, date(2026, 11, 25)),  # 夜儿个 is yesterday
    ("琴日朝早嗯九点到十二点喺社区度做疫苗接种登记啊就系帮手咗三个钟 帮我记低", 3.0, date(2026, 11, 25)),  # Cantonese
    ("前日夜晚嗯七点至九点我喺网格入面巡咗两个钟然后琴日好忙唔记得报咗而家先醒起补返", 2.0, date(2026, 11, 24)),
    ("嗯今天就是早上巡逻半个钟头然后中午又巡了一个钟头下午又是一个半都是巡逻一共记上哈", 3.0, date(2026, 11, 26)),
    ("那个嗯昨天上午我就是九点到十点开了个会然后十点到十二点下沉到安居社区走访只记走访那段就行", 2.0, date(2026, 11, 25)),
    ("就是昨天从八点干到十一点嗯上午一直在入户登记中间歇了半个钟头那半个钟头不算啊你给我记上", 2.5, date(2026, 11, 25)),
])
def test_voice_input_run_ons_log_the_day_and_the_hours_they_tell(bot, text, hours, day):
    said = bot.send(CADRE, text)
    assert "✅ 已登记" in said.text and [(d, h) for d, h, _ in hours_of(bot)] == [(day, hours)]


def test_the_afternoon_said_before_fillers_puts_the_clock_in_the_afternoon(bot):
    bot.send(CADRE, "昨天后晌就是两点到四点在社区调解纠纷")
    said = bot.send(CADRE, "是到四点半")
    assert "2.5" in said.text and [h for _, h, _ in hours_of(bot)] == [2.5]


@pytest.mark.parametrize("text", ["那个俺们楼就是暖气到现在还不热乎家里冻得跟冰窖似的老人孩子都感冒了嗯帮俺反映反映咋整啊",
                                  "嗯那个早上我看见就是二号楼墙皮掉下来一块那么大一块差点砸着人你帮我随手拍报一下哈"])
def test_a_report_asked_for_at_the_end_of_a_run_on_is_filed(bot, text):
    assert "已收到您的反映" in bot.send(CADRE, text).text


def test_someone_who_tells_the_bot_nobody_complained_files_nothing(bot):
    tickets = count(bot, Report)
    said = bot.send(ADMIN, "那个嗯今天系统挺稳的就是一整天没报错然后大家用得也挺好没人来找我吐槽开心😊嗯嗯")
    assert "已收到您的反映" not in said.text and count(bot, Report) == tickets


@pytest.mark.parametrize("text", ["嗯就是然后我家闺女今天考试考了一百分哈哈哈高兴得很晚上给她做红烧肉就想跟你说一声😄",
                                  "哎呀今天好安逸哦太阳出来了嗯就是在院坝头晒了会儿太阳摆了会儿龙门阵莫得啥子事嘛"])
def test_chatting_with_nothing_asked_gets_a_friendly_word(bot, text):
    said = bot.send(GRID_WORKER, text)
    assert not said.text.startswith("没看懂") and "纪工委" not in said.text and "帮助" in said.text


def test_how_to_fix_a_wrong_entry_asked_at_length_is_help(bot):
    said = bot.send(GRID_WORKER, "我想问下那个就是时长要是登错了嗯比如说多打了一个钟头咋改啊我不会弄怕弄坏了教教我")
    assert "改成2小时" in said.text and "纪工委" not in said.text


def test_a_dress_question_with_a_day_in_it_is_no_entry(bot):
    said = bot.send(GRID_WORKER, "那个就是我想问一下嗯下沉的时候能不能穿运动鞋啊还是必须穿正装皮鞋走一天脚疼嗯")
    assert "几个小时" not in said.text and hours_of(bot, GRID_WORKER) == []


def test_a_long_message_asking_to_log_service_without_an_amount_asks_how_long(bot):
    said = bot.send(GRID_WORKER, "嗯那个就是刚从网格回来然后今天下午入户走访了主要是核对那个独居老人名单腿都走酸了记一下")
    assert "几个小时" in said.text and hours_of(bot, GRID_WORKER) == []


def test_the_lesson_just_shown_is_confirmed_at_the_end_of_a_remark(bot):
    bot.send(GRID_WORKER, "今日微课")
    confirmed = count(bot, LessonConfirmation)
    said = bot.send(GRID_WORKER, "嗯看完了那个就是讲得挺好然后那个案例挺实在跟我们网格遇到的差不多学到不少学完了哈")
    assert said.text.startswith("已记录") and count(bot, LessonConfirmation) == confirmed + 1


def test_a_practice_question_asked_for_while_waiting_and_an_answer_sure_of_itself(bot):
    assert "练习题" in bot.send(CADRE, "嗯等车呢公交老不来闲着也是闲着那个就是来道题练练脑子省得老了糊涂").text
    bot.send(GRID_WORKER, "答题")
    said = bot.send(GRID_WORKER, "这题俺会那个就是上回微课刚讲过俺还记在小本本上了嗯选B错不了")
    assert said.text.startswith(("✅", "❌"))


def test_service_told_for_later_is_asked_about_and_a_sigh_that_nobody_mends_it_offers_a_report(bot):
    assert "几个小时" in bot.send(GRID_WORKER, "今天去入户了 还没统计时间 先跟你说一声").text
    said = bot.send(GRID_WORKER, "嗯就是我们那个楼顶漏水漏到屋头来了拿盆盆接都接不赢床都打湿了好几天了莫得人来修嘛")
    assert "随手拍" in said.text and "纪工委" not in said.text


@pytest.mark.parametrize("who, text, says", [
    (SECRETARY, "时常统计", "服务时长（截至"),  # 时常 sounds like 时长
    (SECRETARY, "看版", "看板登录链接"),
    (SECRETARY, "反应统计", "随手拍响应"),  # not a report starting with 反应
    (GRID_WORKER, "我的反应", "您的反映"),
    (GRID_WORKER, "随手排怎么用", "【随手拍】"),
])
def test_a_command_word_typed_with_a_homophone_is_that_command(bot, who, text, says):
    tickets = count(bot, Report)
    assert says in bot.send(who, text).text and count(bot, Report) == tickets


def test_a_report_word_typed_with_a_homophone_files_the_report_and_everyday_homophones_are_left_alone(bot):
    assert "已收到您的反映" in bot.send(CADRE, "随手排 安居小区3号楼后面垃圾桶满出来了 臭死了").text
    assert "练习题" not in bot.send(CADRE, "联系一下物业把路灯修了").text  # 联系 is no 练习


def test_a_reply_naming_the_activity_picks_the_hours_and_a_dotted_number_after_the_day_is_no_date(bot):
    bot.send(CADRE, "3小时")
    said = bot.send(CADRE, "巡逻的 今天")
    assert "✅ 已登记" in said.text and [h for _, h, _ in hours_of(bot)] == [3.0]
    asked = bot.send(GRID_WORKER, "昨天 1.5")
    assert "一条只能登记一天" not in asked.text and "1月5日" not in asked.text and hours_of(bot, GRID_WORKER) == []


def test_an_admin_asking_for_the_commands_gets_help_and_todays_lesson_asked_for_again(bot):
    said = bot.send(ADMIN, "管理员能用哪些命令")
    assert "这个我帮不上" not in said.text and "帮助" in said.text
    assert "课" in bot.send(CADRE, "把今天那节课发我").text and not bot.send(CADRE, "把今天那节课发我").text.startswith("没看懂")


@pytest.mark.parametrize("text, hours", [
    ("昨天在拆违现场盯了3个钟头 腿都站麻了", 3.0),
    ("昨晚守着小区门口的卡口 守了两个半小时", 2.5),
    ("昨天陪同区里检查组走访了1.5小时", 1.5),
])
def test_keeping_watch_on_site_is_service_and_is_logged(bot, text, hours):
    said = bot.send(GRID_WORKER, text)
    assert "✅ 已登记" in said.text and [h for _, h, _ in hours_of(bot, GRID_WORKER)] == [hours]


def test_keeping_watch_with_a_vague_time_asks_for_the_hours(bot):
    said = bot.send(GRID_WORKER, "昨天一早协助发放慰问品 又去守着卡口")
    assert "几个小时" in said.text and hours_of(bot, GRID_WORKER) == []


def test_someone_elses_time_before_ones_own_is_set_aside(bot):
    said = bot.send(CADRE, "昨天老刘巡了仨钟头 俺跟着巡了后头两个钟 记我的就行")
    assert "✅ 已登记" in said.text and [h for _, h, _ in hours_of(bot)] == [2.0]
    assert "记我的" not in said.text
    asked = bot.send(GRID_WORKER, "昨天领导带队入户 领导待了一个钟头就走了 俺一直跟到天黑")
    assert "几个小时" in asked.text and hours_of(bot, GRID_WORKER) == []


def test_a_shift_cut_short_logs_what_was_served(bot):
    said = bot.send(CADRE, "昨天本来排了4小时值班 临时有事只值了一个半")
    assert "1.5 小时" in said.text and [h for _, h, _ in hours_of(bot)] == [1.5]


def test_visits_on_several_days_with_a_time_each_are_sent_apart(bot):
    for text in ("这周配合检查好几回 每回俩钟头", "敬老院那边这礼拜去了两回 一回一个多钟头"):
        assert "按天分开发" in bot.send(CADRE, text).text
    assert hours_of(bot) == []


def test_the_part_of_the_day_done_is_logged_beside_what_is_still_to_come(bot):
    said = bot.send(GRID_WORKER, "今天早上入户２小时，下午还得去值班，回来再说")
    assert "✅ 已登记" in said.text and [h for _, h, _ in hours_of(bot, GRID_WORKER)] == [2.0]


def test_an_entry_said_to_be_too_much_without_the_right_amount_asks_what_it_should_be(bot):
    bot.send(GRID_WORKER, "今天值班3小时")
    said = bot.send(GRID_WORKER, "多记了 帮俺改改")
    assert "改成多少" in said.text and "帮不上" not in said.text
    assert [h for _, h, _ in hours_of(bot, GRID_WORKER)] == [3.0]


@pytest.mark.parametrize("text", ["帮写个月度总结 就写本月下沉服务22小时 入户30户", "帮俺算算 一天8小时 一个月22天 一共多少小时"])
def test_a_text_to_write_or_a_sum_to_work_out_is_off_topic_and_stores_nothing(bot, text):
    said = bot.send(GRID_WORKER, text)
    assert said.text.startswith("这个我帮不上") and hours_of(bot, GRID_WORKER) == []


@pytest.mark.parametrize("text", ["算了 发错群了", "算了 不弄了", "当我没说"])
def test_calling_it_off_gets_a_friendly_nod(bot, text):
    assert bot.send(CADRE, text).text.startswith("👌")


def test_a_quiz_option_said_by_its_place_is_that_letter(bot):
    bot.send(GRID_WORKER, "答题")
    answers = count(bot, QuizAnswer)
    said = bot.send(GRID_WORKER, "第二个吧")
    assert said.text.startswith(("✅ 回答正确", "❌")) and count(bot, QuizAnswer) == answers + 1


def test_how_many_hours_a_month_one_must_serve_is_a_rules_question(bot):
    said = bot.send(CADRE, "下沉服务一个月得干够20小时不")
    assert said.text.startswith("依据") and "20小时" in said.text


def test_a_handler_takes_notes_and_closes_a_ticket_in_everyday_words(bot):
    number = ticket_of(bot.send(CADRE, "随手拍 3栋门口的井盖翘起来了 差点绊倒人"))
    assert "已受理" in bot.send(GRID_WORKER, f"#{number}这单俺来办").text
    assert "进展" in bot.send(GRID_WORKER, f"#{number} 材料已经报给街道城建科了 等回复").text
    said = bot.send(GRID_WORKER, f"{cn2an.an2cn(number)}号那个今天又去了一趟 跟物业谈了 前后弄了3个多小时")
    assert "进展" in said.text and hours_of(bot, GRID_WORKER) == []
    assert "办结" in bot.send(GRID_WORKER, f"{cn2an.an2cn(number)}号单子 搞定 井盖换了新的").text
    with bot.app.sessions() as session:
        assert session.get(Report, number).status == "closed"


def test_a_leader_moves_and_files_a_ticket_in_everyday_words(bot):
    number = ticket_of(bot.send(CADRE, "随手拍 安居小区北门垃圾桶满了三天了"))
    assert "已转至" in bot.send(SECRETARY, f"{number}号单子派给安居社区去跟").text
    assert "分类已改为：服务群众" in bot.send(SECRETARY, f"#{number} 分到服务群众那一类").text
    tickets = count(bot, Report)
    said = bot.send(SECRETARY, "把最近的反映都列出来看看")
    assert "已收到您的反映" not in said.text and count(bot, Report) == tickets


def test_a_sorting_kiosk_is_no_category_command(bot):
    said = bot.send(CADRE, "分类亭的桶又让人顺走了仨 这是第二回了")
    assert "分类 #12" not in said.text and "随手拍" in said.text


@pytest.mark.parametrize("text", ["小区门口那个下水道又冒了 咋整啊😭", "楼道里堆的那些纸箱子谁来清 消防检查肯定过不了"])
def test_a_problem_asked_about_is_offered_as_a_report_not_turned_away(bot, text):
    said = bot.send(GRID_WORKER, text)
    assert "帮不上" not in said.text and "随手拍" in said.text


def test_service_with_nothing_found_or_a_problem_already_reported_is_logged(bot):
    said = bot.send(CADRE, "昨儿个晚上8点到10点半 在幸福路巡逻 没发现啥问题")
    assert "✅ 已登记" in said.text and [h for _, h, _ in hours_of(bot)] == [2.5]
    tickets = count(bot, Report)
    said = bot.send(GRID_WORKER, "今天上午入户走访3个小时 发现两户燃气管老化 已经随手拍报上去了")
    assert "✅ 已登记" in said.text and count(bot, Report) == tickets


def test_a_leader_asking_who_has_not_met_the_target_gets_the_summary(bot):
    said = bot.send(SECRETARY, "帮我看看这个月到现在还有哪些同志下沉时长没达标的把名单拉出来我好在会上点一下")
    assert "服务时长（截至" in said.text


def test_a_clock_followed_by_the_hours_is_no_decimal_and_the_note_is_clean(bot):
    said = bot.send(CADRE, "昨天吃完饭就去老旧小区创文了捡烟头铲小广告从一点一直干到三点两个小时麻烦登记一下")
    assert [h for _, h, _ in hours_of(bot)] == [2.0]
    assert "麻烦" not in said.text and "小广告从" not in said.text


def test_a_rating_led_by_a_regional_yes_or_no_rates_the_ticket(bot):
    number = ticket_of(bot.send(CADRE, "随手拍 2栋楼道灯坏了"))
    bot.send(GRID_WORKER, f"受理 #{number}")
    bot.send(GRID_WORKER, f"办结 #{number} 灯换好了")
    bot.send(CADRE, f"查询 #{number}")
    said = bot.send(CADRE, "不中 不满意 拖了半个月才弄")
    assert "退回重办" in said.text and "随手拍吗" not in said.text


def test_a_long_question_whether_a_report_can_be_anonymous_gets_the_help_on_reports(bot):
    tickets = count(bot, Report)
    said = bot.send(CADRE, "我想问一下这个随手拍能不能匿名啊就是我不想让被反映的人知道是我")
    assert "匿名反映" in said.text and "规定知识库" not in said.text and count(bot, Report) == tickets


@pytest.mark.parametrize("text, letters", [
    ("嗯……应该是B吧 不太确定", "B"),
    ("第一个吧我看着像", "A"),
    ("我觉得D说的是对的 别的几个都不对", "D"),
    ("B还是D纠结死了。。算了就D吧", "D"),
    ("A肯定不对 B也不像 那就只能是C了", "C"),
    ("蒙一个 b😂", "B"),
])
def test_a_quiz_answer_thought_aloud_is_scored(bot, text, letters):
    bot.send(GRID_WORKER, "答题")
    answers = count(bot, QuizAnswer)
    said = bot.send(GRID_WORKER, text)
    assert said.text.startswith(("✅", "❌")) and count(bot, QuizAnswer) == answers + 1
    with bot.app.sessions() as session:
        assert session.scalars(select(QuizAnswer).order_by(QuizAnswer.id.desc())).first().choice == letters


@pytest.mark.parametrize("text", ["再整一题 刚才那个答错了不服气", "我也答个题试试水平", "有没有题刷几道 闲着也是闲着"])
def test_another_practice_question_asked_for_in_everyday_words(bot, text):
    assert "练习题" in bot.send(CADRE, text).text


def test_an_admin_controls_jobs_named_by_a_word_of_their_name(bot):
    assert "定时任务（共" in bot.send(ADMIN, "现在都有哪些定时任务").text
    said = bot.send(ADMIN, "推微课的先暂停")
    assert "请写上任务编号" in said.text and "作风微课堂" in said.text  # three jobs push lessons: which one?
    assert bot.send(ADMIN, "每日一题那个暂停").text.startswith("已暂停定时任务")


def test_a_binding_code_called_a_verification_code_is_tried(bot):
    said = bot.send(None, "我是新来的网格员 验证码 660813", sender="visitor-7")
    assert "绑定码" in said.text and "花名册" not in said.text


@pytest.mark.parametrize("text", ["早上推的那个课在哪看", "今天那课讲啥了 我错过了", "学习一下今天的内容", "今天要学的发我",
                                  "今天学习的那个课是什么课", "今天要学啥", "那个课今天还推吗"])
def test_todays_lesson_asked_for_in_everyday_words_is_shown(bot, text):
    said = bot.send(GRID_WORKER, text)
    assert "课" in said.text and "帮不上" not in said.text and "规定" not in said.text and not said.text.startswith("没看懂")


def test_a_day_of_learning_told_in_passing_is_not_the_lesson(bot):
    assert "最近一课" not in bot.send(GRID_WORKER, "今天学的东西挺多 开了一上午会").text


def test_a_text_to_write_right_after_an_amount_was_refused_is_no_answer_to_it(bot):
    assert "一次最多登记12小时" in bot.send(GRID_WORKER, "服务 15小时 昨天通宵").text
    said = bot.send(GRID_WORKER, "帮写个月度总结 就写本月下沉服务22小时")
    assert said.text.startswith("这个我帮不上") and hours_of(bot, GRID_WORKER) == []
    assert "✅ 已登记" in bot.send(GRID_WORKER, "那就记10小时").text


# --- rounds 61–63 (written blind) ---------------------------------------------------------------


def test_the_amount_said_twice_to_be_sure_is_logged_once(bot):
    said = bot.send(CADRE, "那个我今天上午就是去那个三网格入户走访了嗯主要是看那几户独居老人家里暖气啥的嗯两个小时对两个小时帮我登一下谢谢")
    assert [h for _, h, _ in hours_of(bot)] == [2.0] and "✅ 已登记" in said.text


@pytest.mark.parametrize("text, kept_out", [
    ("这玩意儿我登个时长鼓捣了半小时都没弄明白", "已登记"),  # time lost on the bot: help, not service
    ("帮王姐登一下 她昨天巡逻2小时", "已登记"),  # a colleague's hours
    ("俺对象昨儿在他们单位值了12个钟头班 累坏了", "登记服务时长"),  # a relative's own job
    ("下沉入户能穿拖鞋去不 天热", "几个小时"),  # a question about the work, no amount to ask for
])
def test_time_that_is_not_the_senders_service_is_not_logged(bot, text, kept_out):
    said = bot.send(CADRE, text)
    assert hours_of(bot) == [] and kept_out not in said.text


def test_the_help_on_hours_answers_someone_stuck_with_the_bot(bot):
    assert "【服务时长】" in bot.send(CADRE, "这玩意儿我登个时长鼓捣了半小时都没弄明白").text
    assert "【服务时长】" in bot.send(CADRE, "怎么登记时长").text  # how to log, not what counts


def test_a_problem_back_today_after_a_day_of_work_on_it_is_asked_about_not_split_by_day(bot):
    tickets = count(bot, Report)
    said = bot.send(CADRE, "4号楼那个化粪池又冒了 一楼门口全是脏水一股味 住户都绕着走 昨天俺跟物业的老李一块掏了俩钟头 今天又冒出来了 咋弄啊")
    assert "一条只能登记一天" not in said.text and "随手拍" in said.text
    assert hours_of(bot) == [] and count(bot, Report) == tickets


@pytest.mark.parametrize("text", ["下沉服务一个月最少得多少个钟头啊", "时长不够20小时会影响绩效不", "20个钟头是下沉干部的还是俺们网格员也要"])
def test_a_question_about_the_twenty_hours_is_answered_by_the_rule(bot, text):
    said = bot.send(GRID_WORKER, text)
    assert said.text.startswith("依据") and "20小时" in said.text and "累计" not in said.text
    assert hours_of(bot, GRID_WORKER) == []


def test_a_leader_asking_a_colleagues_hours_by_nickname_gets_the_summary(bot):
    assert "服务时长（截至" in bot.send(SECRETARY, "小张这个月下沉多少小时了").text


def test_a_yes_with_what_was_done_after_a_bare_amount_logs_it(bot):
    bot.send(CADRE, "90分钟")
    said = bot.send(CADRE, "就是登时长 今天下午巡逻的")
    assert [h for _, h, _ in hours_of(bot)] == [1.5] and "✅ 已登记" in said.text


def test_a_mistyped_duty_word_still_asks_for_the_exact_hours(bot):
    said = bot.send(GRID_WORKER, "周一值瘦 两三个钟")
    assert "几个小时" in said.text and hours_of(bot, GRID_WORKER) == []


@pytest.mark.parametrize("text", ["哎呀今儿个微课咋还没推过来 等半天了😅", "早上好☀️今日微克来一个", "那个今天的小课再推一遍呗刚才手滑给删了"])
def test_todays_lesson_asked_for_as_missing_or_mistyped_is_shown(bot, text):
    said = bot.send(CADRE, text)
    assert "课" in said.text and "撤销" not in said.text and "规定知识库" not in said.text and not said.text.startswith("没看懂")


def test_a_lesson_studied_and_asked_to_be_recorded_is_confirmed(bot):
    bot.send(CADRE, "今日微课")
    before = count(bot, LessonConfirmation)
    said = bot.send(CADRE, "今天那个微课俺学过了 给记上")
    assert count(bot, LessonConfirmation) == before + 1 and "【今日微课】" not in said.text


@pytest.mark.parametrize("text, letters", [("俺选个A 蒙的哈哈", "A")])
def test_more_quiz_answers_as_typed_are_scored(bot, text, letters):
    bot.send(GRID_WORKER, "答题")
    answers = count(bot, QuizAnswer)
    said = bot.send(GRID_WORKER, text)
    assert said.text.startswith(("✅", "❌")) and count(bot, QuizAnswer) == answers + 1
    with bot.app.sessions() as session:
        assert session.scalars(select(QuizAnswer).order_by(QuizAnswer.id.desc())).first().choice == letters


@pytest.mark.parametrize("text", ["再来一道 上一道太简单了哈哈", "来一题 测试下题库正常不"])
def test_a_practice_question_asked_for_before_a_remark_is_given(bot, text):
    assert "练习题" in bot.send(ADMIN, text).text


def test_the_board_by_another_word_and_the_hours_summary_not_taken_for_it(bot):
    assert "排行榜" in bot.send(CADRE, "哈哈看看榜单有没有我").text
    said = bot.send(CADRE, "看看大伙的时长统计 谁最多 哈哈")
    assert "排行榜" not in said.text and "时长统计只对领导和管理员开放" in said.text


def test_a_rating_said_as_not_very_satisfied_returns_the_ticket(bot):
    number = ticket_of(bot.send(CADRE, "随手拍 2栋楼道灯坏了"))
    bot.send(GRID_WORKER, f"受理 #{number}")
    bot.send(GRID_WORKER, f"办结 #{number} 灯换好了")
    bot.send(CADRE, f"查询 #{number}")
    assert "退回重办" in bot.send(CADRE, "不咋满意 灯修了又灭了").text


def test_ones_reports_asked_about_as_those_few_things(bot):
    number = ticket_of(bot.send(GRID_WORKER, "随手拍 3栋门口井盖松了"))
    assert f"#{number}" in bot.send(GRID_WORKER, "你好 我前几天反映那几个事现在咋样了").text


def test_a_hole_nobody_filled_is_offered_as_a_report(bot):
    tickets = count(bot, Report)
    said = bot.send(SECRETARY, "小区门口那个坑还没填 谁管管")
    assert "随手拍" in said.text and "帮不上" not in said.text and count(bot, Report) == tickets


@pytest.mark.parametrize("text, section", [("微课是每天几点推送啊", "【微课】"), ("请教下 任务进展咋填 格式是啥 谢谢", "【整改台账】")])
def test_how_to_questions_about_lessons_and_tasks_get_their_help(bot, text, section):
    assert section in bot.send(CADRE, text).text


def test_a_strangers_errand_gets_what_the_bot_cannot_do(bot):
    said = bot.send(None, "拼多多砍一刀 帮忙点一下", sender="visitor-63")
    assert said.text.startswith("这个我帮不上")


@pytest.mark.parametrize("text, shown", [
    ("wo de shichang", "11月累计"),  # a command word typed in pinyin
    ("wode renwu", "整改任务"),
    ("bangzhu", "可以这样跟我说"),
])
def test_command_words_typed_in_pinyin_are_understood(bot, text, shown):
    assert shown in bot.send(CADRE, text).text


def test_undo_typed_in_pinyin_takes_back_the_last_entry(bot):
    bot.send(CADRE, "服务 2小时 入户走访")
    bot.send(CADRE, "chexiao")
    assert hours_of(bot) == []


def test_a_space_slipped_into_a_command_word_is_read_as_the_word(bot):
    number = ticket_of(bot.send(CADRE, "随手拍 2栋楼道灯坏了"))
    said = bot.send(GRID_WORKER, f"受 理#{number}")
    assert f"#{number}" in said.text and "没看懂" not in said.text


def test_a_vague_amount_with_a_request_to_log_it_asks_for_the_hours(bot):
    said = bot.send(GRID_WORKER, "周一帮扶那家 两三个钟吧 记时长")
    assert "几个小时" in said.text and hours_of(bot, GRID_WORKER) == []


def test_a_run_on_about_a_patrol_along_that_road_asks_for_the_hours(bot):
    said = bot.send(GRID_WORKER, "昨儿晚上巡罗了两三个钟头吧记不太清了嗯就是沿着河边那条路一直走到公园那头反正挺晚才到家孩子都睡了")
    assert "几个小时" in said.text and hours_of(bot, GRID_WORKER) == []  # 那条路 is a road, not the last entry


def test_whether_half_a_day_of_help_counts_asks_for_the_exact_hours(bot):
    said = bot.send(GRID_WORKER, "前天去帮扶那个残疾人家庭嗯就是帮他修水管然后又跑了趟民政帮他问补助的事忙活了半天 算时长不")
    assert "几个小时" in said.text and hours_of(bot, GRID_WORKER) == []


def test_desk_work_said_not_to_count_leaves_the_mediation_to_log(bot):
    said = bot.send(GRID_WORKER, "那个这周二下午调解物业和业主吵架的事嗯是为了停车位然后回来还写了材料那个不算啊就调解本身2小时15分钟")
    assert [h for _, h, _ in hours_of(bot, GRID_WORKER)] == [2.25] and "✅ 已登记" in said.text


def test_a_mistyped_request_to_log_asks_how_long(bot):
    said = bot.send(CADRE, "那个嗯我上周五去社区值班了就是那个便民服务站接待了好几拨人有办证的有咨询的 登计一下服务时长")
    assert "几个小时" in said.text and hours_of(bot) == []


def test_an_undo_asked_midway_with_the_reason_after_takes_back_the_entry(bot):
    bot.send(CADRE, "今天入户走访2小时")
    bot.send(CADRE, "刚才那条登错了嗯就是那个两小时的给我撤了吧不要了我今天压根没去是把明天的计划说成今天了")
    assert hours_of(bot) == []


def test_the_day_said_after_is_and_not_after_is_not_is_the_corrected_day(bot):
    bot.send(GRID_WORKER, "入户走访3小时")
    said = bot.send(GRID_WORKER, "哎呀写错了是昨天的不是今天的嗯今天我一直在社区开会呢哪有空入户 时长还是三个钟头没错就日子改一下")
    assert hours_of(bot, GRID_WORKER) == [(date(2026, 11, 25), 3.0, "入户走访")] and "已更正" in said.text


def test_a_meetings_length_asked_of_tomorrow_is_a_rules_question(bot):
    said = bot.send(SECRETARY, "那个嗯明天开专题会议题比较多开两个半小时中不中")
    assert said.text.startswith("依据") and "第二条" in said.text


def test_how_to_log_asked_in_a_long_message_gets_the_help_on_hours(bot):
    said = bot.send(CADRE, "那个嗯我刚调过来的不太会用这个 怎么登记服务时长啊是直接说几个小时就行吗还是要填表")
    assert "【服务时长】" in said.text


def test_whether_a_report_can_be_anonymous_asked_first_files_nothing(bot):
    tickets = count(bot, Report)
    said = bot.send(GRID_WORKER, "随手拍能匿名吗 嗯有些事我不想让人知道是我说的")
    assert "匿名反映" in said.text and count(bot, Report) == tickets


def test_a_resident_threatening_to_complain_about_the_sender_is_no_report(bot):
    tickets = count(bot, Report)
    said = bot.send(GRID_WORKER, "居民在微信上反映问题嗯我要多长时间内回复啊 昨天有个大妈说我回得慢还要投诉我 我那会儿在入户呢")
    assert said.text.startswith("依据") and "2小时" in said.text and count(bot, Report) == tickets


def test_a_rating_after_a_filler_and_a_look_returns_the_ticket(bot):
    number = ticket_of(bot.send(CADRE, "随手拍 2栋楼道灯坏了"))
    bot.send(GRID_WORKER, f"受理 #{number}")
    bot.send(GRID_WORKER, f"办结 #{number} 灯换好了")
    bot.send(CADRE, f"查询 #{number}")
    assert "退回重办" in bot.send(CADRE, "嗯那个看了一下 不满意 说是办结了其实根本没修好然后楼上还在往下滴水").text


def test_a_missing_lesson_asked_for_at_length_is_shown(bot):
    said = bot.send(CADRE, "那个今天的微课咋还没推给我嗯是不是漏了 同事早上都学完了在群里晒呢就我没收到 给我发一下今天的")
    assert "课" in said.text and not said.text.startswith("没看懂")


def test_a_lesson_confirmed_first_and_praised_after_is_confirmed(bot):
    bot.send(GRID_WORKER, "今日微课")
    before = count(bot, LessonConfirmation)
    bot.send(GRID_WORKER, "已阅 嗯那个这课讲得挺清楚的以前真不知道 涨知识了")
    assert count(bot, LessonConfirmation) == before + 1


def test_a_reply_quoting_the_bots_confirmation_corrects_the_day(bot):
    bot.send(GRID_WORKER, "巡逻一个半钟头 昨天")
    said = bot.send(GRID_WORKER, "回复 网格助手：已登记1.5小时（11-25）\n写错了 是前天的")
    assert hours_of(bot, GRID_WORKER) == [(date(2026, 11, 24), 1.5, "巡逻")] and "已更正" in said.text


def test_a_quoted_lesson_then_read_confirms_it(bot):
    bot.send(CADRE, "今日微课")
    before = count(bot, LessonConfirmation)
    bot.send(CADRE, "「今日微课：出差期间不得接受接待单位的宴请……」\n已阅")
    assert count(bot, LessonConfirmation) == before + 1


def test_a_quoted_quiz_question_then_the_answer_is_scored(bot):
    bot.send(GRID_WORKER, "答题")
    answers = count(bot, QuizAnswer)
    said = bot.send(GRID_WORKER, "「公务接待工作餐每人每餐不超过多少元？A.50 B.60 C.80」 选b")
    assert said.text.startswith(("✅", "❌", "这是")) and not said.text.startswith("依据")
    assert count(bot, QuizAnswer) in (answers, answers + 1)


def test_change_it_to_three_when_one_too_many_was_written(bot):
    bot.send(CADRE, "周一值班4小时")
    said = bot.send(CADRE, "@网格助手 改成3小时 多写了一个")
    assert [h for _, h, _ in hours_of(bot)] == [3.0] and "4 → 3" in said.text


def test_a_forwarded_problem_to_pass_on_files_a_ticket(bot):
    tickets = count(bot, Report)
    said = bot.send(GRID_WORKER, "【转发】业主群：5栋门口化粪池冒了 臭得不行\n@网格助手 反映上去 谢谢啦")
    assert count(bot, Report) == tickets + 1 and "化粪池" in newest_report(bot).text
    assert "编号" in said.text


def test_ones_total_asked_after_a_mention_in_the_middle(bot):
    said = bot.send(GRID_WORKER, "王书记刚在群里说不够20的要通报 @网格助手 俺现在多少了")
    assert "11月累计" in said.text


def test_the_months_aim_told_first_leaves_the_entry_to_log(bot):
    said = bot.send(CADRE, "月底前要凑够20个钟 先把周二的登了 走访易地搬迁户3.5个小时")
    assert hours_of(bot)[0][:2] == (date(2026, 11, 24), 3.5) and "✅ 已登记" in said.text


def test_asking_how_to_log_a_colleagues_hours_gets_the_rule_that_each_logs_their_own(bot):
    said = bot.send(GRID_WORKER, "俺们网格老赵上周帮扶了6个钟头 他不会用手机 咋帮他登")
    assert "本人登记" in said.text and hours_of(bot, GRID_WORKER) == []


@pytest.mark.parametrize("text", ["看下这礼拜还没办结的随手拍。", "安居社区的随手拍单子全部拉出来我看看", "最近的投诉清单发下 谢了"])
def test_a_leader_asking_for_the_list_of_reports_files_nothing(bot, text):
    tickets = count(bot, Report)
    said = bot.send(SECRETARY, text)
    assert count(bot, Report) == tickets and "已收到您的反映" not in said.text


def test_follow_ups_to_the_hours_summary_read_against_it(bot):
    bot.send(SECRETARY, "时长统计")
    assert "10月服务时长" in bot.send(SECRETARY, "上个月的呢").text
    bot.send(SECRETARY, "时长统计")
    assert "服务时长（截至" in bot.send(SECRETARY, "哪个社区最差").text


def test_the_summary_asked_with_a_homophone_for_hours(bot):
    assert "服务时长（截至" in bot.send(SECRETARY, "看看大伙儿这月时常咋样了 月底要通报的").text


def test_the_dashboard_link_asked_for_again_by_another_name(bot):
    assert "看板登录链接" in bot.send(ADMIN, "@gridbot 驾驶舱打不开了 重新发个链接").text


def test_quiz_figures_asked_after_the_quiz_word_show_the_board(bot):
    said = bot.send(SECRETARY, "答题正确率咋样 整体的")
    assert "排行榜" in said.text and "练习题" not in said.text


def test_the_jobs_usage_asked_for_is_told_without_a_not_understood(bot):
    said = bot.send(ADMIN, "定时任务命令格式是啥 忘了")
    assert "暂停定时任务 编号" in said.text and "没看懂" not in said.text


@pytest.mark.parametrize("text", ["邻居俩为停车吵起来了 俺能先给调解不还是直接报社区", "晌午吃饭整瓶啤酒行不 下午还得下去走访"])
def test_a_rules_question_naming_a_duty_is_not_asked_for_hours(bot, text):
    said = bot.send(GRID_WORKER, text)
    assert "几个小时" not in said.text and hours_of(bot, GRID_WORKER) == []


def test_asking_to_log_with_no_amount_asks_for_it(bot):
    said = bot.send(GRID_WORKER, "刚从刘家调解回来 记个时长")
    assert "几个小时" in said.text and hours_of(bot, GRID_WORKER) == []


def test_is_service_hours_with_what_was_done_after_a_bare_amount_logs_it(bot):
    bot.send(CADRE, "3小时")
    said = bot.send(CADRE, "是服务时长 今天下沉走访的")
    assert [h for _, h, _ in hours_of(bot)] == [3.0] and "✅ 已登记" in said.text


def test_a_mistyped_watch_word_is_logged(bot):
    said = bot.send(GRID_WORKER, "@网格助手 今天晌午在小区门口值受一个半钟头😂")
    assert [h for _, h, _ in hours_of(bot, GRID_WORKER)] == [1.5] and "✅ 已登记" in said.text


def test_asking_to_add_a_day_before_last_month_gets_the_limit_not_the_rules(bot):
    said = bot.send(CADRE, "9月28号入户走访2小时忘了登 现在补上中不")
    assert "规定知识库" not in said.text and "没找到正好对上的条文" not in said.text and hours_of(bot) == []


def test_two_days_asked_to_be_logged_with_may_i_are_sent_back_to_split(bot):
    said = bot.send(GRID_WORKER, "昨天巡逻2小时今天入户3小时 都给我记上 中不中")
    assert "一条只能登记一天" in said.text and hours_of(bot, GRID_WORKER) == []


def test_taking_an_old_resident_to_the_doctor_is_service(bot):
    bot.send(GRID_WORKER, "在卫生院陪一个搬迁户老人看病 两个半小时")
    assert [h for _, h, _ in hours_of(bot, GRID_WORKER)] == [2.5]


def test_a_colleagues_hours_sent_while_an_amount_is_awaited_are_not_the_answer(bot):
    assert "一次最多登记12小时" in bot.send(GRID_WORKER, "服务 15小时 昨天通宵").text
    said = bot.send(GRID_WORKER, "帮王姐登一下 她昨天巡逻2小时")
    assert hours_of(bot, GRID_WORKER) == [] and "本人登记" in said.text
    assert "✅ 已登记" in bot.send(GRID_WORKER, "那就记10小时").text


@pytest.mark.parametrize("text, answered", [
    ("今早入户1.5h 对了随手拍能匿名不", "匿名"),  # a help question after the entry
    ("昨天巡逻俩钟头 另外辖区超市老板请吃饭能去不", "第四条"),  # a rules question after the entry
    ("今天入户3小时 顺便问下 这个月我还差多少", "还差"),  # the month's total after the entry
])
def test_an_entry_then_a_question_logs_the_entry_and_answers_the_question(bot, text, answered):
    said = bot.send(GRID_WORKER, text)
    assert len(hours_of(bot, GRID_WORKER)) == 1 and "✅ 已登记" in said.replies[0]
    assert len(said.replies) == 2 and answered in said.replies[1]


def test_an_entry_then_another_entry_after_another_word_is_not_split_into_two(bot):
    said = bot.send(GRID_WORKER, "今天入户2小时 另外还巡逻了1小时")
    assert len(said.replies) == 1 and len(hours_of(bot, GRID_WORKER)) <= 1


def test_a_still_vague_answer_to_how_many_hours_is_asked_again(bot):
    bot.send(GRID_WORKER, "今天上午入户走访了")
    said = bot.send(GRID_WORKER, "忘了具体多久 大概一上午吧")
    assert hours_of(bot, GRID_WORKER) == [] and "几个小时" in said.text and "帮不上" not in said.text


def test_the_hours_picked_in_words_after_a_problem_and_time_spent(bot):
    tickets = count(bot, Report)
    bot.send(GRID_WORKER, "小区门口垃圾堆了三天没人清 我今天带人清了俩小时")
    bot.send(GRID_WORKER, "就记那俩小时 垃圾的事物业已经弄走了")
    assert [h for _, h, _ in hours_of(bot, GRID_WORKER)] == [2.0] and count(bot, Report) == tickets


def test_a_report_turned_down_and_the_time_asked_to_be_logged(bot):
    bot.send(GRID_WORKER, "老张家跟邻居又吵起来了 为了漏水的事")
    said = bot.send(GRID_WORKER, "不用反映 我已经去调解了 一个钟头 记时长")
    assert hours_of(bot, GRID_WORKER) == [(date(2026, 11, 26), 1.0, "去调解")] and "✅ 已登记" in said.text


@pytest.mark.parametrize("text, day, hours", [
    ("礼拜天在小区门口值手 仨钟头", date(2026, 11, 22), 3.0),  # 值手 is 值守 mistyped
    ("上个月最后一天值守两个半小时 补登", date(2026, 10, 31), 2.5),
])
def test_entries_with_a_mistyped_duty_or_the_last_day_of_last_month(bot, text, day, hours):
    bot.send(GRID_WORKER, text)
    assert [(d, h) for d, h, _ in hours_of(bot, GRID_WORKER)] == [(day, hours)]


def test_a_day_corrected_with_not_this_but_that_moves_the_entry(bot):
    bot.send(CADRE, "10月30号值守3小时")
    said = bot.send(CADRE, "不是30号 是31号")
    assert [(d, h) for d, h, _ in hours_of(bot)] == [(date(2026, 10, 31), 3.0)] and "已更正" in said.text


def test_the_end_of_a_stretch_corrected_by_when_one_left(bot):
    bot.send(CADRE, "昨晚值班 7点到10点")
    bot.send(CADRE, "记错了 9点半就下班了")
    assert [h for _, h, _ in hours_of(bot)] == [2.5]


@pytest.mark.parametrize("text", ["帮我写个本月下沉工作小结 这个月一共下沉了22个钟头 入户36户", "帮我写封投诉信给物业 要言辞激烈点"])
def test_a_text_to_write_is_neither_logged_nor_filed(bot, text):
    tickets = count(bot, Report)
    said = bot.send(CADRE, text)
    assert "帮不上" in said.text and hours_of(bot) == [] and count(bot, Report) == tickets


@pytest.mark.parametrize("text", ["早上堵车堵了一个半钟头 迟到了 唉", "今天在街道开了一下午会 屁股都坐麻了😩"])
def test_a_sigh_about_the_day_is_heard_and_nothing_is_asked_or_stored(bot, text):
    said = bot.send(GRID_WORKER, text)
    assert "回复数字" not in said.text and hours_of(bot, GRID_WORKER) == []


@pytest.mark.parametrize("text", [
    "我们网格有个大妈让我帮她投诉 楼上装修天天早上七点就开电钻",  # relayed
    "报个问题 ６号楼地下室有人私拉电线给电瓶车充电 线都搭在暖气管子上",
    "反映下 有网格员上门走访只待了5分钟就走 台账上写走访一小时",  # 台账 inside the complaint; the hours are its facts
])
def test_complaints_said_as_such_are_filed_at_once(bot, text):
    tickets = count(bot, Report)
    said = bot.send(GRID_WORKER, text)
    assert "已收到您的反映" in said.text and count(bot, Report) == tickets + 1 and hours_of(bot, GRID_WORKER) == []


def test_a_question_with_a_word_of_why_after_it_is_still_a_question(bot):
    said = bot.send(CADRE, "中午吃饭能喝瓶啤酒不 下午反正没啥事")
    assert "二、3" in said.text.split("\n")[0] + said.text.split("\n")[1] and "谢谢您跟我说" not in said.text  # answered or offered first


def test_errands_done_for_a_resident_are_service(bot):
    bot.send(GRID_WORKER, "俺今儿晌午过后去帮扶独居老人 帮着买菜收拾屋子 统共两个半钟头")
    assert [h for _, h, _ in hours_of(bot, GRID_WORKER)] == [2.5]


def test_a_blocked_drain_sighed_about_is_offered_as_a_report_not_consoled(bot):
    said = bot.send(GRID_WORKER, "哎俺们那个小区后门就是下水道又堵了污水漫到路上臭得很嗯都好几天了也没人来弄")
    assert "随手拍" in said.text and "您说的我都听着" not in said.text
