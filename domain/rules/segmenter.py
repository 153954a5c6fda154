"""jieba with its dictionary in a marisa trie instead of a Python dict.

jieba keeps every word of its dictionary and every prefix of one as a key of a dict (about 500,000
str objects): some 60 MB in a server that answers rules questions. The same words in a marisa trie
take under 2 MB. Segmentation is jieba's own code: it reads the dictionary only through `FREQ`
(word → count, a prefix of a word → 0, `in` meaning "a word or the prefix of one"), which
`TrieFreq` answers the same way; `get_DAG`, jieba's dictionary walk, is redone on the trie's own
prefix search, with the same result. Words added later (the synonym list's) go into a small dict.

The trie is built once per machine from jieba's dict.txt, in a child process so the server never
holds the build's garbage, and kept next to jieba's own cache in the temporary directory.
"""

from __future__ import annotations

import array
import functools
import hashlib
import os
import struct
import subprocess
import sys
import tempfile

import jieba
import marisa_trie

_MAGIC = b"gridbot-jieba-trie-1\n"
_HEADER = struct.Struct("<QQQ")  # total, number of words, longest word


class TrieFreq:
    """jieba's FREQ mapping over a trie of its dictionary plus the words added since."""

    def __init__(self, trie: marisa_trie.Trie, counts: array.array, longest: int) -> None:
        self._trie = trie
        self._counts = counts
        self.longest = longest
        self._added: dict[str, int] = {}
        self._added_lengths: tuple[int, ...] = ()
        self._window = longest
        # Segmenting asks about the same short strings over and over; a trie lookup costs about
        # ten dict lookups, so recent answers are remembered (a few MB at most).
        self._lookup = functools.lru_cache(maxsize=1 << 15)(self._find)

    def __contains__(self, fragment: str) -> bool:
        return fragment in self._added or self._trie.has_keys_with_prefix(fragment)

    def get(self, fragment: str, default: int | None = None) -> int | None:
        count = self._lookup(fragment)
        return default if count is None else count

    def _find(self, fragment: str) -> int | None:
        added = self._added.get(fragment)
        if added is not None:
            return added
        key = self._trie.get(fragment)
        if key is not None:
            return self._counts[key]
        return 0 if self._trie.has_keys_with_prefix(fragment) else None

    def __getitem__(self, fragment: str) -> int:
        value = self.get(fragment)
        if value is None:
            raise KeyError(fragment)
        return value

    def __setitem__(self, word: str, count: int) -> None:
        self._added[word] = count
        self._added_lengths = tuple(sorted({len(w) for w in self._added}))
        self._window = max(self.longest, self._added_lengths[-1])
        self._lookup.cache_clear()

    def __len__(self) -> int:
        return len(self._trie) + len(self._added)

    def word_ends(self, sentence: str, start: int) -> list[int]:
        """Where the words that begin at `start` end (inclusive), shortest first, as jieba's get_DAG."""
        rest = sentence[start:start + self._window]
        counts, added = self._counts, self._added
        lengths = {len(w) for w, key in self._trie.iter_prefixes_with_ids(rest) if counts[key] and w not in added}
        for length in self._added_lengths:
            if length <= len(rest) and added.get(rest[:length]):
                lengths.add(length)
        return [start + length - 1 for length in sorted(lengths)]


class CompactTokenizer(jieba.Tokenizer):
    """A jieba.Tokenizer whose dictionary lives in a trie (see the module docstring)."""

    def initialize(self, dictionary: str | None = None) -> None:
        if dictionary:
            raise ValueError("CompactTokenizer reads jieba's default dictionary only")
        with self.lock:
            if self.initialized:
                return
            trie, counts, total, longest = load_dictionary()
            self.FREQ = TrieFreq(trie, counts, longest)  # type: ignore[assignment]
            self.total = total
            self.initialized = True

    def get_DAG(self, sentence: str) -> dict[int, list[int]]:  # noqa: N802 - jieba's name
        self.check_initialized()
        freq: TrieFreq = self.FREQ  # type: ignore[assignment]
        return {k: freq.word_ends(sentence, k) or [k] for k in range(len(sentence))}


def default_dictionary() -> str:
    return os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)


def read_dictionary(path: str) -> tuple[marisa_trie.Trie, array.array, int, int]:
    """Trie, counts by key id, total and longest word of a jieba dictionary ("word count [tag]" a line).

    As jieba reads it: the last count of a repeated word wins, and every line adds to the total.
    """

    def words():
        with open(path, "rb") as lines:
            for line in lines:
                word = line.strip().decode("utf-8").split(" ", 1)[0]
                if word:
                    yield word

    trie = marisa_trie.Trie(words())
    counts = array.array("Q", bytes(8 * len(trie)))
    total = longest = 0
    with open(path, "rb") as lines:
        for number, line in enumerate(lines, 1):
            parts = line.strip().decode("utf-8").split(" ")
            try:
                word, count = parts[0], int(parts[1])
            except (IndexError, ValueError):
                raise ValueError(f"invalid dictionary entry in {path} at line {number}") from None
            counts[trie[word]] = count
            total += count
            longest = max(longest, len(word))
    return trie, counts, total, longest


def cache_path(path: str) -> str:
    stat = os.stat(path)
    key = f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode()
    return os.path.join(tempfile.gettempdir(), f"gridbot-jieba-{hashlib.sha1(key).hexdigest()[:16]}.trie")


def write_cache(path: str, target: str) -> None:
    trie, counts, total, longest = read_dictionary(path)
    fd, temporary = tempfile.mkstemp(dir=os.path.dirname(target), suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(_MAGIC + _HEADER.pack(total, len(trie), longest))
            out.write(counts.tobytes())
            out.write(trie.tobytes())
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def read_cache(target: str) -> tuple[marisa_trie.Trie, array.array, int, int]:
    with open(target, "rb") as cached:
        data = cached.read()
    if not data.startswith(_MAGIC):
        raise ValueError("not a gridbot jieba trie")
    total, size, longest = _HEADER.unpack_from(data, len(_MAGIC))
    start = len(_MAGIC) + _HEADER.size
    counts = array.array("Q")
    counts.frombytes(data[start:start + 8 * size])
    trie = marisa_trie.Trie().frombytes(data[start + 8 * size:])
    if len(trie) != size or len(counts) != size:
        raise ValueError("truncated gridbot jieba trie")
    return trie, counts, total, longest


def load_dictionary() -> tuple[marisa_trie.Trie, array.array, int, int]:
    path = default_dictionary()
    target = cache_path(path)
    try:
        return read_cache(target)
    except (OSError, ValueError):
        pass
    try:
        subprocess.run([sys.executable, "-m", __name__, path, target], check=True, capture_output=True, timeout=300)
        return read_cache(target)
    except (OSError, ValueError, subprocess.SubprocessError):
        return read_dictionary(path)  # no usable temporary directory or interpreter: build it here


if __name__ == "__main__":
    write_cache(sys.argv[1], sys.argv[2])
