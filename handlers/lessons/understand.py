"""How the lessons read messages that name no command: 学完了👌, 已学 第二十课, 好的 学习了, and
已阅 right after looking at a lesson; 今天的微课发一下, 看看第5课."""

from __future__ import annotations

import re
import unicodedata

import cn2an

from bot.router import Context, Reading
from bot.text import FIGURES, SHOW_ME, normalize
from handlers.lessons import service

# Conversation state: the lesson just shown, which "已阅" or "好的 学习了" confirms.
SHOWN = "lessons.shown"
SHOWN_MINUTES = 120

_NUM = r"(?P<num>\d{1,5}|[一二三四五六七八九十百零两]{1,5})"
_DONE = re.compile(
    rf"^(?:好的|好|嗯|嗯嗯|ok|OK|收到)?\s*(?:(?:今天|今日|这节|这一?课|第?\s*{_NUM}\s*课)?(?:这|的)?(?:微课|课|微课堂|内容)?)\s*(?:我|俺)?\s*(?:已经?|都)?\s*(?:认真|仔细|全部|都)?\s*"
    r"(?P<verb>学(?:习)?(?:完|好|过)(?:了|啦|咧|嘞)?|学(?:习)?了|已学(?:习)?|(?<=已)(?:认真|仔细)?学习|(?<=认真|仔细)学习|学习完毕|完成学习|已?打卡(?:了)?|阅|已阅|看完了?|看过了?"
    r"|读完了?|读过了?|已读|已看完?|看完(?:咧|嘞|啦))"
    rf"(?:学了|了|啦|哈|哦)?\s*(?:第?\s*(?P<num2>\d{{1,5}}|[一二三四五六七八九十百零两]{{1,5}})\s*课?)?"
    r"(?:\s*(?:打个?卡|打卡了|已打卡|签到))?$"
)
# Words that say "I have seen it" rather than "I studied it": they confirm a lesson just shown or pushed.
_SEEN_ONLY = re.compile(r"^(?:阅|已阅|看完了?|看过了?|读完了?|读过了?|已读|已看完?)$")
_TODAY = re.compile(
    rf"^(?:今天|今日)有(?:没有)?(?:微课|课)(?:吗|没有|没)?$"
    rf"|^(?:今天|今日|今儿|最新|这周|本周|最近)?的?(?:微课|微课堂|课程|学习内容|一课)(?:堂)?(?:是啥|是什么|呢|发一下|发下|发我|看看|有吗|有没有|在哪|呢)?$"
    rf"|^(?:今天|今日)(?:学|学习)(?:啥|什么)$|^(?:发|来)(?:一下|下)?(?:今天|今日)?的?(?:微课|课)$"
    rf"|^(?:把|给我把)?(?:今天|今日|今儿)(?:那|的|这)?(?:节|堂)?(?:课|微课)(?:发我|发给我|发一下|发下|再发一下|发过来|推一下)(?:吧|呗)?$"
    rf"|^微课堂$|^(?:把|给我把)?(?:看看|看下|发一下|来|我要看|想看)?第\s*{_NUM}\s*课(?:(?:再|重新)?(?:发|推)(?:我|给我)?(?:一遍|一下|下|一次)?(?:吧|呗)?)?(?:讲的啥|讲什么|讲的是什么|内容|是啥|是什么)?"
    r"(?:\s+(?:上回|上次|之前|刚才)?(?:没看完|没看|没学|没学完|没看懂|忘了看))?$"
)
# Leaders asking how the lessons go: 本周微课学习情况, 谁还没学微课, 大家微课学得咋样.
_STATS = re.compile(
    r"(?:微课|学习).{0,6}(?:情况|覆盖|统计|完成率|完成情况|进度|学得|学的)|(?:谁|哪些人|有谁|几个人|多少人).{0,3}没(?:学|打卡|看)"
    r"|大家.{0,4}学(?:得|的)(?:咋样|怎么样)|第\s*(?:\d+|[一二三四五六七八九十百]+)\s*课.{0,4}(?:有)?(?:多少人|几个人|谁)(?:学了|学过|没学|看了|打卡)"
    rf"|(?:微课|学习|打卡).{{0,8}}{FIGURES}|{FIGURES}.{{0,6}}(?:没学|没打卡|打卡|学微课)"
)


