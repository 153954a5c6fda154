"""The report lifecycle over a Session: create, attach, accept, progress, close, rate, reroute.

Each function checks who may do it, changes the ticket, records the step in its history and
the audit log, and returns the notices other people get. It never commits: the caller's
transaction holds the change and the notices together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from bot.audit import record
from bot.config import Config
from bot.message import Reply, ToAddress, ToPerson
from bot.models import Person
from handlers.reports import categories, render, routing
from handlers.reports.understand import already_reported, opens_with_ticket, problem_at, without_kept_queues  # noqa: F401 - for other capabilities' readers
from handlers.reports.models import OPEN_STATUSES, PendingMedia, Report, ReportAttachment, ReportEvent, ReportStatus

MAX_TEXT = 1000
# A note quoted in a notice is cut to this many characters; the whole note is in 「查询 #N」.
NOTE_IN_NOTICE = 200


# Categories, for the capabilities that file things under the same names (the ledger).
from handlers.reports.categories import CATEGORIES, FORMALISM, HEDONISM, INITIATIVE, SERVICE, known, resolve  # noqa: E402,F401


class ReportError(Exception):
    """A request that cannot be done; the message is the reply, in Chinese, saying what to fix."""


@dataclass(frozen=True)
class Reporter:
    """Who is speaking: a roster person, or an unregistered sender known only by channel and id."""

    person: Person | None
    channel: str
    sender: str

    @property
    def actor(self) -> Person | str:
        return self.person if self.person is not None else f"{self.channel}:{self.sender}"

    @property
    def person_id(self) -> int | None:
        return self.person.id if self.person is not None else None


@dataclass
class Result:
    report: Report
    notices: list[Reply] = field(default_factory=list)
    # A photo/location that found no report yet and waits for one.
    pending: bool = False


# --- who may do what -----------------------------------------------------------------------


def is_reporter(report: Report, who: Reporter) -> bool:
    if who.person is not None:
        return report.reporter_id == who.person.id
    return report.reporter_id is None and (report.reporter_channel, report.reporter_sender) == (who.channel, who.sender)


def can_handle(session: Session, person: Person | None, report: Report) -> bool:
    """Admins, the unit's liaison leaders, the assignee, and the grid's own workers may act on a ticket."""
    if person is None:
        return False
    if person.is_admin:
        return True
    if report.unit_id is None:
        return False
    if report.assignee_id == person.id:
        return True
    if person.is_leader and report.unit_id in routing.liaison_unit_ids(session, person.id):
        return True
    return person.role == "grid_worker" and report.grid_id is not None and person.grid_id == report.grid_id


def can_view(session: Session, who: Reporter, report: Report) -> bool:
    return is_reporter(report, who) or can_handle(session, who.person, report)


def get_report(session: Session, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise ReportError(f"没有编号为 #{report_id} 的反映，请核对编号。")
    return report


def get_visible(session: Session, who: Reporter, report_id: int) -> Report:
    report = get_report(session, report_id)
    if not can_view(session, who, report):
        raise ReportError(f"#{report_id} 不是您提交或经办的反映，您无权查看。")
    return report


def _require_handler(session: Session, person: Person, report: Report) -> None:
    if not can_handle(session, person, report):
        raise ReportError(f"#{report.id} 不归您办理：只有承办人、包联领导或管理员可以操作。")


def _refuse_own(person: Person, report: Report, verb: str) -> None:
    """A reporter takes no handling step (受理, 进展, 办结) on their own ticket: closure figures count others' work."""
    if report.reporter_id is not None and report.reporter_id == person.id:
        raise ReportError(f"#{report.id} 是您本人反映的，不能自己{verb}：请由承办人或包联领导办理，办结后由您评价。")


def handled_by(report: Report, person_id: int | None) -> bool:
    """Whether this person took a handling step on the ticket (受理, 进展, 办结) or is its assignee."""
    if person_id is None:
        return False
    return report.assignee_id == person_id or any(
        e.actor_id == person_id for e in report.events if e.action in ("accepted", "progress", "closed")
    )


# --- notices -------------------------------------------------------------------------------


def _people(session: Session, ids: Iterable[int | None]) -> list[Person]:
    seen: list[int] = []
    for pid in ids:
        if pid is not None and pid not in seen:
            seen.append(pid)
    found = [session.get(Person, pid) for pid in seen]
    return [p for p in found if p is not None and p.active]


