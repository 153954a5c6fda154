"""Rectification tasks over a Session: who may see, update and close them; progress; 销号; 反弹; 回头看; 立项.

Functions check permissions, change the task, log the step and audit it, and return the notices
for other people. They never commit.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.audit import record
from bot.config import Config
from bot.message import Reply, ToPerson
from bot.models import Person, Unit
from handlers.ledger.models import LedgerTask, TaskProgress, TaskStatus
from bot.liaison import liaison_leaders, liaison_unit_ids
from handlers.reports import service as reports

MAX_TEXT = 1000
KIND_LABELS = {"progress": "", "created": "立项", "close": "销号", "reopen": "反弹", "recheck": "回头看", "escalation": "逾期上报"}


class LedgerError(Exception):
    """A request that cannot be done; the message is the reply, in Chinese, saying what to fix."""


@dataclass
class Result:
    task: LedgerTask
    notices: list[Reply] = field(default_factory=list)
    # 销号 only: the reports (立项 #N) closed with the task.
    reports_closed: list[int] = field(default_factory=list)


# --- state ---------------------------------------------------------------------------------


def state(task: LedgerTask, today: date) -> str:
    """closed, long_term, overdue or open."""
    if not task.is_open:
        return "closed"
    if task.long_term:
        return "long_term"
    if task.deadline is not None and task.deadline < today:
        return "overdue"
    return "open"


STATE_LABELS = {"closed": "已销号", "long_term": "长期坚持", "overdue": "已逾期", "open": "推进中"}


def one_line(text: str) -> str:
    return " ".join((text or "").split())


# A note or problem quoted in a notice is cut to this many characters; 「任务 #N」 shows it whole.
QUOTE_IN_NOTICE = 200


def _clip(text: str, limit: int = QUOTE_IN_NOTICE) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- permissions ---------------------------------------------------------------------------


def get_task(session: Session, task_id: int) -> LedgerTask:
    task = session.get(LedgerTask, task_id)
    if task is None:
        raise LedgerError(f"台账里没有任务 #{task_id}，请核对编号（发「台账」或「我的任务」查看）。")
    return task


def can_view(session: Session, person: Person, task: LedgerTask) -> bool:
    """Admins; the lead leader; the unit's liaison leaders; the responsible unit's own people."""
    if person.is_admin or task.lead_leader_id == person.id or person.unit_id == task.unit_id:
        return True
    return person.is_leader and task.unit_id in liaison_unit_ids(session, person.id)


def can_close(person: Person, task: LedgerTask) -> bool:
    return person.is_admin or task.lead_leader_id == person.id


def get_visible(session: Session, person: Person, task_id: int) -> LedgerTask:
    task = get_task(session, task_id)
    if not can_view(session, person, task):
        raise LedgerError(f"任务 #{task_id} 不是您牵头、包联或所在单位的任务，您无权查看。")
    return task


def _tell_lead(task: LedgerTask, actor: Person, text: str) -> list[Reply]:
    """A notice to the task's lead leader, unless the lead is the one acting."""
    return [] if actor.id == task.lead_leader_id else [Reply(text, to=ToPerson(task.lead_leader_id))]


def _refuse_close(session: Session, task: LedgerTask, verb: str) -> LedgerError:
    lead = session.get(Person, task.lead_leader_id)
    return LedgerError(f"只有牵头领导（{lead.name if lead else '未指定'}）或管理员可以{verb}任务 #{task.id}。")


# --- changes -------------------------------------------------------------------------------


def _log(task: LedgerTask, at: datetime, author: Person | None, kind: str, text: str, key: str | None = None) -> TaskProgress:
    entry = TaskProgress(at=at, author_id=author.id if author else None, author_name=author.name if author else "",
                         kind=kind, text=one_line(text)[:MAX_TEXT], key=key)
    task.progress.append(entry)
    return entry


def create_task(session: Session, *, category: str, problem: str, lead: Person, unit: Unit, measures: str,
                deadline: date | None, long_term: bool, now: datetime, actor: Person | str,
                report_id: int | None = None, task_id: int | None = None) -> LedgerTask:
    task = LedgerTask(
        id=task_id, created_at=now, category=category, problem=one_line(problem), lead_leader_id=lead.id,
        unit_id=unit.id, measures=one_line(measures), deadline=deadline, long_term=long_term,
        status=TaskStatus.open.value, close_note="", reopen_count=0, report_id=report_id,
    )
    session.add(task)
    session.flush()
    record(session, actor, "create", "ledger_task", task.id, {
        "category": category, "lead_leader_id": lead.id, "unit_id": unit.id,
        "deadline": deadline.isoformat() if deadline else None, "long_term": long_term, "report_id": report_id,
    }, at=now)
    return task


