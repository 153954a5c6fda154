"""Retrieval: jieba segmentation, a synonym table for the words cadres use, and BM25 from bm25s.

BM25 orders the articles; a question word counts once per article however many of its synonyms
the article uses. Whether the best article really answers the question is a separate measure,
`coverage`: the share of the question's words, weighted by how informative each word is in
general Chinese, that the article contains (a synonym or a part of a compound counting as the
word). A question about something the base never mentions leaves most of its weight unmatched
and is declined, whatever its raw BM25 score, which is not comparable between questions or
between knowledge bases of different sizes.
"""

from __future__ import annotations

import functools
import logging
import math
import re
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.text import normalize

if TYPE_CHECKING:
    import bm25s
    import jieba

# jieba, bm25s and numpy are imported where they are used: with jieba's dictionary they would cost
# a server that is never asked about the rules some 80 MB (bench/bench_hours.py prints both).

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_SYNONYMS = DATA_DIR / "synonyms.txt"
DEFAULT_STOPWORDS = DATA_DIR / "stopwords.txt"

_KEEP = re.compile(r"[\w]", re.UNICODE)


class LexiconError(ValueError):
    """The synonym or stopword file cannot be used; the message (Chinese) names the line."""


@dataclass(frozen=True)
class Lexicon:
    """The editable word lists: synonym expansions, stopwords and words to keep whole."""

    expansions: dict[str, frozenset[str]]
    stopwords: frozenset[str]
    words: frozenset[str]  # added to the segmenter's dictionary


def parse_lexicon(synonyms: str, stopwords: str) -> Lexicon:
    """Synonym lines: `a b c` (all equivalent) or `a b => c d` (a, b also mean c, d; not the reverse)."""
    expansions: dict[str, set[str]] = {}
    words: set[str] = set()
    for number, raw in enumerate(synonyms.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "=>" in line:
            left_text, right_text = line.split("=>", 1)
            left, right = _words(left_text), _words(right_text)
            if not left or not right:
                raise LexiconError(f"同义词表第{number}行：“=>”两边都要写词")
            for word in left:
                expansions.setdefault(word, set()).update(right)
            words.update(left, right)
        else:
            group = _words(line)
            for word in group:
                expansions.setdefault(word, set()).update(group)
            words.update(group)
    stop = {w for raw in stopwords.splitlines() for w in _words(raw.split("#", 1)[0])}
    return Lexicon(
        expansions={w: frozenset(e - {w}) for w, e in expansions.items()},
        stopwords=frozenset(stop),
        words=frozenset(words),
    )


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s/、，,]+", normalize(text).lower()) if w]


def load_lexicon(synonyms_path: Path | None = None, stopwords_path: Path | None = None) -> Lexicon:
    synonyms_path = synonyms_path or DEFAULT_SYNONYMS
    stopwords_path = stopwords_path or DEFAULT_STOPWORDS
    return parse_lexicon(synonyms_path.read_text(encoding="utf-8"), stopwords_path.read_text(encoding="utf-8"))


def _quiet_libraries() -> None:
    # jieba and bm25s announce their dictionary loading and indexing on stderr (bm25s with its own
    # DEBUG handler); the bot's output is for people.
    import jieba

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)


# jieba's dictionary takes about 60 MB per tokenizer. A tokenizer is shared by every analyzer of the
# same word list while any of them lives, and only the latest one is kept beyond that: a server whose
# synonym file is edited must not keep one dictionary per past version of it.
_SEGMENTER_LOCK = threading.Lock()
_LIVE_SEGMENTERS: weakref.WeakValueDictionary[frozenset[str], jieba.Tokenizer] = weakref.WeakValueDictionary()


def _segmenter(words: frozenset[str]) -> jieba.Tokenizer:
    with _SEGMENTER_LOCK:
        tokenizer = _LIVE_SEGMENTERS.get(words)
        if tokenizer is None:
            tokenizer = _LIVE_SEGMENTERS[words] = _build_segmenter(words)
        return tokenizer


@functools.lru_cache(maxsize=1)
def _build_segmenter(words: frozenset[str]) -> jieba.Tokenizer:
    """A private jieba dictionary per word list (building one takes most of a second)."""
    import jieba

    _quiet_libraries()
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in sorted(words):
        tokenizer.add_word(word)
    return tokenizer


@dataclass(frozen=True)
class QueryWord:
    """One word of a question: what may stand for it in an article, and how much it says."""

    word: str
    alternatives: frozenset[str]  # the word, its parts (公务接待 → 公务, 接待) and their synonyms
    weight: float


