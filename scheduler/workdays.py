"""China's official working days, with 调休 make-up days, from the `chinese-calendar` package.

The package knows each year only once the State Council has published it (usually in the
November before). For a year it does not know, Monday–Friday is assumed and a warning is
logged once per year and calendar, so a street is not silently off by a holiday.
Config `[schedule] extra_workdays / extra_holidays` override both.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

import chinese_calendar

log = logging.getLogger(__name__)


class WorkdayCalendar:
    def __init__(self, extra_workdays: Iterable[date] = (), extra_holidays: Iterable[date] = ()) -> None:
        self.extra_workdays = frozenset(extra_workdays)
        self.extra_holidays = frozenset(extra_holidays)
        both = self.extra_workdays & self.extra_holidays
        if both:
            raise ValueError(f"dates both extra workday and extra holiday: {', '.join(map(str, sorted(both)))}")
        self._warned_years: set[int] = set()

    @classmethod
    def from_config(cls, config) -> WorkdayCalendar:
        return cls(config.schedule.extra_workdays, config.schedule.extra_holidays)

    def is_workday(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year not in self._warned_years:
                self._warned_years.add(day.year)
                log.warning(
                    "chinese-calendar has no official calendar for %s; assuming Monday-Friday working days "
                    "(update the package or set [schedule] extra_workdays/extra_holidays)",
                    day.year,
                )
            return day.weekday() < 5

    def knows(self, year: int) -> bool:
        """Whether the official calendar of this year is known (not the Mon–Fri fallback)."""
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
            return True
        except NotImplementedError:
            return False
