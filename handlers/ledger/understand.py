"""How the ledger reads messages that name no command: 我们社区有啥整改任务, 回头看 #7 没反弹 巩固."""

from __future__ import annotations

import re

from bot.router import Context, Reading
from bot.text import normalize

_MINE = re.compile(r"(?:我|我们|俺|咱|本)(?:们)?(?:社区|单位|网格|部门)?.{0,4}(?:有啥|有什么|有哪些|的)?整改任务")
_RECHECK = re.compile(r"(?:回头看|复查)?\s*#\s*(?P<id>\d+)\s*(?P<rest>.*?(?:没反弹|未反弹|没有反弹|巩固).*)$")


def read_mine(text: str, ctx: Context) -> Reading | None:
    return Reading(0.9) if _MINE.search(normalize(text)) else None


def read_recheck(text: str, ctx: Context) -> Reading | None:
    found = _RECHECK.search(normalize(text))
    if not found:
        return None
    return Reading(0.9, args=f"#{found['id']} {found['rest']}".strip())
