"""Ledger reminders on a frozen clock, through the real scheduler runner (daily 09:00):
7/3/1 days before the deadline to the lead leader and the unit's group, a daily overdue nudge,
one escalation after 3 days, a monthly prompt for long-term tasks, 回头看 after 30 days — once each."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from handlers.composition import build_app
from bot.app import App
from bot.demo import load_demo
from bot.models import Group, OutboundMessage
from handlers.ledger.models import LedgerTask
from scheduler.runner import Runner
from tests.conftest import SHANGHAI, make_config
from tests.harness import TestBot
from tests.reports_support import ADMIN, SECRETARY, liaisons_of, make_task, person_id
from tests.scheduler_support import drive

JOB = {"name": "ledger_reminders", "kind": "ledger_reminders", "cron": "0 9 * * *"}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def street(db_url: str, clock, **ledger) -> tuple[App, Runner]:
    app = build_app(make_config(db_url, schedule={"jobs": [JOB]}, ledger={"escalate_to": [SECRETARY], **ledger}), clock=clock)
    load_demo(app)
    return app, Runner(app)


def pushes(app: App, task: int, step: str) -> list[OutboundMessage]:
    with app.sessions() as session:
        query = select(OutboundMessage).where(OutboundMessage.dedupe_key.like(f"%ledger:{step}:{task}:%")).order_by(OutboundMessage.id)
        return list(session.scalars(query))


def by_day(rows: list[OutboundMessage]) -> dict[date, set[str]]:
    days: dict[date, set[str]] = {}
    for row in rows:
        who = f"p{row.person_id}" if row.person_id else f"g{row.group_id}"
        days.setdefault(row.created_at.astimezone(SHANGHAI).date(), set()).add(who)
    return days


def test_deadline_reminders_overdue_nudges_and_one_escalation(db_url, clock):
    app, runner = street(db_url, clock)
    lead_id = next(p for p in liaisons_of(app, "安居社区") if p != person_id(app, SECRETARY))
    with app.sessions() as session:
        from bot.models import Person

        lead = session.get(Person, lead_id).name
        group = session.scalars(select(Group.id).where(Group.name == "安居社区工作群")).one()
    task = make_task(app, lead, "安居社区", date(2026, 12, 10))
    lead_key, group_key = f"p{lead_id}", f"g{group}"

    drive(runner, clock, at(2026, 12, 16, 12, 0))
    runner.run_now("ledger_reminders")  # a manual rerun of the last occurrence adds nothing

    before = by_day(pushes(app, task, "deadline"))
    assert before == {
        date(2026, 12, 3): {lead_key, group_key},
        date(2026, 12, 7): {lead_key, group_key},
        date(2026, 12, 9): {lead_key, group_key},
    }
    texts = [r.text for r in pushes(app, task, "deadline") if r.person_id]
    assert ["还有7天到期" in texts[0], "还有3天到期" in texts[1], "还有1天到期" in texts[2]] == [True] * 3

    overdue = pushes(app, task, "overdue")
    assert by_day(overdue) == {date(2026, 12, d): {lead_key} for d in range(11, 17)}
    assert [f"已逾期{n}天" in r.text for n, r in enumerate(overdue, start=1)] == [True] * 6

    escalation = pushes(app, task, "escalate")
    assert by_day(escalation) == {date(2026, 12, 13): {f"p{person_id(app, SECRETARY)}", f"p{person_id(app, ADMIN)}"}}
    assert "逾期3天" in escalation[0].text and lead in escalation[0].text
    with app.sessions() as session:
        log = [p.kind for p in session.get(LedgerTask, task).progress]
    assert log == ["escalation"]

    # Closing it stops the nudges.
    TestBot(app).send(lead, f"销号 #{task} 已整改到位")
    drive(runner, clock, at(2026, 12, 18, 12, 0))
    assert len(pushes(app, task, "overdue")) == 6


def test_a_missed_day_is_made_up_once_and_a_short_deadline_skips_to_the_nearest(db_url, clock):
    app, runner = street(db_url, clock)
    later = make_task(app, SECRETARY, "安居社区", date(2026, 12, 10))
    soon = make_task(app, SECRETARY, "幸福社区", date(2026, 11, 28))  # two days from now

    drive(runner, clock, at(2026, 11, 29, 12, 0))
    days = by_day(pushes(app, soon, "deadline"))
    # 27 Nov: 1 day left → the 1-day reminder; the 7- and 3-day ones no longer apply; none on the day itself.
    assert list(days) == [date(2026, 11, 27)]
    assert by_day(pushes(app, soon, "overdue")).keys() == {date(2026, 11, 29)}

    # The bot is down from 2 Dec to 4 Dec noon: the 7-day reminder (due 3 Dec) goes out on 5 Dec, once.
    drive(runner, clock, at(2026, 12, 2, 12, 0))
    clock.set(at(2026, 12, 4, 12, 0))
    drive(runner, clock, at(2026, 12, 8, 12, 0))
    rows = [r for r in pushes(app, later, "deadline") if r.person_id]
    assert [r.created_at.astimezone(SHANGHAI).date() for r in rows] == [date(2026, 12, 5), date(2026, 12, 7)]
    assert "还有5天到期" in rows[0].text and "还有3天到期" in rows[1].text


def test_long_term_tasks_get_a_monthly_prompt_and_closed_ones_a_recheck(db_url, clock):
    app, runner = street(db_url, clock)
    long_term = make_task(app, SECRETARY, "安居社区", None, long_term=True, problem="就业帮扶常态化",
                          created=at(2026, 11, 2, 9, 0))
    closed = make_task(app, SECRETARY, "幸福社区", date(2026, 11, 30), problem="午间脱岗")
    TestBot(app).send(SECRETARY, f"销号 #{closed} 已落实")  # 26 Nov 10:00

    drive(runner, clock, at(2027, 1, 3, 12, 0))
    assert by_day(pushes(app, long_term, "monthly")) == {
        date(2026, 12, 1): {f"p{person_id(app, SECRETARY)}"}, date(2027, 1, 1): {f"p{person_id(app, SECRETARY)}"},
    }
    assert pushes(app, long_term, "deadline") == pushes(app, long_term, "overdue") == []
    recheck = pushes(app, closed, "recheck")
    assert by_day(recheck) == {date(2026, 12, 26): {f"p{person_id(app, SECRETARY)}"}}
    assert f"巩固 #{closed}" in recheck[0].text and f"反弹 #{closed}" in recheck[0].text

    # 反弹 reopens with a fresh deadline; after the next close-out a new 回头看 comes 30 days later.
    bot = TestBot(app)
    bot.send(SECRETARY, f"反弹 #{closed} 午间又没人 截止2027-01-20")
    bot.send(SECRETARY, f"销号 #{closed} 再次整改到位")  # 3 Jan
    drive(runner, clock, at(2027, 2, 3, 12, 0))
    assert sorted(by_day(pushes(app, closed, "recheck"))) == [date(2026, 12, 26), date(2027, 2, 2)]
    bot.send(SECRETARY, f"巩固 #{closed}")
    drive(runner, clock, at(2027, 3, 10, 12, 0))
    assert len(pushes(app, closed, "recheck")) == 2
