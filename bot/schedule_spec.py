"""The shape of a schedule in the configuration: a 5-field crontab or "HH:MM on working days".

The configuration validates schedules at start with this, and the scheduler builds its triggers
from the same functions, so a schedule that loads is one that runs.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from apscheduler.triggers.cron import CronTrigger

HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


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
