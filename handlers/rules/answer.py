"""From a question to the reply a cadre reads: cited articles, or an honest "no clear rule"."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import LlmConfig
from handlers.rules.settings import RulesConfig
from bot.text import MAX_REPLY_CHARS, utf8_len
from handlers.rules import llm
from handlers.rules.search import Hit, RulesIndex

# WeCom's text limit; replies stay under it whatever the articles and settings.
MAX_BYTES = 2048
# A further article is quoted only when it scores nearly as well as the best one.
CLOSE_SCORE = 0.75
QUESTION_SHOWN = 24


@dataclass(frozen=True)
class Answer:
    text: str
    hits: tuple[Hit, ...]
    covered: bool
    used_llm: bool = False


def answer(index: RulesIndex, question: str, settings: RulesConfig, llm_config: LlmConfig | None = None) -> Answer:
    if len(index) == 0:
        return Answer(empty_base_text(settings.contact), (), False)
    hits = tuple(index.search(question, top_k=max(settings.top_k, 3)))
    if not hits or hits[0].coverage < settings.threshold:
        return Answer(not_covered_text(question, settings.contact), hits, False)
    shown = [hits[0]] + [
        h for h in hits[1 : settings.top_k] if h.coverage >= settings.threshold and h.score >= CLOSE_SCORE * hits[0].score
    ]
    if settings.use_llm and llm_config is not None and llm.is_configured(llm_config):
        phrased = llm.ask(llm_config, question, [h.article for h in shown])
        if phrased is not None:
            return Answer(llm_text(phrased, shown, settings.max_chars), hits, True, used_llm=True)
    return Answer(cited_text(shown, settings.max_chars), hits, True)


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