class Analyzer:
    """Text → search terms, the same way for articles and questions.

    jieba's HMM guesses at words missing from its dictionary and often glues a verb to a modal
    (能报, 内要); without it such runs fall apart into single characters, which match more honestly.
    """

    def __init__(self, lexicon: Lexicon, single_char_weight: float = 0.5) -> None:
        self.lexicon = lexicon
        self.single_char_weight = single_char_weight
        self._tokenizer = _segmenter(lexicon.words)
        self._log_total = math.log(self._tokenizer.total)

    def _keep(self, token: str) -> bool:
        return bool(token.strip()) and bool(_KEEP.search(token)) and token not in self.lexicon.stopwords

    def terms(self, text: str) -> list[str]:
        """Index terms: search-engine mode, so 公务接待 also yields 公务 and 接待."""
        folded = normalize(text).lower()
        return [t for t in self._tokenizer.lcut_for_search(folded, HMM=False) if self._keep(t)]

    def expand(self, term: str) -> frozenset[str]:
        return self.lexicon.expansions.get(term, frozenset()) | {term}

    def query(self, question: str) -> list[QueryWord]:
        folded = normalize(question).lower()
        words: dict[str, QueryWord] = {}
        for word in self._tokenizer.lcut(folded, HMM=False):
            if word in words or not self._keep(word):
                continue
            parts = {word} | {p for p in self._tokenizer.lcut_for_search(word, HMM=False) if len(p) > 1 and self._keep(p)}
            alternatives = frozenset().union(*(self.expand(p) for p in parts))
            words[word] = QueryWord(word, alternatives, self.informativeness(word))
        return list(words.values())

    def informativeness(self, word: str) -> float:
        """How much a word says, from its frequency in general Chinese (jieba's dictionary).

        Measured against the language rather than the knowledge base, a question's weights do not
        shift when documents are added. Single characters are mostly ambiguous (开, 带, 发) and
        count for less.
        """
        frequency = self._tokenizer.FREQ.get(word) or 1
        weight = max(self._log_total - math.log(frequency), 0.0)
        return weight * (self.single_char_weight if len(word) == 1 else 1.0)


@dataclass(frozen=True)
class IndexedArticle:
    id: int
    title: str
    label: str
    section: str
    text: str

    @property
    def citation(self) -> str:
        return f"《{self.title}》{self.label.rstrip('、.．')}"


@dataclass(frozen=True)
class Hit:
    article: IndexedArticle
    score: float
    coverage: float  # 0..1, see the module docstring


class RulesIndex:
    """An immutable BM25 index over a snapshot of the knowledge base."""

    def __init__(self, analyzer: Analyzer, articles: Sequence[IndexedArticle], tokens: Sequence[Sequence[str]]) -> None:
        self.analyzer = analyzer
        self.articles = tuple(articles)
        self._token_sets = tuple(frozenset(t) for t in tokens)
        self._bm25: bm25s.BM25 | None = None
        if self.articles:
            import bm25s

            _quiet_libraries()
            self._bm25 = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
            # An article with no searchable word still needs a token for bm25s to index it.
            self._bm25.index([list(t) or ["\u0000"] for t in tokens], show_progress=False)

    def __len__(self) -> int:
        return len(self.articles)

    def search(self, question: str, top_k: int = 3) -> list[Hit]:
        if self._bm25 is None:
            return []
        import numpy as np

        words = self.analyzer.query(question)
        vocab = self._bm25.vocab_dict
        total = sum(w.weight for w in words)
        scores = np.zeros(len(self.articles), dtype=np.float32)
        for word in words:
            ids = [vocab[a] for a in word.alternatives if a in vocab]
            if not ids:
                continue
            # A word counts once however many of its synonyms an article uses (Lucene's dis_max):
            # otherwise an article that says 礼品、纪念品、土特产 outranks the one that answers.
            best = self._bm25.get_scores_from_ids([ids[0]])
            for other in ids[1:]:
                np.maximum(best, self._bm25.get_scores_from_ids([other]), out=best)
            scores += best
        k = min(top_k, len(scores))
        order = np.argpartition(-scores, k - 1)[:k]
        order = order[np.argsort(-scores[order], kind="stable")]
        hits = []
        for index in order:
            if scores[index] <= 0:
                break
            present = self._token_sets[index]
            matched = sum(w.weight for w in words if not w.alternatives.isdisjoint(present))
            hits.append(Hit(self.articles[index], float(scores[index]), matched / total if total else 0.0))
        return hits


def article_terms(analyzer: Analyzer, article: IndexedArticle) -> list[str]:
    # The title and section are searched with the article: "公务用车" in a document's title
    # makes its short articles findable by that word.
    return analyzer.terms(f"{article.title}\n{article.section}\n{article.text}")


class IndexCache:
    """One process's index, rebuilt when the database revision or the word lists change.

    Several processes (the server, the CLI) share a database; each compares the stored revision
    counter with the one its index was built from on every question, which costs one small query.
    Terms of unchanged articles are kept between rebuilds, so importing one document re-segments
    only that document.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._index: RulesIndex | None = None
        self._terms: dict[tuple[int, int], list[str]] = {}
        self._terms_lexicon: Lexicon | None = None

    def get(self, key: tuple, lexicon: Lexicon, load: Callable[[], list[IndexedArticle]]) -> RulesIndex:
        with self._lock:
            if self._index is not None and self._key == key and self._index.analyzer.lexicon is lexicon:
                return self._index
            analyzer = Analyzer(lexicon)
            if self._terms_lexicon is not lexicon:
                self._terms = {}
                self._terms_lexicon = lexicon
            articles = load()
            keys = [(a.id, hash((a.title, a.section, a.text))) for a in articles]
            self._terms = {k: self._terms.get(k) or article_terms(analyzer, a) for k, a in zip(keys, articles)}
            self._index = RulesIndex(analyzer, articles, [self._terms[k] for k in keys])
            self._key = key
            return self._index


def build_index(articles: Iterable[IndexedArticle], lexicon: Lexicon) -> RulesIndex:
    """An index without a database (benchmarks, tests of ranking)."""
    analyzer = Analyzer(lexicon)
    items = list(articles)
    return RulesIndex(analyzer, items, [article_terms(analyzer, a) for a in items])
