"""When a job fires: a 5-field crontab, or "HH:MM on Chinese working days".

Occurrences have minute resolution (they are part of the dedupe key). Both kinds are
APScheduler triggers, so the live scheduler and `gridbot jobs list` / catch-up compute the
same fire times from the same code.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, tzinfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from scheduler.workdays import WorkdayCalendar

HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# A year ahead covers the longest gap between fire times a crontab can express (yearly).
SEARCH_DAYS = 400


def check_schedule(cron: str, workdays_at: str) -> None:
    """Raise ValueError unless exactly one of cron / workdays_at is set and well-formed."""
    if bool(cron.strip()) == bool(workdays_at.strip()):
        raise ValueError('set exactly one of cron (e.g. "0 9 25 * *") or workdays_at (e.g. "07:50")')
    if workdays_at.strip():
        if not HHMM.match(workdays_at.strip()):
            raise ValueError(f'workdays_at must be HH:MM (e.g. "07:50"), got {workdays_at!r}')
        return
    if len(cron.split()) != 5:
        raise ValueError(f'cron must have 5 fields "minute hour day month weekday", got {cron!r}')
    try:
        crontab_trigger(cron)
    except ValueError as exc:
        raise ValueError(f"cron {cron!r} is not valid: {exc}") from None


class WorkdayTrigger(BaseTrigger):
    """Fires at a wall-clock time on each official working day."""

    def __init__(self, at: time, calendar: WorkdayCalendar, timezone: tzinfo) -> None:
        self.at = at
        self.calendar = calendar
        self.timezone = timezone

    def _fire(self, day) -> datetime:
        return datetime.combine(day, self.at, tzinfo=self.timezone)

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        # Like CronTrigger: after a fire, the next one strictly after it (APScheduler's misfire
        # handling then decides about fire times already past); before the first, from now.
        start = now if previous_fire_time is None else previous_fire_time + timedelta(microseconds=1)
        start = start.astimezone(self.timezone)
        day = start.date()
        for _ in range(SEARCH_DAYS):
            fire = self._fire(day)
            if fire >= start and self.calendar.is_workday(day):
                return fire
            day += timedelta(days=1)
        return None

    def previous(self, now: datetime) -> datetime | None:
        now = now.astimezone(self.timezone)
        day = now.date()
        for _ in range(SEARCH_DAYS):
            fire = self._fire(day)
            if fire <= now and self.calendar.is_workday(day):
                return fire
            day -= timedelta(days=1)
        return None

    def __str__(self) -> str:
        return f"workdays at {self.at:%H:%M}"

    def __repr__(self) -> str:
        return f"<WorkdayTrigger {self.at:%H:%M}>"


WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
NUMERIC_WEEKDAY = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?$")


def _weekday_names(field: str) -> str:
    """Crontab weekday numbers (0 or 7 = Sunday, 1 = Monday) as names.

    APScheduler 3 reads a number in the weekday field as 0 = Monday, so "0 9 * * 1" would fire on
    Tuesdays; names mean the same to both.
    """
    parts = []
    for token in field.split(","):
        found = NUMERIC_WEEKDAY.match(token)
        if not found or token == "*":
            parts.append(token)
            continue
        span, _, step = token.partition("/")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first, last = (int(x) for x in span.split("-"))
        else:
            first = last = int(span)
            if step:
                last = 6  # "1/2" means from Monday on, every other day
        if not (0 <= first <= 7 and 0 <= last <= 7 and first <= last):
            raise ValueError(f"weekday {token!r} is out of range 0-7")
        days = sorted({day % 7 for day in range(first, last + 1, int(step) if step else 1)})
        parts.extend(WEEKDAYS[day] for day in days)
    return ",".join(parts)


def crontab_trigger(cron: str, timezone: tzinfo | None = None) -> CronTrigger:
    minute, hour, day, month, weekday = cron.split()
    return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=_weekday_names(weekday),
                       timezone=timezone)


def build_trigger(cron: str, workdays_at: str, calendar: WorkdayCalendar, timezone: tzinfo) -> BaseTrigger:
    check_schedule(cron, workdays_at)
    if workdays_at.strip():
        hour, minute = (int(p) for p in workdays_at.strip().split(":"))
        return WorkdayTrigger(time(hour, minute), calendar, timezone)
    return crontab_trigger(cron, timezone)


def next_occurrence(trigger: BaseTrigger, now: datetime) -> datetime | None:
    """The first fire time at or after now."""
    return trigger.get_next_fire_time(None, now)


def previous_occurrence(trigger: BaseTrigger, now: datetime) -> datetime | None:
    """The most recent fire time at or before now (None if none within a year)."""
    if isinstance(trigger, WorkdayTrigger):
        return trigger.previous(now)
    # APScheduler triggers only look forward: scan forward from widening windows before now.
    for window in (timedelta(hours=2), timedelta(days=2), timedelta(days=35), timedelta(days=SEARCH_DAYS)):
        last = None
        fire = trigger.get_next_fire_time(None, now - window)
        while fire is not None and fire <= now:
            last = fire
            fire = trigger.get_next_fire_time(None, fire + timedelta(seconds=1))
        if last is not None:
            return last
    return None
