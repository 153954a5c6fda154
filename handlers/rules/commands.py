"""规定问答: "问 …", "规定 …", a trailing question mark, or 能不能 / 可以吗 … answered from the rules.

The command has a low priority: any explicit command (服务 3小时, 反映 …, a quiz answer) wins, and
only what no other capability claims is treated as a question about the rules.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.message import Incoming
from bot.router import Command, Context, Match
from handlers.rules.answer import answer, empty_base_text
from handlers.rules.kb import index_for
from handlers.rules.search import LexiconError
from handlers.rules.service import list_documents

log = logging.getLogger(__name__)

PRIORITY = -5
QUESTION_MAX_CHARS = 200

# Text is NFKC-folded by the router, so ？ and ： arrive as ? and :.
_PREFIX = re.compile(r"^(?:请问|问问|问一下)[\s:,，]*(?P<q>.+)$|^(?:问|规定|查规定|问规定)[\s:,，]+(?P<q2>.+)$", re.S)
_BARE = re.compile(r"^(?:问|规定|查规定|问规定|规定问答)$")
_CUES = re.compile(
    r"能不能|可不可以|可以吗|是否允许|允许吗|行不行|能否|可否|是否可以|可以不|让不让|准不准|要不要|算不算|违规吗|违纪吗|合规吗"
    r"|怎么办|怎么处理|如何处理|有没有规定"
    # A yes/no question with a modal verb: 公务接待可以喝酒吗, 能开公车回家吗, 要报告吗.
    r"|(?:可以|能|允许|准|需要|要|该|应该|得)[^,，。.!！]{0,20}[吗么嘛]$"
)


def match_question(text: str, message: Incoming) -> dict[str, Any] | None:
    if _BARE.match(text):
        return {"question": ""}
    found = _PREFIX.match(text)
    if found:
        return {"question": (found.group("q") or found.group("q2")).strip()}
    # A lone "?" is the help command's; a question needs some words before the mark.
    if text.endswith("?") and len(text.rstrip("? ")) >= 2:
        return {"question": text}
    if _CUES.search(text):
        return {"question": text}
    return None


def ask_rules(ctx: Context, match: Match) -> str:
    question = (match.groups.get("question") or match.args).strip()[:QUESTION_MAX_CHARS]
    settings = ctx.config.rules
    if not question:
        return _usage(ctx)
    try:
        index = index_for(ctx.session, settings)
    except LexiconError as exc:
        log.error("rules synonyms/stopwords file unusable: %s", exc)
        return f"规定问答暂时用不了：{exc}。请管理员改好词表后再问。"
    if len(index) == 0:
        return empty_base_text(settings.contact)
    return answer(index, question, settings, ctx.config.llm).text


def _usage(ctx: Context) -> str:
    titles = [f"《{d.title}》" for d in list_documents(ctx.session)]
    listing = "\n".join(titles[:8]) + (f"\n…共{len(titles)}份" if len(titles) > 8 else "")
    head = "直接问我规定上的事，我会给出条文依据。例：问 公务接待可以喝酒吗"
    return f"{head}\n现有规定：\n{listing}" if titles else f"{head}\n{empty_base_text(ctx.config.rules.contact)}"


# The heading this module's commands get in 帮助.
HELP_TITLE = "问规定"

COMMANDS = (
    Command(
        # The name is also matched as a prefix by the router, so it must not be a bare "问" (问题…).
        name="规定问答",
        handler=ask_rules,
        matcher=match_question,
        summary="问规定，我给出条文依据",
        example="问 公务接待可以喝酒吗",
        priority=PRIORITY,
    ),
)
