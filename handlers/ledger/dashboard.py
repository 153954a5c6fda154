"""The rectification ledger (整改台账): tasks by category and state, deadlines, each task's history.

A task's state on the board: closed (已销号), long-term (长期坚持), overdue (已超期: open and past
its deadline) or open (推进中).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from bot.models import Person, Unit
from dash.scope import Level, Scope
from handlers.ledger.models import LedgerTask, TaskProgress, TaskStatus

STATES = ("overdue", "open", "long_term", "closed")
STATE_LABELS = {"overdue": "已超期", "open": "推进中", "long_term": "长期坚持", "closed": "已销号"}
PROGRESS_KINDS = {"progress": "进展", "close": "销号", "reopen": "回炉", "escalate": "督办", "recheck": "回头看", "create": "立项"}


@dataclass(frozen=True)
class CategoryCount:
    category: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class TaskRow:
    id: int
    category: str
    problem: str
    leader: str
    unit: str
    deadline: date | None
    state: str
    created_at: datetime
    closed_at: datetime | None
    progress: int
    last_progress: datetime | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    def days_left(self, today: date) -> int | None:
        return None if self.deadline is None else (self.deadline - today).days


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    author: str
    kind: str
    text: str


def _state(today: date):
    return case(
        (LedgerTask.status == TaskStatus.closed.value, literal("closed")),
        (LedgerTask.long_term.is_(True), literal("long_term")),
        (LedgerTask.deadline < today, literal("overdue")),
        else_=literal("open"),
    )


def _visible(scope: Scope):
    """Admins: every task; leaders: their liaison units' tasks and the tasks they lead; others: tasks they lead."""
    if scope.level == Level.street:
        return None
    mine = LedgerTask.lead_leader_id == scope.person_id
    if scope.level == Level.units:
        return or_(LedgerTask.unit_id.in_(scope.unit_ids), mine)
    return mine


def _where(scope: Scope, category: str | None = None, state: str | None = None, today: date | None = None):
    clauses = [c for c in [_visible(scope)] if c is not None]
    if category:
        clauses.append(LedgerTask.category == category)
    if state and today is not None:
        clauses.append(_state(today) == state)
    return clauses


def by_category(session: Session, scope: Scope, today: date) -> list[CategoryCount]:
    state = _state(today).label("state")
    rows = session.execute(
        select(LedgerTask.category, state, func.count())
        .where(*_where(scope))
        .group_by(LedgerTask.category, state)
        .order_by(LedgerTask.category)
    ).all()
    found: dict[str, dict[str, int]] = {}
    for category, st, count in rows:
        found.setdefault(category, {s: 0 for s in STATES})[st] = int(count)
    return [CategoryCount(c, counts) for c, counts in found.items()]


def tasks(
    session: Session, scope: Scope, today: date, category: str | None = None, state: str | None = None, limit: int | None = None
) -> list[TaskRow]:
    leader = aliased(Person)
    progress = (
        select(TaskProgress.task_id, func.count().label("n"), func.max(TaskProgress.at).label("last"))
        .group_by(TaskProgress.task_id)
        .subquery("p")
    )
    st = _state(today)
    # Overdue first, then by deadline: what needs chasing comes to the top.
    rank = case((st == "overdue", 0), (st == "open", 1), (st == "long_term", 2), else_=3)
    query = (
        select(
            LedgerTask.id,
            LedgerTask.category,
            LedgerTask.problem,
            func.coalesce(leader.name, ""),
            func.coalesce(Unit.name, ""),
            LedgerTask.deadline,
            st,
            LedgerTask.created_at,
            LedgerTask.closed_at,
            func.coalesce(progress.c.n, 0),
            progress.c.last,
        )
        .outerjoin(leader, leader.id == LedgerTask.lead_leader_id)
        .outerjoin(Unit, Unit.id == LedgerTask.unit_id)
        .outerjoin(progress, progress.c.task_id == LedgerTask.id)
        .where(*_where(scope, category, state, today))
        .order_by(rank, LedgerTask.deadline.is_(None), LedgerTask.deadline, LedgerTask.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [TaskRow(*row[:9], int(row[9]), row[10]) for row in session.execute(query)]


def count_tasks(session: Session, scope: Scope, today: date, category: str | None = None, state: str | None = None) -> int:
    return session.scalar(select(func.count()).select_from(LedgerTask).where(*_where(scope, category, state, today))) or 0


def history(session: Session, scope: Scope, task_id: int) -> tuple[LedgerTask, list[HistoryEntry]] | None:
    """The task and its progress log, or None when it does not exist or is outside the scope."""
    task = session.scalar(select(LedgerTask).where(LedgerTask.id == task_id, *_where(scope)))
    if task is None:
        return None
    author = aliased(Person)
    rows = session.execute(
        select(TaskProgress.at, func.coalesce(author.name, TaskProgress.author_name), TaskProgress.kind, TaskProgress.text)
        .outerjoin(author, author.id == TaskProgress.author_id)
        .where(TaskProgress.task_id == task_id)
        .order_by(TaskProgress.at, TaskProgress.id)
    ).all()
    return task, [HistoryEntry(at, who or "", PROGRESS_KINDS.get(kind, kind), text) for at, who, kind, text in rows]
