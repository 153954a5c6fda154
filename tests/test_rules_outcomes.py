"""Doubting a match, learnt from questions asked before (handlers/rules/outcomes.py): a question its first
article does not answer gets numbered choices instead of a quote, and a base nobody has asked of is not
touched. Figures over the rules sets are printed by bench/bench_rules.py."""

from __future__ import annotations

import pytest

from handlers.rules.answer import DOUBT, answer
from handlers.rules.demo import sample_articles, sample_outcomes, sample_questions
from handlers.rules.outcomes import COLUMNS, Outcome, read_outcomes, write_outcomes
from handlers.rules.search import IndexedArticle, build_index, load_lexicon
from handlers.rules.settings import RulesConfig


@pytest.fixture(scope="module")
def outcomes():
    return sample_outcomes()


@pytest.fixture(scope="module")
def sample_index(outcomes):
    return build_index(sample_articles(), load_lexicon(), sample_questions(), outcomes)


def test_the_shipped_outcomes_teach_both_kinds(outcomes):
    assert len(outcomes) > 1000
    assert {o.answered for o in outcomes} == {True, False}
    titles = {a.title for a in sample_articles()}
    assert {o.title for o in outcomes} <= titles


@pytest.mark.parametrize("question", ["公车的保险单放谁那保管", "网格员的工作手机谁给配", "会议记录谁负责记"])
def test_a_question_its_article_leaves_open_gets_choices_not_a_quote(sample_index, question):
    result = answer(sample_index, question, RulesConfig())
    assert sample_index.doubt(question, result.hits) >= DOUBT
    assert not result.covered
    assert "回复数字" in result.text or "没有找到明确的条文" in result.text


def test_the_doubt_is_what_turns_a_quote_into_choices(sample_index):
    # The rules alone quote the key-keeping article for who keeps the insurance papers; it names no keeper of them.
    question = "公车的保险单放谁那保管"
    without = sample_index.knowing(sample_questions(), outcomes=())
    assert answer(without, question, RulesConfig()).covered
    doubted = answer(sample_index, question, RulesConfig())
    assert not doubted.covered and doubted.candidates


@pytest.mark.parametrize("question", ["接待吃饭能上白酒吗", "收了群众一箱苹果怎么办", "公务接待可以喝酒吗"])
def test_a_question_its_article_answers_is_still_quoted(sample_index, question):
    result = answer(sample_index, question, RulesConfig())
    assert result.covered
    assert sample_index.doubt(question, result.hits) < DOUBT


def test_a_street_s_own_documents_get_no_doubt_from_the_samples(outcomes):
    own = [IndexedArticle(1, "某街道值班制度", "第一条", "", "节假日值班人员应当24小时保持通讯畅通，不得擅自离岗。"),
           IndexedArticle(2, "某街道值班制度", "第二条", "", "值班人员交接班应当填写值班记录，记录谁来电、何事。")]
    index = build_index(own, load_lexicon(), (), outcomes)
    assert not index.doubts
    question = "值班能离岗吗"
    assert index.doubt(question, index.search(question)) == 0.0


def test_outcomes_left_out_by_set_are_not_learnt(outcomes):
    kept = sample_outcomes(leave_out=frozenset({"eval"}))
    assert kept and all(o.source != "eval" for o in kept)
    assert len(kept) < len(outcomes)


def test_an_outcomes_file_in_a_wrong_shape_is_refused_by_name(tmp_path):
    path = tmp_path / "outcomes.tsv"
    titles = {"gifts": "礼品礼金管理规定"}
    path.write_text("# note\nfrom\ttext\n", encoding="utf-8")
    with pytest.raises(ValueError, match="outcomes.tsv: the first line must name the columns"):
        read_outcomes(path, titles)
    path.write_text("\t".join(COLUMNS) + "\neval\t1\t题\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 2 has 3 columns"):
        read_outcomes(path, titles)
    path.write_text("\t".join(COLUMNS) + "\neval\t1\tcars#第一条\t1\t0\t0\t0\t1\t公车能私用吗\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 2 names 'cars#第一条', not a document#label of the base"):
        read_outcomes(path, titles)


