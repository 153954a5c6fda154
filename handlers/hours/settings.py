"""The [hours] section of the configuration."""

from __future__ import annotations

from pydantic import Field

from bot.config import Section


class HoursConfig(Section):
    monthly_target: float = Field(20, gt=0)
    max_per_entry: float = Field(12, gt=0)
    max_per_day: float = Field(24, gt=0)
    # 1 = entries may be dated back to the first day of the previous month.
    months_back: int = Field(1, ge=0)
    undo_window_hours: float = Field(24, gt=0)
    points_per_hour: float = Field(1, ge=0)
    points_monthly_cap: float = Field(30, ge=0)
