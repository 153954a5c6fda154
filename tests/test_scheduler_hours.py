"""Service-hours reminders: the 25th to everyone under target, the 1st to leaders about their units."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.clock import ManualClock
from bot.models import Liaison, OutboundMessage, Person, Unit
from scheduler.runner import Runner
from tests.conftest import SHANGHAI
from tests.harness import TestBot
from tests.scheduler_support import street

JOBS = [
    {"name": "hours_reminder", "kind": "hours_reminder", "cron": "0 9 25 * *"},
    {"name": "hours_summary", "kind": "hours_summary", "cron": "0 9 1 * *"},
]


def pushes(app, job: str) -> dict[int, str]:
    with app.sessions() as session:
        found = session.scalars(select(OutboundMessage).where(OutboundMessage.dedupe_key.like(f"{job}:%")))
        return {row.person_id: row.text for row in found}


def test_on_the_25th_people_under_target_get_their_total_and_the_rest_nothing(db_url):
    clock = ManualClock(datetime(2026, 11, 24, 18, 0, tzinfo=SHANGHAI))
    app = street(db_url, clock, JOBS)
    bot = TestBot(app)
    bot.send("张伟", "服务 3小时 入户走访")
    for day in range(1, 6):  # 李娜 reaches the 20-hour target
        bot.send("李娜", f"11月{day}日 服务 4小时 环境整治")
    runner = Runner(app)
    assert runner.next_run("hours_reminder") == datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))
    result = runner.run_due("hours_reminder")
    sent = pushes(app, "hours_reminder")
    zhang, li = bot.person("张伟"), bot.person("李娜")
    assert "11月下沉网格服务已登记 3 小时" in sent[zhang.id] and "还差 17 小时" in sent[zhang.id]
    assert li.id not in sent
    assert result.new == len(sent) > 50
    assert runner.run_due("hours_reminder").new == 0


def test_on_the_1st_each_leader_gets_last_months_figures_for_their_units(db_url):
    clock = ManualClock(datetime(2026, 11, 20, 12, 0, tzinfo=SHANGHAI))
    app = street(db_url, clock, JOBS)
    TestBot(app).send("李娜", "服务 4小时 环境整治")
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    Runner(app).run_due("hours_summary")
    sent = pushes(app, "hours_summary")
    with app.sessions() as session:
        wang = session.scalar(select(Person).where(Person.name == "王建国"))
        his_units = session.scalars(
            select(Unit.name).join(Liaison, Liaison.unit_id == Unit.id).where(Liaison.leader_id == wang.id)
        ).all()
        others = set(session.scalars(select(Unit.name))) - set(his_units)
        leaders = set(session.scalars(select(Liaison.leader_id)))
    assert set(sent) == leaders
    text = sent[wang.id]
    assert text.startswith("2026年11月服务时长汇总")
    assert all(name in text for name in his_units) and not any(f"{name}：" in text for name in others)
    assert "未达标" in text and "时长统计 上月" in text
