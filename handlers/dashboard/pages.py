"""What each page shows, as plain data: the HTML templates and the xlsx exports both read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.capability import DashQuery, DashSection, SectionView
from bot.config import Config
from bot.models import Unit
from dash import charts
from handlers.hours import dashboard as hours_fig
from dash.month import Month
from dash.scope import Level, Scope

# The capabilities whose figures the overview knows how to draw, with the label of their block.
CAPABILITY_LABELS = {"lessons": "作风微课堂", "quiz": "知识竞赛", "reports": "随手拍诉求", "ledger": "整改台账"}


@dataclass(frozen=True)
class Capabilities:
    """Which capabilities this installation has (the composition list the App was built with)."""

    present: frozenset[str]

    @classmethod
    def of(cls, app) -> Capabilities:
        return cls(frozenset(c.name for c in app.capabilities))

    def __contains__(self, name: str) -> bool:
        return name in self.present

    @property
    def missing_labels(self) -> list[str]:
        return [label for name, label in CAPABILITY_LABELS.items() if name not in self.present]


@dataclass
class Overview:
    month: Month
    hours: hours_fig.HoursSummary
    me: hours_fig.PersonHours | None = None
    lessons: Any = None
    quiz: Any = None
    reports: Any = None
    ledger: Any = None  # list[CategoryCount]
    ledger_totals: dict[str, int] = field(default_factory=dict)
    charts: dict[str, dict] = field(default_factory=dict)
    # Blocks the capabilities declare (bot.capability.DashSection), in the composition list's order.
    sections: list[tuple[DashSection, SectionView]] = field(default_factory=list)


def declared_sections(session: Session, scope: Scope, config: Config, capabilities, month: Month, now: datetime):
    query = DashQuery(session, scope, month.first, month.following - timedelta(days=1), now, config)
    found = []
    for capability in capabilities:
        for section in capability.dash:
            view = section.figures(query)
            if view is not None:
                found.append((section, view))
    return found


def overview(session: Session, scope: Scope, config: Config, caps: Capabilities, month: Month, now: datetime) -> Overview:
    tz = config.tz
    today = now.astimezone(tz).date()
    target = float(config.hours.monthly_target)
    result = Overview(month, hours_fig.unit_summary(session, scope, month, target))
    if scope.level == Level.self:
        mine = hours_fig.people_hours(session, scope, month, target, limit=1)
        result.me = mine[0] if mine else None
    units = result.hours.units
    result.charts["hours"] = charts.rate_bars(
        [u.unit for u in units],
        [u.completion for u in units],
        [f"{u.reached}/{u.people}人达标" for u in units],
        "时长完成率",
    )
    if "lessons" in caps:
        from handlers.lessons import dashboard as lessons

        result.lessons = lessons.unit_summary(session, scope, month)
        rows = result.lessons.units
        if result.lessons.expected:
            result.charts["lessons"] = charts.rate_bars(
                [u.unit for u in rows], [u.rate for u in rows], [f"{u.confirmed}/{u.expected}" for u in rows], "微课覆盖率"
            )
    if "quiz" in caps:
        from handlers.quiz import dashboard as quiz

        result.quiz = quiz.unit_summary(session, scope, month, tz)
        rows = result.quiz.units
        if result.quiz.answers:
            result.charts["quiz"] = charts.rate_bars(
                [u.unit for u in rows], [u.rate for u in rows], [f"{u.participants}/{u.people}人" for u in rows], "答题参与率"
            )
    if "reports" in caps:
        from handlers.reports import dashboard as reports

        result.reports = reports.overview(session, scope, month, now, tz, config.reports)
        if result.reports.by_status:
            result.charts["reports"] = charts.status_pie(result.reports.by_status)
    if "ledger" in caps:
        from handlers.ledger import dashboard as ledger

        result.ledger = ledger.by_category(session, scope, today)
        result.ledger_totals = {s: sum(c.counts[s] for c in result.ledger) for s in ledger.STATES}
        if result.ledger:
            result.charts["ledger"] = charts.stacked_states(
                [c.category for c in result.ledger],
                {s: [c.counts[s] for c in result.ledger] for s in ledger.STATES},
                ledger.STATE_LABELS,
            )
    return result


@dataclass
class LedgerBoard:
    categories: list[Any]
    tasks: list[Any]
    total: int
    category: str | None
    state: str | None
    today: date
    charts: dict[str, dict] = field(default_factory=dict)


BOARD_LIMIT = 500


def ledger_board(
    session: Session, scope: Scope, config: Config, now: datetime, category: str | None, state: str | None, limit: int | None = BOARD_LIMIT
) -> LedgerBoard:
    from handlers.ledger import dashboard as ledger

    today = now.astimezone(config.tz).date()
    state = state if state in ledger.STATES else None
    cats = ledger.by_category(session, scope, today)
    rows = ledger.tasks(session, scope, today, category, state, limit=limit)
    total = ledger.count_tasks(session, scope, today, category, state)
    board = LedgerBoard(cats, rows, total, category, state, today)
    if cats:
        board.charts["states"] = charts.stacked_states(
            [c.category for c in cats], {s: [c.counts[s] for c in cats] for s in ledger.STATES}, ledger.STATE_LABELS
        )
    points = [
        {"id": t.id, "category": t.category, "deadline": t.deadline.isoformat(), "state": t.state, "problem": t.problem[:40]}
        for t in rows
        if t.deadline is not None and t.state != "closed"
    ]
    if points:
        board.charts["timeline"] = charts.deadline_timeline(
            points, sorted({p["category"] for p in points}), today, ledger.STATE_LABELS
        )
    return board


def units_in_scope(session: Session, scope: Scope) -> list[tuple[int, str]]:
    return [tuple(r) for r in session.execute(select(Unit.id, Unit.name).where(scope.units(Unit.id)).order_by(Unit.id))]


@dataclass
class PeoplePage:
    month: Month
    rows: list[hours_fig.PersonHours]
    lessons: dict[int, tuple[int, int]] | None
    quiz: dict[int, tuple[int, int]] | None
    sort: str
    descending: bool
    unit_id: int | None
    total: int


PEOPLE_LIMIT = 500


def people_page(
    session: Session,
    scope: Scope,
    config: Config,
    caps: Capabilities,
    month: Month,
    sort: str,
    descending: bool,
    unit_id: int | None,
    limit: int | None = PEOPLE_LIMIT,
) -> PeoplePage:
    target = float(config.hours.monthly_target)
    sort = sort if sort in hours_fig.SORTS else "shortfall"
    everyone = hours_fig.people_hours(session, scope, month, target, sort, descending, unit_id)
    rows = everyone if limit is None else everyone[:limit]
    lessons_map = quiz_map = None
    if "lessons" in caps:
        from handlers.lessons import dashboard as lessons

        lessons_map = lessons.people_lessons(session, scope, month)
    if "quiz" in caps:
        from handlers.quiz import dashboard as quiz

        quiz_map = quiz.people_quiz(session, scope, month, config.tz)
    return PeoplePage(month, rows, lessons_map, quiz_map, sort, descending, unit_id, len(everyone))
