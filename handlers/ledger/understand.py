"""How the ledger reads messages that name no command: 我们社区有啥整改任务, 回头看 #7 没反弹 巩固."""

from __future__ import annotations

import re

import cn2an

from bot.router import Context, Reading
from bot.text import FIGURES, SHOW_ME, normalize

_MINE = re.compile(
    r"(?:我|我们|俺|咱|本)(?:们)?(?:社区|单位|网格|部门)?.{0,8}(?:有啥|有什么|有哪些|哪些|的)?整改任务"
    r"|(?:我|俺)(?:负责|牵头|包|手上|身上)(?:的)?.{0,6}任务|(?:我|俺)(?:们)?(?:手上|手里|身上|名下)(?:还)?有?(?:几个|多少|哪些|啥|什么)?整改|(?:分给|派给|交给)(?:我|俺)(?:们)?的(?:整改)?任务|(?:我|俺)名下(?:有)?(?:哪些|什么|啥|几个)?(?:整改)?任务"
    r"|^(?:我|俺)(?:们)?(?:现在|手上|这边)?(?:有|还有)(?:啥|什么|哪些|几个|没有)(?:整改)?任务(?:没|没有|吗|不|呢)?[?？]*$"
)
_RECHECK = re.compile(r"(?:回头看|复查)?\s*#\s*(?P<id>\d+)\s*(?P<rest>.*?(?:没反弹|未反弹|没有反弹|没(?:有)?回潮|巩固|保持(?:的|得)(?:不错|很好|挺好)).*)$")


# A task's number however typed ("任务5", "任务 第4号", "任务#5", "第五号任务"): read as "任务 #5".
_TASK_NUMBER = re.compile(r"(?:任务\s*(?:#|编号|第)?\s*(?P<n>\d+|[一二三四五六七八九十百]+)\s*号?|(?:第|#\s*)?(?P<m>\d+|[一二三四五六七八九十百]+)\s*号任务"
                          r"|第(?P<k>\d+|[一二三四五六七八九十百]+)\s*个\s*(?:整改)?任务)(?![\d年月日天点个])")


def numbered(text: str) -> str:
    """The message with its task number written the one way the readers expect (任务 #5)."""
    def one(found: re.Match[str]) -> str:
        raw = found["n"] or found["m"] or found["k"]
        try:
            value = int(raw) if raw.isdigit() else int(cn2an.cn2an(raw, "smart"))
        except ValueError:
            return found.group(0)
        return f"任务 #{value} "
    return _TASK_NUMBER.sub(one, normalize(text))


# A step of the ledger named: with one, a bare number is the task's (or, for 立项, the report's).
_LEDGER_STEP = re.compile(r"销号|消号|销了|可以销|反弹|反单|回潮|重新打开|复查|回头看|未反弹|没反弹|巩固|立项|立个项|纳入台账|列入台账|列进台账|转成台账|转为台账|转台账|(?:立个|立成|转成|转为|列为|列成)整改任务")
# "第四个任务", "6号那个", "十一号任务", "任务 十", "反映25号": the number however said, read as "#N".
_LOOSE_NUMBER = re.compile(
    r"(?:任务|反映|随手拍)?\s*第\s*(?P<a>\d+|[一二三四五六七八九十百]+)\s*(?:个|号)(?:任务|单子|反映)?"
    r"|(?<![\d月.一二三四五六七八九十])(?P<b>\d+|[一二三四五六七八九十百]+)\s*号(?:台账)?(?:任务|反映|单子)?"
    r"|(?:任务|反映|随手拍)\s*(?P<c>\d+|[一二三四五六七八九十百]+)(?![\d年月日天点个])"
)


def _loosely_numbered(text: str) -> str:
    """The message with a loosely said number as #N, when it names a ledger step and has no # yet."""
    text = re.sub(r"^(?:跟你|和你|给你)?说(?:个|一下|件)?事(?:儿)?(?:啊|哈|呀)?[\s,，]*", "", normalize(text))  # "跟你说个事啊 任务四号…"
    text = re.sub(r"^(?:嗯+\s*)?(?:(?:我|俺)(?:们)?(?:的)?)?(?:那个|这个)(?=\s*(?:任务|第|#|\d|[一二三四五六七八九十]))", "", text)  # "我那个任务七…", "那个任务#3…"
    if "#" in text or not _LEDGER_STEP.search(text):
        return numbered(text)

    def one(found: re.Match[str]) -> str:
        raw = found["a"] or found["b"] or found["c"]
        try:
            value = int(raw) if raw.isdigit() else int(cn2an.cn2an(raw, "smart"))
        except ValueError:
            return found.group(0)
        return f"#{value} "
    return re.sub(r"^\s*(?:把|将)\s*", "", _LOOSE_NUMBER.sub(one, text, count=1))


