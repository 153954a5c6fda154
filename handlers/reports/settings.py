"""The [reports] section of the configuration."""

from __future__ import annotations

from pydantic import Field

from bot.config import Section


class ReportsConfig(Section):
    """[reports] 随手拍: time limits and the keyword rules that suggest a category."""

    accept_hours: float = Field(24, gt=0)  # not accepted within this → the assignee is nudged
    close_days: float = Field(7, gt=0)  # not closed within this → the liaison leader is nudged
    rating_days: float = Field(7, gt=0)  # after closure the reporter may rate for this long
    attach_minutes: float = Field(5, gt=0)  # a photo/location this close to a report belongs to it
    # category -> rules ("词", "词*权重", "词+词*权重"); the heaviest category wins, ties go to the first listed.
    # Empty = the built-in rules (handlers/reports/categories.py).
    categories: dict[str, list[str]] = {}
    other_category: str = "其他"
