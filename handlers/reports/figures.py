"""Response-time figures per unit and month: how fast tickets were accepted and closed.

Counting happens in SQL; the percentiles are taken in Python over the month's durations, which
keeps the arithmetic identical on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.models import Unit
from handlers.reports.models import OPEN_STATUSES, Report

TRIAGE = "待分派"


@dataclass(frozen=True)
class UnitFigures:
    unit_id: int | None
    unit_name: str
    received: int
    accepted: int
    closed: int
    still_open: int
    accept_median_hours: float | None
    accept_p90_hours: float | None
    close_median_hours: float | None
    close_p90_hours: float | None


def month_bounds(year: int, month: int, tz: tzinfo) -> tuple[datetime, datetime]:
    start = datetime.combine(date(year, month, 1), time(0), tzinfo=tz)
    end = datetime.combine(date(year + month // 12, month % 12 + 1, 1), time(0), tzinfo=tz)
    return start, end


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _hours(pairs: Iterable[tuple[datetime, datetime | None]]) -> list[float]:
    return [(end - start).total_seconds() / 3600 for start, end in pairs if end is not None]


def monthly_figures(session: Session, year: int, month: int, tz: tzinfo, unit_ids: Iterable[int] | None = None) -> list[UnitFigures]:
    """One row per unit that received tickets created in that month (street time), plus the triage queue."""
    start, end = month_bounds(year, month, tz)
    in_month = (Report.created_at >= start, Report.created_at < end)
    wanted = None if unit_ids is None else set(unit_ids)
    counts = select(
        Report.unit_id,
        func.count(Report.id),
        func.count(Report.accepted_at),
        func.count(Report.closed_at),
        func.sum(case((Report.status.in_(OPEN_STATUSES), 1), else_=0)),
    ).where(*in_month).group_by(Report.unit_id)
    if wanted is not None:
        counts = counts.where(Report.unit_id.in_(wanted))
    rows = session.execute(counts).all()
    durations = select(Report.unit_id, Report.created_at, Report.accepted_at, Report.closed_at).where(*in_month)
    if wanted is not None:
        durations = durations.where(Report.unit_id.in_(wanted))
    accept: dict[int | None, list[tuple]] = defaultdict(list)
    closing: dict[int | None, list[tuple]] = defaultdict(list)
    for unit_id, created, accepted, closed in session.execute(durations):
        accept[unit_id].append((created, accepted))
        closing[unit_id].append((created, closed))
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    result = []
    for unit_id, received, accepted, closed, still_open in rows:
        to_accept = _hours(accept[unit_id])
        to_close = _hours(closing[unit_id])
        result.append(UnitFigures(
            unit_id=unit_id, unit_name=names.get(unit_id, TRIAGE), received=received, accepted=accepted,
            closed=closed, still_open=int(still_open or 0),
            accept_median_hours=statistics.median(to_accept) if to_accept else None,
            accept_p90_hours=percentile(to_accept, 0.9),
            close_median_hours=statistics.median(to_close) if to_close else None,
            close_p90_hours=percentile(to_close, 0.9),
        ))
    return sorted(result, key=lambda f: (f.unit_id is None, f.unit_name))