def test_outcomes_written_are_read_back_alike(tmp_path):
    path = tmp_path / "outcomes.tsv"
    rows = [Outcome("round1", True, "规定", "第一条", (0.5, 0.0, 0.1, 0.9, 0.75), "能收礼品吗\t不"),
            Outcome("eval", False, "规定", "第二条", (1.0, 0.25, 0.0, 0.0, 1.0), "会议记录，谁记？")]
    write_outcomes(path, "# a header\n", rows, {"规定": "rules"})
    assert read_outcomes(path, {"rules": "规定"}) == tuple(rows)


def test_a_document_added_beside_the_samples_is_answered_as_before(outcomes):
    added = [IndexedArticle(900, "街道值班管理办法", "第一条", "", "为规范值班工作，制定本办法。"),
             IndexedArticle(901, "街道值班管理办法", "第二条", "", "值班人员不得擅自离岗，夜间值班可以在值班室休息。")]
    index = build_index(sample_articles() + added, load_lexicon(), sample_questions(), outcomes)
    question = "值班人员可以擅自离岗吗"
    result = answer(index, question, RulesConfig())
    assert result.covered and result.hits[0].article.citation == "《街道值班管理办法》第二条"
    assert index.doubt(question, result.hits) == 0.0


def test_the_outcomes_never_hold_a_held_back_question(outcomes):
    """The outcomes come from the sets tuned on; a held-back question, or one 60% alike to it, would hand
    the model its answer."""
    import json
    import sys
    import tomllib
    from pathlib import Path

    data = Path(__file__).parent / "data"
    sys.path.insert(0, str(data / "understanding"))
    from validate import near_pairs

    held = [q["text"] for q in tomllib.loads((data / "rules_heldout.toml").read_text(encoding="utf-8"))["q"]]
    held += [json.loads(line)["text"] for line in (data / "understanding" / "heldout.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    near = near_pairs((o.text for o in outcomes), held)
    assert not near


def test_the_server_readies_the_index_and_the_doubt_model_before_the_first_question(demo_app):
    import asyncio

    from handlers.rules.kb import index_for
    from handlers.rules.warmup import RulesWarmup

    async def serve_and_stop() -> None:
        warmup = RulesWarmup(demo_app, after_seconds=0)
        assert warmup.routes() == []
        await warmup.start()
        await warmup._task
        await warmup.stop()

    asyncio.run(serve_and_stop())

    async def stopped_at_once() -> bool:
        warmup = RulesWarmup(demo_app, after_seconds=60)
        await warmup.start()
        await warmup.stop()
        await asyncio.sleep(0)
        return warmup._task.cancelled()

    assert asyncio.run(stopped_at_once())
    with demo_app.sessions() as session:
        index = index_for(session, demo_app.config.rules)
    assert index.doubts and index.doubts.fitted


def test_the_neighbours_verdict_counts_only_the_questions_alike_to_it():
    """The questions asked before of the same article, most alike first: how close the nearest answered and
    unanswered ones are, and the unanswered share of the nearest, weighted by likeness."""
    import numpy

    from handlers.rules.outcomes import NEIGHBOURS, _neighbour_features

    unanswered = numpy.array([True, False, True] + [False] * NEIGHBOURS)
    likeness = numpy.array([[0.9, 0.3, 0.6] + [0.0] * NEIGHBOURS])
    closest_answered, closest_unanswered, closer_by, share = _neighbour_features(likeness, unanswered)[0]
    assert (closest_answered, closest_unanswered) == (0.3, 0.9)
    assert closer_by == pytest.approx(0.6)
    assert share == pytest.approx(1.5 / 1.8)
    # Nothing alike asked before (or only the question's own set, zeroed): no verdict either way.
    assert _neighbour_features(numpy.zeros((1, 4)), numpy.array([True, False, True, False])).tolist() == [[0.0, 0.0, 0.0, 0.0]]
    assert _neighbour_features(numpy.zeros((2, 0)), numpy.zeros(0, dtype=bool)).shape == (2, 4)
