"""Late tickets: not accepted in time → the assignee is nudged; not closed in time → the liaison leader.

`overdue_notices` is a plain function of the database and the time, so it runs the same under the
scheduler, from the CLI and in tests on a manual clock. Each late step is written into the ticket's
history once (a unique key) together with the occurrence of the run that found it: later runs skip
it, and that same run may be repeated after a crash, its pushes kept single by the outbox's
dedupe keys (`key`: the scheduler's run.key under the scheduler).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import record
from bot.config import Config
from bot.message import Reply, ToPerson
from bot.models import Person
from handlers.reports import render, routing
from handlers.reports.models import OPEN_STATUSES, Report, ReportEvent, ReportStatus


Key = Callable[[str], str]


def stable_key(target: str) -> str:
    return target


def claim(session: Session, report: Report, at: datetime, action: str, step: str, detail: dict) -> bool:
    """Record the late step once; True if this run (this occurrence) owns it and should send its nudges."""
    occurrence = at.astimezone(timezone.utc).isoformat()
    found = session.scalar(select(ReportEvent).where(ReportEvent.key == step))
    if found is not None:
        return (found.detail or {}).get("occurrence") == occurrence
    detail = {**detail, "occurrence": occurrence}
    report.events.append(ReportEvent(at=at, actor_id=None, action=action, note="", detail=detail, key=step))
    record(session, "scheduler", action, "report", report.id, detail, at=at)
    session.flush()
    return True


def _first(*groups: list[Person]) -> list[Person]:
    for people in groups:
        if people:
            return people
    return []


def overdue_notices(session: Session, config: Config, now: datetime, key: Key = stable_key) -> list[Reply]:
    """Nudges for tickets that became late by `now` (a run's occurrence) and no earlier run handled."""
    replies: list[Reply] = []
    accept_limit = timedelta(hours=config.reports.accept_hours)
    close_limit = timedelta(days=config.reports.close_days)
    late_to_accept = select(Report).where(
        Report.status == ReportStatus.pending.value, Report.routed_at <= now - accept_limit
    ).order_by(Report.id)
    for report in session.scalars(late_to_accept):
        due = report.routed_at + accept_limit
        step = f"reports:accept-late:{report.id}:{due:%Y%m%d%H%M}"
        assignee = [report.assignee] if report.assignee is not None and report.assignee.active else []
        targets = _first(assignee, routing.liaison_leaders(session, report.unit_id), routing.admins(session))
        if not claim(session, report, now, "accept_overdue", step, {"due": due.isoformat(), "to": [p.id for p in targets]}):
            continue
        hours = config.reports.accept_hours
        action = f"请发「受理 #{report.id}」接单。" if report.unit_id else f"请发「转办 #{report.id} 单位名」分派。"
        for person in targets:
            text = (f"【催办】随手拍 #{report.id} 已超过{hours:g}小时没有受理。\n{render.headline(report)}\n"
                    f"内容：{render.snippet(report.text, 40)}\n{action}")
            replies.append(Reply(text, to=ToPerson(person.id), dedupe_key=key(f"{step}:p{person.id}")))
    late_to_close = select(Report).where(
        Report.status.in_(OPEN_STATUSES), Report.due_from <= now - close_limit
    ).order_by(Report.id)
    for report in session.scalars(late_to_close):
        due = report.due_from + close_limit
        step = f"reports:close-late:{report.id}:{due:%Y%m%d%H%M}"
        targets = _first(routing.liaison_leaders(session, report.unit_id), routing.admins(session))
        if not claim(session, report, now, "close_overdue", step, {"due": due.isoformat(), "to": [p.id for p in targets]}):
            continue
        days = config.reports.close_days
        who = report.assignee.name if report.assignee is not None else "未指定"
        status = render.status_label(report, now, config.reports.rating_days)
        for person in targets:
            text = (f"【超期提醒】随手拍 #{report.id} 已超过{days:g}天没有办结（{status}，承办：{who}）。\n"
                    f"{render.headline(report)}\n内容：{render.snippet(report.text, 40)}\n请督促办理。")
            replies.append(Reply(text, to=ToPerson(person.id), dedupe_key=key(f"{step}:p{person.id}")))
    return replies
