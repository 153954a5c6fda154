"""The sample knowledge base shipped with gridbot (documents written for the demo, titled 「示例」)."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time

from sqlalchemy.orm import Session

from handlers.rules.importer import read_file
from handlers.rules.alike import KnownQuestion
from handlers.rules.search import IndexedArticle
from handlers.rules.service import add_questions, import_document
# Re-exported: the benchmarks and tests name the samples through this module.
from handlers.rules.catalog import SAMPLE_OUTCOMES, SAMPLE_QUESTIONS, SAMPLES_DIR, SampleDocument, sample_documents, sample_outcomes  # noqa: F401

SAMPLE_SOURCE = "gridbot 自带示例，非真实文件"


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
