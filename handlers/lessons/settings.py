"""The [lessons] section of the configuration."""

from __future__ import annotations

from pydantic import Field

from bot.config import Section


class LessonsConfig(Section):
    # A lesson must fit the ten-minute morning slot; longer bodies are refused at import.
    max_body_chars: int = Field(400, ge=50, le=5000)
