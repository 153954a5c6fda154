"""When a job fires: a 5-field crontab, or "HH:MM on Chinese working days".

Occurrences have minute resolution (they are part of the dedupe key). Both kinds are
APScheduler triggers, so the live scheduler and `gridbot jobs list` / catch-up compute the
same fire times from the same code.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from apscheduler.triggers.base import BaseTrigger

from bot.schedule_spec import check_schedule, crontab_trigger
from scheduler.workdays import WorkdayCalendar

# A year ahead covers the longest gap between fire times a crontab can express (yearly).
SEARCH_DAYS = 400


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
