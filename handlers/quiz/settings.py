"""The [quiz] section of the configuration."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bot.config import Section


class QuizConfig(Section):
    # How long after a push the group's members may answer for a score.
    answer_window_minutes: int = Field(240, ge=1, le=24 * 60)
    # How long a personal practice question (「答题」) stays open.
    practice_window_minutes: int = Field(60, ge=1, le=24 * 60)
    # vote_interaction cards: "auto" = when WeCom is enabled; text is always sent along.
    cards: Literal["auto", "on", "off"] = "auto"
    leaderboard_size: int = Field(10, ge=1, le=50)
