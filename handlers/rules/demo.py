"""The sample knowledge base shipped with gridbot (documents written for the demo, titled 「示例」)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy.orm import Session

from handlers.rules.importer import read_file
from handlers.rules.search import IndexedArticle
from handlers.rules.service import import_document

SAMPLES_DIR = Path(__file__).parent / "samples"
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


def load_samples(session: Session, app, today: date) -> None:
    """Demo loader (bot.demo.DEMO_LOADERS): import every sample document."""
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
