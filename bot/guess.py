"""A statistical second opinion on what a message is for, learnt from labelled phrasings.

The readers of the capabilities are rules: precise about amounts, days and ticket numbers, but each
knows only the phrasings someone thought of. This model has read every labelled message the
capabilities ship (their `phrasings.tsv`: command name, tab, a message as cadres type it) and
says which command a new message most resembles, with a probability. The router uses it only
where the rules have no sure answer, and never to store anything on its word alone: a guess runs
a command that only shows something, or becomes a numbered choice (bot/router.py).

Features are character n-grams (1 to 3 characters, within words): Chinese has no spaces, typed
messages are full of slips, and n-grams of characters need no segmentation to be robust to both.
The classifier is a linear model fitted by stochastic gradient descent on the logistic loss
(scikit-learn): it fits in a fraction of a second at the first message that needs it, and its
probabilities order the guesses.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.text import normalize, simplified

# The label of a phrasing that is genuinely ambiguous ("3个半", a problem plus the time spent on it):
# the model learns that such messages belong to no single command.
UNCLEAR = "?"


@dataclass(frozen=True)
class Guess:
    command: str  # a command name, or UNCLEAR
    probability: float


class PhrasingError(ValueError):
    """A phrasings file cannot be read; the message names the file and line."""


def read_phrasings(path: Path) -> list[tuple[str, str]]:
    """`command<TAB>message` lines; blank lines and lines starting with # are skipped."""
    found: list[tuple[str, str]] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        command, tab, text = raw.partition("\t")
        if not tab or not command.strip() or not text.strip():
            raise PhrasingError(f"{path.name} line {number}: expected 'command<TAB>message'")
        found.append((command.strip(), text.strip()))
    return found


def features_text(text: str) -> str:
    return simplified(normalize(text)).lower()


class IntentGuesser:
    """Fitted lazily, at the first message that needs a guess, on the phrasings it was given."""

    def __init__(self, phrasings: Iterable[tuple[str, str]]) -> None:
        self._phrasings = tuple(phrasings)

    def __bool__(self) -> bool:
        return len({c for c, _ in self._phrasings}) >= 2

    def _fitted(self) -> Any:
        return _fit(self._phrasings)

    def guesses(self, text: str, top: int = 3) -> list[Guess]:
        """The likeliest commands for the message, most probable first."""
        if not self or not text.strip():
            return []
        model = self._fitted()
        probabilities = model.predict_proba([features_text(text)])[0]
        order = probabilities.argsort()[::-1][:top]
        return [Guess(str(model.classes_[i]), float(probabilities[i])) for i in order]


# Every application built in one process from the same capabilities (tests, the bench, a CLI call
# after the server) shares one fitted model; the lock makes the first fit happen once.
_FIT_LOCK = threading.Lock()


@functools.lru_cache(maxsize=2)
def _fit_cached(phrasings: tuple[tuple[str, str], ...]) -> Any:
    # Imported here: a process that never needs a guess does not load scikit-learn.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True),
        SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=50, tol=1e-4, random_state=0),
    )
    model.fit([features_text(t) for _, t in phrasings], [c for c, _ in phrasings])
    return model


def _fit(phrasings: tuple[tuple[str, str], ...]) -> Any:
    with _FIT_LOCK:
        return _fit_cached(phrasings)


def all_phrasings(paths: Sequence[Path]) -> list[tuple[str, str]]:
    return [pair for path in paths for pair in read_phrasings(path)]
