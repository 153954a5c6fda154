"""From a question to the reply a cadre reads: cited articles, the closest articles to choose from when
the match is not sure, an honest "no clear rule", or "not something I can help with"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.config import LlmConfig
from handlers.rules.settings import RulesConfig
from bot.text import MAX_REPLY_CHARS, utf8_len
from handlers.rules import llm
from handlers.rules.offtopic import asks_rule, is_off_topic
from handlers.rules.unstated import fact_unstated
from handlers.rules.search import Hit, RulesIndex

# WeCom's text limit; replies stay under it whatever the articles and settings.
MAX_BYTES = 2048
# A further article is quoted only when it scores nearly as well as the best one.
CLOSE_SCORE = 0.75
QUESTION_SHOWN = 24
# Answering needs the best article to cover [rules] threshold of the question and either to stand
# out — score at least STANDOUT ahead of the second — or to cover CLEAR_COVERAGE more than the
# threshold. A question matched only through words every rule shares (干部, 网格员, 上班) leaves several
# articles tied, and the bot must not pick one of them as the answer.
STANDOUT = 0.2  # 0.15 until round 10: 0.2 declines two more of its 40 uncovered questions (docs/rules.md)
CLEAR_COVERAGE = 0.25
# Not sure enough to answer: articles covering at least this share of the threshold are offered as
# numbered choices — close enough to be worth a tap — unless the match is so generic that the next
# article scores as well as the best (TIED): then there is nothing to choose between.
CHOICE_SHARE = 0.8
STORY_TERMS = 12
MAX_CHOICES = 3
TIED = 0.95
CHOICE_OPENING = 16
# A question with a word that carries this share of its weight and is not in the best article is
# about something else (上班能带孩子来办公室吗 is not answered by the rule on 接送子女 with the car).
MISSING_MAIN = 0.27
# Even a clearly covered question is not answered by an article lacking a word that carries this much of
# it (办公室里能抽烟不 is not answered by the rule against serving 香烟 at a meal).
CLEAR_MISSING_MAIN = 0.4
CLEAR_MISSING_ASKED = 0.28
# A match the rules would quote is offered as numbered choices instead when questions asked before say it
# is this likely not answered by that article (outcomes.py; chosen on the rules sets, each measured with a
# model that never saw its round nor any question near one of it: the threshold at which the model with
# neighbours loses no more right answers than the one without did at 0.96; docs/rules.md).
DOUBT = 0.97


@dataclass(frozen=True)
class Candidate:
    """An article offered as a numbered choice; the router keeps `article_id` to answer the number."""

    article_id: int
    citation: str
    opening: str  # the article's first words, so the choice can be recognised on a phone


@dataclass(frozen=True)
class Answer:
    text: str
    hits: tuple[Hit, ...]
    covered: bool
    used_llm: bool = False
    # Not sure enough to answer: the closest articles, in order, for "回复数字即可" (text lists them).
    candidates: tuple[Candidate, ...] = ()
    # Not a question about the rules at all (weather, a recipe, a ticket): text says what the bot does.
    off_topic: bool = False


# "开会手机要静音这个俺知道 那周末休息手机能关机不": what is known is said first; the question is what follows.
_ALREADY_KNOWN = re.compile(r"(?:这个|这些|这)?(?:(?:我|俺)(?:都)?|(?<![不没]))(?<!不太)(?:知道|晓得|清楚|明白|懂)(?:了|的)?\s*[,，。]?\s*(?:那|但是|可是|不过|就是)")


def answer(index: RulesIndex, question: str, settings: RulesConfig, llm_config: LlmConfig | None = None) -> Answer:
    if len(index) == 0:
        return Answer(empty_base_text(settings.contact), (), False)
    known = _ALREADY_KNOWN.search(question)
    quoted = None  # the document of the article that says what the cadre already knows
    if known is not None and len(question) - known.end() >= 6:
        said = index.search(question[: known.start()], top_k=1)
        quoted = said[0].article.title if said and said[0].coverage >= settings.threshold else None
        question = question[known.end():]
    hits = tuple(index.search(question, top_k=max(settings.top_k, MAX_CHOICES + 1)))
    if is_off_topic(question, hits[0].coverage if hits else 0.0):
        return Answer(off_topic_text(), hits, False, off_topic=True)
    # What is asked beyond a rule the cadre has just quoted ("…这个俺知道 那…") is what that rule's document
    # leaves out: its articles are not quoted again (another document's may answer).
    beyond_quoted = quoted is not None and bool(hits) and hits[0].article.title == quoted
    unstated = bool(hits) and fact_unstated(question, index, hits[0].article)
    sure = confident(hits, settings.threshold, asks_rule(question)) and not unstated
    if beyond_quoted or not sure or index.doubt(question, hits) >= DOUBT:
        if unstated:
            # The first article does not say what is asked: any that may are offered before it.
            hits = tuple(sorted(hits, key=lambda h: fact_unstated(question, index, h.article)))
        candidates = choices(hits, settings.threshold, len(set(index.analyzer.terms(question))))
        if candidates:
            return Answer(choices_text(candidates, settings.contact), hits, False, candidates=candidates)
        return Answer(not_covered_text(question, settings.contact), hits, False)
    shown = [hits[0]] + [
        h for h in hits[1 : settings.top_k] if h.coverage >= settings.threshold and h.score >= CLOSE_SCORE * hits[0].score
    ]
    if settings.use_llm and llm_config is not None and llm.is_configured(llm_config):
        phrased = llm.ask(llm_config, question, [h.article for h in shown])
        if phrased is not None:
            return Answer(llm_text(phrased, shown, settings.max_chars), hits, True, used_llm=True)
    return Answer(cited_text(shown, settings.max_chars), hits, True)


def confident(hits: tuple[Hit, ...] | list[Hit], threshold: float, rule_shaped: bool = True) -> bool:
    """Whether the best hit may be quoted as the answer (see STANDOUT).

    Standing out is enough only for a question shaped like one a rule answers (allowed? required? how
    much? what to do?); a question of fact (入党申请书怎么写, 工资几号发) that shares a word or two with a
    rule is not answered by it.
    """
    if not hits or hits[0].coverage < threshold or hits[0].score <= 0:
        return False
    if hits[0].misses_ask:
        return False
    if hits[0].coverage >= threshold + CLEAR_COVERAGE and hits[0].missing_main < CLEAR_MISSING_MAIN \
            and hits[0].missing_asked < CLEAR_MISSING_ASKED:
        return True
    if hits[0].missing_main >= MISSING_MAIN:
        return False
    if not rule_shaped:
        return False
    second = max((h.score for h in hits[1:]), default=0.0)
    return 1 - second / hits[0].score >= STANDOUT


def choices(hits: tuple[Hit, ...] | list[Hit], threshold: float, terms: int = 0) -> tuple[Candidate, ...]:
    """The articles worth offering when none is sure enough to quote (see CHOICE_SHARE).

    A question told as a story (`terms` words, more than STORY_TERMS) covers less of itself with any
    article, however well it matches: its floor is lowered by the square root of the excess."""
    scores = sorted((h.score for h in hits), reverse=True)  # hits are in rank order, not by score
    if len(scores) > MAX_CHOICES and scores[0] > 0 and scores[MAX_CHOICES] >= TIED * scores[0]:
        return ()
    floor = threshold * CHOICE_SHARE * min(1.0, (STORY_TERMS / terms) ** 0.5 if terms else 1.0)
    return tuple(
        Candidate(h.article.id, h.article.citation, _trim(h.article.text, CHOICE_OPENING)) for h in hits[:MAX_CHOICES] if h.coverage >= floor
    )


def choices_text(candidates: tuple[Candidate, ...], contact: str) -> str:
    lines = [f"{n} {c.citation}：{c.opening}" for n, c in enumerate(candidates, start=1)]
    return _fit(
        "没找到正好对上的条文。您是想问：\n" + "\n".join(lines) + f"\n回复数字即可；都不是的话，请向{contact}咨询。"
    )


def answer_article(index: RulesIndex, article_id: int, settings: RulesConfig) -> Answer | None:
    """The reply for a chosen candidate (the number the cadre sent back); None if the article is gone
    (the knowledge base changed since the choices were offered)."""
    article = next((a for a in index.articles if a.id == article_id), None)
    if article is None:
        return None
    hit = Hit(article, 0.0, 1.0)
    return Answer(cited_text([hit], settings.max_chars), (hit,), True)


def off_topic_text() -> str:
    return (
        "这个我帮不上。我能帮您：登记服务时长、随手拍反映问题、查规定（例：问 公务接待可以喝酒吗）、"
        "学微课和答题。发「帮助」看全部用法。"
    )


def cited_text(hits: list[Hit], max_chars: int) -> str:
    # The best article gets most of the screen; a second one is a pointer with its opening words.
    budgets = [max_chars] if len(hits) == 1 else [max_chars * 2 // 3] + [max_chars // 3 // (len(hits) - 1)] * (len(hits) - 1)
    lines = [f"依据{h.article.citation}：{_trim(h.article.text, budget)}" for h, budget in zip(hits, budgets)]
    return _fit("\n\n".join(lines))


def llm_text(phrased: str, hits: list[Hit], max_chars: int) -> str:
    sources = "\n".join(f"依据{h.article.citation}：{_trim(h.article.text, max_chars // 4)}" for h in hits)
    return _fit(f"{_trim(phrased, max_chars // 2)}\n\n{sources}")


def not_covered_text(question: str, contact: str) -> str:
    shown = _trim(question.strip(), QUESTION_SHOWN)
    return (
        f"关于“{shown}”，规定知识库里没有找到明确的条文，我不能替规定作答。\n"
        f"请向{contact}咨询，以其答复为准。也可以换个说法再问，比如写明具体事项。"
    )


def empty_base_text(contact: str) -> str:
    return f"规定知识库还是空的，暂时答不了。请管理员先导入规定文件；具体问题请向{contact}咨询。"


def _trim(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: max(limit - 1, 1)].rstrip("，、；,; ") + "…"


def _fit(text: str) -> str:
    # A phone screen's worth at most, whatever the titles' length and the max_chars setting.
    if len(text) > MAX_REPLY_CHARS:
        text = text[: MAX_REPLY_CHARS - 1].rstrip() + "…"
    while utf8_len(text) > MAX_BYTES:
        text = text[: len(text) - 20].rstrip() + "…"
    return text
