"""Service hours: the rules for logging, and the monthly figures (plain functions over a Session)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, case, func, insert, select
from sqlalchemy.orm import Session, make_transient_to_detached

from handlers.hours.settings import HoursConfig
from bot.models import Liaison, Person, Unit
from handlers.hours.models import HourEntry


class HoursRuleError(ValueError):
    """An entry breaks a rule; the message is the Chinese reply that says what to fix."""


@dataclass(frozen=True)
class MonthFigures:
    year: int
    month: int
    total: float
    target: float
    points: float

    @property
    def remaining(self) -> float:
        return max(self.target - self.total, 0.0)


@dataclass(frozen=True)
class PersonShortfall:
    person_id: int
    name: str
    unit: str
    total: float
    shortfall: float


@dataclass(frozen=True)
class UnitCompletion:
    unit_id: int
    unit: str
    people: int
    reached: int
    hours: float

    @property
    def rate(self) -> float:
        return self.reached / self.people if self.people else 0.0


def fmt_hours(value: float) -> str:
    """2.5 → "2.5", 3.0 → "3": how people write hours."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return first, following


def earliest_allowed(today: date, months_back: int) -> date:
    year, month = today.year, today.month - months_back
    while month <= 0:
        month += 12
        year -= 1
    return date(year, month, 1)


def points_for(total: float, config: HoursConfig) -> float:
    return round(min(total * config.points_per_hour, config.points_monthly_cap), 2)


def day_total(session: Session, person_id: int, day: date) -> float:
    value = session.scalar(
        select(func.coalesce(func.sum(HourEntry.hours), 0)).where(HourEntry.person_id == person_id, HourEntry.day == day)
    )
    return float(value or 0)


def month_total(session: Session, person_id: int, year: int, month: int) -> float:
    first, following = month_bounds(year, month)
    value = session.scalar(
        select(func.coalesce(func.sum(HourEntry.hours), 0)).where(
            HourEntry.person_id == person_id, HourEntry.day >= first, HourEntry.day < following
        )
    )
    return float(value or 0)


def month_figures(session: Session, person_id: int, year: int, month: int, config: HoursConfig) -> MonthFigures:
    total = month_total(session, person_id, year, month)
    return MonthFigures(year, month, total, float(config.monthly_target), points_for(total, config))


# Built once, on the table rather than the mapped class: logging is the hot path, rebuilding this
# statement per message costs more than running it, and the ORM's handling of a statement that
# loads no objects is a third of its cost (bench/profile_paths.py --path handle).
_ENTRIES = HourEntry.__table__
_DAY_AND_MONTH_TOTALS = select(
    func.coalesce(func.sum(case((_ENTRIES.c.day == bindparam("day"), _ENTRIES.c.hours), else_=0)), 0),
    func.coalesce(func.sum(_ENTRIES.c.hours), 0),
).where(
    _ENTRIES.c.person_id == bindparam("person_id"),
    _ENTRIES.c.day >= bindparam("first"),
    _ENTRIES.c.day < bindparam("following"),
)
_INSERT_ENTRY = insert(_ENTRIES)


def day_and_month_totals(session: Session, person_id: int, day: date) -> tuple[float, float]:
    """Hours already logged on `day` and in its month, in one query."""
    first, following = month_bounds(day.year, day.month)
    row = session.connection().execute(
        _DAY_AND_MONTH_TOTALS, {"day": day, "person_id": person_id, "first": first, "following": following}
    ).one()
    return float(row[0] or 0), float(row[1] or 0)