def handlers_of(session: Session, report: Report) -> list[Person]:
    """Who is told about a new ticket: the assignee and the unit's liaison leaders, or the admins for triage."""
    people = _people(session, [report.assignee_id, *(p.id for p in routing.liaison_leaders(session, report.unit_id))])
    people = [p for p in people if p.id != report.reporter_id]
    return people or [p for p in routing.admins(session) if p.id != report.reporter_id]


def _quote(text: str, report_id: int) -> str:
    """Someone's words inside a notice, cut to fit a phone screen; 「查询 #N」 shows them whole."""
    if len(text) <= NOTE_IN_NOTICE:
        return text
    return f"{render.snippet(text, NOTE_IN_NOTICE)}（全文发「查询 #{report_id}」）"


def _tell_reporter(report: Report, actor: Person | None, text: str) -> list[Reply]:
    if report.reporter_id is None:
        # Not on the roster: answer them where they wrote from.
        return [Reply(text, to=ToAddress(report.reporter_channel, report.reporter_sender))]
    if actor is not None and actor.id == report.reporter_id:
        return []
    return [Reply(text, to=ToPerson(report.reporter_id))]


def _new_ticket_notice(report: Report, viewer: Person, tz) -> str:
    lines = [f"【随手拍 #{report.id}】{'待分派' if report.unit_id is None else '待受理'}", render.headline(report)]
    lines.append(f"反映人：{render.reporter_label(report, report.reporter, viewer)}")
    if report.text:
        lines.append(f"内容：{_quote(report.text, report.id)}")
    extra = render.media_line(report)
    if extra:
        lines.append(extra)
    if report.unit_id is None:
        lines.append(f"请发「转办 #{report.id} 单位名」分派。")
    else:
        lines.append(f"请发「受理 #{report.id}」接单，办好后发「办结 #{report.id} 结果」。")
    return "\n".join(lines)


# --- creating ------------------------------------------------------------------------------


def _event(session: Session, report: Report, at: datetime, actor_id: int | None, action: str, note: str = "",
           detail: dict[str, Any] | None = None, key: str | None = None) -> ReportEvent:
    # Appended through the relationship only, so the loaded history and the new row never double up.
    event = ReportEvent(at=at, actor_id=actor_id, action=action, note=note, detail=detail, key=key)
    report.events.append(event)
    return event


def _apply_media(session: Session, report: Report, kind: str, data: dict[str, Any], at: datetime) -> None:
    if kind == "location":
        report.latitude = float(data["lat"])
        report.longitude = float(data["lon"])
        report.location_label = str(data.get("label") or "")[:200]
    else:
        report.attachments.append(ReportAttachment(
            created_at=at, kind=kind, media_id=data.get("media_id"), url=data.get("url"), path=data.get("path"),
        ))


def _recent_pending(session: Session, who: Reporter, now: datetime, window: timedelta) -> list[PendingMedia]:
    query = select(PendingMedia).where(
        PendingMedia.channel == who.channel, PendingMedia.sender == who.sender, PendingMedia.created_at >= now - window
    ).order_by(PendingMedia.id)
    return list(session.scalars(query))


def _purge_pending(session: Session, who: Reporter) -> None:
    session.execute(delete(PendingMedia).where(PendingMedia.channel == who.channel, PendingMedia.sender == who.sender))


