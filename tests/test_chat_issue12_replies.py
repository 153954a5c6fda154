"""Conversations from issue 12's "Why": the reports rules, the complaint's category, and replies that
fit a phone (时长统计, 定时任务). Each checks the reply and what was stored.

(The /try buttons per role are in test_dash_web.py.)
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from bot.models import AuditEntry, Person
from bot.text import MAX_REPLY_CHARS
from handlers.hours.models import HourEntry
from handlers.ledger.models import LedgerTask
from handlers.reports.models import Report
from tests.reports_support import ADMIN, CADRE, GRID_WORKER, SECRETARY, person_id, ticket_of


def _count(bot, model, *where) -> int:
    with bot.app.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def _report(bot, number: int) -> Report:
    with bot.app.sessions() as session:
        report = session.get(Report, number)
        session.expunge(report)
        return report


# --- reports and ledger ----------------------------------------------------------------------


def test_the_reporter_cannot_accept_close_or_rate_their_own_ticket(bot):
    """李娜 works the 第1网格 and reports a problem there: the ticket is not hers to handle or rate."""
    number = ticket_of(bot.send(GRID_WORKER, "随手拍 第1网格5栋门口垃圾堆了三天没人清"))
    audits = _count(bot, AuditEntry)
    assert bot.send(GRID_WORKER, f"受理 #{number}").text == (
        f"#{number} 是您本人反映的，不能自己受理：请由承办人或包联领导办理，办结后由您评价。")
    assert bot.send(GRID_WORKER, f"办结 #{number} 已清理").text == (
        f"#{number} 是您本人反映的，不能自己办结：请由承办人或包联领导办理，办结后由您评价。")
    assert bot.send(GRID_WORKER, f"评价 #{number} 满意").text == f"#{number} 还在办理中，办结后再评价。"
    report = _report(bot, number)
    assert (report.status, report.accepted_at, report.closed_at, report.rating) == ("pending", None, None, None)
    assert _count(bot, AuditEntry) == audits


def test_closing_the_task_from_report_5_closes_report_5_and_tells_its_reporter(bot):
    """Demo report #5 is 李娜's, waiting in 安居社区; 王建国 is its liaison leader."""
    worker = person_id(bot.app, GRID_WORKER)
    assert _report(bot, 5).status == "pending"
    made = bot.send(SECRETARY, "立项 #5 截止2026-12-31 就业补贴申请一次告知、限时答复")
    task = int(re.search(r"任务 #(\d+)", made.text).group(1))
    assert made.to_person(worker) == [f"您反映的 #5 已列入整改台账（任务 #{task}），将跟踪整改到位。"]
    closed = bot.send(SECRETARY, f"销号 #{task} 已建立补贴申请台账，逐户回复到位")
    assert closed.text == f"任务 #{task} 已销号。来源随手拍 #5 一并办结，已告知反映人。30天后会请牵头领导回头看。"
    assert f"您反映的 #5 已随整改任务 #{task} 销号办结" in closed.to_person(worker)[0]
    with bot.app.sessions() as session:
        assert session.get(LedgerTask, task).status == "closed"
        assert session.get(Report, 5).status == "closed"
    assert "已办结（待评价）" in bot.send(GRID_WORKER, "查询 #5").text


def test_an_unknown_category_lists_the_ones_there_are(bot):
    for text in ("随手拍 第1网格路灯坏了", "随手拍 第1网格楼道堆杂物", "随手拍 第1网格井盖松了"):
        number = ticket_of(bot.send(CADRE, text))
    assert number == 9
    audits, category = _count(bot, AuditEntry), _report(bot, 9).category
    said = bot.send(GRID_WORKER, "分类 #9 工作纪律")
    assert said.text == ("没有“工作纪律”这个分类，可选：形式主义官僚主义、享乐主义奢靡之风、服务群众、干部担当作为、其他。"
                         "例如：分类 #9 形式主义官僚主义")
    assert _report(bot, 9).category == category and _count(bot, AuditEntry) == audits
    assert bot.send(GRID_WORKER, "分类 #9 担当").text == "#9 的分类已改为：干部担当作为。"


def test_a_clerk_playing_with_a_phone_at_the_window_is_filed_under_service(bot):
    cadre = person_id(bot.app, CADRE)
    said = bot.send(CADRE, "匿名反映 便民服务中心窗口工作人员上班时间玩手机，群众排队没人理")
    number = ticket_of(said)
    assert "分类：服务群众（系统建议，承办人可调整）" in said.text
    assert _report(bot, number).category == "服务群众"
    assert _count(bot, HourEntry, HourEntry.person_id == cadre) == 0