def check_entry(
    session: Session, person: Person, hours: float | None, day: date, today: date, config: HoursConfig
) -> float:
    """Raise HoursRuleError with the reply to give when the entry may not be stored.

    Returns the month's total before this entry, so the caller need not ask again.
    """
    if hours is None:
        raise HoursRuleError("没看出服务了多长时间。请带上时长再发一次，例如：服务 2小时 入户走访 昨天")
    if hours <= 0:
        raise HoursRuleError("服务时长要大于0，请改正后再发，例如：服务 1.5小时")
    if hours > config.max_per_entry:
        raise HoursRuleError(
            f"一次最多登记{fmt_hours(config.max_per_entry)}小时，您写的是{fmt_hours(hours)}小时。"
            "多天的服务请按天分开登记，例如：服务 4小时 昨天"
        )
    if day > today:
        raise HoursRuleError(f"{day.month}月{day.day}日还没到，不能提前登记。请在服务之后再登记。")
    earliest = earliest_allowed(today, config.months_back)
    if day < earliest:
        raise HoursRuleError(
            f"只能登记{earliest.month}月{earliest.day}日以后的服务，{day.year}年{day.month}月{day.day}日的记录请找管理员补登。"
        )
    already, month_before = day_and_month_totals(session, person.id, day)
    if already + hours > config.max_per_day:
        raise HoursRuleError(
            f"{day.month}月{day.day}日已登记{fmt_hours(already)}小时，再加{fmt_hours(hours)}小时就超过一天"
            f"{fmt_hours(config.max_per_day)}小时了。请核对时长。"
        )
    return month_before


def add_entry(session: Session, person: Person, hours: float, day: date, note: str, now: datetime, source: str = "chat") -> HourEntry:
    """Store the entry now (its id goes into the audit row); it comes back as a persistent object.

    One INSERT on the session's connection instead of an ORM flush, which was the largest single
    cost of logging hours; the object is then placed in the session as already stored.
    """
    values = dict(person_id=person.id, day=day, hours=hours, note=note, created_at=now, source=source)
    result = session.connection().execute(_INSERT_ENTRY, values)
    entry = HourEntry(id=result.inserted_primary_key[0], **values)
    make_transient_to_detached(entry)
    session.add(entry)
    return entry


def last_entry(session: Session, person_id: int) -> HourEntry | None:
    return session.scalars(
        select(HourEntry).where(HourEntry.person_id == person_id).order_by(HourEntry.created_at.desc(), HourEntry.id.desc()).limit(1)
    ).first()


def recent_entries(session: Session, person_id: int, year: int, month: int, limit: int = 5) -> list[HourEntry]:
    first, following = month_bounds(year, month)
    return list(
        session.scalars(
            select(HourEntry)
            .where(HourEntry.person_id == person_id, HourEntry.day >= first, HourEntry.day < following)
            .order_by(HourEntry.day.desc(), HourEntry.id.desc())
            .limit(limit)
        )
    )


def can_undo(entry: HourEntry, now: datetime, config: HoursConfig) -> bool:
    return now - entry.created_at <= timedelta(hours=config.undo_window_hours)


def visible_unit_ids(session: Session, viewer: Person) -> list[int] | None:
    """Units whose figures this person may see: None means every unit (admins)."""
    if viewer.is_admin:
        return None
    return list(session.scalars(select(Liaison.unit_id).where(Liaison.leader_id == viewer.id).order_by(Liaison.unit_id)))


def people_named(session: Session, text: str, unit_ids: list[int] | None) -> list[Person]:
    """Active people on the roster whose names the text holds ("李娜和张伟这个月时长各多少"), in the order named,
    among the given units (None: every unit)."""
    runs = re.findall(r"[\u4e00-\u9fff]{2,}", text)
    candidates = {run[at : at + n] for run in runs for n in (2, 3, 4) for at in range(len(run) - n + 1)}
    if not candidates:
        return []
    query = select(Person).where(Person.active.is_(True), Person.name.in_(candidates))
    if unit_ids is not None:
        query = query.where(Person.unit_id.in_(unit_ids))
    found = list(session.scalars(query))
    # A longer name holding a shorter one ("王建国" and "建国") is the one meant.
    found = [p for p in found if not any(p.name != q.name and p.name in q.name and q.name in text for q in found)]
    return sorted(found, key=lambda p: text.find(p.name))


