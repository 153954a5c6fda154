"""Ledger reminders, computed from the tasks and the date: run daily (default 09:00).

- before a deadline: at each of `remind_days_before` (7, 3, 1) to the lead leader and the unit;
  a day the job did not run is made up the next run (the nearest threshold not yet used);
- overdue: a daily nudge to the lead leader with the days overdue; from `escalate_after_days`
  on, one escalation to the people in `escalate_to` and the admins;
- long-term tasks: a monthly progress prompt instead of deadline reminders;
- 回头看: `recheck_after_days` after close-out, the lead leader is asked to confirm it held.

Each reminder is a named step (task, deadline, threshold or day). The first run that finds it due
claims it (ledger_reminder_steps); later runs skip it, and the claiming run itself may be repeated
after a crash, its pushes kept single by the outbox's dedupe keys (`key`, the scheduler's
run.key under the scheduler). So each reminder goes out exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import record
from bot.config import Config
from bot.message import Reply, ToGroup, ToPerson
from bot.models import Group, Person, Role
from handlers.ledger.models import LedgerTask, ReminderStep, TaskProgress, TaskStatus
from handlers.ledger.service import one_line

log = logging.getLogger(__name__)


def unit_groups(session: Session, unit_id: int) -> list[Group]:
    """The unit's own groups: those whose audience is exactly that unit."""
    groups = session.scalars(select(Group).where(Group.active.is_(True)).order_by(Group.id))
    return [g for g in groups if (g.audience or {}).get("units") == [unit_id] and not (g.audience or {}).get("roles")]


def escalation_people(session: Session, config: Config) -> list[Person]:
    """`ledger.escalate_to` (names or ids, e.g. the secretary) followed by every admin."""
    people: list[Person] = []
    for entry in config.ledger.escalate_to:
        entry = entry.strip().lstrip("#")
        if entry.isdigit():
            found = [session.get(Person, int(entry))]
        else:
            found = list(session.scalars(select(Person).where(Person.name == entry)))
        found = [p for p in found if p is not None and p.active]
        if len(found) != 1:
            log.warning("ledger.escalate_to: %r matches %d people on the roster; skipped", entry, len(found))
            continue
        people.extend(found)
    people += session.scalars(select(Person).where(Person.role == Role.admin.value, Person.active.is_(True)).order_by(Person.id))
    unique: dict[int, Person] = {}
    for person in people:
        unique.setdefault(person.id, person)
    return list(unique.values())


Key = Callable[[str], str]


def stable_key(target: str) -> str:
    return target


def claim(session: Session, task: LedgerTask, step: str, occurrence: datetime) -> bool:
    """True if this run owns the step: it is new, or this same occurrence claimed it before."""
    found = session.scalar(select(ReminderStep).where(ReminderStep.step == step))
    if found is None:
        session.add(ReminderStep(task_id=task.id, step=step, occurrence=occurrence))
        session.flush()
        return True
    return found.occurrence == occurrence


def _threshold(days_left: int, thresholds: list[int]) -> int | None:
    fitting = [n for n in thresholds if n >= days_left]
    return min(fitting) if fitting else None


def due_reminders(session: Session, config: Config, now: datetime, key: Key = stable_key) -> list[Reply]:
    """The reminders due at `now` (a run's occurrence) that no earlier run sent."""
    today = now.astimezone(config.tz).date()
    replies: list[Reply] = []
    tasks = session.scalars(select(LedgerTask).where(LedgerTask.status == TaskStatus.open.value).order_by(LedgerTask.id))
    for task in tasks:
        lead = session.get(Person, task.lead_leader_id)
        if task.long_term:
            replies += _monthly_prompt(session, config, task, lead, today, now, key)
        elif task.deadline is not None:
            days_left = (task.deadline - today).days
            if days_left >= 0:
                replies += _before_deadline(session, config, task, lead, days_left, now, key)
            else:
                replies += _overdue(session, config, task, lead, -days_left, now, key)
    closed = select(LedgerTask).where(
        LedgerTask.status == TaskStatus.closed.value, LedgerTask.rechecked_at.is_(None), LedgerTask.closed_at.is_not(None)
    ).order_by(LedgerTask.id)
    for task in session.scalars(closed):
        replies += _recheck(session, config, task, today, now, key)
    return replies


