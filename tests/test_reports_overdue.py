"""Late tickets on a frozen clock, through the real scheduler runner: not accepted in 24 h → the
assignee is nudged once; not closed in 7 days → the liaison leaders once; each step in the history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from handlers.composition import build_app
from bot.app import App
from bot.demo import load_demo
from bot.models import OutboundMessage
from handlers.reports.models import Report, ReportEvent
from scheduler.runner import Runner
from tests.conftest import SHANGHAI, make_config
from tests.harness import TestBot
from tests.reports_support import CADRE, GRID_WORKER, liaisons_of, person_id, ticket_of
from tests.scheduler_support import drive

JOB = {"name": "reports_overdue", "kind": "reports_overdue", "cron": "0 8-20 * * *"}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def nudges(app: App, number: int, step: str) -> list[OutboundMessage]:
    with app.sessions() as session:
        query = select(OutboundMessage).where(OutboundMessage.dedupe_key.like(f"%reports:{step}:{number}:%")).order_by(OutboundMessage.id)
        return list(session.scalars(query))


def test_late_acceptance_and_closure_nudge_the_right_people_once(db_url, clock):
    app = build_app(make_config(db_url, schedule={"jobs": [JOB]}), clock=clock)
    load_demo(app)
    bot = TestBot(app)
    runner = Runner(app)
    number = ticket_of(bot.send(CADRE, "随手拍 第1网格垃圾桶三天没人收"))  # Thu 26 Nov 10:00
    worker = person_id(app, GRID_WORKER)
    leaders = liaisons_of(app, "安居社区")

    drive(runner, clock, at(2026, 11, 27, 9, 30))
    assert nudges(app, number, "accept-late") == []
    drive(runner, clock, at(2026, 11, 27, 10, 30))
    late = nudges(app, number, "accept-late")
    assert [r.person_id for r in late] == [worker]
    assert f"受理 #{number}" in late[0].text and "24小时" in late[0].text
    assert late[0].created_at == at(2026, 11, 27, 10, 0)

    # Another day of hourly runs, and a manual rerun: nothing more.
    drive(runner, clock, at(2026, 11, 28, 20, 30))
    runner.run_now("reports_overdue")
    assert len(nudges(app, number, "accept-late")) == 1

    bot.send(GRID_WORKER, f"受理 #{number}")
    drive(runner, clock, at(2026, 12, 3, 9, 30))
    assert nudges(app, number, "close-late") == []
    drive(runner, clock, at(2026, 12, 5, 20, 30))
    late = nudges(app, number, "close-late")
    assert sorted(r.person_id for r in late) == leaders
    assert {r.created_at for r in late} == {at(2026, 12, 3, 10, 0)}
    assert "7天" in late[0].text and "李娜" in late[0].text

    with app.sessions() as session:
        actions = [e.action for e in session.scalars(select(ReportEvent).where(ReportEvent.report_id == number).order_by(ReportEvent.id))]
    assert actions == ["created", "accept_overdue", "accepted", "close_overdue"]
    history = bot.send(CADRE, f"查询 #{number}").text
    assert "超时未受理，已催办" in history and "超时未办结" in history


def test_a_reopened_ticket_gets_a_fresh_seven_days(db_url, clock):
    app = build_app(make_config(db_url, schedule={"jobs": [JOB]}), clock=clock)
    load_demo(app)
    bot = TestBot(app)
    runner = Runner(app)
    number = ticket_of(bot.send(CADRE, "随手拍 第1网格楼道灯不亮"))
    bot.send(GRID_WORKER, f"受理 #{number}")
    clock.set(at(2026, 12, 1, 10, 0))
    bot.send(GRID_WORKER, f"办结 #{number} 已换灯")
    bot.send(CADRE, f"评价 #{number} 不满意 三楼还是黑的")  # reopened on 1 Dec
    drive(runner, clock, at(2026, 12, 7, 20, 30))
    assert nudges(app, number, "close-late") == []
    drive(runner, clock, at(2026, 12, 8, 12, 0))
    assert {r.created_at for r in nudges(app, number, "close-late")} == {at(2026, 12, 8, 10, 0)}
    with app.sessions() as session:
        assert session.get(Report, number).reopen_count == 1
