"""Questions known to be answered by an article, and how alike a new question is to them.

An article is written in the rules' words (礼品, 公务用车, 办公用品); cadres ask in theirs (两条烟, 单位的车,
打印纸). Every question someone asked about an article — the sample base's examples, a street's own list,
a numbered choice a cadre picked — brings that article the words people actually use for it, which no
synonym table can list in advance. A new question sharing most of its weight with one of them is likely
about the same article (measured in docs/rules.md: the fresh halves of the blind rounds, which are never
among the known questions).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.rules.search import QueryWord


@dataclass(frozen=True)
class KnownQuestion:
    """A question and the article that answers it, by document title and label (stable across re-imports)."""

    title: str
    label: str
    text: str


def bare_label(label: str) -> str:
    """A label as cited: the numbering without its trailing punctuation (第三条、 → 第三条)."""
    return label.rstrip("、.． ")


def citation(title: str, label: str) -> str:
    """An article as the bot cites it: 《title》label."""
    return f"《{title}》{bare_label(label)}"


def article_key(title: str, label: str) -> tuple[str, str]:
    return title, bare_label(label)


class KnownQuestions:
    """The known questions of one index, each read into weighted words the way a new question is.

    Each word of a known question is filed under every form that may stand for it (the word and its
    synonyms), so a new question finds the words it shares with all of them in a few look-ups.
    """

    def __init__(self, read: Callable[[str], Sequence[QueryWord]], questions: Sequence[KnownQuestion],
                 article_of: Mapping[tuple[str, str], int]) -> None:
        self._articles: list[int] = []
        self._totals: list[float] = []
        # form → (question number, the question's word number, that word's weight)
        self._by_form: dict[str, list[tuple[int, int, float]]] = {}
        for question in questions:
            article = article_of.get(article_key(question.title, question.label))
            if article is None:
                continue  # its article is gone
            words = read(question.text)
            total = sum(w.weight for w in words)
            if total <= 0:
                continue  # it says nothing the index can read
            number = len(self._articles)
            self._articles.append(article)
            self._totals.append(total)
            for position, word in enumerate(words):
                for form in word.whole:
                    self._by_form.setdefault(form, []).append((number, position, word.weight))

    def __len__(self) -> int:
        return len(self._articles)

    def likeness(self, words: Sequence[QueryWord]) -> dict[int, float]:
        """Article index → how alike the question is to the most alike known question of that article
        (0..1: the geometric mean of the share of each one's weight the other has)."""
        total = sum(w.weight for w in words)
        if not self._articles or total <= 0:
            return {}
        mine: dict[int, float] = {}  # question number → weight of the new question's words it has
        theirs: dict[int, dict[int, float]] = {}  # question number → its words the new question has
        for word in words:
            found: dict[int, None] = {}
            for form in word.whole:
                for number, position, weight in self._by_form.get(form, ()):
                    found[number] = None
                    theirs.setdefault(number, {})[position] = weight
            for number in found:
                mine[number] = mine.get(number, 0.0) + word.weight
        best: dict[int, float] = {}
        for number, shared in mine.items():
            alike = math.sqrt(min(shared / total, 1.0) * min(sum(theirs[number].values()) / self._totals[number], 1.0))
            article = self._articles[number]
            if alike > best.get(article, 0.0):
                best[article] = alike
        return best