def _before_deadline(session: Session, config: Config, task: LedgerTask, lead: Person | None, days_left: int,
                     now: datetime, key: Key) -> list[Reply]:
    threshold = _threshold(days_left, config.ledger.remind_days_before)
    if threshold is None:
        return []
    step = f"ledger:deadline:{task.id}:{task.deadline:%Y%m%d}:{threshold}"
    if not claim(session, task, step, now):
        return []
    when = "今天到期" if days_left == 0 else f"还有{days_left}天到期"
    text = (f"【整改提醒】任务 #{task.id} {when}（{task.deadline:%Y-%m-%d}）。\n问题：{task.problem}\n"
            f"措施：{task.measures or '（未填）'}\n完成后请牵头领导发「销号 #{task.id} 整改结果」；有进展发「任务 #{task.id} 进展 内容」。")
    replies = []
    if lead is not None and lead.active:
        replies.append(_to_person(text, lead, step, key))
    for group in unit_groups(session, task.unit_id):
        replies.append(Reply(text, to=ToGroup(group.id), dedupe_key=key(f"{step}:g{group.id}")))
    return replies


def _overdue(session: Session, config: Config, task: LedgerTask, lead: Person | None, days_over: int, now: datetime,
             key: Key) -> list[Reply]:
    replies = []
    today = now.astimezone(config.tz).date()
    daily = f"ledger:overdue:{task.id}:{task.deadline:%Y%m%d}:{today:%Y%m%d}"
    if lead is not None and lead.active and claim(session, task, daily, now):
        text = (f"【逾期】任务 #{task.id} 已逾期{days_over}天（时限 {task.deadline:%Y-%m-%d}），由您牵头。\n"
                f"问题：{task.problem}\n请抓紧整改，完成后发「销号 #{task.id} 整改结果」。")
        replies.append(_to_person(text, lead, daily, key))
    if days_over >= config.ledger.escalate_after_days:
        step = f"ledger:escalate:{task.id}:{task.deadline:%Y%m%d}"
        lead_name = lead.name if lead else "未指定"
        text = (f"【逾期上报】整改任务 #{task.id} 已逾期{days_over}天仍未销号。\n问题：{task.problem}\n"
                f"牵头领导：{lead_name}；时限：{task.deadline:%Y-%m-%d}。请督办。")
        people = [p for p in escalation_people(session, config) if lead is None or p.id != lead.id]
        if people and claim(session, task, step, now):
            if session.scalar(select(TaskProgress.id).where(TaskProgress.key == step)) is None:
                task.progress.append(TaskProgress(at=now, author_id=None, author_name="", kind="escalation",
                                                  text=one_line(f"逾期{days_over}天，已上报{'、'.join(p.name for p in people)}"), key=step))
                record(session, "scheduler", "escalate", "ledger_task", task.id, {"days_over": days_over, "to": [p.id for p in people]}, at=now)
            for person in people:
                replies.append(_to_person(text, person, step, key))
    return replies


def _to_person(text: str, person: Person, step: str, key: Key) -> Reply:
    """The step's reminder to one person, sent at most once however often the job runs."""
    return Reply(text, to=ToPerson(person.id), dedupe_key=key(f"{step}:p{person.id}"))


def _monthly_prompt(session: Session, config: Config, task: LedgerTask, lead: Person | None, today: date, now: datetime,
                    key: Key) -> list[Reply]:
    prompt_day = date(today.year, today.month, config.ledger.monthly_prompt_day)
    if today < prompt_day or task.created_at.astimezone(config.tz).date() >= prompt_day or lead is None or not lead.active:
        return []
    text = (f"【长期整改】任务 #{task.id} 是长期坚持事项，请更新本月进展。\n问题：{task.problem}\n"
            f"发「任务 #{task.id} 进展 内容」即可。")
    step = f"ledger:monthly:{task.id}:{today:%Y%m}"
    if not claim(session, task, step, now):
        return []
    return [_to_person(text, lead, step, key)]


def _recheck(session: Session, config: Config, task: LedgerTask, today: date, now: datetime, key: Key) -> list[Reply]:
    closed_day = task.closed_at.astimezone(config.tz).date()
    if (today - closed_day).days < config.ledger.recheck_after_days:
        return []
    lead = session.get(Person, task.lead_leader_id)
    if lead is None or not lead.active:
        return []
    text = (f"【回头看】任务 #{task.id} 销号已满{config.ledger.recheck_after_days}天（{closed_day:%Y-%m-%d}销号）。\n"
            f"问题：{task.problem}\n请核实有没有反弹：没有就发「巩固 #{task.id}」，又出现了就发「反弹 #{task.id} 情况」。")
    step = f"ledger:recheck:{task.id}:{task.closed_at:%Y%m%d%H%M%S}"
    if not claim(session, task, step, now):
        return []
    return [_to_person(text, lead, step, key)]
