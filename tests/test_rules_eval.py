"""The evaluation set itself: big enough, pointing at articles that exist, and honest about paraphrases.

The figures (hit@k, declines, latency) are printed by bench/bench_rules.py, not asserted here.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from handlers.rules.demo import sample_articles, sample_documents
from handlers.rules.search import Analyzer, article_terms, parse_lexicon

EVAL_FILE = Path(__file__).parent / "data" / "rules_eval.toml"
DEFAULT_STOPWORDS = (Path(__file__).parent.parent / "handlers" / "rules" / "data" / "stopwords.txt").read_text(encoding="utf-8")


def _questions() -> list[dict]:
    return tomllib.loads(EVAL_FILE.read_text(encoding="utf-8"))["q"]


def test_at_least_60_questions_with_answerable_paraphrased_and_uncovered_ones():
    questions = _questions()
    kinds = [q["kind"] for q in questions]
    assert len(questions) >= 60
    assert set(kinds) == {"direct", "paraphrase", "none"}
    assert kinds.count("paraphrase") >= 10 and kinds.count("none") >= 10
    assert all(bool(q.get("expect")) == (q["kind"] != "none") for q in questions)
    texts = [q["text"] for q in questions]
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize("name", ["rules_eval.toml", "rules_dev.toml", "rules_check.toml"])
def test_every_expected_article_exists_in_the_samples(name):
    titles = {d.key: d.title for d in sample_documents()}
    present = {(a.title, a.label) for a in sample_articles()}
    questions = tomllib.loads((EVAL_FILE.parent / name).read_text(encoding="utf-8"))["q"]
    assert len({q["text"] for q in questions}) == len(questions)
    for q in questions:
        for ref in q.get("expect", []):
            key, label = ref.split("#", 1)
            assert (titles[key], label) in present or (titles[key], label + "、") in present or (titles[key], label + ".") in present, ref


def test_paraphrases_share_no_word_with_their_article():
    # Without the synonym table, only words both sides write could connect them.
    plain = Analyzer(parse_lexicon("", DEFAULT_STOPWORDS))
    titles = {d.key: d.title for d in sample_documents()}
    by_ref = {(a.title, a.label.rstrip("、.")): a for a in sample_articles()}
    for q in _questions():
        if q["kind"] != "paraphrase":
            continue
        asked = set(plain.terms(q["text"]))
        first_key, first_label = q["expect"][0].split("#", 1)
        article = by_ref[(titles[first_key], first_label)]
        shared = asked & set(article_terms(plain, article))
        assert not shared, f"{q['text']!r} shares {shared} with {article.citation}"


def test_sample_documents_are_marked_as_samples():
    for document in sample_documents():
        assert "示例" in document.title
        assert "示例文件" in document.path.read_text(encoding="utf-8")