def add_progress(session: Session, config: Config, actor: Person, task_id: int, text: str, now: datetime) -> Result:
    task = get_task(session, task_id)
    if not can_view(session, actor, task):
        raise LedgerError(f"任务 #{task_id} 不是您牵头、包联或所在单位的任务，不能填写进展。")
    text = one_line(text)
    if not text:
        raise LedgerError(f"请写上进展内容，例如：任务 #{task.id} 进展 已完成第一轮排查，整改3处。")
    if not task.is_open:
        raise LedgerError(f"任务 #{task.id} 已销号。如问题又出现，请牵头领导发「反弹 #{task.id} 情况」重新打开。")
    _log(task, now, actor, "progress", text)
    record(session, actor, "progress", "ledger_task", task.id, {"text": text[:MAX_TEXT]}, at=now)
    return Result(task, _tell_lead(task, actor, f"任务 #{task.id} 有新进展（{actor.name}）：{text}"))


def close_task(session: Session, config: Config, actor: Person, task_id: int, note: str, now: datetime) -> Result:
    task = get_task(session, task_id)
    if not can_close(actor, task):
        raise _refuse_close(session, task, "销号")
    if not task.is_open:
        raise LedgerError(f"任务 #{task.id} 已经销号了。")
    note = one_line(note)
    if not note:
        raise LedgerError(f"销号要写明整改结果，例如：销号 #{task.id} 已建立周例会制度，连续两个月无反复。")
    task.status = TaskStatus.closed.value
    task.closed_at = now
    task.close_note = note[:MAX_TEXT]
    task.rechecked_at = None
    _log(task, now, actor, "close", note)
    record(session, actor, "close", "ledger_task", task.id, {"note": note[:MAX_TEXT]}, at=now)
    notices = _tell_lead(task, actor, f"任务 #{task.id} 已由{actor.name}销号：{_clip(note)}")
    reports_closed: list[int] = []
    if task.report_id is not None:
        # A task made from reports (立项 #N) closes them; their reporters are told by the reports capability.
        closed = reports.close_for_task(session, config, [task.report_id], task.id, note, actor, now)
        reports_closed, notices = closed.closed, notices + closed.notices
    return Result(task, notices, reports_closed)


def reopen_task(session: Session, config: Config, actor: Person, task_id: int, note: str, deadline: date | None,
                now: datetime) -> Result:
    """反弹: a closed problem came back. The task opens again with a fresh deadline if the old one passed."""
    task = get_task(session, task_id)
    if not can_close(actor, task):
        raise _refuse_close(session, task, "重新打开")
    if task.is_open:
        raise LedgerError(f"任务 #{task.id} 还没销号，继续推进即可。")
    note = one_line(note)
    if not note:
        raise LedgerError(f"请写上反弹的情况，例如：反弹 #{task.id} 近期又出现工作日午间脱岗。")
    today = now.astimezone(config.tz).date()
    if deadline is None and not task.long_term and (task.deadline is None or task.deadline <= today):
        deadline = today + timedelta(days=config.ledger.default_deadline_days)
    if deadline is not None:
        task.deadline = deadline
    task.status = TaskStatus.open.value
    task.closed_at = None
    task.rechecked_at = None
    task.reopen_count += 1
    _log(task, now, actor, "reopen", note)
    record(session, actor, "reopen", "ledger_task", task.id, {"note": note, "deadline": task.deadline.isoformat() if task.deadline else None}, at=now)
    return Result(task, _tell_lead(task, actor, f"任务 #{task.id} 出现反弹，已重新打开（{actor.name}）：{note}"))


def confirm_recheck(session: Session, config: Config, actor: Person, task_id: int, note: str, now: datetime) -> Result:
    task = get_task(session, task_id)
    if not can_close(actor, task):
        raise _refuse_close(session, task, "确认回头看")
    if task.is_open:
        raise LedgerError(f"任务 #{task.id} 还没销号，销号后才做回头看。")
    task.rechecked_at = now
    text = one_line(note) or "回头看确认未反弹"
    _log(task, now, actor, "recheck", text)
    record(session, actor, "recheck", "ledger_task", task.id, {"note": text}, at=now)
    return Result(task)