def test_the_window_complaint_with_a_duration_is_a_report_too(bot):
    cadre = person_id(bot.app, CADRE)
    said = bot.send(CADRE, "匿名反映 便民服务中心窗口工作人员上班时间玩手机，群众排队半小时没人理")
    assert "分类：服务群众" in said.text
    assert _count(bot, HourEntry, HourEntry.person_id == cadre) == 0


# --- 时长统计 ---------------------------------------------------------------------------------


def _unit_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.search(r" 达标\d+/\d+（\d+%）共[\d.]+小时$", line)]


def _short_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.search(r"小时，差[\d.]+$", line)]


def test_the_admins_summary_fits_one_reply_with_every_unit_and_the_five_largest_shortfalls(bot):
    said = bot.send(ADMIN, "时长统计")
    assert len(said.replies) == 1 and len(said.text) <= MAX_REPLY_CHARS
    with bot.app.sessions() as session:
        units = session.scalar(select(func.count(func.distinct(Person.unit_id))).where(Person.active.is_(True)))
    assert len(_unit_lines(said.text)) == units == 14
    assert said.text.splitlines()[0] == "11月服务时长（截至11月26日，目标20小时）"
    short = _short_lines(said.text)
    assert len(short) == 5 and "未达标 118 人（差得最多的5人如下）：" in said.text
    assert said.text.endswith("全部名单请发「时长统计 全部」。")


def test_a_leaders_summary_is_short_too(bot):
    said = bot.send(SECRETARY, "时长统计")
    assert len(said.replies) == 1 and len(said.text) <= 250
    assert [line.split(" ")[0] for line in _unit_lines(said.text)] == ["安居社区", "幸福社区", "新城社区"]
    assert len(_short_lines(said.text)) == 5


def test_the_whole_list_comes_in_numbered_phone_sized_replies(bot):
    said = bot.send(ADMIN, "时长统计 全部")
    parts = said.replies
    assert len(parts) > 1 and all(len(p) <= MAX_REPLY_CHARS for p in parts)
    assert [p.split("）", 1)[0] for p in parts] == [f"（{i}/{len(parts)}" for i in range(1, len(parts) + 1)]
    names = [re.sub(r"^（\d+/\d+）", "", line).split("（")[0] for line in _short_lines(said.text)]
    assert len(names) == 118 and len(set(names)) == 118
    # A leader's whole list of last month, named either way round.
    first = bot.send(SECRETARY, "时长统计 10月 全部").replies
    assert first == bot.send(SECRETARY, "时长统计 全部 10月").replies
    assert len(_short_lines("\n".join(first))) == 27


# --- 定时任务 ---------------------------------------------------------------------------------


def test_the_job_list_speaks_chinese_in_plain_times(bot):
    said = bot.send(ADMIN, "定时任务")
    assert len(said.replies) == 1 and len(said.text) <= MAX_REPLY_CHARS
    lines = said.text.splitlines()
    assert lines[0] == "定时任务（共8个）："
    assert lines[1:9] == [
        "1. 服务时长提醒｜每月25日 9:00｜下次12-25 9:00｜还没执行过",
        "2. 上月时长汇总｜每月1日 9:00｜下次12-01 9:00｜还没执行过",
        "3. 作风微课堂｜工作日 7:50｜下次11-27 7:50｜还没执行过",
        "4. 微课学习提醒｜每周五 16:00｜下次11-27 16:00｜还没执行过",
        "5. 微课覆盖汇总｜每周五 16:30｜下次11-27 16:30｜还没执行过",
        "6. 每日一题｜工作日 9:00｜下次11-27 9:00｜还没执行过",
        "7. 随手拍超时提醒｜每天 8:00–20:00 每小时｜下次11-26 10:00｜还没执行过",
        "8. 整改任务提醒｜每天 9:00｜下次11-27 9:00｜还没执行过",
    ]
    assert not re.search(r"[a-z_]{4,}|cron|\*", said.text)
    # Every job run once: the results still fit.
    for number in range(1, 9):
        bot.send(ADMIN, f"立即执行 {number}")
    again = bot.send(ADMIN, "定时任务")
    assert len(again.text) <= MAX_REPLY_CHARS and again.text.count("上次") == 8
