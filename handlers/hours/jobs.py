"""Service-hours reminders (issue 4 item 7).

hours_reminder (default: the 25th, 09:00): everyone below the monthly target gets their total so
far and what is left. hours_summary (default: the 1st, 09:00): each leader gets last month's
figures for the units they are liaison for (包联). Both address people, not groups.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from bot.message import Reply, ToPerson
from bot.models import Liaison, Person, Role
from handlers.hours.service import fmt_hours, unit_month_report
from scheduler.jobs import JobRun

# A summary lists at most this many names, so it stays readable on a phone.
MAX_NAMES = 10


def hours_reminder(run: JobRun) -> Iterator[Reply]:
    day = run.occurrence.date()
    config = run.app.config.hours
    target = fmt_hours(config.monthly_target)
    with run.app.sessions() as session:
        _, short = unit_month_report(session, day.year, day.month, config, None)
    for person in short:
        text = (
            f"{person.name}您好，{day.month}月下沉网格服务已登记 {fmt_hours(person.total)} 小时，"
            f"距 {target} 小时目标还差 {fmt_hours(person.shortfall)} 小时。"
            "月底前请抓紧安排并及时登记，例如发：服务 2小时 入户走访"
        )
        yield Reply(text, to=ToPerson(person.person_id), dedupe_key=run.key(f"p{person.person_id}"))


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def hours_summary(run: JobRun) -> Iterator[Reply]:
    year, month = previous_month(run.occurrence.year, run.occurrence.month)
    config = run.app.config.hours
    target = fmt_hours(config.monthly_target)
    with run.app.sessions() as session:
        links = session.execute(
            select(Liaison.leader_id, Liaison.unit_id)
            .join(Person, Person.id == Liaison.leader_id)
            .where(Person.active.is_(True), Person.role.in_((Role.leader.value, Role.admin.value)))
            .order_by(Liaison.leader_id, Liaison.unit_id)
        ).all()
        units_of: dict[int, list[int]] = {}
        for leader_id, unit_id in links:
            units_of.setdefault(leader_id, []).append(unit_id)
        reports = {
            leader_id: unit_month_report(session, year, month, config, unit_ids) for leader_id, unit_ids in units_of.items()
        }
    for leader_id, (units, short) in reports.items():
        lines = [f"{year}年{month}月服务时长汇总（目标{target}小时，您包联的单位）"]
        for unit in units:
            lines.append(f"{unit.unit}：达标 {unit.reached}/{unit.people} 人（{unit.rate:.0%}），共 {fmt_hours(unit.hours)} 小时")
        if short:
            names = "、".join(f"{s.name}{fmt_hours(s.total)}小时" for s in short[:MAX_NAMES])
            more = f"等{len(short)}人" if len(short) > MAX_NAMES else f"共{len(short)}人"
            lines.append(f"未达标{more}：{names}")
        else:
            lines.append("全部达标 👍")
        lines.append("完整名单请发：时长统计 上月 全部")
        yield Reply("\n".join(lines), to=ToPerson(leader_id), dedupe_key=run.key(f"p{leader_id}"))
