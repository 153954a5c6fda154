"""Who may see and act on a ticket: the reporter, the handlers (assignee, the grid's workers, the
unit's liaison leaders) and admins. Everyone else is refused and nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.models import AuditEntry
from handlers.reports.models import Report
from tests.reports_support import (
    ADMIN, CADRE, GRID_WORKER, SECRETARY, not_liaison_leader, other_grid_worker, ticket_of,
)

@pytest.fixture
def ticket(bot) -> int:
    return ticket_of(bot.send(CADRE, "随手拍 第1网格的路灯坏了"))


def _audit_count(bot) -> int:
    with bot.app.sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def outsiders(bot) -> list[str]:
    return [other_grid_worker(bot.app), not_liaison_leader(bot.app, "安居社区"), _cadre_elsewhere(bot)]


def _cadre_elsewhere(bot) -> str:
    from bot.models import Person, Unit

    with bot.app.sessions() as session:
        return session.scalars(select(Person.name).join(Unit, Unit.id == Person.unit_id)
                               .where(Person.role == "cadre", Unit.name == "碧水社区").order_by(Person.id)).first()


def test_query_is_refused_to_anyone_not_involved(bot, ticket):
    for name in outsiders(bot):
        said = bot.send(name, f"查询 #{ticket}")
        assert "无权查看" in said.text and "路灯" not in said.text, name
    assert "无权查看" in bot.send(None, f"查询 #{ticket}", sender="stranger").text
    for name in (CADRE, GRID_WORKER, SECRETARY, ADMIN):
        assert "路灯" in bot.send(name, f"查询 #{ticket}").text, name


@pytest.mark.parametrize("command", ["受理 #{n}", "进展 #{n} 在处理", "办结 #{n} 修好了", "分类 #{n} 服务群众"])
def test_handling_steps_are_refused_to_outsiders_and_change_nothing(bot, ticket, command):
    before = _audit_count(bot)
    for name in outsiders(bot):
        said = bot.send(name, command.format(n=ticket))
        assert "不归您办理" in said.text, name
        assert len(said.rows) == 1
    # The reporter is told why: it is their own ticket (分类 is simply not theirs to change).
    said = bot.send(CADRE, command.format(n=ticket))
    assert ("不归您办理" if command.startswith("分类") else "是您本人反映的") in said.text
    assert len(said.rows) == 1
    with bot.app.sessions() as session:
        report = session.get(Report, ticket)
        assert (report.status, report.category) == ("pending", "服务群众")
    assert _audit_count(bot) == before
    said = bot.send(None, command.format(n=ticket), sender="stranger")
    assert "花名册" in said.text


def test_only_the_reporter_rates(bot, ticket):
    bot.send(GRID_WORKER, f"办结 #{ticket} 已修好")
    for name in (GRID_WORKER, SECRETARY, ADMIN):
        assert "只有反映人本人" in bot.send(name, f"评价 #{ticket} 满意").text
    with bot.app.sessions() as session:
        assert session.get(Report, ticket).status == "closed"


def test_reroute_only_by_admins_or_the_units_liaison_leaders(bot, ticket):
    assert "只对领导和管理员开放" in bot.send(GRID_WORKER, f"转办 #{ticket} 幸福社区").text
    assert "只有管理员或" in bot.send(not_liaison_leader(bot.app, "安居社区"), f"转办 #{ticket} 幸福社区").text
    with bot.app.sessions() as session:
        assert session.get(Report, ticket).unit.name == "安居社区"
    assert "已转至幸福社区" in bot.send(SECRETARY, f"转办 #{ticket} 幸福社区").text


def test_worklists_are_scoped(bot, ticket):
    assert f"#{ticket}" in bot.send(GRID_WORKER, "反映列表").text
    assert f"#{ticket}" in bot.send(SECRETARY, "反映列表").text
    assert f"#{ticket}" in bot.send(ADMIN, "反映列表").text
    for name in outsiders(bot):
        assert f"#{ticket} " not in bot.send(name, "反映列表").text, name
    assert f"#{ticket}" not in bot.send(_cadre_elsewhere(bot), "我的反映").text


def test_figures_are_for_leaders_and_only_their_units(bot, ticket):
    assert "只对" in bot.send(CADRE, "反映统计").text
    text = bot.send(SECRETARY, "反映统计").text
    assert "安居社区" in text and "碧水社区" not in text
    other = not_liaison_leader(bot.app, "安居社区")
    assert "安居社区" not in bot.send(other, "反映统计").text
