"""The sample knowledge base shipped with gridbot (documents written for the demo, titled 「示例」)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy.orm import Session

from handlers.rules.importer import read_file
from handlers.rules.alike import KnownQuestion
from handlers.rules.outcomes import Outcome, read_outcomes
from handlers.rules.search import IndexedArticle
from handlers.rules.service import add_questions, import_document

SAMPLES_DIR = Path(__file__).parent / "samples"
SAMPLE_QUESTIONS = SAMPLES_DIR / "questions.toml"
SAMPLE_OUTCOMES = SAMPLES_DIR / "outcomes.tsv"
SAMPLE_SOURCE = "gridbot 自带示例，非真实文件"


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


def sample_articles(first_id: int = 1) -> list[IndexedArticle]:
    """The samples as searchable articles without a database (benchmarks)."""
    articles: list[IndexedArticle] = []
    for document in sample_documents():
        for parsed in read_file(document.path):
            articles.append(IndexedArticle(first_id + len(articles), document.title, parsed.label, parsed.section, parsed.text))
    return articles


def sample_questions(leave_out: frozenset[str] = frozenset()) -> list[KnownQuestion]:
    """The questions known to be answered by the sample articles, but those `from` a set in leave_out
    (a benchmark measuring that set)."""
    titles = {d.key: d.title for d in sample_documents()}
    found = []
    for entry in tomllib.loads(SAMPLE_QUESTIONS.read_text(encoding="utf-8"))["q"]:
        if entry["from"] in leave_out:
            continue
        key, label = entry["article"].split("#", 1)
        found.append(KnownQuestion(titles[key], label, entry["text"]))
    return found


def sample_outcomes(leave_out: frozenset[str] = frozenset()) -> tuple[Outcome, ...]:
    """The questions asked of the sample articles with the article found first and whether it answers
    (outcomes.py), but those `from` a set in leave_out (a benchmark measuring that set)."""
    return read_outcomes(SAMPLE_OUTCOMES, {d.key: d.title for d in sample_documents()}, leave_out)


def load_samples(session: Session, app, today: date) -> None:
    """Demo loader (bot.demo.DEMO_LOADERS): import every sample document and the questions known to be
    answered by its articles."""
    at = datetime.combine(today, time(8, 0), tzinfo=app.config.tz)
    for document in sample_documents():
        import_document(
            session,
            document.title,
            read_file(document.path),
            at=at,
            actor="demo",
            issuer=document.issuer,
            issued_on=document.issued_on,
            source=SAMPLE_SOURCE,
        )
    add_questions(session, sample_questions(), "sample", at=at, actor="demo")