# 微课 as phones mistype it (微克, 微科) and as people shorten it (小课).
_LESSON_MISTYPED = re.compile(r"微[克科棵颗]|(?<![大中])小课")


def _strip(text: str) -> str:
    kept = "".join(c for c in normalize(text) if not unicodedata.category(c).startswith(("So", "Sk", "Cf", "Mn")))
    kept = _LESSON_MISTYPED.sub("微课", kept)
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


# Said inside a longer message: "这课俺看明白了 记上吧", "今天的课看过了 签个到", "认真看了一遍 已学".
_DONE_PHRASE = re.compile(r"已学|学完了?|学好了|学过了|看过了|看完了|看明白了|看懂了|签个?到|打个?卡")


_DONE_AT_END = re.compile(r"(?:微课|这课|这节课|今天的课).{0,60}?(?:然后|所以|就|那就)?\s*(?:已学|已学习|学完了|已打卡|打个?卡|签个?到"
                          r"|(?:学|看)(?:过|完)了\s*(?:给|帮)?(?:我|俺)?(?:记上|记一下|登上|算上)(?:吧|呗|哈)?)(?:了|吧|啦)?$")


_DONE_FIRST = re.compile(r"^(?:已阅|已学|已学习|学完了|看完了|已打卡)(?:了|啦)?[\s,，。!！]+(?:嗯|那个)?\S*(?:课|讲|学)")
_CONFIRMED_AT_END = re.compile(r"(?:已学|已学习|学完了|学完啦|已打卡|打个?卡|签个?到)(?:了|吧|啦|哈|哦)?$")


def read_done(text: str, ctx: Context) -> Reading | None:
    text = re.sub(r"^(.{2,4}?)[\s,，!！]*\1", r"\1", _strip(text))  # "学好了学好了": said twice, meant once
    found = _DONE.match(text)
    if not found:
        # "看过了 已阅✔️", "我也学了 已学": two ways of saying it in one message.
        parts = [p for p in re.split(r"[\s,，。.!！、]+", re.sub(r"^(?:我|俺)?(?:也|刚刚?|刚才)", "", _strip(text))) if p]
        strong = [p for p in parts if _DONE.match(p) or _DONE_PHRASE.search(p) and len(p) <= 8 and not re.search(r"没|未|不", p)]
        if 1 < len(parts) <= 3 and strong and not re.search(r"[?？]|吗|没有?$|怎么|咋|反映|投诉|举报|随手拍", _strip(text)) \
                and all(p in strong or len(p) <= 8 for p in parts):
            found = _DONE.match(strong[-1]) or _DONE.match("已学")
    if not found and _DONE_AT_END.search(text) and not re.search(r"[?？]|吗|怎么|咋", text):
        found = _DONE.match("已学")  # "今天那个微课我刚在地铁上看完了…然后已学": the confirmation at the end
    if not found and _DONE_FIRST.match(text) and not re.search(r"[?？]|吗|怎么|咋|没学|没看", text):
        found = _DONE.match("已学")  # "已阅 嗯那个公务用车这课讲得挺清楚的…涨知识了": the confirmation first, then a remark
    if not found and ctx.recall(SHOWN) is not None and _CONFIRMED_AT_END.search(text) and not re.search(r"[?？]|吗|怎么|咋|没", text):
        found = _DONE.match("已学")  # the lesson just shown, "…讲得挺好 案例挺实在 学完了哈"
    if not found:
        return None
    number = lesson_number(found["num"] or found["num2"])
    shown = ctx.recall(SHOWN)
    if number is not None:
        return Reading(0.95, stores=True, groups={"num": str(number)})
    if shown is not None:
        return Reading(0.95, stores=True, groups={"lesson": int(shown)})
    if _SEEN_ONLY.match(found["verb"]) and len(_strip(text)) <= 4 and not _pushed_today(ctx):
        return None  # "已阅" with no lesson shown or pushed today: an acknowledgement, not a confirmation
    return Reading(0.9, stores=True)


