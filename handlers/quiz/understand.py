"""How the quiz reads messages that name no command: 本月排行榜, 我排第几, 看看答题排名, 来道题."""

from __future__ import annotations

import re

from bot.router import Context, Reading
from bot.text import normalize

_BOARD = re.compile(
    r"^(?:看看|看下|查查|查下|查看|瞅瞅)?(?P<period>本月|这个月|这月|本周|这周|这星期|上周)?的?(?:答题|积分)?(?:排行榜|排名|排行|积分榜)[?？!！。]*$"
    r"|我(?:答题)?(?:排|排名|排在)第几|我(?:的)?(?:答题)?排名"
)
_PRACTICE = re.compile(r"^(?:再)?(?:来|出|给我来|给我出)(?:一|1)?[道个](?:题|练习题)[吧呗!！。]*$|^(?:我要|我想)(?:答题|做题|练习)$")


def read_board(text: str, ctx: Context) -> Reading | None:
    found = _BOARD.search(normalize(text))
    if not found:
        return None
    period = found.group("period") or ""
    return Reading(0.9, groups={"period": "本月" if period in ("本月", "这个月", "这月") else ""})


def read_practice(text: str, ctx: Context) -> Reading | None:
    return Reading(0.9) if _PRACTICE.match(normalize(text)) else None
