"""Whether the article the search put first really answers a question, learnt from questions asked before.

The search and the checks of what an article leaves unstated (unstated.py) are rules: each knows the
kinds of question someone thought of. Cadres keep asking, of an article that shares their words, for
what it does not say (谁来记, 车费谁出, 能走公务卡吗). This model has read every question asked of the
sample base, each with the article the search put first and whether that article answers it (the
rules sets in tests/data, written to samples/outcomes.tsv by bench/make_sample_questions.py), and says
how likely a new question is one its first article does not answer. The bot then offers the articles
as numbered choices instead of quoting one: a doubt costs a tap, a wrong quote misleads.

Features: the question's characters (1 to 3 at a time); what of the question the article does not
have (its characters and character pairs missing from the article's text) with the article itself;
the search's own figures for the match (coverage, weight missing, likeness to known questions, how far
it stands out); and the questions asked before of the same article that are most alike to this one,
and whether that article answered them (its neighbours). A linear model fitted on the logistic loss
(scikit-learn), at the first question that needs it. Only questions whose article is in the base count: a street's own documents,
never asked of here, get no doubt from it.
"""

from __future__ import annotations

import csv
import functools
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from bot.text import normalize, simplified

COLUMNS = ("from", "answered", "article", "coverage", "missing_main", "missing_asked", "alike", "second", "text")
# Fewer questions than this, or only one kind of outcome, teach nothing worth trusting.
MIN_OUTCOMES = 200
# A weak penalty: with ten folds by round, at the threshold that loses as many right answers
# as C=3 did at 0.85, it declines more wrong quotes on every split tried (docs/rules.md).
PENALTY_C = 100.0
# How many of the most alike questions asked of the same article weigh in the neighbours' verdict.
NEIGHBOURS = 10
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Outcome:
    """A question asked of the base, the article put first, and whether that article answers it."""

    source: str  # the set it was asked in (a benchmark leaves a set's own out when it measures it)
    answered: bool
    title: str
    label: str
    signals: tuple[float, ...]  # see match_signals
    text: str


class _Row(NamedTuple):
    """One outcome as the model learns it (hashable: the fitted model is cached by its rows)."""

    text: str
    key: tuple[str, str]
    signals: tuple[float, ...]
    unanswered: bool
    source: str


def match_signals(coverage: float, missing_main: float, missing_asked: float, alike: float, second_share: float) -> tuple[float, ...]:
    """The search's figures for a question and its first article; second_share is the next article's
    score as a share of the first's (1 when they tie)."""
    return (coverage, missing_main, missing_asked, alike, second_share)


def read_outcomes(path: Path, titles: Mapping[str, str], leave_out: frozenset[str] = frozenset()) -> tuple[Outcome, ...]:
    """The outcomes in `path`, each article named `<document key>#<label>` and resolved by `titles` (key →
    title), but those `from` a set in leave_out (a benchmark measuring that set)."""
    if not path.exists():
        return ()
    found = []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        header = next(rows, None)
        if header is None or tuple(header) != COLUMNS:
            raise ValueError(f"{path.name}: the first line must name the columns {' '.join(COLUMNS)}")
        for number, row in enumerate(rows, start=2):
            if len(row) != len(COLUMNS):
                raise ValueError(f"{path.name}: row {number} has {len(row)} columns, not {len(COLUMNS)}")
            if row[0] in leave_out:
                continue
            key, _, label = row[2].partition("#")
            if key not in titles or not label:
                raise ValueError(f"{path.name}: row {number} names {row[2]!r}, not a document#label of the base")
            found.append(Outcome(row[0], row[1] == "1", titles[key], label, tuple(float(v) for v in row[3:8]), row[8]))
    return tuple(found)