def create_report(session: Session, config: Config, who: Reporter, text: str, *, anonymous: bool, now: datetime) -> Result:
    text = (text or "").strip()
    window = timedelta(minutes=config.reports.attach_minutes)
    pending = _recent_pending(session, who, now, window)
    if not text and not pending:
        raise ReportError("请写上要反映的问题，例如：随手拍 安居社区3栋楼道堆满杂物没人清理。也可以先发照片或位置，再发「随手拍」。")
    if len(text) > MAX_TEXT:
        raise ReportError(f"内容太长了（{len(text)}字），请控制在{MAX_TEXT}字以内，分几条反映也可以。")
    label = next((str(m.data.get("label") or "") for m in reversed(pending) if m.kind == "location"), "")
    where = routing.route(session, text, label, who.person)
    rules = config.reports.categories or None
    category = categories.suggest(text + " " + label, rules, config.reports.other_category)
    unit_id = where.unit.id if where.unit else None
    grid_id = where.grid.id if where.grid else None
    assignee = routing.choose_assignee(session, unit_id, grid_id, who.person_id)
    report = Report(
        created_at=now, reporter_id=who.person_id, reporter_channel=who.channel, reporter_sender=who.sender,
        anonymous=anonymous, text=text, category=category, unit_id=unit_id, grid_id=grid_id,
        assignee_id=assignee.id if assignee else None, status=ReportStatus.pending.value,
        routed_at=now, due_from=now, reopen_count=0, location_label="",
    )
    session.add(report)
    session.flush()
    for media in pending:
        _apply_media(session, report, media.kind, media.data, now)
    _purge_pending(session, who)
    _event(session, report, now, who.person_id, "created", detail={"routed_by": where.by})
    record(session, who.actor, "create", "report", report.id, {
        "anonymous": anonymous, "unit_id": unit_id, "grid_id": grid_id, "category": category,
        "assignee_id": report.assignee_id, "reporter_id": who.person_id, "sender": f"{who.channel}:{who.sender}",
        "media": len(pending),
    }, at=now)
    session.flush()
    notices = [Reply(_new_ticket_notice(report, p, config.tz), to=ToPerson(p.id)) for p in handlers_of(session, report)]
    return Result(report, notices)


def add_media(session: Session, config: Config, who: Reporter, kind: str, data: dict[str, Any], now: datetime) -> Result | None:
    """Join a photo or location to the sender's report of the last few minutes, or keep it for the next one."""
    window = timedelta(minutes=config.reports.attach_minutes)
    query = select(Report).where(
        Report.reporter_channel == who.channel, Report.reporter_sender == who.sender,
        Report.created_at >= now - window, Report.status.in_(OPEN_STATUSES),
    ).order_by(Report.id.desc()).limit(1)
    report = session.scalar(query)
    if report is None:
        session.execute(delete(PendingMedia).where(
            PendingMedia.channel == who.channel, PendingMedia.sender == who.sender, PendingMedia.created_at < now - window
        ))
        session.add(PendingMedia(channel=who.channel, sender=who.sender, created_at=now, kind=kind, data=data))
        record(session, who.actor, "hold_media", "report_media", None, {"kind": kind}, at=now)
        return None
    _apply_media(session, report, kind, data, now)
    _event(session, report, now, who.person_id, "location" if kind == "location" else "attachment")
    record(session, who.actor, "add_media", "report", report.id, {"kind": kind}, at=now)
    return Result(report)


# --- handling ------------------------------------------------------------------------------


def _require_open(report: Report) -> None:
    if not report.is_open:
        raise ReportError(f"#{report.id} 已办结，不能再更新。如问题没解决，请反映人发「评价 #{report.id} 不满意 理由」。")


def accept(session: Session, config: Config, actor: Person, report_id: int, now: datetime) -> Result:
    report = get_report(session, report_id)
    _refuse_own(actor, report, "受理")
    _require_handler(session, actor, report)
    if report.unit_id is None:
        raise ReportError(f"#{report.id} 还没分派到单位，请先发「转办 #{report.id} 单位名」。")
    if report.status != ReportStatus.pending.value:
        _require_open(report)
        who = report.assignee.name if report.assignee else "他人"
        raise ReportError(f"#{report.id} 已由{who}受理，不用重复受理。")
    report.status = ReportStatus.accepted.value
    report.accepted_at = now
    report.assignee_id = actor.id
    _event(session, report, now, actor.id, "accepted")
    record(session, actor, "accept", "report", report.id, None, at=now)
    notices = _tell_reporter(report, actor, f"您反映的 #{report.id} 已由{actor.name}受理，正在办理。")
    return Result(report, notices)


def _handling(session: Session, actor: Person, report_id: int, note: str, missing: str, now: datetime,
              verb: str) -> tuple[Report, str]:
    """Checks shared by 进展 and 办结; a step on a ticket nobody accepted yet accepts it first.

    `missing` is the reply when the note is empty, with {id} for the ticket number.
    """
    report = get_report(session, report_id)
    _refuse_own(actor, report, verb)
    _require_handler(session, actor, report)
    _require_open(report)
    note = note.strip()
    if not note:
        raise ReportError(missing.format(id=report.id))
    if report.unit_id is None:
        raise ReportError(f"#{report.id} 还没分派到单位，请先发「转办 #{report.id} 单位名」。")
    if report.accepted_at is None:
        report.accepted_at = now
        report.assignee_id = actor.id
        _event(session, report, now, actor.id, "accepted")
    return report, note


