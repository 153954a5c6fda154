"""The knowledge base as the bot searches it: the stored articles behind an index kept per database.

The index lives in memory, one per engine (so tests and several Apps in a process never share one),
and is rebuilt when the revision counter in the database or the word lists on disk change.
"""

from __future__ import annotations

import functools
import weakref
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from handlers.rules.alike import KnownQuestion
from handlers.rules.catalog import sample_outcomes
from handlers.rules.settings import RulesConfig
from handlers.rules.models import RuleArticle, RuleDocument
from handlers.rules.search import (
    DEFAULT_STOPWORDS,
    DEFAULT_SYNONYMS,
    IndexCache,
    IndexedArticle,
    Lexicon,
    LexiconError,
    RulesIndex,
    load_lexicon,
)
from handlers.rules.models import RuleQuestion, current_revision

# Caches, not state: each value is a function of its key (an engine's database at a revision).
_CACHES: weakref.WeakKeyDictionary[Engine, IndexCache] = weakref.WeakKeyDictionary()


def lexicon_paths(settings: RulesConfig) -> tuple[Path, Path]:
    return (
        Path(settings.synonyms_file) if settings.synonyms_file else DEFAULT_SYNONYMS,
        Path(settings.stopwords_file) if settings.stopwords_file else DEFAULT_STOPWORDS,
    )


def lexicon_for(settings: RulesConfig) -> Lexicon:
    synonyms, stopwords = lexicon_paths(settings)
    try:
        return _lexicon(synonyms, synonyms.stat().st_mtime_ns, stopwords, stopwords.stat().st_mtime_ns)
    except (FileNotFoundError, UnicodeDecodeError) as exc:
        raise LexiconError(f"读不了词表文件 {getattr(exc, 'filename', None) or synonyms}（需要 UTF-8 文本）") from exc


@functools.lru_cache(maxsize=8)
def _lexicon(synonyms: Path, _synonyms_mtime: int, stopwords: Path, _stopwords_mtime: int) -> Lexicon:
    return load_lexicon(synonyms, stopwords)


def load_articles(session: Session) -> list[IndexedArticle]:
    rows = session.execute(
        select(RuleArticle.id, RuleDocument.title, RuleArticle.label, RuleArticle.section, RuleArticle.text)
        .join(RuleDocument, RuleDocument.id == RuleArticle.document_id)
        .order_by(RuleDocument.id, RuleArticle.position)
    ).all()
    return [IndexedArticle(*row) for row in rows]


def load_questions(session: Session) -> list[KnownQuestion]:
    rows = session.execute(select(RuleQuestion.title, RuleQuestion.label, RuleQuestion.text).order_by(RuleQuestion.id)).all()
    return [KnownQuestion(*row) for row in rows]


def index_for(session: Session, settings: RulesConfig) -> RulesIndex:
    engine = session.get_bind()
    cache = _CACHES.get(engine)
    if cache is None:
        cache = _CACHES.setdefault(engine, IndexCache())
    lexicon = lexicon_for(settings)
    key = (current_revision(session), lexicon_paths(settings))
    return cache.get(key, lexicon, lambda: load_articles(session), lambda: load_questions(session), sample_outcomes)