def _pushed_today(ctx: Context) -> bool:
    if ctx.person is None:
        return False
    group_id = service.lesson_group_id(ctx.session, ctx.person)
    return group_id is not None and service.delivery_on(ctx.session, group_id, ctx.now.date()) is not None


def read_stats(text: str, ctx: Context) -> Reading | None:
    text = _strip(text)
    if not _STATS.search(text) or re.search(r"我的|俺的|我学|已学|学完", text):
        return None
    return Reading(0.85)


_TODAY_ANYWHERE = re.compile(r"(?:今天|今日|今儿|今早|早上|最新|这节|这期|本期)(?:推送|推|发|发的|讲)?的?(?:那个|那节|那|这节)?(?:作风)?(?:微课|课程|学习内容|课)"
                             r"|(?:今天|今日|今儿)(?:要)?学(?:习)?的(?:那个|那节)?(?:课|内容)?(?=\s*(?:发|是啥|是什么|叫啥|在哪|呢|[?？]|$))"
                             r"|(?:今天|今日|今儿)(?:要)?学(?:习)?(?:啥|什么)|学习一下(?:今天|今日)的内容|那(?:个|节)课.{0,4}(?:今儿|今天|今日)|(?:作风课|微课).{0,4}(?:今儿|今天|今日)|(?:微课|课程|学习内容).{0,4}(?:发|来|看|是啥|是什么|讲的啥|讲什么|内容)")


_TODAY_ASKED = re.compile(
    rf"^{SHOW_ME}(?:一下)?(?:今天|今日|今儿|最新|这期|本期)?的?(?:作风)?(?:微课堂|微课|课程|学习内容)(?:吧|呢)?$"
)


_SEND_IT = re.compile(r"(?:发我|发给我|发一下|给我发|给我看看|发来)(?:看看|瞅瞅)?(?:呗|吧|呀|啊)?$")


# "今儿个微课咋还没推过来": today's lesson asked for, as missing.
_NOT_ARRIVED = re.compile(r"(?:微课|作风课).{0,4}(?:咋|怎么|为啥)?(?:还)?(?:没|没有)(?:推|发|来|收到|到)|(?:没|没有)(?:收到|看到).{0,4}(?:今天|今日|今儿)?的?微课")


def read_today(text: str, ctx: Context) -> Reading | None:
    text_ = _strip(text)
    if _NOT_ARRIVED.search(text_) and len(text_) <= 60 and not _STATS.search(text_) \
            and not re.search(r"(?:我|俺)(?:已经?|都|也)?(?:学完|已学|学过|看完|看过|打卡)", text_):
        return Reading(0.9, groups={"num": ""})
    if _TODAY_ASKED.match(text_) and not _DONE.match(text_):
        return Reading(0.9, groups={"num": ""})  # "发一下今天的作风微课堂"
    found = _TODAY.match(text_)
    if not found:
        if _TODAY_ANYWHERE.search(text_) and len(text_) <= 20 and not _DONE.match(text_) and not _STATS.search(text_) \
                and not re.search(r"怎么|咋|如何|打卡|学完|学了|学过|已学|学好|看过|看完|看明白|签个?到|停|暂停|恢复|别发|不要发|关掉", text_):
            return Reading(0.9, groups={"num": ""})
        if _TODAY_ANYWHERE.search(text_) and _SEND_IT.search(text_) and not _DONE_PHRASE.search(text_):
            return Reading(0.9, groups={"num": ""})  # "听说今天的微课讲的是矛盾调解…你发我看看呗"
        return None
    number = lesson_number(found["num"])
    return Reading(0.9, groups={"num": str(number)} if number is not None else {"num": ""})