def write_outcomes(path: Path, header: str, outcomes: Sequence[Outcome], keys: Mapping[str, str]) -> None:
    """Writes the outcomes, each article as `<document key>#<label>` (`keys`: title → document key)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header)
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(COLUMNS)
        for o in outcomes:
            writer.writerow([o.source, "1" if o.answered else "0", f"{keys[o.title]}#{o.label}", *(f"{v:.4f}" for v in o.signals), o.text])


def _question_text(text: str) -> str:
    return _SPACE.sub("", simplified(normalize(text)).lower())


def _beyond_article(question: str, key: tuple[str, str], article_text: str) -> str:
    """The article, and what of the question it does not have: `A<article>`, `P<pair>`, `C<character>`."""
    article = simplified(normalize(article_text)).lower()
    pairs = [question[i : i + 2] for i in range(len(question) - 1) if question[i : i + 2] not in article]
    singles = [c for c in question if c not in article]
    name = _SPACE.sub("", f"A{key[0]}#{key[1]}")
    return " ".join([name] + ["P" + p for p in pairs] + ["C" + c for c in singles])


class DoubtModel:
    """Fitted at the first question that needs it, on the outcomes whose article is in the base."""

    def __init__(self, outcomes: Sequence[Outcome], article_texts: Mapping[tuple[str, str], str]) -> None:
        self._texts = dict(article_texts)
        self._outcomes = tuple(o for o in outcomes if (o.title, o.label) in self._texts)
        # Only articles questions were asked of: the model has learnt nothing of the others.
        self._asked_of = frozenset((o.title, o.label) for o in self._outcomes)
        self._fitted: _Fitted | None = None
        self._usable = len(self._outcomes) >= MIN_OUTCOMES and len({o.answered for o in self._outcomes}) == 2

    def __bool__(self) -> bool:
        return self._usable

    @property
    def fitted(self) -> bool:
        return self._fitted is not None

    def doubt(self, question: str, key: tuple[str, str], signals: tuple[float, ...]) -> float:
        """How likely (0..1) the article `key` does not answer the question; 0 when the model knows nothing
        of that base or article."""
        if not self or key not in self._asked_of:
            return 0.0
        if self._fitted is None:
            rows = tuple(_Row(o.text, (o.title, o.label), o.signals, not o.answered, o.source) for o in self._outcomes)
            texts = tuple(sorted((k, self._texts[k]) for k in self._asked_of))
            self._fitted = _fit(rows, texts)
        return float(self._fitted.probability(question, key, self._texts[key], signals))


class _Fitted:
    def __init__(self, rows: tuple[_Row, ...], texts: tuple) -> None:
        # Imported here: a process that never answers a rules question does not load scikit-learn.
        import numpy
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self._hstack, self._matrix = hstack, csr_matrix
        article_text = dict(texts)
        questions = [_question_text(row.text) for row in rows]
        self._characters = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
        self._beyond = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True, min_df=2, lowercase=False)
        self._likeness = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True)
        alike = self._likeness.fit_transform(questions)
        unanswered = numpy.array([row.unanswered for row in rows], dtype=bool)
        sources = numpy.array([row.source for row in rows])
        rows_of: dict[tuple[str, str], list[int]] = {}
        for number, row in enumerate(rows):
            rows_of.setdefault(row.key, []).append(number)
        # For each article, the questions asked of it and their outcomes: a new question's neighbours.
        self._asked: dict[tuple[str, str], tuple] = {}
        neighbours = numpy.zeros((len(rows), len(_NEIGHBOUR_FEATURES)))
        for key, numbers in rows_of.items():
            picked = numpy.array(numbers)
            self._asked[key] = (alike[picked], unanswered[picked])
            likeness = (alike[picked] @ alike[picked].T).toarray()
            # A question learns only from other sets' neighbours: a set's own questions are written alike,
            # and a new question has no such twins.
            likeness[sources[picked][:, None] == sources[picked][None, :]] = 0.0
            neighbours[picked] = _neighbour_features(likeness, unanswered[picked])
        features = hstack([
            self._characters.fit_transform(questions),
            self._beyond.fit_transform([_beyond_article(q, row.key, article_text[row.key]) for q, row in zip(questions, rows)]),
            csr_matrix([list(row.signals) for row in rows]),
            csr_matrix(neighbours),
        ]).tocsr()
        self._model = LogisticRegression(C=PENALTY_C, solver="liblinear", class_weight="balanced")
        self._model.fit(features, unanswered)
        self._unanswered = list(self._model.classes_).index(True)

    def probability(self, question: str, key: tuple[str, str], article_text: str, signals: tuple[float, ...]) -> float:
        text = _question_text(question)
        alike, unanswered = self._asked[key]
        neighbours = _neighbour_features((self._likeness.transform([text]) @ alike.T).toarray(), unanswered)
        features = self._hstack([
            self._characters.transform([text]),
            self._beyond.transform([_beyond_article(text, key, article_text)]),
            self._matrix([list(signals)]),
            self._matrix(neighbours),
        ]).tocsr()
        return self._model.predict_proba(features)[0][self._unanswered]


_NEIGHBOUR_FEATURES = ("closest answered", "closest unanswered", "how much closer the unanswered", "unanswered share of the nearest")


def _neighbour_features(likeness, unanswered):
    """For each row of `likeness` (questions × questions asked of one article, 0 where not to be counted)
    and whether the article answered each of those: see _NEIGHBOUR_FEATURES."""
    import numpy

    if likeness.shape[1] == 0:
        return numpy.zeros((likeness.shape[0], len(_NEIGHBOUR_FEATURES)))
    closest_answered = numpy.where(unanswered[None, :], 0.0, likeness).max(axis=1)
    closest_unanswered = numpy.where(unanswered[None, :], likeness, 0.0).max(axis=1)
    count = min(NEIGHBOURS, likeness.shape[1])
    nearest = numpy.argpartition(-likeness, count - 1, axis=1)[:, :count]
    weights = numpy.take_along_axis(likeness, nearest, axis=1)
    total = weights.sum(axis=1)
    share = numpy.divide((weights * unanswered[nearest]).sum(axis=1), total, out=numpy.zeros(len(total)), where=total > 0)
    return numpy.stack([closest_answered, closest_unanswered, closest_unanswered - closest_answered, share], axis=1)


# Every index built in one process from the same outcomes (tests, the bench, a rebuilt index after an
# import) shares one fitted model; the lock makes the first fit happen once.
_FIT_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4)
def _fit_cached(rows: tuple[_Row, ...], texts: tuple) -> _Fitted:
    return _Fitted(rows, texts)


def _fit(rows: tuple[_Row, ...], texts: tuple) -> _Fitted:
    with _FIT_LOCK:
        return _fit_cached(rows, texts)
