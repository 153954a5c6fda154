"""Word segmentation with jieba's dictionary, held in a compact trie instead of jieba's own tables.

jieba keeps its 350,000-word dictionary as a Python dict of every word and every prefix, about 60 MB,
plus some 12 MB for its HMM tables on import; a server that answers one question about the rules
kept all of it. The same dictionary in a marisa trie takes about 2 MB. The segmentation is jieba's
own without the HMM (the rules search never used the HMM): the most probable path through the
dictionary words found at each position, and for indexing, the 2- and 3-character dictionary words
inside longer ones (jieba's "search-engine mode").

jieba stays a dependency for its dictionary file; the package itself is never imported.
"""

from __future__ import annotations

import ctypes
import importlib.util
import logging
import math
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import marisa_trie

log = logging.getLogger(__name__)

# The character classes jieba segments; everything else is split off as it stands.
_HAN = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")
_SKIP = re.compile(r"(\r\n|\s)")
_ASCII_CHAR = re.compile(r"[a-zA-Z0-9]")
_RECORD = "<I"

_LOCK = threading.Lock()
_DICTIONARY: tuple[marisa_trie.RecordTrie, int] | None = None


def jieba_dictionary_path() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jieba is not installed (its dictionary is needed for the rules search)")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


def _read_entries(path: Path) -> Iterator[tuple[str, tuple[int]]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split(" ")
            if len(parts) >= 2 and parts[1].strip().isdigit() and int(parts[1]) > 0:
                yield parts[0], (int(parts[1]),)


def _cache_path(source: Path) -> Path:
    stat = source.stat()
    return Path(tempfile.gettempdir()) / f"gridbot-words-{stat.st_size}-{stat.st_mtime_ns}.marisa"


def _release_freed_memory() -> None:
    # Building the trie parses the whole dictionary; glibc keeps the freed pages unless asked.
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _load_dictionary() -> tuple[marisa_trie.RecordTrie, int]:
    """The shared trie (word → frequency) and the frequency total, built once per process.

    The built trie is cached in the temporary directory (as jieba caches its own tables there), so a
    restart loads 2 MB instead of parsing 5 MB of text; a cache that cannot be read or written is
    simply rebuilt.
    """
    global _DICTIONARY
    with _LOCK:
        if _DICTIONARY is not None:
            return _DICTIONARY
        source = jieba_dictionary_path()
        cache = _cache_path(source)
        trie = marisa_trie.RecordTrie(_RECORD)
        try:
            trie.load(str(cache))
        except (OSError, RuntimeError, ValueError):
            trie = marisa_trie.RecordTrie(_RECORD, _read_entries(source))
            _release_freed_memory()
            try:
                partial = cache.with_suffix(f".{os.getpid()}.tmp")
                trie.save(str(partial))
                os.replace(partial, cache)
            except OSError as exc:
                log.info("word trie not cached (%s); it is rebuilt on the next start", exc)
        total = sum(value[0] for _, value in trie.iteritems())
        _DICTIONARY = (trie, total)
        return _DICTIONARY


class Segmenter:
    """jieba's segmentation (HMM off) over the shared dictionary plus words of the caller's own."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        self._trie, self.total = _load_dictionary()
        self._extra: dict[str, int] = {}
        self._extra_lengths: set[int] = set()
        # Added one by one in order, each with the frequency that keeps it whole given the ones before
        # it, exactly as jieba's add_word does, so the same word list segments the same way.
        for word in sorted(set(extra_words)):
            self._add(word)
        self.log_total = math.log(self.total)

    def _add(self, word: str) -> None:
        if not word:
            return
        product = 1.0
        for part in self.lcut(word):
            product *= (self.freq(part) or 1) / self.total
        frequency = max(int(product * self.total) + 1, self.freq(word) or 1)
        self._extra[word] = frequency
        self._extra_lengths.add(len(word))
        self.total += frequency

    def freq(self, word: str) -> int:
        """The word's count in the dictionary (its own words first); 0 for a word it does not know."""
        extra = self._extra.get(word)
        if extra is not None:
            return extra
        found = self._trie.get(word)
        return found[0][0] if found else 0

    def _ends(self, text: str, start: int) -> list[int]:
        """Ends (exclusive) of the dictionary words that start at `start`."""
        ends = {start + len(word) for word in self._trie.prefixes(text[start:])}
        for length in self._extra_lengths:
            if start + length <= len(text) and text[start : start + length] in self._extra:
                ends.add(start + length)
        return sorted(ends) or [start + 1]

    def _best_path(self, text: str) -> Iterator[str]:
        count = len(text)
        log_total = math.log(self.total)
        route: list[tuple[float, int]] = [(0.0, 0)] * (count + 1)
        for start in range(count - 1, -1, -1):
            route[start] = max(
                (math.log(self.freq(text[start:end]) or 1) - log_total + route[end][0], end) for end in self._ends(text, start)
            )
        position = 0
        letters = ""
        while position < count:
            end = route[position][1]
            word = text[position:end]
            # Runs of single letters and digits become one token, as in jieba.
            if end - position == 1 and _ASCII_CHAR.match(word):
                letters += word
            else:
                if letters:
                    yield letters
                    letters = ""
                yield word
            position = end
        if letters:
            yield letters

    def cut(self, text: str) -> Iterator[str]:
        for block in _HAN.split(text):
            if not block:
                continue
            if _HAN.match(block):
                yield from self._best_path(block)
                continue
            for piece in _SKIP.split(block):
                if _SKIP.match(piece):
                    yield piece
                else:
                    yield from piece

    def lcut(self, text: str) -> list[str]:
        return list(self.cut(text))

    def lcut_for_search(self, text: str) -> list[str]:
        """Words plus the dictionary words of two and three characters inside the longer ones."""
        out: list[str] = []
        for word in self.cut(text):
            if len(word) > 2:
                out.extend(word[i : i + 2] for i in range(len(word) - 1) if self.freq(word[i : i + 2]))
            if len(word) > 3:
                out.extend(word[i : i + 3] for i in range(len(word) - 2) if self.freq(word[i : i + 3]))
            out.append(word)
        return out
