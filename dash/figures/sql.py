"""Portable SQL pieces: durations between timestamps and nearest-rank percentiles, on SQLite and PostgreSQL."""

from __future__ import annotations

import math

from sqlalchemy import Float, Select, cast, func, select
from sqlalchemy.orm import Session


def hours_between(session: Session, start, end):
    """A SQL expression: hours from `start` to `end` (two timestamp columns)."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 24.0
    return cast(func.extract("epoch", end - start), Float) / 3600.0


def percentiles(session: Session, values: Select, wanted: tuple[float, ...]) -> tuple[int, list[float | None]]:
    """How many values the one-column select yields (NULLs left out), and each wanted percentile.

    Nearest rank, computed by the database (ORDER BY … OFFSET), so no rows travel to Python.
    """
    sub = values.subquery("v")
    column = sub.c[0]
    count = session.scalar(select(func.count()).select_from(sub).where(column.is_not(None))) or 0
    results: list[float | None] = []
    for p in wanted:
        if count == 0:
            results.append(None)
            continue
        offset = max(math.ceil(p * count) - 1, 0)
        value = session.scalar(select(column).where(column.is_not(None)).order_by(column).offset(offset).limit(1))
        results.append(None if value is None else round(float(value), 1))
    return count, results
