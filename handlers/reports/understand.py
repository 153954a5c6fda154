"""How the reports capability reads messages that name no command (the router's stage 2).

A report word near the start (我想反映一下, 帮我反映, 吐槽一下, 举报) is a report whatever durations
the complaint mentions; asking not to be named (匿名, 不要写我名字) makes it anonymous. A problem
told without a report word (路灯坏了好几天了) is only a tentative report: the router asks. "满意" or
"不满意" right after a closing notice, or after looking at one's closed ticket, rates that ticket.
"""

from __future__ import annotations

import re

from bot.router import Context, Reading
from bot.text import normalize

# Conversation state: the closed ticket a "满意" / "不满意" would rate.
RATE_KEY = "reports.rate"
# A closing notice may be read hours later; the rating window itself is days (the service checks it).
RATE_MINUTES = 24 * 60
SHOWN_RATE_MINUTES = 30

_REPORT_WORD = r"(?:反映|反应|投诉|举报|曝光|吐槽|随手拍|意见箱|提交|提个意见|提意见)"
_LEAD = re.compile(
    rf"^(?:@\S+\s+)?(?:我|俺|咱)?(?:想|要|得|来)?(?:帮我|替我|给我|帮忙)?(?:匿名)?\s*{_REPORT_WORD}"
    r"(?:一下子?|下|个事儿?|件事|个问题|一个问题|一件事|点事)?\s*[:：,，!！。.\s]*"
)
_ANONYMOUS = re.compile(r"匿名|不要写我(?:的)?名字|别写我(?:的)?名字|不写名字|不留名|别让人知道是我|不要让人知道是我|不要透露我|别透露我|别暴露我|保密")
_ANYWHERE = re.compile(_REPORT_WORD)
# A problem told without a report word: maybe a report, the router asks.
_PROBLEM = re.compile(
    r"坏了|没人管|没人修|没人清|没人收|没人拉|没人理|没人来|不管|好几天|好久|半个月|一个月了|臭|占道|乱收费|乱停|乱扔|堵了|漏水"
    r"|态度恶劣|态度差|不作为|踢皮球|推诿|排队|等了|白跑|玩手机|迟到|早退|脱岗|吃拿卡要"
)
_QUESTION = re.compile(r"[?？]|吗|么\s*$|能不能|可不可以|可以不|是否|怎么|咋|如何|要不要|算不算|行不行|中不中|啥|什么|多少|(?<![好十这])几(?!乎)")
_RATING = re.compile(r"^(?:挺|很|非常|比较|还算|还|蛮|十分|特别)?\s*(?P<verdict>不太满意|不满意|满意)(?:的|了|啊|呀)?\s*[!！。.,，~]*\s*(?P<reason>.*)$", re.S)
_TICKET_FIRST = re.compile(r"^#\s*(?P<id>\d+)\s*(?P<rest>.*)$", re.S)
_SHOW = re.compile(r"(?:查询|查一下|查下|查查|看下|看一下|看看|查)\s*#\s*(?P<id>\d+)|#\s*(?P<id2>\d+).{0,6}(?:办得|进度|情况|咋样|怎么样|到哪)")
_MINE = re.compile(r"(?:我|俺)(?:之前|上次|以前|前几天)?(?:反映|投诉|提交|举报|报)的")
_WORKLIST = re.compile(r"(?:要我办|待我办|我要办|我待办|给我的|待办).{0,6}(?:反映|随手拍|投诉)|(?:反映|随手拍).{0,6}(?:要我办|待办)")


def report_body(text: str) -> str:
    """The complaint itself: the report word and 一下 / 个事 in front taken off."""
    text = normalize(text)
    body = _LEAD.sub("", text, count=1)
    body = re.sub(r"^(?:匿名|不要写我(?:的)?名字|别写我(?:的)?名字)\s*[:：,，]?\s*", "", body)
    return body.strip()


def read_report(text: str, ctx: Context) -> Reading | None:
    """A 随手拍 ticket, not anonymous (read_anonymous takes those)."""
    text = normalize(text)
    if _ANONYMOUS.search(text) and _ANYWHERE.search(text) or _MINE.search(text):
        return None
    if _LEAD.match(text) and len(_LEAD.sub("", text, count=1)) >= 4:
        return Reading(0.95, stores=True, args=report_body(text), label="提交随手拍")
    if _QUESTION.search(text) or len(text) < 6:
        return None
    if _PROBLEM.search(text):
        return Reading(0.5, stores=True, args=text, label="提交随手拍（反映这个问题）")
    return None


def read_anonymous(text: str, ctx: Context) -> Reading | None:
    text = normalize(text)
    if not (_ANONYMOUS.search(text) and _ANYWHERE.search(text)) or _QUESTION.search(text[-3:]):
        return None
    body = report_body(_ANONYMOUS.sub(" ", text, count=1).strip())
    if len(body) < 4:
        return None
    return Reading(0.95, stores=True, args=body, label="匿名提交随手拍")


def read_rating(text: str, ctx: Context) -> Reading | None:
    """满意 / 不满意 after a closing notice or after looking at one's own closed ticket."""
    found = _RATING.match(normalize(text))
    if not found or len(found["reason"]) > 200:
        return None
    satisfied = found["verdict"] == "满意"
    pending = ctx.recall(RATE_KEY)
    if pending is None:
        # Which ticket? The handler asks for its number rather than guess one.
        return Reading(0.8, groups={"verdict": found["verdict"], "which": True})
    return Reading(0.95, stores=True, groups={"id": int(pending), "satisfied": satisfied, "reason": found["reason"].strip()})


def read_step(verb: str):
    """"#6我受理了", "#5 办结了 电梯已经修好", "#5 进展：物业说这周内处理": the number first."""
    pattern = re.compile(rf"^#\s*(?P<id>\d+)\s*(?:我)?(?:已经?)?\s*{verb}(?:了|一下)?\s*[:：,，]?\s*(?P<rest>.*)$", re.S)

    def read(text: str, ctx: Context) -> Reading | None:
        found = pattern.match(normalize(text))
        if not found:
            return None
        return Reading(0.95, groups={"rest": f"#{found['id']} {found['rest']}".strip()})

    return read


def read_show(text: str, ctx: Context) -> Reading | None:
    found = _SHOW.search(normalize(text))
    if not found:
        return None
    return Reading(0.9, groups={"id": found["id"] or found["id2"]})


def read_mine(text: str, ctx: Context) -> Reading | None:
    text = normalize(text)
    if _MINE.search(text) or re.search(r"我提交的随手拍|我的随手拍|我的投诉", text):
        return Reading(0.9)
    return None


def read_worklist(text: str, ctx: Context) -> Reading | None:
    return Reading(0.9) if _WORKLIST.search(normalize(text)) else None