def add_progress(session: Session, config: Config, actor: Person, report_id: int, note: str, now: datetime) -> Result:
    report, note = _handling(session, actor, report_id, note, "请写上进展内容，例如：进展 #{id} 已联系物业，明天上午清理。", now,
                                "填写进展")
    report.status = ReportStatus.in_progress.value
    _event(session, report, now, actor.id, "progress", note[:MAX_TEXT])
    record(session, actor, "progress", "report", report.id, {"note": note[:MAX_TEXT]}, at=now)
    notices = _tell_reporter(report, actor, f"您反映的 #{report.id} 有新进展：{_quote(note, report.id)}")
    return Result(report, notices)


def close(session: Session, config: Config, actor: Person, report_id: int, note: str, now: datetime) -> Result:
    report, note = _handling(session, actor, report_id, note, "请写上办理结果，例如：办结 #{id} 杂物已清理，已和物业约定每周巡查。", now,
                                "办结")
    report.status = ReportStatus.closed.value
    report.closed_at = now
    _event(session, report, now, actor.id, "closed", note[:MAX_TEXT])
    record(session, actor, "close", "report", report.id, {"note": note[:MAX_TEXT]}, at=now)
    days = config.reports.rating_days
    notices = _tell_reporter(
        report, actor,
        f"您反映的 #{report.id} 已办结：{_quote(note, report.id)}\n请在{days:g}天内评价：发「评价 #{report.id} 满意」或「评价 #{report.id} 不满意 理由」。",
    )
    return Result(report, notices)


def rate(session: Session, config: Config, who: Reporter, report_id: int, satisfied: bool, reason: str, now: datetime) -> Result:
    report = get_report(session, report_id)
    if not is_reporter(report, who):
        raise ReportError(f"只有反映人本人可以评价 #{report_id}。")
    if handled_by(report, who.person_id):
        raise ReportError(f"#{report.id} 是您经办的，不能自己评价。")
    if report.status == ReportStatus.rated.value:
        raise ReportError(f"#{report.id} 已经评价过了，谢谢您。")
    if report.is_open:
        raise ReportError(f"#{report.id} 还在办理中，办结后再评价。")
    limit = timedelta(days=config.reports.rating_days)
    if report.closed_at is not None and now - report.closed_at > limit:
        raise ReportError(f"#{report.id} 办结已超过{config.reports.rating_days:g}天，评价期已过。如问题又出现，请重新反映。")
    reason = reason.strip()
    report.rated_at = now
    note = ("满意" if satisfied else "不满意") + (f"：{reason}" if reason else "")
    _event(session, report, now, who.person_id, "rated", note[:MAX_TEXT], detail={"satisfied": satisfied})
    record(session, who.actor, "rate", "report", report.id, {"satisfied": satisfied, "reason": reason[:MAX_TEXT]}, at=now)
    if satisfied:
        report.status = ReportStatus.rated.value
        report.rating = "satisfied"
        notices = [Reply(f"反映人对 #{report.id} 的办理表示满意。", to=ToPerson(p.id))
                   for p in _people(session, [report.assignee_id]) if p.id != who.person_id]
        return Result(report, notices)
    report.rating = None
    report.status = ReportStatus.in_progress.value
    report.closed_at = None
    report.reopen_count += 1
    report.due_from = now
    _event(session, report, now, None, "reopened", detail={"round": report.reopen_count})
    record(session, "system", "reopen", "report", report.id, {"round": report.reopen_count}, at=now)
    said = _quote(reason, report.id) if reason else "（理由待反映人补充）"
    text = (f"【回炉】#{report.id} 反映人不满意：{said}\n{render.headline(report)}\n已重新打开，"
            f"请继续办理，办好后再发「办结 #{report.id} 结果」。")
    return Result(report, _tell_handlers(session, report, who, text))


def _tell_handlers(session: Session, report: Report, who: Reporter, text: str) -> list[Reply]:
    people = _people(session, [report.assignee_id, *(p.id for p in routing.liaison_leaders(session, report.unit_id))])
    return [Reply(text, to=ToPerson(p.id)) for p in people if p.id != who.person_id]


