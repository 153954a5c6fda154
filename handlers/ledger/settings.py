"""The [ledger] section of the configuration."""

from __future__ import annotations

from pydantic import Field, field_validator

from bot.config import Section


class LedgerConfig(Section):
    """[ledger] 整改台账: reminders before and after deadlines, and 回头看."""

    remind_days_before: list[int] = [7, 3, 1]
    escalate_after_days: int = Field(3, ge=1)
    recheck_after_days: int = Field(30, ge=1)
    monthly_prompt_day: int = Field(1, ge=1, le=28)
    default_deadline_days: int = Field(30, ge=1)
    # Who gets the escalation of an overdue task besides the admins: names or roster ids (e.g. the secretary).
    escalate_to: list[str] = []

    @field_validator("remind_days_before")
    @classmethod
    def _positive_days(cls, days: list[int]) -> list[int]:
        if any(d < 1 for d in days):
            raise ValueError("every value must be at least 1 (days before the deadline)")
        return sorted(set(days), reverse=True)
