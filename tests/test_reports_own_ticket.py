"""Who may close a ticket, and who is told when a rectification task closes the reports it came from.

A reporter never accepts, updates or closes their own ticket, nor rates one they handled: closure and
satisfaction figures count other people's work. 销号 of a task made with 立项 #N closes report #N and
tells its reporter — who, if anonymous, is never named to anyone.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from bot.db import transaction
from bot.models import AuditEntry
from handlers.reports.models import Report, ReportEvent
from tests.reports_support import (
    ADMIN, CADRE, GRID_WORKER, SECRETARY, make_task, not_liaison_leader, person_id, recipients, ticket_of,
)


def _audit_count(bot) -> int:
    with bot.app.sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def _report(bot, number: int) -> Report:
    with bot.app.sessions() as session:
        report = session.get(Report, number)
        session.expunge(report)
        return report


def _task_of(said) -> int:
    found = re.search(r"任务 #(\d+)", said.text)
    assert found, said.text
    return int(found.group(1))


# --- the reporter does not handle their own ticket -----------------------------------------


@pytest.mark.parametrize("reporter, text", [
    # A grid worker is a handler of her grid's tickets, a liaison leader of his units', an admin of all.
    (GRID_WORKER, "随手拍 第1网格3栋楼道堆满杂物没人清理"),
    (SECRETARY, "匿名反映 安居社区第2网格的垃圾站三天没清运"),
    (ADMIN, "反映 安居社区服务站中午没人值班"),
])
def test_a_reporter_who_handles_such_tickets_cannot_handle_their_own(bot, reporter, text):
    number = ticket_of(bot.send(reporter, text))
    before = _audit_count(bot)
    for command, verb in (("受理 #{n}", "受理"), ("进展 #{n} 已联系物业", "填写进展"), ("办结 #{n} 已清理", "办结")):
        said = bot.send(reporter, command.format(n=number))
        assert said.replies == [f"#{number} 是您本人反映的，不能自己{verb}：请由承办人或包联领导办理，办结后由您评价。"]
        assert len(said.rows) == 1, "nobody else hears of a refused step"
    report = _report(bot, number)
    assert (report.status, report.accepted_at, report.closed_at) == ("pending", None, None)
    assert _audit_count(bot) == before


def test_someone_else_handles_it_and_the_reporter_rates_it(bot):
    worker = person_id(bot.app, GRID_WORKER)
    number = ticket_of(bot.send(GRID_WORKER, "随手拍 第1网格3栋楼道堆满杂物没人清理"))
    assert bot.send(GRID_WORKER, f"受理 #{number}").replies[0].startswith(f"#{number} 是您本人反映的")
    accepted = bot.send(SECRETARY, f"受理 #{number}")
    assert accepted.replies[0].startswith(f"已受理 #{number}")
    assert accepted.to_person(worker) == [f"您反映的 #{number} 已由{SECRETARY}受理，正在办理。"]
    closed = bot.send(SECRETARY, f"办结 #{number} 已清理，并和物业约定每周巡查")
    assert f"评价 #{number} 满意" in closed.to_person(worker)[0]
    assert bot.send(GRID_WORKER, f"评价 #{number} 满意").replies == [f"谢谢您的评价！#{number} 已完结。"]
    assert _report(bot, number).status == "rated"


def test_a_reporter_who_handled_their_ticket_before_the_rule_cannot_rate_it(bot, clock):
    """A ticket its reporter accepted and closed (as the old rules allowed) is not theirs to rate."""
    worker = person_id(bot.app, GRID_WORKER)
    number = ticket_of(bot.send(GRID_WORKER, "随手拍 第1网格路灯坏了"))
    with transaction(bot.app.sessions) as session:
        report = session.get(Report, number)
        report.status, report.accepted_at, report.closed_at = "closed", clock.now(), clock.now()
        for action in ("accepted", "closed"):
            session.add(ReportEvent(report_id=number, at=clock.now(), actor_id=worker, action=action, note="已修好"))
    before = _audit_count(bot)
    said = bot.send(GRID_WORKER, f"评价 #{number} 满意")
    assert said.replies == [f"#{number} 是您经办的，不能自己评价。"] and len(said.rows) == 1
    report = _report(bot, number)
    assert (report.status, report.rating, report.rated_at) == ("closed", None, None)
    assert _audit_count(bot) == before


# --- 销号 of a task made from a report --------------------------------------------------------


def test_closing_the_task_closes_an_anonymous_report_and_tells_its_reporter_without_naming_them(bot, clock):
    cadre, secretary, worker = (person_id(bot.app, n) for n in (CADRE, SECRETARY, GRID_WORKER))
    number = ticket_of(bot.send(CADRE, "匿名反映 安居社区窗口工作人员上班时间玩手机，群众排队没人理"))
    bot.send(GRID_WORKER, f"受理 #{number}")
    made = bot.send(SECRETARY, f"立项 #{number} 截止2026-12-31 窗口岗位设在岗公示牌")
    task = _task_of(made)
    assert made.to_person(cadre) == [f"您反映的 #{number} 已列入整改台账（任务 #{task}），将跟踪整改到位。"]

    closed = bot.send(ADMIN, f"销号 #{task} 已设在岗公示牌，两次暗访未再发现")
    assert closed.replies == [f"任务 #{task} 已销号。来源随手拍 #{number} 一并办结，已告知反映人。30天后会请牵头领导回头看。"]
    # Told: the reporter (asked to rate), the lead leader, the assignee. Nobody else.
    assert recipients(closed) == {cadre, secretary, worker}
    assert closed.to_person(cadre) == [
        f"您反映的 #{number} 已随整改任务 #{task} 销号办结：已设在岗公示牌,两次暗访未再发现\n"
        f"请在7天内评价：发「评价 #{number} 满意」或「评价 #{number} 不满意 理由」。"
    ]
    assert closed.to_person(secretary) == [f"任务 #{task} 已由{ADMIN}销号：已设在岗公示牌,两次暗访未再发现"]
    assert closed.to_person(worker) == [f"随手拍 #{number} 已随整改任务 #{task} 销号办结，不用再办理。"]
    # The reporter is named to no one, in any message of the 立项 or the 销号.
    for row in [*made.rows, *closed.rows]:
        assert CADRE not in row.text
    report = _report(bot, number)
    assert (report.status, report.closed_at) == ("closed", clock.now())
    assert "反映人：匿名" in bot.send(SECRETARY, f"查询 #{number}").text
    assert "已办结（待评价）" in bot.send(CADRE, f"查询 #{number}").text
    assert bot.send(CADRE, f"评价 #{number} 满意").replies == [f"谢谢您的评价！#{number} 已完结。"]


def test_an_unregistered_reporter_is_told_where_they_wrote_from(bot):
    number = ticket_of(bot.send(None, "随手拍 安居社区小区门口摊点占道，车辆进出困难", sender="visitor-9"))
    made = bot.send(SECRETARY, f"立项 #{number} 截止2026-12-31 划定临时摊区")
    task = _task_of(made)
    assert [r.text for r in made.rows if r.target == "visitor-9"] == [
        f"您反映的 #{number} 已列入整改台账（任务 #{task}），将跟踪整改到位。"]
    # The lead leader closes it himself: no notice to himself; the visitor hears of it where they wrote.
    closed = bot.send(SECRETARY, f"销号 #{task} 已划定摊区并安排巡查")
    told = [r for r in closed.rows if r.target == "visitor-9" and r.channel == "console"]
    assert len(told) == 1 and f"#{number} 已随整改任务 #{task} 销号办结" in told[0].text
    assert person_id(bot.app, SECRETARY) not in recipients(closed)
    assert _report(bot, number).status == "closed"


def test_a_report_already_closed_keeps_its_state_and_its_reporter_hears_the_task_is_done(bot):
    cadre = person_id(bot.app, CADRE)
    number = ticket_of(bot.send(CADRE, "随手拍 安居社区第1网格路灯坏了"))
    bot.send(GRID_WORKER, f"办结 #{number} 已报修并修复")
    task = _task_of(bot.send(SECRETARY, f"立项 #{number} 截止2026-12-31 建立路灯巡查制度"))
    closed = bot.send(SECRETARY, f"销号 #{task} 已建立每周巡查")
    assert closed.replies == [f"任务 #{task} 已销号。30天后会请牵头领导回头看。"]
    assert closed.to_person(cadre) == [f"您反映的 #{number} 对应的整改任务 #{task} 已销号：已建立每周巡查"]
    assert recipients(closed) == {cadre}
    assert _report(bot, number).status == "closed"


def test_only_the_lead_leader_or_an_admin_closes_the_task_and_so_the_report(bot):
    number = ticket_of(bot.send(CADRE, "随手拍 安居社区第1网格路灯坏了"))
    task = _task_of(bot.send(SECRETARY, f"立项 #{number} 截止2026-12-31 建立路灯巡查制度"))
    before = _audit_count(bot)
    for name in (GRID_WORKER, CADRE, not_liaison_leader(bot.app, "安居社区")):
        said = bot.send(name, f"销号 #{task} 已修好")
        assert said.replies == [f"只有牵头领导（{SECRETARY}）或管理员可以销号任务 #{task}。"], name
        assert len(said.rows) == 1
    assert _report(bot, number).status == "pending"
    assert _audit_count(bot) == before


def test_a_task_not_made_from_a_report_closes_alone(bot, clock):
    task = make_task(bot.app, SECRETARY, "安居社区", clock.now().date())
    said = bot.send(SECRETARY, f"销号 #{task} 已推行午间轮值")
    assert said.replies == [f"任务 #{task} 已销号。30天后会请牵头领导回头看。"] and len(said.rows) == 1
