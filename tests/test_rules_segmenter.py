"""The trie-backed jieba cuts the rules' texts exactly as jieba does, in a fraction of the memory."""

from __future__ import annotations

import logging
from pathlib import Path

import jieba
import pytest

from domain.rules import segmenter
from domain.rules.search import load_lexicon
from domain.rules.segmenter import CompactTokenizer

SAMPLES = Path(segmenter.__file__).parent / "samples"


@pytest.fixture(scope="module")
def pair() -> tuple[CompactTokenizer, jieba.Tokenizer]:
    jieba.setLogLevel(logging.WARNING)
    compact, reference = CompactTokenizer(), jieba.Tokenizer()
    compact.initialize()
    reference.initialize()
    for word in sorted(load_lexicon().words):
        compact.add_word(word)
        reference.add_word(word)
    return compact, reference


def test_the_sample_rules_and_questions_are_cut_as_jieba_cuts_them(pair) -> None:
    compact, reference = pair
    lines = [line for path in sorted(SAMPLES.glob("*.md")) for line in path.read_text(encoding="utf-8").splitlines()]
    lines += ["公务接待可以喝酒吗", "领导干部配偶经商办企业怎么规定", "下沉网格服务时长 2.5h 入户走访", "abc中文123混合"]
    assert len(lines) > 100
    for line in lines:
        assert compact.lcut(line, HMM=False) == reference.lcut(line, HMM=False), line
        assert compact.lcut_for_search(line, HMM=False) == reference.lcut_for_search(line, HMM=False), line
    assert compact.total == reference.total
    assert compact.FREQ.get("接待") == reference.FREQ.get("接待")


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "jieba.trie"
    target.write_bytes(b"not a trie")
    monkeypatch.setattr(segmenter, "cache_path", lambda path: str(target))
    trie, counts, total, longest = segmenter.load_dictionary()
    assert len(trie) == len(counts) > 300_000 and total > 0 and longest > 4
    assert segmenter.read_cache(str(target))[2] == total
