"""The [rules] section of the configuration."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from bot.config import Section


class RulesConfig(Section):
    """[rules] 规定问答: retrieval settings and who gives a ruling when the knowledge base has none."""

    # Share (0–1) of the question's informative words, weighted by rarity, that the best article must
    # contain; below it the bot offers the closest articles as choices or says the knowledge base has
    # no clear rule. Above it the best article must also stand out from the next one, or cover 0.25
    # more than this (handlers/rules/answer.py).
    threshold: float = Field(0.3, ge=0, le=1)
    # Who to ask for a ruling when no rule answers the question.
    contact: str = "街道纪工委"
    # The editable synonym and stopword lists; empty = the lists shipped in handlers/rules/data/.
    synonyms_file: str = ""
    stopwords_file: str = ""
    # Articles quoted at most in one answer; a second one only when it scores close to the first.
    top_k: int = Field(2, ge=1, le=5)
    # Characters of article text shown in one answer (a phone screen); the 2048-byte limit always holds.
    max_chars: int = Field(360, ge=60, le=600)
    # Send the retrieved articles to the [llm] model for a short answer (needs llm.base_url and llm.model).
    use_llm: bool = True

    @field_validator("synonyms_file", "stopwords_file")
    @classmethod
    def _file_exists(cls, value: str) -> str:
        if value and not Path(value).is_file():
            raise ValueError(f"file not found: {value}")
        return value