def add_reason(session: Session, who: Reporter, report_id: int, reason: str, now: datetime) -> Result:
    """Why the reporter was not satisfied, said after a bare 不满意: kept with the ticket and passed on."""
    report = get_report(session, report_id)
    if not is_reporter(report, who):
        raise ReportError(f"只有反映人本人可以补充 #{report_id} 的理由。")
    reason = reason.strip()[:MAX_TEXT]
    _event(session, report, now, who.person_id, "reason", reason)
    record(session, who.actor, "reason", "report", report.id, {"reason": reason}, at=now)
    text = f"#{report.id} 反映人补充了不满意的理由：{_quote(reason, report.id)}"
    return Result(report, _tell_handlers(session, report, who, text))


def reroute(session: Session, config: Config, actor: Person, report_id: int, unit_text: str, now: datetime) -> Result:
    report = get_report(session, report_id)
    if not (actor.is_admin or (report.unit_id is not None and actor.is_leader and can_handle(session, actor, report))):
        raise ReportError(f"只有管理员或 #{report_id} 所在单位的包联领导可以转办。")
    _require_open(report)
    unit = routing.find_unit(session, unit_text)
    if unit is None:
        raise ReportError(f"没找到单位“{unit_text.strip()}”，请写全称，例如：转办 #{report.id} 安居社区。")
    grid = routing.find_grid(session, unit, unit_text)
    before = report.unit_id
    report.unit_id, report.grid_id = unit.id, grid.id if grid else None
    session.flush()
    session.expire(report, ["unit", "grid"])
    assignee = routing.choose_assignee(session, unit.id, report.grid_id, report.reporter_id)
    report.assignee_id = assignee.id if assignee else None
    report.status = ReportStatus.pending.value
    report.accepted_at = None
    report.routed_at = now
    report.due_from = now
    session.flush()
    session.expire(report, ["assignee"])
    _event(session, report, now, actor.id, "routed", render.place(report))
    record(session, actor, "reroute", "report", report.id, {"from_unit_id": before, "to_unit_id": unit.id, "grid_id": report.grid_id}, at=now)
    notices = [Reply(_new_ticket_notice(report, p, config.tz), to=ToPerson(p.id))
               for p in handlers_of(session, report) if p.id != actor.id]
    notices += _tell_reporter(report, actor, f"您反映的 #{report.id} 已转至{render.place(report)}办理。")
    return Result(report, notices)


def recategorize(session: Session, config: Config, actor: Person, report_id: int, name: str, now: datetime) -> Result:
    report = get_report(session, report_id)
    _require_handler(session, actor, report)
    rules = config.reports.categories or None
    category = categories.resolve(name, rules, config.reports.other_category)
    if category is None:
        known = categories.known(rules, config.reports.other_category)
        options = "、".join(known)
        example = f"例如：分类 #{report.id} {known[0]}"
        if not name.strip():
            raise ReportError(f"请写上改成哪个分类，可选：{options}。{example}")
        raise ReportError(f"没有“{name.strip()}”这个分类，可选：{options}。{example}")
    before = report.category
    report.category = category
    _event(session, report, now, actor.id, "category", category)
    record(session, actor, "recategorize", "report", report.id, {"from": before, "to": category}, at=now)
    return Result(report)


# --- listing -------------------------------------------------------------------------------


def mine(session: Session, who: Reporter, limit: int = 20) -> list[Report]:
    if who.person is not None:
        condition = Report.reporter_id == who.person.id
    else:
        condition = and_(Report.reporter_id.is_(None), Report.reporter_channel == who.channel, Report.reporter_sender == who.sender)
    return list(session.scalars(select(Report).where(condition).order_by(Report.id.desc()).limit(limit)))


def worklist(session: Session, person: Person, open_only: bool = True, limit: int = 30) -> list[Report]:
    """The tickets this person may handle: admins all, leaders their liaison units', grid workers their grid's."""
    query = select(Report)
    if not person.is_admin:
        conditions = [Report.assignee_id == person.id]
        if person.is_leader:
            units = routing.liaison_unit_ids(session, person.id)
            if units:
                conditions.append(Report.unit_id.in_(units))
        if person.role == "grid_worker" and person.grid_id is not None:
            conditions.append(Report.grid_id == person.grid_id)
        query = query.where(or_(*conditions))
    if open_only:
        query = query.where(Report.status.in_(OPEN_STATUSES))
    return list(session.scalars(query.order_by(Report.id).limit(limit)))