def unit_month_report(
    session: Session, year: int, month: int, config: HoursConfig, unit_ids: list[int] | None
) -> tuple[list[UnitCompletion], list[PersonShortfall]]:
    """Per unit: people, how many reached the target; and everyone below target, largest shortfall first."""
    first, following = month_bounds(year, month)
    totals = (
        select(HourEntry.person_id, func.sum(HourEntry.hours).label("total"))
        .where(HourEntry.day >= first, HourEntry.day < following)
        .group_by(HourEntry.person_id)
        .subquery()
    )
    query = (
        select(Person.id, Person.name, Unit.id, Unit.name, func.coalesce(totals.c.total, 0))
        .join(Unit, Unit.id == Person.unit_id)
        .outerjoin(totals, totals.c.person_id == Person.id)
        .where(Person.active.is_(True))
        .order_by(Unit.id, Person.id)
    )
    if unit_ids is not None:
        query = query.where(Person.unit_id.in_(unit_ids))
    target = float(config.monthly_target)
    units: dict[int, list] = {}
    short: list[PersonShortfall] = []
    for person_id, name, unit_id, unit_name, total in session.execute(query):
        total = float(total)
        row = units.setdefault(unit_id, [unit_name, 0, 0, 0.0])
        row[1] += 1
        row[3] += total
        if total >= target:
            row[2] += 1
        else:
            short.append(PersonShortfall(person_id, name, unit_name, total, round(target - total, 2)))
    completions = [UnitCompletion(uid, v[0], v[1], v[2], round(v[3], 2)) for uid, v in units.items()]
    short.sort(key=lambda s: (-s.shortfall, s.person_id))
    return completions, short


# 时长统计 names this many people below target; 「时长统计 全部」 lists them all.
TOP_SHORTFALLS = 5


def unit_line(unit: UnitCompletion) -> str:
    """One unit's completion, short enough that a whole street's units fit on a phone screen."""
    return f"{unit.unit} 达标{unit.reached}/{unit.people}（{unit.rate:.0%}）共{fmt_hours(unit.hours)}小时"


def shortfall_line(person: PersonShortfall) -> str:
    return f"{person.name}（{person.unit}）{fmt_hours(person.total)}小时，差{fmt_hours(person.shortfall)}"


def summary_lines(units: list[UnitCompletion], short: list[PersonShortfall], everyone: bool) -> list[str]:
    """The body of 时长统计: each unit's line, then the largest shortfalls (or, with `everyone`, all of them)."""
    lines = [unit_line(u) for u in units]
    if not short:
        lines.append("全部达标 👍")
    elif everyone:
        lines.append(f"未达标 {len(short)} 人（差得多的在前）：")
        lines += [shortfall_line(s) for s in short]
    else:
        shown = short[:TOP_SHORTFALLS]
        lines.append(f"未达标 {len(short)} 人（差得最多的{len(shown)}人如下）：")
        lines += [shortfall_line(s) for s in shown]
    return lines


def export_rows(session: Session, year: int, month: int) -> list[tuple]:
    """One row per entry: date, person_id, name, unit, grid, hours, note."""
    from bot.models import Grid

    first, following = month_bounds(year, month)
    query = (
        select(HourEntry.day, Person.id, Person.name, Unit.name, Grid.name, HourEntry.hours, HourEntry.note)
        .join(Person, Person.id == HourEntry.person_id)
        .outerjoin(Unit, Unit.id == Person.unit_id)
        .outerjoin(Grid, Grid.id == Person.grid_id)
        .where(HourEntry.day >= first, HourEntry.day < following)
        .order_by(HourEntry.day, Person.id, HourEntry.id)
    )
    return [tuple(row) for row in session.execute(query)]


def check_change(
    session: Session, person: Person, entry: HourEntry, hours: float, day: date, today: date, config: HoursConfig
) -> None:
    """Raise HoursRuleError when changing `entry` to `hours` on `day` would break a rule of logging."""
    if hours <= 0:
        raise HoursRuleError("服务时长要大于0，请改正后再发，例如：改成1.5小时")
    if hours > config.max_per_entry:
        raise HoursRuleError(f"一次最多登记{fmt_hours(config.max_per_entry)}小时，您写的是{fmt_hours(hours)}小时。")
    if day > today:
        raise HoursRuleError(f"{day.month}月{day.day}日还没到，不能改到那天。")
    earliest = earliest_allowed(today, config.months_back)
    if day < earliest:
        raise HoursRuleError(f"只能登记{earliest.month}月{earliest.day}日以后的服务，{day.month}月{day.day}日的记录请找管理员补登。")
    already = day_total(session, person.id, day) - (float(entry.hours) if entry.day == day else 0.0)
    if already + hours > config.max_per_day:
        raise HoursRuleError(
            f"{day.month}月{day.day}日已登记{fmt_hours(already)}小时，再加{fmt_hours(hours)}小时就超过一天"
            f"{fmt_hours(config.max_per_day)}小时了。请核对时长。"
        )