def read_mine(text: str, ctx: Context) -> Reading | None:
    text = normalize(text)
    if re.match(r"(?:我|俺)?(?:怎么|咋|如何|在哪)(?:看|查)", text):
        return None  # "怎么看派给我的任务": how to, for 帮助
    return Reading(0.9) if _MINE.search(text) else None


def read_recheck(text: str, ctx: Context) -> Reading | None:
    found = _RECHECK.search(_loosely_numbered(text))
    if not found:
        return None
    return Reading(0.9, args=f"#{found['id']} {found['rest']}".strip())


_BOARD = re.compile(rf"^(?:我|俺)?(?:能|可以)?{SHOW_ME}(?:一下)?把?(?:咱们|我们|本街道|全街道)?的?(?:整改)?台账(?:情况|汇总|总体情况|进度)?(?:调出来|拿出来|发出来)?(?:看看|看下|瞅瞅)?(?:吗|不|吧|呢|[。!！?？])*$|整改台账.{{0,4}}(?:情况|汇总|进度)")
_TASK = re.compile(
    r"任务\s*#?\s*(?P<id>\d+)\s*(?:的|号)?\s*(?:现在|目前|眼下)?\s*(?:啥|什么|是啥)?\s*(?:情况|详情|进展情况|进度|怎么样|咋样|到哪了|谁在(?:跟|管|办|负责|弄)|咋整的了|怎么弄的|咋回事|到哪一步了?)"
    r"|#\s*(?P<id2>\d+)\s*(?:号)?任务.{0,6}(?:情况|详情|进度|怎么样|咋样|到哪)|(?:看看|看下|查看|查下|查查)\s*任务\s*#?\s*(?P<id3>\d+)"
)
_CLOSE = re.compile(
    r"^(?:任务)?\s*#\s*(?P<id>\d+)\s*(?:号任务)?.{0,10}?(?<!刚)(?<!已)(?<!已经)销(?:个|一个|一下)?号(?!的)(?:了|吧)?\s*[:：,，]?\s*(?P<rest>.*)$"
    r"|^(?:任务)?\s*(?P<id2>\d+)\s*号?任务.{0,4}销号\s*(?P<rest2>.*)$"
    # "任务 #7 小广告我都铲干净了 直接销号吧": what was done, then the step asked for at the end
    r"|^(?:任务)?\s*#\s*(?P<id3>\d+)(?!\d)\s*(?P<rest3>.{0,40}?)\s*(?:直接|可以|能|帮我|给)?(?:销(?:个|一个|一下)?号|消号)(?:了|吧|啊)?"
    r"(?:\s*[,，]?\s*(?:省得|免得|不然|要不|好让)[^。]{0,20})?[。.!！]*$"
    # "第四个任务可以销了 现场看过了": 销了 for 销号, the reason after
    r"|^(?:任务)?\s*#\s*(?P<id4>\d+)(?!\d)\s*(?:任务)?\s*(?:[^，,。]{0,8}?(?:过了|完了|好了)\s*)?(?:(?:可以|能|就)销了|销了吧)\s*[:：,，]?\s*(?P<rest4>.*)$"
)
_FROM_REPORT = re.compile(
    r"(?:把)?(?:反映|随手拍|投诉)?\s*#\s*(?P<id>\d+)\s*(?:号)?.{0,40}?(?:立项|立个项|立一个项|列入(?:整改)?台账|列进(?:整改)?台账|纳入(?:整改)?台账|转成台账|转为台账|转台账|(?:立个|立成|转成|转为|列为|列成)整改任务)\s*[:：,，]?\s*(?P<rest>.*)$"
)


# "整改任务进展怎么样了", "有几个整改任务超期了", "台账里还有多少没销号": the board, asked as a question.
_BOARD_ASKED = re.compile(rf"(?:整改|台账).{{0,10}}{FIGURES}|{FIGURES}.{{0,8}}(?:整改|台账|没销号|未销号)")


# "对账销号那张总表调出来看一下": the ledger's whole table, asked for by another name.
_BOARD_TABLE = re.compile(r"(?:销号|整改|台账).{0,8}(?:总表|总账|汇总表|大表).{0,6}(?:调出来|拿出来|发出来|发我|看一下|看看|看下)")