def from_report(session: Session, config: Config, actor: Person, report_id: int, measures: str, deadline: date | None,
                now: datetime) -> Result:
    """立项: a report becomes a task. The problem text goes over; the reporter's identity does not."""
    try:
        report = reports.for_ledger(session, actor, report_id)
    except reports.ReportError as exc:
        raise LedgerError(str(exc)) from None
    existing = session.scalar(select(LedgerTask.id).where(LedgerTask.report_id == report_id))
    if existing is not None:
        raise LedgerError(f"#{report_id} 已列入台账，是任务 #{existing}。")
    if actor.is_leader and not actor.is_admin:
        lead = actor
    else:
        lead = next(iter(liaison_leaders(session, report.unit_id)), actor)
    today = now.astimezone(config.tz).date()
    deadline = deadline or today + timedelta(days=config.ledger.default_deadline_days)
    if deadline < today:
        raise LedgerError(f"完成时限 {deadline:%Y-%m-%d} 已经过去了，请给一个今天以后的日期。")
    unit = session.get(Unit, report.unit_id)
    problem = report.problem
    task = create_task(session, category=report.category, problem=problem, lead=lead, unit=unit,
                       measures=measures, deadline=deadline, long_term=False, now=now, actor=actor, report_id=report.id)
    _log(task, now, actor, "created", f"由随手拍 #{report.id} 立项")
    notices = _tell_lead(task, actor, f"随手拍 #{report.id} 已列入整改台账，任务 #{task.id} 由您牵头，完成时限 {deadline:%Y-%m-%d}。\n"
                                      f"问题：{_clip(problem)}")
    # The reports capability tells the reporter: an anonymous one is never named outside it.
    notices += reports.note_in_ledger(session, report.id, task.id, actor, now)
    return Result(task, notices)


# --- listing -------------------------------------------------------------------------------


def my_tasks(session: Session, person: Person) -> list[LedgerTask]:
    """Tasks the person leads, and their own unit's tasks."""
    conditions = [LedgerTask.lead_leader_id == person.id]
    if person.unit_id is not None:
        conditions.append(LedgerTask.unit_id == person.unit_id)
    return list(session.scalars(select(LedgerTask).where(or_(*conditions)).order_by(LedgerTask.id)))


def scope(session: Session, person: Person) -> list[LedgerTask]:
    """台账 for this person: admins everything; leaders their liaison units' and the tasks they lead."""
    query = select(LedgerTask)
    if not person.is_admin:
        conditions = [LedgerTask.lead_leader_id == person.id]
        units = liaison_unit_ids(session, person.id)
        if units:
            conditions.append(LedgerTask.unit_id.in_(units))
        query = query.where(or_(*conditions))
    return list(session.scalars(query.order_by(LedgerTask.id)))


@dataclass(frozen=True)
class CategoryCount:
    category: str
    closed: int
    open: int
    overdue: int


def by_category(tasks: list[LedgerTask], today: date, order: tuple[str, ...] = ()) -> list[CategoryCount]:
    counts: dict[str, Counter] = {}
    for task in tasks:
        counts.setdefault(task.category, Counter())[state(task, today)] += 1
    ordered = [c for c in order if c in counts] + sorted(c for c in counts if c not in order)
    return [
        CategoryCount(c, counts[c]["closed"], counts[c]["open"] + counts[c]["long_term"] + counts[c]["overdue"], counts[c]["overdue"])
        for c in ordered
    ]


# --- parsing a date said in chat -----------------------------------------------------------

_FULL_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_SHORT_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_DEADLINE = re.compile(r"(?:截止|期限|时限|限期)\s*[:：]?\s*")


def take_deadline(text: str, today: date) -> tuple[date | None, str]:
    """Find "截止2026-12-31" / "截止12月31日" in the text; return the date and the text without it.

    A month-day without a year means its next occurrence from today. Raises LedgerError for a
    date that does not exist.
    """
    marker = _DEADLINE.search(text)
    if not marker:
        return None, text
    rest = text[marker.end():]
    full = _FULL_DATE.match(rest)
    short = None if full else _SHORT_DATE.match(rest)
    found = full or short
    if not found:
        raise LedgerError("时限没看懂，请写成「截止2026-12-31」或「截止12月31日」。")
    try:
        if full:
            when = date(int(full.group(1)), int(full.group(2)), int(full.group(3)))
        else:
            month, day = int(short.group(1)), int(short.group(2))
            when = date(today.year, month, day)
            if when < today:
                when = date(today.year + 1, month, day)
    except ValueError:
        raise LedgerError(f"日期“{found.group(0)}”不存在，请检查月份和日子。") from None
    remaining = (text[: marker.start()] + " " + rest[found.end():]).strip()
    return when, one_line(remaining)
