"""Reports (随手拍 / 意见箱): open and overdue tickets, time to acceptance and to closure.

Anonymity: who filed an anonymous report is shown to admins only; everyone else sees 匿名.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from handlers.reports.settings import ReportsConfig
from bot.models import Person, Unit
from dash.figures.sql import hours_between, percentiles
from dash.month import Month
from dash.scope import Level, Scope
from handlers.reports.models import OPEN_STATUSES, STATUS_LABELS, Report, ReportStatus

ANONYMOUS = "匿名"
RESIDENT = "群众"
LIST_LIMIT = 300


@dataclass(frozen=True)
class Filters:
    unit_id: int | None = None
    status: str | None = None
    category: str | None = None
    month: Month | None = None

    def query_string(self) -> str:
        parts = []
        if self.unit_id is not None:
            parts.append(f"unit={self.unit_id}")
        if self.status:
            parts.append(f"status={self.status}")
        if self.category:
            parts.append(f"category={self.category}")
        if self.month:
            parts.append(f"month={self.month.key}")
        return "&".join(parts)


@dataclass(frozen=True)
class ReportRow:
    id: int
    created_at: datetime
    category: str
    unit: str
    status: str
    reporter: str
    text: str
    hours_to_accept: float | None
    hours_to_close: float | None
    overdue: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[ReportStatus(self.status)]


@dataclass(frozen=True)
class Timing:
    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class ReportsOverview:
    created: int
    open: int
    overdue: int
    accept: Timing
    by_status: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class ReportsPage:
    rows: list[ReportRow]
    total: int
    accept: Timing
    close: Timing
    categories: list[str]


def _visible(scope: Scope):
    if scope.level == Level.street:
        return None
    mine = or_(Report.reporter_id == scope.person_id, Report.assignee_id == scope.person_id)
    if scope.level == Level.units:
        return or_(Report.unit_id.in_(scope.unit_ids), mine)
    return mine


def _overdue(now: datetime, config: ReportsConfig):
    """Not accepted within accept_hours, or still open after close_days (both counted from due_from)."""
    return or_(
        and_(Report.status == ReportStatus.pending.value, Report.due_from < now - timedelta(hours=config.accept_hours)),
        and_(Report.status.in_(OPEN_STATUSES), Report.due_from < now - timedelta(days=config.close_days)),
    )


def _where(scope: Scope, filters: Filters, tz):
    clauses = []
    visible = _visible(scope)
    if visible is not None:
        clauses.append(visible)
    if filters.unit_id is not None:
        clauses.append(Report.unit_id == filters.unit_id)
    if filters.status:
        clauses.append(Report.status == filters.status)
    if filters.category:
        clauses.append(Report.category == filters.category)
    if filters.month is not None:
        start, end = filters.month.bounds_utc(tz)
        clauses.append(and_(Report.created_at >= start, Report.created_at < end))
    return clauses


def _timing(session: Session, duration, clauses) -> Timing:
    count, (median, p90) = percentiles(session, select(duration.label("d")).where(*clauses), (0.5, 0.9))
    return Timing(count, median, p90)


def overview(session: Session, scope: Scope, month: Month, now: datetime, tz, config: ReportsConfig) -> ReportsOverview:
    visible = [c for c in [_visible(scope)] if c is not None]
    start, end = month.bounds_utc(tz)
    in_month = [*visible, Report.created_at >= start, Report.created_at < end]
    created = session.scalar(select(func.count()).select_from(Report).where(*in_month)) or 0
    open_count, overdue = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((_overdue(now, config), 1), else_=0)), 0),
        ).select_from(Report).where(*visible, Report.status.in_(OPEN_STATUSES))
    ).one()
    by_status = session.execute(
        select(Report.status, func.count()).where(*in_month).group_by(Report.status)
    ).all()
    order = {s.value: i for i, s in enumerate(ReportStatus)}
    accept = _timing(session, hours_between(session, Report.created_at, Report.accepted_at), in_month)
    return ReportsOverview(
        created,
        int(open_count or 0),
        int(overdue or 0),
        accept,
        [(STATUS_LABELS[ReportStatus(s)], int(n)) for s, n in sorted(by_status, key=lambda r: order.get(r[0], 99))],
    )


def page(
    session: Session, scope: Scope, filters: Filters, now: datetime, tz, config: ReportsConfig, limit: int | None = LIST_LIMIT
) -> ReportsPage:
    clauses = _where(scope, filters, tz)
    reporter = aliased(Person)
    to_accept = hours_between(session, Report.created_at, Report.accepted_at)
    to_close = hours_between(session, Report.created_at, Report.closed_at)
    query = (
        select(
            Report.id,
            Report.created_at,
            Report.category,
            func.coalesce(Unit.name, ""),
            Report.status,
            Report.anonymous,
            Report.reporter_id,
            reporter.name,
            Report.text,
            to_accept,
            to_close,
            _overdue(now, config),
        )
        .outerjoin(Unit, Unit.id == Report.unit_id)
        .outerjoin(reporter, reporter.id == Report.reporter_id)
        .where(*clauses)
        .order_by(Report.created_at.desc(), Report.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    rows = []
    for rid, created, category, unit, status, anonymous, reporter_id, name, text, accept_h, close_h, late in session.execute(query):
        rows.append(
            ReportRow(
                rid,
                created.astimezone(tz),
                category,
                unit,
                status,
                _reporter_label(scope, bool(anonymous), reporter_id, name),
                text,
                None if accept_h is None else round(float(accept_h), 1),
                None if close_h is None else round(float(close_h), 1),
                bool(late),
            )
        )
    total = session.scalar(select(func.count()).select_from(Report).where(*clauses)) or 0
    visible = [c for c in [_visible(scope)] if c is not None]
    categories = list(session.scalars(select(Report.category).where(*visible).distinct().order_by(Report.category)))
    return ReportsPage(
        rows,
        total,
        _timing(session, to_accept, clauses),
        _timing(session, to_close, clauses),
        categories,
    )


def _reporter_label(scope: Scope, anonymous: bool, reporter_id: int | None, name: str | None) -> str:
    who = name if reporter_id is not None and name else RESIDENT
    if not anonymous:
        return who
    if scope.sees_anonymous:
        return f"{who}（匿名）"
    return ANONYMOUS
