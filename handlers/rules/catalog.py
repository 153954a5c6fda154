"""The sample knowledge base's files: the catalog of its documents, the questions known to be answered by
its articles, and the outcomes of questions asked of it (outcomes.py). Nothing here touches a database."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from handlers.rules.outcomes import Outcome, read_outcomes

SAMPLES_DIR = Path(__file__).parent / "samples"
SAMPLE_QUESTIONS = SAMPLES_DIR / "questions.toml"
SAMPLE_OUTCOMES = SAMPLES_DIR / "outcomes.tsv"


@dataclass(frozen=True)
class SampleDocument:
    key: str  # file stem, used by the evaluation set
    path: Path
    title: str
    issuer: str
    issued_on: date


def sample_documents() -> list[SampleDocument]:
    catalog = tomllib.loads((SAMPLES_DIR / "catalog.toml").read_text(encoding="utf-8"))
    return [
        SampleDocument(
            key=Path(entry["file"]).stem,
            path=SAMPLES_DIR / entry["file"],
            title=entry["title"],
            issuer=entry["issuer"],
            issued_on=date.fromisoformat(entry["date"]),
        )
        for entry in catalog["document"]
    ]


def sample_outcomes(leave_out: frozenset[str] = frozenset()) -> tuple[Outcome, ...]:
    """The questions asked of the sample articles with the article found first and whether it answers
    (outcomes.py), but those `from` a set in leave_out (a benchmark measuring that set)."""
    return read_outcomes(SAMPLE_OUTCOMES, {d.key: d.title for d in sample_documents()}, leave_out)
