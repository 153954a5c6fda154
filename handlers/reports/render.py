"""The words people read about a report. Anonymity is decided here, once, for every text."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot.models import Person
from handlers.reports.models import Report, ReportEvent, ReportStatus

ACTION_LABELS = {
    "created": "提交",
    "routed": "转办",
    "accepted": "受理",
    "progress": "进展",
    "closed": "办结",
    "rated": "评价",
    "reopened": "回炉重办",
    "attachment": "补充照片",
    "location": "补充位置",
    "category": "改分类",
    "accept_overdue": "超时未受理，已催办",
    "close_overdue": "超时未办结，已提醒包联领导",
    "task": "列入整改台账",
}


def short_time(value: datetime, tz: tzinfo) -> str:
    return value.astimezone(tz).strftime("%m-%d %H:%M")


def snippet(text: str, limit: int = 24) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_reporter(report: Report, viewer: Person | None, channel: str = "", sender: str = "") -> bool:
    if viewer is not None and report.reporter_id == viewer.id:
        return True
    return report.reporter_id is None and viewer is None and (report.reporter_channel, report.reporter_sender) == (channel, sender)


def reporter_label(report: Report, reporter: Person | None, viewer: Person | None, *, viewer_is_reporter: bool = False) -> str:
    """Who reported, as this viewer may see it: only admins (and the reporter) see behind 匿名."""
    if viewer_is_reporter:
        return "您（匿名）" if report.anonymous else "您"
    if report.anonymous and not (viewer is not None and viewer.is_admin):
        return "匿名"
    if reporter is not None:
        name = reporter.name + (f"（{reporter.unit.name}）" if reporter.unit else "")
    else:
        name = "未登记群众" + (f"（{report.reporter_channel}:{report.reporter_sender}）" if viewer is not None and viewer.is_admin else "")
    return f"匿名（实为{name}）" if report.anonymous else name


def status_label(report: Report, now: datetime, rating_days: float) -> str:
    status = ReportStatus(report.status)
    if status == ReportStatus.rated:
        return "已评价（满意）" if report.rating == "satisfied" else "已评价"
    if status == ReportStatus.closed and report.closed_at is not None:
        if (now - report.closed_at).total_seconds() > rating_days * 86400:
            return "已办结（未评价）"
        return "已办结（待评价）"
    if report.reopen_count and report.is_open:
        return f"{status.label}（回炉）"
    return status.label


def place(report: Report) -> str:
    if report.unit_id is None:
        return "待分派"
    unit = report.unit_name or ""
    return unit + (report.grid_name or "")


def media_line(report: Report) -> str:
    parts = []
    photos = sum(1 for a in report.attachments if a.kind == "image")
    if photos:
        parts.append(f"照片{photos}张")
    files = sum(1 for a in report.attachments if a.kind == "file")
    if files:
        parts.append(f"文件{files}个")
    if report.latitude is not None:
        parts.append(f"位置：{report.location_label or f'{report.latitude:.5f},{report.longitude:.5f}'}")
    return "；".join(parts)


def headline(report: Report) -> str:
    return f"#{report.id}｜{report.category}｜{place(report)}"


def history_line(event: ReportEvent, actor: Person | None, report: Report, viewer: Person | None, viewer_is_reporter: bool, tz: tzinfo) -> str:
    label = ACTION_LABELS.get(event.action, event.action)
    if event.action in ("created", "rated", "attachment", "location") and event.actor_id in (None, report.reporter_id):
        who = reporter_label(report, actor, viewer, viewer_is_reporter=viewer_is_reporter)
    elif actor is not None:
        who = actor.name
    else:
        who = ""
    note = f"：{event.note}" if event.note else ""
    return f"{short_time(event.at, tz)} {who} {label}{note}".replace("  ", " ")


def detail(report: Report, viewer: Person | None, viewer_is_reporter: bool, people: dict[int, Person], now: datetime,
           tz: tzinfo, rating_days: float) -> str:
    """The ticket as its reporter or a handler sees it: status, where it went, and its history."""
    lines = [f"{headline(report)}｜{status_label(report, now, rating_days)}"]
    lines.append(f"反映人：{reporter_label(report, report.reporter, viewer, viewer_is_reporter=viewer_is_reporter)}")
    if report.assignee is not None:
        lines.append(f"承办人：{report.assignee.name}")
    if report.text:
        lines.append(f"内容：{report.text}")
    if media_line(report):
        lines.append(media_line(report))
    lines.append("办理经过：")
    for event in report.events:
        actor = people.get(event.actor_id) if event.actor_id is not None else None
        lines.append("· " + history_line(event, actor, report, viewer, viewer_is_reporter, tz))
    return "\n".join(lines)


def list_line(report: Report, now: datetime, tz: tzinfo, rating_days: float) -> str:
    return (f"#{report.id} {status_label(report, now, rating_days)}｜{report.category}｜"
            f"{short_time(report.created_at, tz)} {snippet(report.text) or '（照片/位置）'}")
