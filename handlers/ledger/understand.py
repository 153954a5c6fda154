"""How the ledger reads messages that name no command: 我们社区有啥整改任务, 回头看 #7 没反弹 巩固."""

from __future__ import annotations

import re

from bot.router import Context, Reading
from bot.text import FIGURES, SHOW_ME, normalize

_MINE = re.compile(
    r"(?:我|我们|俺|咱|本)(?:们)?(?:社区|单位|网格|部门)?.{0,8}(?:有啥|有什么|有哪些|哪些|的)?整改任务"
    r"|(?:我|俺)(?:负责|牵头|包|手上|身上)(?:的)?.{0,6}任务"
)
_RECHECK = re.compile(r"(?:回头看|复查)?\s*#\s*(?P<id>\d+)\s*(?P<rest>.*?(?:没反弹|未反弹|没有反弹|巩固).*)$")


def read_mine(text: str, ctx: Context) -> Reading | None:
    return Reading(0.9) if _MINE.search(normalize(text)) else None


def read_recheck(text: str, ctx: Context) -> Reading | None:
    found = _RECHECK.search(normalize(text))
    if not found:
        return None
    return Reading(0.9, args=f"#{found['id']} {found['rest']}".strip())


_BOARD = re.compile(rf"^(?:我|俺)?(?:能|可以)?{SHOW_ME}(?:一下)?把?(?:咱们|我们|本街道|全街道)?的?(?:整改)?台账(?:情况|汇总|总体情况|进度)?(?:调出来|拿出来|发出来)?(?:看看|看下|瞅瞅)?(?:吗|不|吧|呢|[。!！?？])*$|整改台账.{{0,4}}(?:情况|汇总|进度)")
_TASK = re.compile(
    r"任务\s*#?\s*(?P<id>\d+)\s*(?:的|号)?\s*(?:情况|详情|进展情况|进度|怎么样|咋样|到哪了)"
    r"|#\s*(?P<id2>\d+)\s*(?:号)?任务.{0,6}(?:情况|详情|进度|怎么样|咋样|到哪)|(?:看看|看下|查看|查下|查查)\s*任务\s*#?\s*(?P<id3>\d+)"
)
_CLOSE = re.compile(
    r"^(?:任务)?\s*#\s*(?P<id>\d+)\s*(?:号任务)?.{0,10}?销(?:个|一个|一下)?号(?:了|吧)?\s*[:：,，]?\s*(?P<rest>.*)$"
    r"|^(?:任务)?\s*(?P<id2>\d+)\s*号?任务.{0,4}销号\s*(?P<rest2>.*)$"
)
_FROM_REPORT = re.compile(
    r"(?:把)?(?:反映|随手拍|投诉)?\s*#\s*(?P<id>\d+)\s*(?:号)?.{0,8}?(?:立项|立个项|立一个项|列入(?:整改)?台账|列进(?:整改)?台账|纳入(?:整改)?台账)\s*[:：,，]?\s*(?P<rest>.*)$"
)


# "整改任务进展怎么样了", "有几个整改任务超期了", "台账里还有多少没销号": the board, asked as a question.
_BOARD_ASKED = re.compile(rf"(?:整改|台账).{{0,10}}{FIGURES}|{FIGURES}.{{0,8}}(?:整改|台账|没销号|未销号)")


# "对账销号那张总表调出来看一下": the ledger's whole table, asked for by another name.
_BOARD_TABLE = re.compile(r"(?:销号|整改|台账).{0,8}(?:总表|总账|汇总表|大表).{0,6}(?:调出来|拿出来|发出来|发我|看一下|看看|看下)")


def read_board(text: str, ctx: Context) -> Reading | None:
    text = normalize(text)
    if _BOARD.search(text) or _BOARD_TABLE.search(text):
        return Reading(0.9)
    if _BOARD_ASKED.search(text) and not re.search(r"#\s*\d|\d+\s*号|我(?!们)|俺(?!们)|怎么(?:填|写|办|销号)|规定|要求", text):
        return Reading(0.85)
    return None


def read_task(text: str, ctx: Context) -> Reading | None:
    found = _TASK.search(normalize(text))
    return Reading(0.9, groups={"id": found["id"] or found["id2"] or found["id3"]}) if found else None


def read_close(text: str, ctx: Context) -> Reading | None:
    found = _CLOSE.search(normalize(text))
    if not found:
        return None
    return Reading(0.9, args=f"#{found['id'] or found['id2']} {found['rest'] or found['rest2'] or ''}".strip())


def read_from_report(text: str, ctx: Context) -> Reading | None:
    found = _FROM_REPORT.search(normalize(text))
    return Reading(0.9, args=f"#{found['id']} {found['rest']}".strip()) if found else None


_REOPEN = re.compile(r"^(?:任务)?\s*#\s*(?P<id>\d+)\s*(?:号任务)?.{0,10}?(?<!没有)(?<!没|未|不)反弹(?:了)?\s*[:：,，]?\s*(?P<rest>.*)$")


def read_reopen(text: str, ctx: Context) -> Reading | None:
    found = _REOPEN.search(normalize(text))
    return Reading(0.9, args=f"#{found['id']} {found['rest']}".strip()) if found else None
