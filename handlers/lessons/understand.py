"""How the lessons read messages that name no command: 学完了👌, 已学 第二十课, 好的 学习了, and
已阅 right after looking at a lesson; 今天的微课发一下, 看看第5课."""

from __future__ import annotations

import re
import unicodedata

import cn2an

from bot.router import Context, Reading
from bot.text import normalize

# Conversation state: the lesson just shown, which "已阅" or "好的 学习了" confirms.
SHOWN = "lessons.shown"
SHOWN_MINUTES = 120

_NUM = r"(?P<num>\d{1,5}|[一二三四五六七八九十百零两]{1,5})"
_DONE = re.compile(
    rf"^(?:好的|好|嗯|嗯嗯|ok|OK)?\s*(?:(?:今天|今日|这节|这一?课)?的?(?:微课|课|微课堂))?\s*"
    rf"(?P<verb>已学习?|已学完|学习了|学完了|学完啦|学完|学了|学好了|学习完毕|已完成学习|打卡|已打卡|已阅|看完了|已看完?|读完了)"
    rf"(?:学了|了)?\s*(?:第?\s*{_NUM}\s*课)?$"
)
# Words that only confirm what was just shown, not "today's lesson" in general.
_SEEN_ONLY = ("已阅", "看完了", "已看", "已看完", "读完了")
_TODAY = re.compile(rf"^(?:今天|今日|今儿)的?微课(?:堂)?(?:发一下|发下|发我|看看|呢)?$|^微课堂$|^(?:看看|看下|发一下|来)?第\s*{_NUM}\s*课$")


def _strip(text: str) -> str:
    kept = "".join(c for c in normalize(text) if not unicodedata.category(c).startswith(("So", "Sk", "Cf", "Mn")))
    return re.sub(r"[。.!！~～,，\s]+$", "", kept).strip()


def lesson_number(raw: str | None) -> int | None:
    if not raw:
        return None
    if raw.isdigit():
        return int(raw)
    try:
        return int(cn2an.cn2an(raw, "smart"))
    except ValueError:
        return None


def read_done(text: str, ctx: Context) -> Reading | None:
    found = _DONE.match(_strip(text))
    if not found:
        return None
    number = lesson_number(found["num"])
    shown = ctx.recall(SHOWN)
    if number is not None:
        return Reading(0.95, stores=True, groups={"num": str(number)})
    if shown is not None:
        return Reading(0.95, stores=True, groups={"lesson": int(shown)})
    if found["verb"] in _SEEN_ONLY:
        return None  # "已阅" with no lesson just shown: an acknowledgement, not a confirmation
    return Reading(0.9, stores=True)


def read_today(text: str, ctx: Context) -> Reading | None:
    found = _TODAY.match(_strip(text))
    if not found:
        return None
    number = lesson_number(found["num"])
    return Reading(0.9, groups={"num": str(number)} if number is not None else {"num": ""})
