"""What the rules service hands the router: which article comes first, the numbered choices as data
(so a number sent back can be answered), and which questions are not about the rules at all.

Figures over the question sets (hit@1, declines, latency) are printed by bench/bench_rules.py.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from handlers.rules.settings import RulesConfig
from handlers.rules.answer import MAX_CHOICES, answer, answer_article
from handlers.rules.demo import sample_articles
from handlers.rules.offtopic import is_off_topic
from handlers.rules.search import DEFAULT_STOPWORDS, IndexedArticle, LexiconError, build_index, is_definition, load_lexicon, parse_lexicon

OFFTOPIC_FILE = Path(__file__).parent / "data" / "rules_offtopic.toml"
GIFTS = "示范街道干部廉洁自律和礼品礼金管理规定（示例）"
VEHICLES = "示范街道公务用车使用管理规定（示例）"


@pytest.fixture(scope="module")
def index():
    return build_index(sample_articles(), load_lexicon())


def _article(label: str, text: str, title: str = "测试规定") -> IndexedArticle:
    return IndexedArticle(1, title, label, "", text)


@pytest.mark.parametrize(
    "text",
    [
        "本办法所称公务接待，是指街道接待上级机关来街道检查指导等公务活动。",
        "前条所称礼金，包括现金红包、微信红包、支付宝转账等电子红包。",
        "为规范街道公务接待工作，厉行节约，结合街道实际，制定本办法。",
        "办公用品包括纸张、笔墨、文件夹等消耗品。",
        "本规定自2025年5月1日起施行。",
    ],
)
def test_definition_purpose_and_scope_articles_are_recognised(text):
    assert is_definition(_article("第一条", text))


@pytest.mark.parametrize(
    "text",
    [
        "干部在公务活动中，不得收受可能影响公正执行公务的礼品、礼金。",
        "工作餐不得提供香烟，不得提供任何酒水，包括白酒、红酒、啤酒等各类酒。",
        "严禁公车私用。公务用车不得用于上下班接送、接送子女上学等私人事务。",
    ],
)
def test_rules_are_not_taken_for_definitions(text):
    assert not is_definition(_article("第三条", text))


def test_the_rule_outranks_a_definition_that_shares_more_words(monkeypatch):
    plain = parse_lexicon("", DEFAULT_STOPWORDS.read_text(encoding="utf-8"))
    articles = [
        IndexedArticle(1, "公车规定", "第二条", "", "本规定所称公车私用，是指将公车用于上下班、旅游等私人事务。"),
        IndexedArticle(2, "公车规定", "第三条", "", "严禁公车私用，违者退赔。"),
        IndexedArticle(3, "会议规定", "第一条", "", "会议不发纪念品。"),
        IndexedArticle(4, "会议规定", "第二条", "", "会议不摆花草。"),
    ]
    index = build_index(articles, plain)
    question = "上下班能不能公车私用"
    assert [h.article.label for h in index.search(question, top_k=2)] == ["第三条", "第二条"]
    # Asked what a word means, the definition is not held back.
    assert index.search("公车私用是指什么", top_k=1)[0].article.label == "第二条"
    # Without the rule about definitions, the definition's extra word would put it first.
    monkeypatch.setattr("handlers.rules.search.DEFINITION_FACTOR", 1.0)
    assert index.search(question, top_k=1)[0].article.label == "第二条"


def test_unsure_answer_carries_its_choices_and_a_number_gets_the_article(index):
    settings = RulesConfig()
    result = answer(index, "能给科长配一台专车吗", settings)
    assert not result.covered and not result.off_topic
    assert 2 <= len(result.candidates) <= MAX_CHOICES
    first = result.candidates[0]
    assert first.citation == f"《{VEHICLES}》第一条"
    assert first.opening.startswith("街道公务用车由党政综合办")
    for number, candidate in enumerate(result.candidates, start=1):
        assert f"{number} {candidate.citation}：" in result.text
    chosen = answer_article(index, first.article_id, settings)
    assert chosen is not None and chosen.covered
    assert chosen.text.startswith(f"依据《{VEHICLES}》第一条：街道公务用车由党政综合办集中管理")


def test_a_choice_whose_article_is_gone_is_not_answered(index):
    assert answer_article(index, 10**9, RulesConfig()) is None


def test_a_match_on_words_every_rule_shares_offers_no_choices(index):
    # 干部 and 网格员 are in most articles: nothing to choose between, so the usual "no clear rule".
    result = answer(index, "网格员可以自己招个助手吗", RulesConfig())
    assert not result.covered and result.candidates == ()
    assert "没有找到明确的条文" in result.text


def test_a_confident_answer_offers_no_choices(index):
    result = answer(index, "公务接待可以喝酒吗", RulesConfig())
    assert result.covered and result.candidates == ()


def _offtopic_set() -> list[dict]:
    return tomllib.loads(OFFTOPIC_FILE.read_text(encoding="utf-8"))["q"]


def test_the_off_topic_set_has_enough_of_both_kinds():
    items = _offtopic_set()
    assert sum(q["off_topic"] for q in items) >= 40
    assert sum(not q["off_topic"] for q in items) >= 40


@pytest.mark.parametrize("item", _offtopic_set(), ids=lambda q: q["text"])
def test_off_topic_questions_are_told_apart_from_questions_about_conduct(index, item):
    hits = index.search(item["text"], top_k=1)
    assert is_off_topic(item["text"], hits[0].coverage if hits else 0.0) == item["off_topic"]


def test_off_topic_answer_is_marked_and_says_what_the_bot_does(index):
    result = answer(index, "今晚有什么好看的电视剧", RulesConfig())
    assert result.off_topic and not result.covered and result.candidates == ()
    assert result.text.startswith("这个我帮不上") and "纪工委" not in result.text


def test_pinyin_slips_are_respelled_as_the_base_word_that_sounds_the_same(index):
    assert index.respell("收了宏包怎么办") == "收了红包怎么办"
    assert index.respell("干部能不能在企业兼之") == "干部能不能在企业兼职"


def test_words_that_only_sound_like_a_rule_word_are_left_alone(index):
    # 买 is not 卖 here, 开回 is not 开会, 家停 is 家 + 停, and 发不发 is grammar, not 发布.
    for text in ["科室缺文件夹 自己去文具店买了能报吗", "公车晚上能开回自己家停吗", "单位发不发防暑降温费"]:
        assert index.respell(text) == text


def _query_words(index, text: str) -> list[str]:
    from handlers.rules.search import _Known

    known = _Known(index._bm25.vocab_dict, index.analyzer.lexicon.expansions)
    return [w.word for w in index.analyzer.query(text, known)]


def test_a_noun_split_from_its_owner_by_de_is_read_as_the_known_word(index):
    # 单位的车 is a 单位车 (a 公车); 我的车 stays as written, 我车 being no word.
    assert "单位车" in _query_words(index, "开单位的车送孩子上学行不")
    assert "我车" not in _query_words(index, "我的车能停单位吗")


def test_words_of_time_place_and_person_do_not_hide_a_missing_topic(index):
    # 低保 is the topic; 明年, 俺们, 那边 say when and where. The meal-standard rule shares 标准 and 每人.
    result = answer(index, "明年俺们那边低保标准每人每月多少钱", RulesConfig())
    assert not result.covered


def test_a_question_asking_about_something_the_base_never_mentions_is_not_answered(index):
    # The rule on 约谈提醒 shares the context, not what is asked (晋升 is in neither the base nor the table).
    assert not answer(index, "前年被纪工委约谈提醒过 明年还能晋升不", RulesConfig()).covered
    # An asked word that is grammar (出面: 出 heads a complement) leaves the decision to coverage.
    assert answer(index, "小区两户人家为了停车吵架 网格员要出面吗", RulesConfig()).covered


def test_a_verb_and_its_object_split_by_an_amount_are_joined(index):
    assert "出钱" in _query_words(index, "让每户出二十块钱行不行")
    assert "来人" in _query_words(index, "市里来了五个人 要安排吃饭吗")


def test_a_word_matched_only_through_a_part_scores_less_than_a_whole_match(index, monkeypatch):
    # 前几分钟 shares 分钟 with the morning-meeting rule (十分钟); the rule on arriving 5分钟 early has the
    # question's 开会 as its own word and comes first.
    question = "开会前几分钟要到"
    assert index.search(question, top_k=1)[0].article.label == "第五条"
    monkeypatch.setattr("handlers.rules.search.PART_SCORE", 1.0)
    assert index.search(question, top_k=1)[0].article.label == "第七条"


def test_a_question_about_consequences_is_answered_by_the_penalty_article(index, monkeypatch):
    result = answer(index, "收礼被查出来会怎么处理", RulesConfig())
    assert result.covered and result.text.startswith(f"依据《{GIFTS}》第十条：违反本规定的")
    assert answer(index, "公车私用被发现了会怎么处理", RulesConfig()).text.startswith(f"依据《{VEHICLES}》第九条")
    # Asking what to do with a gift is not asking what happens: the rule on handing it in answers.
    assert answer(index, "收到礼品怎么处理", RulesConfig()).text.startswith(f"依据《{GIFTS}》第三条")
    monkeypatch.setattr("handlers.rules.search.PENALTY_FACTOR", 1.0)
    assert index.search("收礼被查出来会怎么处理", top_k=1)[0].article.label != "第十条"


def test_asking_how_to_apply_reaches_the_article_on_the_approval(index):
    # 申请 alone is in the 低保 item of the power list; as a procedure it means the 派车单 signed by the office.
    result = answer(index, "用车要怎么申请", RulesConfig())
    assert result.covered and result.text.startswith(f"依据《{VEHICLES}》第二条")


def test_eating_alongside_the_guests_is_the_rule_on_accompanying_diners(index):
    best = index.search("人家八个人来 我们去五个人陪着吃饭超了没", top_k=1)[0].article
    assert best.citation == "《示范街道公务接待管理办法（示例）》第七条"


def test_a_part_of_a_word_never_outscores_the_whole_word_elsewhere(index):
    # 请吃饭 is 宴请 (the travel rule forbidding the host's banquet), not 伙食 through its part 吃饭.
    best = index.search("出差那边请吃饭 能去吗", top_k=1)[0].article
    assert best.citation == "《示范街道差旅费管理规定（示例）》第五条"


def test_a_measure_glued_to_its_noun_is_read_as_the_noun(index):
    # The dictionary has 辆车 and 那辆车 as rare words; they are the 车 of the question.
    assert "车" in _query_words(index, "想让单位安排辆车 提前得弄啥手续")
    assert "那辆车" not in _query_words(index, "开下单位那辆车中不")
    # A word of the table that starts with a measure character stays whole.
    assert "包联" in _query_words(index, "俺包联的社区开了个超市")


def test_taking_the_child_to_school_in_the_unit_car_is_private_use(index):
    best = index.search("下大雨 开单位的车顺路把孩子送学校去 行不", top_k=1)[0].article
    assert best.citation == f"《{VEHICLES}》第三条"


def test_a_counted_measure_reads_as_the_tables_any_amount(index):
    # The table has 跑几趟 (=> 多跑腿); 多跑两趟 is the same whatever the number.
    assert "跑几趟" in _query_words(index, "群众来办事 能不能让他多跑两趟")
    assert "跑几趟" in _query_words(index, "来回让他跑了三趟 这算不算问题")
    best = index.search("群众来办事 能不能让他多跑两趟", top_k=1)[0].article
    assert best.citation == "《示范社区小微权力清单和干部负面清单（示例）》二、5"


def test_an_object_that_ends_a_word_is_not_swapped_with_its_verb(index):
    words = _query_words(index, "在外地公事办完了想多待一天转转再回 行不")
    assert "公事" in words and "办事" not in words
    assert "开会" in _query_words(index, "会开了一个多小时了，我能不能出去回个电话")


def test_hui_after_a_measure_is_the_meeting(index):
    assert "会议" in _query_words(index, "明天那个会俺去不了 老人住院了 跟谁说一声")
    best = index.search("明天那个会俺去不了 老人住院了 跟谁说一声", top_k=1)[0].article
    assert best.citation == "《示范街道精简会议文件和改进会风规定（示例）》第六条"
    # The modal stays a stop word.
    assert "会议" not in _query_words(index, "收礼被查出来会怎么处理")


def test_a_wife_opening_a_shop_is_a_spouse_in_business(index):
    best = index.search("俺媳妇想在俺包联的社区开个小超市 要跟组织说一声不", top_k=1)[0].article
    assert best.citation == f"《{GIFTS}》第七条"


def test_printer_paper_taken_home_is_an_office_supply_taken_home(index):
    best = index.search("单位的打印纸能拿回家给孩子用吗", top_k=1)[0].article
    assert best.citation == "《示范街道办公用品和资产管理规定（示例）》第五条"


def test_a_firms_boss_inviting_to_dinner_is_the_rule_on_banquets(index):
    best = index.search("辖区企业老板请我吃饭 去不去", top_k=1)[0].article
    assert best.citation == f"《{GIFTS}》第四条"


def test_driving_after_drinking_or_without_a_licence_is_the_drivers_rule(index):
    for question in ("喝了酒还能开公家的车吗", "我没驾照 能开单位的车吗"):
        assert index.search(question, top_k=1)[0].article.citation == f"《{VEHICLES}》第五条"


# --- known questions (handlers/rules/alike.py) ---------------------------------------------------


def test_a_question_put_like_a_known_one_finds_its_article_first():
    from handlers.rules.alike import KnownQuestion

    question = "领导能不能有一辆自己专门坐的车"
    plain = build_index(sample_articles(), load_lexicon())
    assert plain.search(question, top_k=1)[0].article.label != "第一条"
    known = [KnownQuestion(VEHICLES, "第一条", "主任想要一辆自己专门坐的车 中不中")]
    taught = build_index(sample_articles(), load_lexicon(), known)
    first = taught.search(question, top_k=1)[0]
    assert (first.article.title, first.article.label) == (VEHICLES, "第一条") and first.alike > 0.5


def test_a_known_question_whose_article_is_gone_or_that_says_nothing_is_ignored():
    from handlers.rules.alike import KnownQuestion

    known = [KnownQuestion("已删除的规定", "第一条", "领导能不能有一辆自己专门坐的车"), KnownQuestion(VEHICLES, "第一条", "吗？")]
    index = build_index(sample_articles(), load_lexicon(), known)
    assert len(index.known_questions) == 0
    assert index.search("领导能不能有一辆自己专门坐的车", top_k=1)[0].alike == 0.0


def test_the_sample_questions_never_hold_a_held_back_or_fresh_question():
    """The known questions shipped with the samples come from the sets tuned on: a held-back question
    (or a near-duplicate of one) or a fresh half's among them would inflate the figures measured on those."""
    import json
    import sys

    from handlers.rules.demo import SAMPLE_QUESTIONS

    data = Path(__file__).parent / "data"
    sys.path.insert(0, str(data / "understanding"))
    from validate import near_pairs

    shipped = [q["text"] for q in tomllib.loads(SAMPLE_QUESTIONS.read_text(encoding="utf-8"))["q"]]
    held = [q["text"] for q in tomllib.loads((data / "rules_heldout.toml").read_text(encoding="utf-8"))["q"]]
    held += [json.loads(line)["text"] for line in (data / "understanding" / "heldout.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    fresh = {q["text"] for path in data.glob("rules_*fresh.toml") for q in tomllib.loads(path.read_text(encoding="utf-8"))["q"]}
    assert len(shipped) > 1000
    assert not fresh.intersection(shipped)
    near = near_pairs(shipped, held)
    assert not near


def test_a_word_of_a_kind_by_its_ending_finds_the_rule_in_the_formal_word():
    stop = DEFAULT_STOPWORDS.read_text(encoding="utf-8")
    lexicon = parse_lexicon("*店 *馆 => 经商办企业\n饭店 => 定点饭店", stop)
    articles = [
        IndexedArticle(1, "廉洁规定", "第七条", "", "干部配偶、子女在辖区内经商办企业的，应当如实报告。"),
        IndexedArticle(2, "接待规定", "第五条", "", "工作餐在机关食堂或者定点饭店就餐。"),
    ]
    index = build_index(articles, lexicon)
    assert index.search("媳妇开了个美容店 要报告吗", top_k=1)[0].article.label == "第七条"
    assert "经商办企业" not in index.analyzer.expand("饭店")  # a word named on its own line keeps its own meaning
    with pytest.raises(LexiconError):
        parse_lexicon("*店 饭馆 => 经商", stop)  # an ending and a word on one line



def test_a_phone_switched_off_is_no_government_office():
    analyzer = build_index([_article("第五条", "会议期间手机调至静音。")], load_lexicon()).analyzer
    terms = analyzer.terms("下了班能不能把工作手机关了")
    assert "手机" in terms and "机关" not in terms
