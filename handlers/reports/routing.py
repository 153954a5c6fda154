"""Where a report goes: the unit named in its words (or its location), else the reporter's own grid and unit."""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.liaison import liaison_leaders, liaison_unit_ids  # noqa: F401 - used here and by handlers
from bot.models import Grid, Person, Role, Unit

_SUFFIXES = ("社区", "办公室", "办", "队", "中心", "委")
_GRID = re.compile(r"第\s*([0-9一二三四五六七八九十]{1,3})\s*网格")


@dataclass(frozen=True)
class Destination:
    unit: Unit | None
    grid: Grid | None
    by: str  # "text", "reporter" or "triage"


def _short(name: str) -> str | None:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def _grid_number(raw: str) -> int | None:
    """"3", "三" or "十二" as a number (cn2an reads the Chinese ones, as the hours parser does)."""
    if raw.isdigit():
        return int(raw)
    try:
        return int(cn2an.cn2an(raw, "normal"))
    except (ValueError, KeyError):
        return None


def find_unit(session: Session, text: str) -> Unit | None:
    """The unit whose full or short name ("安居社区" / "安居") occurs in the text; longer names win."""
    if not text:
        return None
    names: list[tuple[str, Unit]] = []
    for unit in session.scalars(select(Unit).order_by(Unit.id)):
        names.append((unit.name, unit))
        short = _short(unit.name)
        if short:
            names.append((short, unit))
    for name, unit in sorted(names, key=lambda pair: -len(pair[0])):
        if name in text:
            return unit
    return None


def find_grid(session: Session, unit: Unit, text: str) -> Grid | None:
    found = _GRID.search(text or "")
    if not found:
        return None
    number = _grid_number(found.group(1))
    if number is None:
        return None
    return session.scalar(select(Grid).where(Grid.unit_id == unit.id, Grid.name == f"第{number}网格"))


def route(session: Session, text: str, location_label: str, reporter: Person | None) -> Destination:
    for source in (text, location_label):
        unit = find_unit(session, source)
        if unit is not None:
            grid = find_grid(session, unit, source)
            if grid is None and reporter is not None and reporter.grid_id and reporter.unit_id == unit.id:
                grid = reporter.grid
            return Destination(unit, grid, "text")
    if reporter is not None and reporter.unit_id is not None:
        return Destination(reporter.unit, reporter.grid, "reporter")
    return Destination(None, None, "triage")


def grid_workers(session: Session, grid_id: int | None) -> list[Person]:
    if grid_id is None:
        return []
    query = select(Person).where(
        Person.grid_id == grid_id, Person.role == Role.grid_worker.value, Person.active.is_(True)
    ).order_by(Person.id)
    return list(session.scalars(query))


def admins(session: Session) -> list[Person]:
    query = select(Person).where(Person.role == Role.admin.value, Person.active.is_(True)).order_by(Person.id)
    return list(session.scalars(query))


def choose_assignee(session: Session, unit_id: int | None, grid_id: int | None, reporter_id: int | None) -> Person | None:
    """The grid's worker for a grid's problem, else the unit's first liaison leader; never the reporter."""
    for candidate in (*grid_workers(session, grid_id), *liaison_leaders(session, unit_id)):
        if candidate.id != reporter_id:
            return candidate
    return None