# "…刚回来了给我看看台账", "我想看看整个街道的台账": asked for at the end of a story.
_BOARD_ASKED_FOR = re.compile(r"^(?:把)?(?:整改|问题|任务)?台[账帐](?:表)?(?:发一下|发我|发下|发过来|发给我|拉一下|调一下|调出来|导给我|导出来|导一份|给我看一下|给我看看|给我看下|给我瞅瞅)"
                              r"|台账.{0,4}(?:俺|我)(?:能|可以)(?:看|查)(?:不|吗|么|一下不)"
                              r"|(?:看看|看下|看一下|瞅瞅|调出|调一下|调下|拉一下|导给我|导出|导一份|发我|给我看)(?:\d{1,2}月(?:份)?的?|本月的?|这个月的?)?(?:整个街道的|全街道的|咱们的|我们的|咱街道的)?(?:整改|问题|任务)?台账(?!.{0,4}(?:怎么|咋|能不能))")


def read_board(text: str, ctx: Context) -> Reading | None:
    text = re.sub(r"^(?:那个|就是|嗯+|呃+|\s)+", "", normalize(text)).replace("台帐", "台账")  # fillers in front; 帐 for 账
    if re.search(r"咋用|怎么用|如何用|说明|怎么弄|咋弄|咋看|怎么看", text):
        return None  # "台账咋用 有说明没": how the board works, for 帮助
    if _BOARD.search(text) or _BOARD_TABLE.search(text) or (_BOARD_ASKED_FOR.search(text) and not re.search(r"#\s*\d", text)):
        return Reading(0.9)
    if _BOARD_ASKED.search(text) and not re.search(r"#\s*\d|\d+\s*号|我(?!们)|俺(?!们)|怎么(?:填|写|办|销号)|规定|要求", text):
        return Reading(0.85)
    return None


# "任务 第4号 进展：清了一半", "任务#5 已完成80% 预计周五完": a progress note on that task.
_PROGRESS = re.compile(r"^任务 #(?P<id>\d+)(?!\d)\s*(?:整改)?(?P<verb>进展|进度|更新)?\s*[:：,，]?\s*(?P<note>\S.*)$", re.S)
_NOT_PROGRESS = re.compile(r"[?？吗么]|咋|怎么|啥|什么|谁|哪|销号|反弹|巩固|情况|详情|看看|看下|查")


def read_task(text: str, ctx: Context) -> Reading | None:
    text = numbered(text)
    found = _TASK.search(text)
    if found:
        return Reading(0.9, groups={"id": found["id"] or found["id2"] or found["id3"]})
    progress = _PROGRESS.match(text.strip())
    if progress and (progress["verb"] or not _NOT_PROGRESS.search(progress["note"])):
        return Reading(0.9 if progress["verb"] else 0.8, groups={"id": progress["id"], "verb": "进展", "note": progress["note"].strip()})
    return None


def read_close(text: str, ctx: Context) -> Reading | None:
    found = _CLOSE.search(_loosely_numbered(text))
    if not found:
        return None
    return Reading(0.9, args=f"#{found['id'] or found['id2'] or found['id3'] or found['id4']} "
                            f"{found['rest'] or found['rest2'] or found['rest3'] or found['rest4'] or ''}".strip())


def read_from_report(text: str, ctx: Context) -> Reading | None:
    found = _FROM_REPORT.search(_loosely_numbered(text))
    return Reading(0.9, args=f"#{found['id']} {found['rest']}".strip()) if found else None


_REOPEN = re.compile(r"^(?:任务)?\s*#\s*(?P<id>\d+)\s*(?:号任务)?.{0,10}?(?<!没有)(?<!没|未|不)(?:反弹|反单|回潮|重新打开)(?:了)?\s*[:：,，]?\s*(?P<rest>.*)$"
                     # "任务 #2 就是上礼拜刚销号的那个…又堆起来了…反弹了": the story first, the step at the end
                     r"|^(?:任务)?\s*#\s*(?P<id2>\d+)(?!\d)\s*(?P<rest2>.{0,60}?)\s*(?<!没有)(?<!没|未|不)(?:按|算|当)?(?:反弹|反单|回潮|重新打开)(?:了|啦|处理|算)?[。.!！]*$")


def read_reopen(text: str, ctx: Context) -> Reading | None:
    found = _REOPEN.search(_loosely_numbered(text))
    return Reading(0.9, args=f"#{found['id'] or found['id2']} {found['rest'] or found['rest2'] or ''}".strip()) if found else None
