"""The month a page shows, parsed from `?month=YYYY-MM`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

_KEY = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, raw: str | None, today: date) -> Month:
        """The month named by `raw`, or this month when it is missing or malformed."""
        found = _KEY.match(raw or "")
        if found and 1 <= int(found.group(2)) <= 12 and 2000 <= int(found.group(1)) <= 2100:
            return cls(int(found.group(1)), int(found.group(2)))
        return cls.of(today)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def following(self) -> date:
        return date(self.year + (self.month == 12), self.month % 12 + 1, 1)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def next(self) -> Month:
        return Month.of(self.following)

    def bounds_utc(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The month as an instant range, for timestamp columns (the street's midnight to midnight)."""
        start = datetime.combine(self.first, time(0), tzinfo=tz).astimezone(timezone.utc)
        end = datetime.combine(self.following, time(0), tzinfo=tz).astimezone(timezone.utc)
        return start, end