# --- for the ledger (立项 #N): a report becomes a rectification task -----------------------


@dataclass(frozen=True)
class ReportForTask:
    id: int
    unit_id: int
    category: str
    problem: str
    reporter_id: int | None  # None for an anonymous or unregistered reporter: never passed on


def for_ledger(session: Session, actor: Person, report_id: int) -> ReportForTask:
    """The report an admin or its unit's liaison leader puts into the ledger; ReportError otherwise."""
    report = session.get(Report, report_id)
    if report is None:
        raise ReportError(f"没有编号为 #{report_id} 的反映，请核对编号。")
    if not (actor.is_admin or (actor.is_leader and report.unit_id is not None and can_handle(session, actor, report))):
        raise ReportError(f"只有管理员或 #{report_id} 所在单位的包联领导可以把它列入台账。")
    if report.unit_id is None:
        raise ReportError(f"#{report_id} 还没分派到单位，请先发「转办 #{report_id} 单位名」。")
    problem = report.text or f"随手拍 #{report.id}（见照片/位置）"
    reporter_id = None if report.anonymous else report.reporter_id
    return ReportForTask(report.id, report.unit_id, report.category, problem, reporter_id)


def note_in_ledger(session: Session, report_id: int, task_id: int, actor: Person, now: datetime) -> list[Reply]:
    """Record that the report became task #task_id; the notice to its reporter (who stays unnamed to the ledger)."""
    report = session.get(Report, report_id)
    if report is None:
        return []
    report.events.append(ReportEvent(at=now, actor_id=actor.id, action="task", note=f"整改任务 #{task_id}"))
    return _tell_reporter(report, actor, f"您反映的 #{report.id} 已列入整改台账（任务 #{task_id}），将跟踪整改到位。")


@dataclass
class ClosedWithTask:
    closed: list[int] = field(default_factory=list)  # reports closed by this 销号
    notices: list[Reply] = field(default_factory=list)


def close_for_task(session: Session, config: Config, report_ids: Iterable[int], task_id: int, note: str, actor: Person,
                   now: datetime) -> ClosedWithTask:
    """销号 of rectification task #task_id: the reports it was made from are closed with it.

    Each reporter is told and asked to rate, as after 办结; a report already closed or rated keeps its
    state and its reporter is told the task is done. The ledger passes ids only: who reported stays
    here, so an anonymous reporter is told without being named to anyone. The assignee, if someone
    else, is told the ticket needs no more work. The 销号 closes the report even when its lead leader
    reported it: the 销号 is the lead leader's accountable step, checked again at 回头看.
    """
    result = ClosedWithTask()
    summary = render.snippet(note, NOTE_IN_NOTICE)  # the whole note is in the ledger's 「任务 #N」
    days = config.reports.rating_days
    for report_id in dict.fromkeys(report_ids):
        report = session.get(Report, report_id)
        if report is None:
            continue
        if not report.is_open:
            result.notices += _tell_reporter(report, actor, f"您反映的 #{report.id} 对应的整改任务 #{task_id} 已销号：{summary}")
            continue
        report.status = ReportStatus.closed.value
        report.closed_at = now
        if report.accepted_at is None:
            report.accepted_at = now
        _event(session, report, now, actor.id, "closed", f"整改任务 #{task_id} 销号：{note}"[:MAX_TEXT])
        record(session, actor, "close", "report", report.id, {"task_id": task_id, "note": note[:MAX_TEXT]}, at=now)
        result.closed.append(report.id)
        result.notices += _tell_reporter(
            report, actor,
            f"您反映的 #{report.id} 已随整改任务 #{task_id} 销号办结：{summary}\n"
            f"请在{days:g}天内评价：发「评价 #{report.id} 满意」或「评价 #{report.id} 不满意 理由」。",
        )
        others = [p for p in _people(session, [report.assignee_id]) if p.id not in (actor.id, report.reporter_id)]
        result.notices += [Reply(f"随手拍 #{report.id} 已随整改任务 #{task_id} 销号办结，不用再办理。", to=ToPerson(p.id))
                           for p in others]
    return result


def report_exists(session: Session, report_id: int) -> bool:
    return session.get(Report, report_id) is not None
