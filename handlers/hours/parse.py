"""Reading what cadres really type when they log hours: amounts, dates and a note.

Examples: 服务 3小时 走访搬迁户 / 登记 两个半小时 入户走访 昨天 / 昨天下沉网格2.5h 政策宣传 /
11月20日 服务4个小时 环境整治 / 服务1.5小时 / 半小时 / 3个钟 / 上周五 2小时 / 90分钟.
Parsing only reads; the rules (limits, dates allowed) live in handlers.hours.service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import cn2an

from bot.text import NUMBERED_PLACE, normalize

CN_DIGITS = "零〇一二两三四五六七八九十百"
_CN = rf"[{CN_DIGITS}]"
# "十一点三个半小时" is 11 o'clock, then 3.5 hours; "三点两个小时" is 3 o'clock, then 2 hours (a decimal digit is 二, not 两)
_NUM = rf"(?:\d+(?:\.\d+)?|\.\d+|{_CN}+(?:点(?!两){_CN}+(?!\s*个半))?)"
_HOUR_UNIT = r"(?:个小时|小时|个钟头|钟头|个钟|钟|hours?|hrs?|h)"
_MIN_UNIT = r"(?:分钟|分|min|mins|m)"
# Minutes joined to hours ("1小时40分", "两个钟头零十分") are under 60; "一个半小时 九十分钟" says it twice.
_MINUTES_PART = r"(?:[1-5]?\d|[一二三四五]?十[一二三四五六七八九]?|[一二三四五六七八九])(?![\d十])"

# "两个半小时", "3.5个小时", "2h", "3个钟", "1小时30分钟", "一个半钟头"
_HOURS_RE = re.compile(
    rf"(?P<neg>[-−负]\s*)?(?P<num>{_NUM})\s*(?P<half>个半)?\s*{_HOUR_UNIT}(?P<half2>半)?"
    # "一小时四十五", "1小时30": tens of minutes said without 分, right after the unit and before a pause
    r"(?:(?P<min2>[1-5]\d|[一二三四五]十[一二三四五六七八九]?)(?![\d\u4e00-\u9fff/.\-:：])"
    rf"|\s*(?:又|零|另|加)?\s*(?:(?P<min>{_MINUTES_PART})\s*{_MIN_UNIT}|(?P<quarters>[一二三1-3])\s*刻钟?))?",
    re.IGNORECASE,
)
# Date words left over once the date is read ("11月上旬的某天", "上个月有一回", "那天"): the day is in doubt.
LEFTOVER_DATE = re.compile(
    r"\d+\s*(?:号(?!" + NUMBERED_PLACE + r")|日(?!常))|(?:上|下|这|本)个?月(?:份)?(?!累计)|(?<![每个])月(?:份)?(?!累计|[饼亮嫂光票薪租卡子])|礼拜|星期|周[一二三四五六日天末]|那天|那会|前阵子|前段时间|前些天|前几天|前两天|这几天|这两天|前一阵|有一天|某天|哪天|哪一天"
    r"|上旬|中旬|下旬|月初|月中|月底|月末|有一回|有一次|日子|那次|改天|过两天|回头|中秋|端午|重阳|清明|春节|除夕|元宵|七夕|冬至|小年|腊八"
)
# The weekday said after its date ("十一月七号礼拜六", "1号那个礼拜天"): the same day again.
_WEEKDAY_AFTER = re.compile(r"\s*(?:那个|那|的)?\s*(?:周|星期|礼拜)[一二三四五六日天]")
_POINTER = re.compile(r"\s*(?:的)?(?:上午|下午|晚上|晌午|中午)?\s*(?:那天|那一天|当天|那会儿?|那阵儿?|那次|那一次|那回)")
_MONTH_WORD = re.compile(r"(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月份?")


def _month_number(text: str) -> int:
    return int(text) if text.isdigit() else int(cn2an.cn2an(text, "smart"))


_POINTER_WORDS = re.compile(r"那天|那一天|当天|那会儿?|那阵儿?|那次|那一次|那回")
# A time of day pointed at with no day named ("晌午那会儿"): today's, like a time of day alone.
_TIME_OF_DAY_POINTER = re.compile(r"(?P<when>上午|下午|晚上|晌午|中午|早上|傍晚|夜里)\s*(?:那会儿?|那阵儿?)")
# Time words left over once the amount is read ("…1小时 又 一刻钟" read wrongly): the amount is in doubt.
LEFTOVER_TIME = re.compile(rf"{_NUM}\s*(?:个)?\s*(?:小时|钟头|个钟|分钟|刻钟)|半\s*(?:个)?\s*(?:小时|钟头)", re.IGNORECASE)
# A time per household or person ("平均每户20分钟"): a rate inside the total, no second stretch.
_PER_UNIT = re.compile(rf"(?:(?:平均)?每(?:户|家|人|个人|次|回|趟|处|栋|圈|轮|遍)|一(?:圈|趟|轮|遍|回|次))(?:(?!按|记|算)\S){{0,4}}?{_NUM}\s*(?:个半|个)?\s*(?:多|来)?\s*(?:小时|钟头|钟|分钟|刻钟)")
# Someone else's time, told before the sender's own ("老刘巡了仨钟头 俺跟着巡了后头两个钟", "领导待了一个钟头就走了"):
# theirs, never the sender's entry.
ANOTHERS_AMOUNT = re.compile(
    rf"(?:领导|书记|主任|组长|队长|师傅|他们|她们|他|她|人家|对方|老(?![家是在人])[\u4e00-\u9fff]|小(?![区时组队])[\u4e00-\u9fff])"
    rf"(?:就|只|才|也)?(?:待|呆|坐|留|值|巡|干|守|盯|忙)了?\s*(?:整整|足足|差不多|大概|将近|快)?\s*"
    rf"(?:(?:{_NUM}|[俩仨])\s*(?:个半|个)?\s*(?:多|来)?\s*(?:小时|钟头|个钟|钟|分钟|刻钟)(?:多|来)?|半\s*(?:个)?\s*(?:小时|钟头))")
# A stretch planned, then cut short with the time actually served said bare ("本来排了4小时值班 临时有事只值了一个半").
_CUT_SHORT = re.compile(
    rf"(?:本来|原本|原来|计划|说好|排了)[^，。,]{{0,10}}?(?P<planned>(?:{_NUM}|[俩仨])\s*(?:个半|个)?\s*(?:小时|钟头|个钟|钟))"
    rf".{{0,20}}?(?:只|才|就)[\u4e00-\u9fff]{{0,3}}?了?\s*(?P<actual>(?:\d+(?:\.\d+)?|[一二两三四五六七八九十俩仨]+)(?:个半|个)?)"
    rf"(?!\s*(?:小时|钟头|个钟|钟|分钟|户|家|人|次|回|趟|遍|圈|处|点))")


def cut_short(text: str) -> str | None:
    """The message with the planned amount dropped and the one served made whole ("…只值了一个半小时"), or None."""
    found = _CUT_SHORT.search(text)
    if found is None:
        return None
    planned, actual = found.span("planned"), found.span("actual")
    return text[: planned[0]] + text[planned[1] : actual[1]] + "小时" + text[actual[1] :]


# How long something else lasted, with its amount ("公交等了四十分钟", "聊了二十分钟", "路上又走了二十分钟").
LASTED_AMOUNT = re.compile(
    rf"(?:等|聊|唠|堵|排队|停电|停水|坐车|坐公交|路上|车上)(?:车|人)?(?:又|就|光)?(?:走|坐|等|堵|聊|唠)?(?:了|着)?\s*(?:有|足足|整整|大概|差不多|将近|快)?\s*"
    rf"(?:{_NUM}\s*(?:个半|个)?\s*(?:多|来)?\s*(?:小时|钟头|个钟|分钟|刻钟)(?:多|来)?|半\s*(?:个)?\s*(?:小时|钟头))"
)
_HALF_HOUR_RE = re.compile(r"半\s*(?:个)?\s*(?:小时|钟头|钟)")
_MINUTES_RE = re.compile(rf"(?P<min>{_NUM})\s*(?:分钟|min|mins)", re.IGNORECASE)
_QUARTERS_RE = re.compile(rf"(?P<num>{_NUM})\s*刻钟")
# "服务时长 2.5": a bare number right after 时长 is hours.
_AFTER_TIMELEN_RE = re.compile(r"时长\s*[:：]?\s*(?P<num>\d{1,2}(?:\.\d+)?)(?!\s*(?:个|小时|钟|分|h|\d|\.|月|号|日|-|/))", re.IGNORECASE)
# Minutes of a clock time in words: tens (六点四十, 八点十五), or a single numeral only with 分 (八点五分):
# 八点一直巡到十点 is eight o'clock.
_CLOCK_MINUTES = r"(?:[一二三四五]?十[一二三四五六七八九]?\s*分?|[一二三四五六七八九]\s*分)"
# The minutes of a clock time, never the next hour ("八点到十点 十点半到十二点": 十 is not ten past).
_MINUTE_OF_CLOCK = rf"(?:半|[一三]刻|\d{{1,2}}(?:\s*分)?|{_CLOCK_MINUTES})(?!\s*[点:：号日个天户家人]|[一二三四五六七八九十]+\s*[点:：]|\d)"
# A stretch of the clock: "8点到10点半", "晚上7点到9点", "10:00-11:30", "六点四十到八点十分".
_RANGE_RE = re.compile(
    rf"(?P<h1>\d{{1,2}}|{_CN}{{1,3}})\s*[点:]整?(?:\s*(?P<m1>{_MINUTE_OF_CLOCK}))?\s*整?\s*(?!多|来)"
    rf"(?:(?:一直|就)?[\u4e00-\u9fff]{{0,2}}?(?:到|至|-|~|—|－)|(?P<dep>出发|出门|开始)(?:的)?[,，]?"
    # "六点半出去巡逻 一直干到九点": what was done said between, the stretch held by 一直
    r"|[\u4e00-\u9fff\s]{0,8}?一直[\u4e00-\u9fff]{0,2}?(?:到|至))\s*"
    rf"(?:上午|中午|(?P<pm>下午|晚上|夜里|傍晚|后晌))?\s*(?P<h2>\d{{1,2}}|{_CN}{{1,3}})\s*[点:]整?(?:\s*(?P<m2>{_MINUTE_OF_CLOCK}))?"
    # "七点出发九点半回来": a start and a return, said as such
    r"(?(dep)(?=(?:的|才)?\s*(?:回来|回的|回到|回家|结束|收工|完事|到家)))"
)
# Amounts people give when they do not know exactly: never guessed, the bot asks.
_VAGUE_RE = re.compile(
    rf"{_NUM}\s*个?\s*多\s*个?\s*{_HOUR_UNIT}"  # 三个多小时, 1个多小时, 十多个小时
    rf"|(?:一两|两三|二三|三四|四五|五六|六七|七八|八九|俩仨|俩三|仨四|三四|(?:23|34|45|56|67|78)(?=\s*个\s*{_HOUR_UNIT}))\s*个?\s*{_HOUR_UNIT}"  # 三四个小时, 两三个钟, 俩仨小时, 23个小时
    rf"|\d+(?:\.\d+)?\s*(?:-|~|到|至)\s*\d+(?:\.\d+)?\s*{_HOUR_UNIT}"  # 2-3小时
    rf"|{_NUM}\s*(?:个半|个)?\s*(?:{_HOUR_UNIT})?\s*(?:到|至)\s*{_NUM}\s*(?:个半|个)?\s*{_HOUR_UNIT}"  # 一个半到两个小时
    rf"|{_NUM}\s*个?\s*来\s*个?\s*{_HOUR_UNIT}"  # 2个来小时
    rf"|{_NUM}\s*(?:个半|个)?\s*{_HOUR_UNIT}\s*(?:或者|或是|还是|要么)\s*(?:{_NUM}|半)"  # 两个小时或者两个半
    rf"|{_NUM}\s*(?:个半|个)?\s*(?:或者|或是|还是)\s*{_NUM}\s*(?:个半|个)?\s*{_HOUR_UNIT}"  # 两个或者两个半小时
    rf"|个把\s*{_HOUR_UNIT}|好?几个\s*{_HOUR_UNIT}"
    r"|到半夜|到深夜|到后半夜|到天亮|一整夜|通宵|[大小]?半天|(?<![周期拜])(?:一|1)\s*个?\s*(?:整天|上午|下午|晚上|早上|白天|通宵|整晚|晚|宿|夜)|一整天|大半夜|半宿|半下午|半上午"
    r"|(?<![第前后同每])一\s*天(?![前后])"
    rf"|(?:不到|将近|接近|近|快|至少|最少|起码|超过|少于|多于)\s*{_NUM}\s*(?:个)?\s*(?:半)?\s*{_HOUR_UNIT}"
    rf"|{_NUM}\s*(?:个)?\s*(?:半)?\s*{_HOUR_UNIT}\s*(?:多(?!写|记|登|报|算|打|填|按|了)|出头|不到|以上|多点|多一点|开外)"
    r"|十几分钟|几十分钟|\d+\s*多分钟|[一二两三四五六七八九十]+十多分钟"
    r"|(?:\d{1,2}|[一二两三四五六七八九十]{1,3})\s*点\s*来\s*钟|(?:\d{1,2}|[一二两三四五六七八九十]{1,3})\s*点\s*多\s*(?:到|至|-|~)|(?:到|至|-|~)\s*(?:\d{1,2}|[一二两三四五六七八九十]{1,3})\s*点\s*多",
    re.IGNORECASE,
)
# "3个点": hours in some places, clock times or posts in others.
_AMBIGUOUS_RE = re.compile(rf"{_NUM}\s*个\s*点(?!\s*(?:到|至|半|\d|位))")  # 3个点位 are posts
# A correction inside the message: the amount after it is meant ("服务3小时，改成2小时").
# Between two amounts, what makes the second the one meant: a correction, or what was done in the end
# ("计划三个小时 后来下雨了只搞了一个半钟头").
_CORRECTION_RE = re.compile(r"后来(?:一算|算了?一下|算算)|一算(?:是|才)|算下来(?:是|才)|按\s*$|改成|改为|改到|应该是|应是|更正为|不对|不是|只(?:搞|干|弄|做|巡|走|待|服务|下沉|值)?了|实际(?:上)?(?:只|是|干了|搞了)|结果只")

# Colloquial numerals folded before reading amounts: 俩 and 仨 before a unit. (Traditional characters
# were made simplified when the router read the message: bot.text.simplified.)
_COLLOQUIAL = re.compile(r"(?P<w>[俩仨])(?=\s*(?:个|小时|钟|刻|点|半))")

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_RELATIVE = {
    "今天": 0, "今日": 0, "今儿个": 0, "今儿": 0, "今早": 0, "今晚": 0,
    "昨天": 1, "昨日": 1, "昨": 1, "昨儿个": 1, "昨儿": 1, "昨个儿": 1, "昨个": 1, "昨晚": 1, "昨夜": 1, "今个儿": 0, "前个儿": 2,
    "前天": 2, "前儿个": 2, "前儿": 2, "大前天": 3, "大前儿个": 3, "大前儿": 3, "明天": -1, "明儿": -1, "后天": -2,
    "明儿个": -1, "明早": -1, "明晚": -1, "大后天": -3,
    # regional: 夜儿个 (Henan) and 琴日/寻日 (Cantonese) are yesterday, 前日 the day before, 今朝 today, 听日 tomorrow
    "夜儿个": 1, "夜个": 1, "琴日": 1, "寻日": 1, "尋日": 1, "前日": 2, "今朝": 0, "听日": -1,
}

_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ymd", re.compile(r"(?P<y>20\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?")),
    ("md", re.compile(r"(?<![\d.])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?")),
    ("rel_md", re.compile(r"(?P<rel>上个?月|本月|这个?月)\s*(?:的)?\s*(?P<d>\d{1,2})\s*[号日]")),
    ("month_end", re.compile(r"(?:(?P<prev>上个?)|(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九]))\s*月\s*(?:的)?(?:最后一天|月底|底|末|最末一天)")),
    ("md_cn", re.compile(r"(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,3})(?:[日号]|(?![次回遍趟天个]))")),
    ("festival", re.compile(r"(?<![一二三四五六七八九十百零两\d])(?P<fest>国庆节?|元旦|五一(?![一二三四五六七八九十\d])|劳动节)(?!前|后|期间|假期|长假|以前|以后|之前|之后|放假)(?:当天|那天|那一天)?")),
    # 11.20, 11/20 or 11-20, but never an amount like 2.5h
    # ("昨天1.5": right after the day, the number is the hours)
    ("md_dot", re.compile(r"(?<![\d.])(?<![天日晚早])(?P<m>\d{1,2})\s*[./-]\s*(?P<d>\d{1,2})(?![\d.]|\s*(?:个|小时|h|钟|分|点))", re.IGNORECASE)),
    # "登记一下 周一", "登记下 礼拜一": the 下 of a verb is no "next" (下周一 is written together).
    ("week", re.compile(r"(?P<prefix>(?:上上|上|这|本)\s*|(?:下下|(?<![一两])下)(?!\s))?(?:个)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])(?!(?<=一)[共起直样般定切同边些向])")),
    ("rel", re.compile(r"大前天|大前儿个|大前儿|前儿个|前个儿|前儿|前天|昨儿个|昨个儿|昨个|昨儿|昨晚|昨夜|昨天|昨日|(?<![\u4e00-\u9fff])昨(?![\u4e00-\u9fff])|今儿个|今个儿|今儿|今早|今晚|今天|今日|明天|明儿个|明儿|明早|明晚|大后天|后天|夜儿个|夜个(?!人)|琴日|寻日|尋日|(?<!\d)前日|今朝|听日")),
    # "20号" is a day, "7号楼" and "3号窗口" are places.
    ("day", re.compile(r"(?<![\d月.])(?P<d>\d{1,2})\s*(?:日|号(?!\s*" + NUMBERED_PLACE + r"))")),
)

# Words that only say "I am logging hours"; they are not part of the note.
_FILLER = re.compile(
    r"^(?:时长登记|登记时长|记录时长|服务时长|网格服务|下沉网格|下沉服务|登记|记录|服务|下沉|补登|补记|记下|时长|了|一下|下(?=\s)|\s)+"
)
# What voice input adds around the facts ("那个就是我想登一下…然后…你看"): no part of the note.
_SPOKEN = re.compile(r"^(?:那个|哎呀|哎|嗯+|呃+)+|嗯+|呃+|然后|就是说?|你看|(?:我|俺)(?:想|要)(?:补)?登(?:一下|下)?|(?:麻烦)?(?:你)?(?:帮|给)(?:我|俺)?(?:补)?(?:登记?|记录?)(?:一下|下|上)(?=\s|$)|(?:麻烦)?(?:你)?(?:帮|给)(?:我|俺)(?:补)?(?:登记?|记录?)|麻烦(?:你)?(?:登记|登|记)(?:一下|下)?|(?<=\s)的(?=\s)"
                     r"|(?:^|(?<=\s))(?:登记|补登|登|记)(?:一下|下|上)(?:吧|哈|啊)?(?=\s|$)|(?:^|(?<=\s))(?:中不中|行不行|行不|中不|好不好|可以不)(?=\s|$)"
                     r"|(?:^|(?<=\s))(?:只|就)?(?:记|登|算)(?:我|俺)(?:自己)?的(?:就行|就好|就可以)?(?:了|啊|哈|吧)?(?=\s|$)"
                     r"|(?:^|(?<=\s))(?:先|就)?把(?:\s*的)?\s*(?:登|记|报)(?:了|上|一下)?(?=\s|$)"  # "先把周二的登了", its day cut out
                     r"|(?:^|(?<=\s))(?:不用|不要|别|甭)(?:再)?(?:反映|投诉|上报|报上去)(?:了|啦)?(?=\s|$)|(?:^|(?<=\s))(?:就)?(?:记|登)(?:个)?时长(?:吧|就行)?(?=\s|$)"
                     r"|(?:^|(?<=\s))就(?:记|登)那(?=\s|$)|(?:^|(?<=\s))(?:我)?已经(?=去|把)")
# Words left hanging where the amount was cut out ("…大概用了三个多小时"); not part of the note either.
_TRAILING = re.compile(r"(?:大概|大约|差不多|估计|一共|总共|共|用了|花了|干了|用|花|了|吧|呗|哈|中不中|行不行|行不|从|补登|补记|\s)+$")
_PUNCT = " ,，.。;；:：、!！~～-—"


# The words of logging and duty as phones mistype them (登计, 值瘦, 巡罗): read as meant.
_MISTYPED = {"登计": "登记", "值瘦": "值守", "值受": "值守", "值手": "值守", "值首": "值守", "巡罗": "巡逻", "巡落": "巡逻", "值斑": "值班"}
_MISTYPED_RE = re.compile("|".join(_MISTYPED))


def fold(text: str) -> str:
    """The message as the amount and date patterns read it (normalised, colloquial numerals and mistyped words folded)."""
    text = _MISTYPED_RE.sub(lambda m: _MISTYPED[m.group(0)], normalize(text))
    return _COLLOQUIAL.sub(lambda m: "两" if m["w"] == "俩" else "三", text)


class DateError(ValueError):
    """The text names a date that does not exist (e.g. 2月30日)."""


# Holidays on a fixed day of the solar calendar; the lunar ones (中秋, 端午 …) leave the day in doubt.
_FESTIVALS = {"国庆": (10, 1), "国庆节": (10, 1), "元旦": (1, 1), "五一": (5, 1), "劳动节": (5, 1)}
_WEEKDAY_ASIDE = re.compile(r"[（(]\s*(?:周|星期|礼拜)[一二三四五六日天]\s*[）)]")


@dataclass(frozen=True)
class ParsedHours:
    hours: float | None  # None: no readable amount
    day: date | None  # None: no date given (means today)
    date_words: str  # the date as typed, for the reply ("昨天", "11月20日")
    note: str
    vague: bool = False  # an amount like 三个多小时 or 半天: ask for the exact hours
    ambiguous: bool = False  # 3个点: hours, or not?
    second_amount: bool = False  # "巡逻2小时 后来又值守了半小时": which amount is meant?
    day_in_doubt: bool = False  # "11月上旬的某天": a date named that cannot be pinned down
    two_days: bool = False  # "11.3跟11.5两天各入户俩钟头": one entry is one day
    clock: tuple[float, float] | None = None  # the stretch of the clock the amount was read from


def _number(text: str) -> float:
    if re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", text):
        return float(text)
    return float(cn2an.cn2an(text, "smart"))


@dataclass(frozen=True)
class Amount:
    """An amount of time read from a message. `kind`: exact (hours known), vague (三个多小时,
    半天: ask), ambiguous (3个点: hours or not?). `corrected`: the message corrected itself."""

    hours: float | None
    kind: str
    span: tuple[int, int]
    corrected: bool = False
    cuts: tuple[tuple[int, int], ...] = ()  # more of the text that is about the amount (a second stretch added, one left out)
    clock: tuple[float, float] | None = None  # one stretch of the clock read ("8点到10点半" → 8, 10.5): a later "是到11点" moves its end


def _exact(match: re.Match[str]) -> float:
    value = _number(match["num"])
    if match["half"] or match["half2"]:
        value += 0.5
    if match["min"] or match["min2"]:
        value += _number(match["min"] or match["min2"]) / 60
    if match["quarters"]:
        value += _number(match["quarters"]) * 0.25
    # "-2小时" is a mistake to point out, not 2 hours to store.
    return round(-value if match["neg"] else value, 2)


def _clock(hour: str, minute: str | None) -> float:
    value = _number(hour)
    if minute:
        if minute in ("一刻", "三刻"):
            value += 0.25 if minute == "一刻" else 0.75
        else:
            digits = minute.rstrip("分 ")
            value += 0.5 if minute == "半" else _number(digits) / 60
    return value


# Voice input's fillers between the time of day and the clock ("后晌就是两点到四点").
_FILLER_BETWEEN = r"(?:\s*(?:就是|那个|嗯+|呃|大概|差不多|是|的时候|从))*\s*"


def _range_hours(match: re.Match[str]) -> float | None:
    start, end = _clock(match["h1"], match["m1"]), _clock(match["h2"], match["m2"])
    if start > 24 or end > 24:
        return None
    # "早上6点一直守到晚上8点" is fourteen hours, "晚上7点到9点" two
    told = False  # the time of day was said: a long stretch is meant, and refused by the per-entry limit
    if start < 12 and re.search(rf"(?:下午|晚上|夜里|傍晚|后晌){_FILLER_BETWEEN}$", match.string[max(match.start() - 10, 0):match.start()]):
        start, told = start + 12, True
    if match["pm"] and end < 12:
        end, told = end + 12, True
    morning = re.search(rf"(?:早上|上午|早晨|清晨|凌晨|早){_FILLER_BETWEEN}$", match.string[max(match.start() - 10, 0):match.start()])
    if not told and not morning and start < 12 < end and end - start > 12:
        start += 12  # "1:30到15:00": the start on a twelve-hour clock, the end on a 24-hour one
    hours = end - start
    for _ in range(2):
        if hours <= 0:
            hours += 12  # 11点到1点: across noon; 夜里十一点到一点: across midnight
    return round(hours, 2) if 0 < hours <= (24 if told else 12) else None


_EVENING_BEFORE = re.compile(rf"(?:下午|晚上|夜里|傍晚|后晌|今晚|晚){_FILLER_BETWEEN}$")


def latest_clock(text: str) -> float | None:
    """When the latest stretch of the clock in a folded message ends, on a 24-hour clock ("下午三点到六点" →
    18): a stretch ending later today is still to come."""
    ends = []
    for found in _RANGE_RE.finditer(text):
        try:
            start, end = _clock(found["h1"], found["m1"]), _clock(found["h2"], found["m2"])
        except ValueError:
            continue
        evening = start < 12 and _EVENING_BEFORE.search(text, max(found.start() - 10, 0), found.start()) is not None
        if (found["pm"] or evening) and end < 12:
            end += 12
        if end <= 24 and end > start:
            ends.append(end)
    return max(ends, default=None)


def _blank(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1]:]


def set_apart(text: str, amount: Amount) -> str:
    """The text without what reading the amount set aside (a stretch left out with its clause, a second
    stretch added), positions kept: "后面开会那1小时就不算了" is not what is logged."""
    for cut in amount.cuts:
        text = _blank(text, cut)
    return text


def ambiguous_hours(text: str) -> float | None:
    """The number of "3个点" in a folded message, as hours if the person says that is what it meant."""
    found = _AMBIGUOUS_RE.search(text)
    if found is None:
        return None
    try:
        value = _number(re.sub(r"\s*个\s*点.*$", "", found.group(0)))
    except ValueError:
        return None
    return value if 0 < value <= 24 else None


def per_unit(text: str, amount: Amount) -> bool:
    """Whether the amount is a time per household or person ("每户20分钟"), not a stretch served. "一圈40分钟"
    is per round only beside a count of rounds ("转了3圈 一圈40分钟"; "走了一圈一个半钟头" is the one round)."""
    for found in _PER_UNIT.finditer(text):
        if not (found.start() <= amount.span[0] and amount.span[1] <= found.end() + 1):
            continue
        if found.group(0).startswith("一") and not re.search(r"(?:\d+|[两三四五六七八九十几俩仨])\s*(?:圈|趟|轮|遍|回|次)", text):
            continue
        return True
    return False


def read_amount(text: str) -> Amount | None:
    """The amount of time in a folded message (see fold), or None when it names none."""
    try:
        return _read_amount(text)
    except ValueError:  # a numeral cn2an cannot read
        return None


# Between two amounts, what makes them one sum ("值班三个钟头 后晌又入户走访了一个钟头"), and after one,
# what leaves it out ("路上来回坐车四十分钟不算").
_ADDED_RE = re.compile(r"又|另外|另|加上|外加|再|[+＋]|还(?![差剩要得需想没能可有是])")
_LEFT_OUT_RE = re.compile(r"\s*(?:就|也|都)?\s*(?:不算|不计|不包括|没算|不含|除外)")


# A total said after its parts: with a unit ("…一共5小时") or in words alone ("…今天一共三个半").
_TOTAL_BEFORE = re.compile(r"(?:一共|总共|合计|加起来|共计|总计|统共|合一块(?:儿)?|合起来|加一块(?:儿)?)\s*(?:是|就是|有|算|记)?\s*$")
_BARE_TOTAL = re.compile(rf"(?:一共|总共|合计|加起来|共计|总计|统共)\s*(?:是|就是|有|算)?\s*(?P<num>{_NUM})\s*(?P<half>个半)?(?!\s*(?:个|[户家人次趟件处点天]|\d))")
_TIME_OF_DAY = re.compile(r"上午|下午|晚上|中午|早上|晌午|后晌|傍晚|夜里|前半晌|后半晌|午后|午饭后|饭后")


def _total_value(found: re.Match[str]) -> float:
    return _number(found["num"]) + (0.5 if found["half"] else 0.0)


def _clause_start(text: str, at: int, ends_before: list[int]) -> int:
    pause = max((text.rfind(mark, 0, at) + 1 for mark in " ,，;；。"), default=0)
    return max([pause, *ends_before])


def _clock_span(found: re.Match[str], hours: float) -> tuple[float, float]:
    """Where a clock range starts and ends, on a 24-hour clock where it was said ("下午两点到四点" → 14, 16)."""
    start = _clock(found["h1"], found["m1"])
    if start < 12 and _EVENING_BEFORE.search(found.string, max(found.start() - 10, 0), found.start()):
        start += 12
    return start, round(start + hours, 2)


def _pieces(rest: str) -> list[tuple[int, int, float, tuple[float, float] | None]]:
    """Every exact stretch of time in the text, in order: amounts with a unit and clock ranges (with where the
    range starts and ends, else None)."""
    pieces: list = [(m.start(), m.end(), _exact(m), None) for m in _HOURS_RE.finditer(rest)]
    blanked = rest
    for start, end, _, _ in pieces:
        blanked = _blank(blanked, (start, end))
    for found in _RANGE_RE.finditer(blanked):
        if (hours := _range_hours(found)) is not None:
            pieces.append((found.start(), found.end(), hours, _clock_span(found, hours)))
            blanked = _blank(blanked, found.span())
    if pieces:
        for found in _SECOND_MINUTES_RE.finditer(blanked):  # a second amount in minutes ("…四十分钟不算", "加上回访四十五分")
            if (minutes := _number(found["min"])) < 60 or found["unit"] != "分":
                pieces.append((found.start(), found.end(), round(minutes / 60, 2), None))
                blanked = _blank(blanked, found.span())
        for found in _QUARTERS_RE.finditer(blanked):  # "三刻钟+一个钟"
            pieces.append((found.start(), found.end(), round(_number(found["num"]) * 0.25, 2), None))
            blanked = _blank(blanked, found.span())
        for found in _HALF_HOUR_RE.finditer(blanked):  # or half an hour ("…来回路上半小时不算")
            pieces.append((found.start(), found.end(), 0.5, None))
            blanked = _blank(blanked, found.span())
        for found in _BARE_MORE_RE.finditer(blanked):  # "上午俩钟头 下午又一个半"
            pieces.append((found.start("num"), found.end(), _number(found["num"]) + 0.5, None))
    return sorted(pieces, key=lambda p: p[0])


# Minutes after a first amount, with 分 alone too ("两小时十五分 加上电话回访四十五分"), but not a score.
_SECOND_MINUTES_RE = re.compile(rf"(?P<min>{_NUM})\s*(?P<unit>分钟|min|mins|分(?![\d数值]))", re.IGNORECASE)
# "又一个半": the unit of the amount before, not said again
_BARE_MORE_RE = re.compile(rf"(?:又|再|另外|还)\s*(?:是|有|干了|弄了|巡了|走了)?\s*(?P<num>{_NUM})\s*个半(?!\s*(?:月|天|人|户|家|次|趟|个|小时|钟|\d))")
# A break inside a stretch of the clock ("八点到十二点入户 中间吃饭歇了半小时"): taken off it.
_BREAK_BEFORE = re.compile(r"中间|当中|扣掉|扣除|刨去|刨掉|去掉|除去|减去|减掉")
# A break said without its length ("中间回了趟家"): how long was served is not known.
_BREAK_UNTOLD = re.compile(r"中间(?:还|又|去)?(?<!没)(?:歇|休息|吃|回|出去|离开|走开|办了?点|接(?!了?(?:个|一个|几个)?电话)|送|耽误|停|忙别的|去了?趟)")


# One time of the clock said on its own ("是到十点半", "九点半才到的", "结束是两点四十五").
_ONE_CLOCK = re.compile(
    rf"(?P<h>\d{{1,2}}|{_CN}{{1,3}})\s*[点:：]整?(?:\s*(?P<m>{_MINUTE_OF_CLOCK}))?(?P<more>\s*多)?"
)
_STARTED_AFTER = re.compile(r"\s*(?:才|就|是)?\s*(?:到的|来的|开始|出发|出门|到岗|过去的|去的|上的岗)")
_STARTED_BEFORE = re.compile(r"(?:开始|从)(?:的)?(?:时间)?\s*(?:其实|应该|实际|应当)?\s*(?:是|为|在)?\s*$")
_ENDED_AFTER = re.compile(r"\s*(?:才|就)?\s*(?:走的|走了|结束|完事|完的|收工|撤的|撤了|回的|回来|下的班|下班了?|停的)")
_ENDED_BEFORE = re.compile(r"(?:到|至|结束(?:的)?(?:时间)?\s*(?:其实|应该|实际|应当)?\s*(?:是|为|在)?|[干忙弄搞守巡值]到)\s*$")


def _which_clock(text: str, found: re.Match[str]) -> str | None:
    before = text[max(found.start() - 8, 0):found.start()]
    if _STARTED_AFTER.match(text, found.end()) or _STARTED_BEFORE.search(before):
        return "start"
    if _ENDED_AFTER.match(text, found.end()) or _ENDED_BEFORE.search(before):
        return "end"
    return None


def _clock_times(text: str, start: int = 0):
    """Each time of the clock said alone, with whether it is a start or an end: (which, value or None, match)."""
    for found in _ONE_CLOCK.finditer(text, start):
        try:
            value = None if found["more"] else _clock(found["h"], found["m"])
        except ValueError:
            continue
        if value is not None and value > 24:
            continue
        if (which := _which_clock(text, found)) is not None:
            yield which, value, found


def clock_said(text: str, start: int = 0) -> tuple[str, float | None] | None:
    """The start or the end of a stretch said alone in a folded text: ("start" | "end", the clock time, None
    when vague: "五点多"); the last one said wins, as in "15点不对 到15点半"."""
    said = None
    for which, value, _ in _clock_times(text, start):
        said = (which, value)
    return said


def _start_and_end(text: str) -> Amount | None:
    """"昨晚值班到十一点 七点半开始的": an end and a start said apart, in either order."""
    said = {}
    for which, value, found in _clock_times(text):
        if value is None:
            return None
        said.setdefault(which, (value, found.span()))
    if len(said) != 2:
        return None
    (start, start_span), (end, end_span) = said["start"], said["end"]
    stretch = moved_clock((start, start + 12), "end", end)
    if stretch is None:
        return None
    first, second = sorted((start_span, end_span))
    if stretch[1] <= 12 and re.search(r"下午|晚|夜|傍晚|后晌", text[:first[0]]):
        stretch = (stretch[0] + 12, stretch[1] + 12)
    return Amount(round(stretch[1] - stretch[0], 2), "exact", first, cuts=(second,), clock=stretch)


def moved_clock(clock: tuple[float, float], which: str, value: float) -> tuple[float, float] | None:
    """A stretch with its start or end moved to a time said on a 12-hour clock; None when it makes no stretch."""
    start, end = clock
    old = start if which == "start" else end
    options = [v for v in (value, value + 12, value - 12) if 0 <= v <= 24]
    stretches = [(v, end) if which == "start" else (start, v) for v in options]
    stretches = [st for st in stretches if 0 < st[1] - st[0] <= 12]
    if not stretches:
        return None
    return min(stretches, key=lambda st: abs((st[0] if which == "start" else st[1]) - old))


_SCENE_WORDS = re.compile(r"那个|嗯+|呃+|就是|然后|今天|今儿个?|昨天|昨儿个?|前天|上午|下午|晚上|早上|中午|后晌|我|俺|从|在|大概|[\s,，、。]")
_ONLY_PART = re.compile(r"只(?:记|算|登|报)|就记|光记|光算")
_NO_SERVICE_PART = re.compile(r"开了?个?会|开会|会议|培训|学习|坐车|路上|写材料")
_AHEAD_CLAUSE = re.compile(r"明天|明儿|后天|下周|下礼拜|下星期|待会儿?|一会儿")


def _breaks(rest: str, pieces: list) -> tuple[float, list[tuple[int, int]]] | None:
    """The breaks inside clock ranges: (hours served, what to cut), or None."""
    ranges = [p for p in pieces if p[3] is not None]
    if not ranges:
        return None
    breaks = []
    for index, piece in enumerate(pieces):
        if piece[3] is not None or piece[0] < ranges[0][1]:
            continue
        clause = _clause_start(rest, piece[0], [p[1] for p in pieces if p[1] <= piece[0]])
        said = _BREAK_BEFORE.search(rest, clause, piece[0])
        if said:
            breaks.append((index, said.start()))  # the break from where it is said: what was done before it stays
    if not breaks or len(ranges) + len(breaks) != len(pieces):
        return None
    gaps = [round(b[3][0] - a[3][1], 2) % 12 for a, b in zip(ranges, ranges[1:])]
    served = sum(r[2] for r in ranges)
    cuts = []
    for index, clause in breaks:
        piece = pieces[index]
        end = _LEFT_OUT_RE.match(rest, piece[1])
        cuts.append((clause, end.end() if end else piece[1]))
        if piece[2] not in gaps:  # "两点到三点 三点半到五点 中间那半小时没干": the gap between, already left out
            served -= piece[2]
    return (round(served, 2), cuts) if served > 0 else None


def _not_service_parts(rest: str, clocked: list) -> list:
    """"九点到十点开了个会 十点到十二点走访 只记走访那段就行": the parts that were no service, when only the
    rest is asked to be logged. Each part's own words are told either before it ("开会1小时 巡逻2小时") or
    after it ("九点到十点开了个会"); the part left out must be the same either way it is read."""
    if len(clocked) < 2 or not _ONLY_PART.search(rest):
        return []
    # Words told before the first part (beyond the day, the time of day and fillers) say which way it goes.
    leading = _SCENE_WORDS.sub("", rest[: clocked[0][0]])
    if leading:
        ends = [0] + [p[1] for p in clocked]
        desk = [p for n, p in enumerate(clocked) if _NO_SERVICE_PART.search(rest[ends[n]:p[0]])]
    else:
        starts = [p[0] for p in clocked[1:]] + [len(rest)]
        desk = [p for n, p in enumerate(clocked) if _NO_SERVICE_PART.search(rest[p[1]:starts[n]])]
    return desk if len(desk) < len(clocked) else []


def _read_amount(text: str) -> Amount | None:
    vague = _VAGUE_RE.search(text)
    rest = _blank(text, vague.span()) if vague else text
    clocked = _pieces(rest)
    desk = _not_service_parts(rest, clocked)
    # "中间歇了半个钟头 那半个钟头不算": the same amount pointed at again is said once
    again = [p for n, p in enumerate(clocked) if n and p[3] is None and re.search(r"(?:那|这)(?:个)?\s*$", rest[max(p[0] - 3, 0):p[0]])
             and any(q[2] == p[2] for q in clocked[:n])]
    clocked = [p for p in clocked if p not in desk and p not in again]
    desk_cuts = [(p[0], p[1]) for p in desk]
    for p in again:
        pointer = re.search(r"(?:那|这)(?:个)?\s*$", rest[max(p[0] - 3, 0):p[0]])
        left_out = _LEFT_OUT_RE.match(rest, p[1])
        desk_cuts.append((p[0] - len(pointer.group(0)), left_out.end() if left_out else p[1]))
    pieces = [(s, e, h) for s, e, h, _ in clocked]
    ranges = [p for p in clocked if p[3] is not None]
    if ranges and not vague:
        untold = _BREAK_UNTOLD.search(rest, ranges[0][1])
        if untold is not None and not any(p[0] > untold.start() for p in clocked):
            return Amount(None, "vague", untold.span())  # "九点到十一点半 中间回了趟家": how long was the break?
        if (broken := _breaks(rest, clocked)) is not None:
            served, cuts = broken
            first = ranges[0]
            return Amount(served, "exact", (first[0], first[1]),
                          cuts=(*desk_cuts, *cuts, *((r[0], r[1]) for r in ranges[1:])), clock=(first[3][0], ranges[-1][3][1]) if len(ranges) == 1 else None)
    left_out = [(s, _LEFT_OUT_RE.match(rest, e).end()) for s, e, _ in pieces if _LEFT_OUT_RE.match(rest, e)]
    kept = [p for p in pieces if all(p[0] != s for s, _ in left_out)] if len(left_out) < len(pieces) else pieces
    ahead = [p for p in kept if _AHEAD_CLAUSE.search(rest, _clause_start(rest, p[0], [q[1] for q in kept if q[1] <= p[0]]), p[0])]
    if ahead and len(ahead) < len(kept):
        # "今天巡逻2小时 明天还要巡逻2小时": what is still to come is no part of today's entry
        left_out += [(_clause_start(rest, p[0], [q[1] for q in kept if q[1] <= p[0]]), p[1]) for p in ahead]
        kept = [p for p in kept if p not in ahead]
        pieces = [p for p in pieces if p not in ahead]
    if kept is not pieces:
        # The clause left out goes with it ("后面开会那1小时就不算了"), back to a pause or the amount before it.
        left_out = [(_clause_start(rest, s, [p[1] for p in kept if p[1] <= s]), e) for s, e in left_out]
    if kept:
        first, last = kept[0], kept[-1]
        cut = (*desk_cuts, *(left_out if kept is not pieces else ()))
        if vague and len(kept) == 1 and (re.search(r"(?:记|按|算)\s*$", rest[:first[0]]) or vague.end() <= first[0]
                                          and (re.search(r"前前后后|前后|一共|总共|加起来|算下来", rest[vague.end():first[0]]) or rest[first[1]:first[1] + 1] == "整")):
            # "…调解了好半天 前前后后三个小时整", "一个钟头多一点 记1小时吧": the vague amount settled by the exact one
            cut = (*cut, vague.span())
        if len(kept) > 1 and _CORRECTION_RE.search(rest, first[1], last[0]):
            return Amount(last[2], "exact", (last[0], last[1]), corrected=True, cuts=cut)
        fixed = _CORRECTION_RE.search(rest, first[1]) if len(kept) == 1 and first in [(r[0], r[1], r[2]) for r in ranges] else None
        if fixed is not None and (moved := clock_said(rest, fixed.end())) is not None:
            # "巡逻 10:00到11:00 哦不对是到11点半": the stretch said again with its end (or start) corrected
            clock = next(r[3] for r in ranges if r[0] == first[0])
            stretch = moved_clock(clock, moved[0], moved[1]) if moved[1] is not None else None
            if stretch is None:
                return Amount(None, "vague", (fixed.start(), len(rest)))
            return Amount(round(stretch[1] - stretch[0], 2), "exact", (first[0], first[1]), corrected=True,
                          cuts=(*cut, (fixed.start(), len(rest))), clock=stretch)
        gaps = [rest[a[1]:b[0]] for a, b in zip(kept, kept[1:])]
        if len(kept) == 2 and first[2] == last[2] and sum(_HOURS_RE.fullmatch(rest[p[0]:p[1]].strip()) is not None for p in kept) == 1:
            # "从十点半算到十二点半 两个钟头": the same stretch said twice
            return Amount(first[2], "exact", (first[0], first[1]), cuts=(*cut, (last[0], last[1])))
        if len(kept) > 1 and all(_ADDED_RE.search(gap) for gap in gaps) or (
            len(kept) > 1 and all(_RANGE_RE.fullmatch(rest[s:e].strip()) for s, e, _ in kept)
        ):
            # "八点半到十二点 后晌两点到四点", "九点整到十一点半 吃完饭又干了一个钟头": one day's service, added up
            total = round(sum(p[2] for p in kept), 2)
            return Amount(total, "exact", (first[0], first[1]), cuts=(*cut, *((s, e) for s, e, _ in kept[1:])))
        if len(kept) > 1 and _TOTAL_BEFORE.search(rest, kept[-2][1], last[0]):
            # "上午2小时 下午3小时 一共5小时": the total said
            return Amount(last[2], "exact", (last[0], last[1]), cuts=(*cut, *((s, e) for s, e, _ in kept[:-1])))
        total = round(sum(p[2] for p in kept), 2)
        said_total = _BARE_TOTAL.search(rest, last[1]) if len(kept) > 1 else None
        if said_total is not None and _total_value(said_total) == total:
            # "上午巡逻2个钟 下午入户1个半钟 今天一共三个半": the pieces and their sum, said in words
            return Amount(total, "exact", (first[0], first[1]), cuts=(*cut, *((s, e) for s, e, _ in kept[1:]), said_total.span()))
        if len(kept) > 1 and _TIME_OF_DAY.search(rest, max(first[0] - 8, 0), first[0]) \
                and all(_TIME_OF_DAY.search(gap) or _ADDED_RE.search(gap) for gap in gaps):
            # "上午巡逻2个钟 下午入户1个半钟": one day's parts, each at its time of day
            return Amount(total, "exact", (first[0], first[1]), cuts=(*cut, *((s, e) for s, e, _ in kept[1:])))
        units = [p for p in kept if _HOURS_RE.fullmatch(rest[p[0]:p[1]])]
        said = units[0] if units else first  # "从早上6点干到晚上8点 14个小时": the amount said, not the clock's
        clock = next((p[3] for p in ranges if p[0] == said[0]), None) if len(kept) == 1 else None
        return Amount(said[2], "exact", (said[0], said[1]), cuts=cut, clock=clock)
    ends = _start_and_end(rest)
    if ends is not None:
        return ends
    for pattern, convert in ((_QUARTERS_RE, lambda m: round(_number(m["num"]) * 0.25, 2)),
                             (_AFTER_TIMELEN_RE, lambda m: float(m["num"]))):
        found = pattern.search(rest)
        if found and (hours := convert(found)) is not None:
            return Amount(hours, "exact", found.span())
    found = _HALF_HOUR_RE.search(rest)
    if found:
        return Amount(0.5, "exact", found.span())
    found = _MINUTES_RE.search(rest)
    if found:
        return Amount(round(_number(found["min"]) / 60, 2), "exact", found.span())
    if vague:
        return Amount(None, "vague", vague.span())
    found = _AMBIGUOUS_RE.search(text)
    if found:
        return Amount(None, "ambiguous", found.span())
    return None


def find_amount(text: str) -> tuple[float | None, tuple[int, int] | None]:
    amount = _read_amount(text)
    if amount is None or amount.kind != "exact":
        return None, None
    return amount.hours, amount.span


def has_amount(text: str) -> bool:
    amount = read_amount(fold(text))
    return amount is not None and amount.kind == "exact"


def _resolve(kind: str, found: re.Match[str], today: date) -> date:
    if kind == "rel":
        return today - timedelta(days=_RELATIVE[found.group(0)])
    if kind == "week":
        weekday = _WEEKDAYS[found["wd"]]
        monday = today - timedelta(days=today.weekday())
        prefix = (found["prefix"] or "").strip()
        if prefix == "上":
            return monday - timedelta(days=7) + timedelta(days=weekday)
        if prefix == "上上":
            return monday - timedelta(days=14) + timedelta(days=weekday)
        if prefix in ("下", "下下"):
            return monday + timedelta(days=7 * len(prefix) + weekday)  # a day to come: the service refuses it
        candidate = monday + timedelta(days=weekday)
        # A bare "周五" said on a Wednesday means the Friday just past.
        if not prefix and candidate > today:
            candidate -= timedelta(days=7)
        return candidate
    if kind == "day":
        return date(today.year, today.month, int(found["d"]))
    if kind == "festival":
        month, day = _FESTIVALS[found["fest"]]
        candidate = date(today.year, month, day)
        return candidate if candidate <= today else date(today.year - 1, month, day)
    if kind == "ymd":
        return date(int(found["y"]), int(found["m"]), int(found["d"]))
    if kind == "rel_md":
        first = today.replace(day=1)
        month_start = first if found["rel"] in ("本月", "这月", "这个月") else (first - timedelta(days=1)).replace(day=1)
        return month_start.replace(day=int(found["d"]))
    if kind == "month_end":
        if found["prev"]:
            return today.replace(day=1) - timedelta(days=1)  # "上个月最后一天", "上月底"
        month = int(found["m"]) if found["m"].isdigit() else int(cn2an.cn2an(found["m"], "smart"))
        year = today.year if month <= today.month else today.year - 1
        return (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1))
    if kind == "md_cn":
        month, day = int(cn2an.cn2an(found["m"], "smart")), int(cn2an.cn2an(found["d"], "smart"))
    else:
        month, day = int(found["m"]), int(found["d"])
    candidate = date(today.year, month, day)
    # "12月30日" typed on 2 January means last year's.
    if candidate > today + timedelta(days=31):
        candidate = date(today.year - 1, month, day)
    return candidate


_SPECIFIC = ("ymd", "md", "md_cn", "md_dot", "day", "rel_md")
# A day to come named beside a bare weekday ("后天周五要值守"): the weekday only repeats it.
_FUTURE_DAY = re.compile(r"明天|明儿个|明儿|明早|明晚|大后天|后天")


_OTHER_DAY_WORD = re.compile(r"大前天|前天|昨天|今天|昨儿|今儿|前儿|昨晚|今早|夜儿个|琴日|前日|(?:周|星期|礼拜)[一二三四五六日天]|\d{1,2}\s*[日号]|\d{1,2}\s*月")


def oldest_loggable(today: date) -> date:
    """The first day of the previous month: no entry may be older."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def find_date(text: str, today: date) -> tuple[date | None, str, tuple[int, int] | None]:
    for kind, pattern in _DATE_PATTERNS:
        found = pattern.search(text)
        if not found:
            continue
        future = _FUTURE_DAY.search(text)
        if kind == "week" and not found["prefix"] and future is not None:
            found, kind = future, "rel"
        elif kind == "week" and not found["prefix"]:
            # "1号那个礼拜天": the weekday repeats the date just before it, which says more.
            for other_kind, other in _DATE_PATTERNS:
                before = other.search(text[: found.start()]) if other_kind in _SPECIFIC else None
                if before is not None and found.start() - before.end() <= 4:
                    found, kind = before, other_kind
                    break
        try:
            day = _resolve(kind, found, today)
        except ValueError as exc:
            raise DateError(found.group(0).strip()) from exc
        if kind == "md_dot" and not oldest_loggable(today) <= day <= today and _OTHER_DAY_WORD.search(_cut(text, found.span())):
            continue  # "昨天 1.5": the day is said in words; the number with a dot is the amount
        return day, found.group(0).strip(), found.span()
    return None, "", None


def _cut(text: str, span: tuple[int, int] | None) -> str:
    if span is None:
        return text
    return text[: span[0]] + " " + text[span[1]:]


_DAY_WORD = r"(?:大前天|前天|昨天|今天|昨儿个?|前儿个?|今儿个?|(?:上|这)?(?:周|礼拜|星期)[一二三四五六日天]|\d{1,2}月\d{1,2}[日号]?|\d{1,2}[日号])"
# A day said and taken back at once: "昨天 哦不对 是前天 …" is the day before yesterday.
DAY_CORRECTED = re.compile(
    rf"{_DAY_WORD}\s*[,，]?\s*(?:哦|噢|呃|哎)?\s*(?:不对|不是|说错了|错了|记错了)\s*[,，]?\s*(?:是|应该是)?\s*(?P<second>{_DAY_WORD})"
)


_FESTIVAL = re.compile(r"中秋节?|端午节?|重阳节?|清明节?|春节|除夕|元宵节?|七夕|冬至|小年|腊八|国庆节?|元旦|劳动节|五一|十一")
_REMEMBERED = re.compile(r"(?:今天|今儿个?|刚才|刚刚|现在)(?:才)?.{0,4}?(?:翻|想起|记起|发现|看到|补上|补登|查)")
# "前日夜晚…巡咗两个钟然后琴日好忙唔记得报咗": the day one was too busy to log it is no second day of service.
_TOO_BUSY_THEN = re.compile(r"(?:昨天|昨儿个?|琴日|寻日|夜儿个|前天|前日)(?:太|好|特别|贼|老)?忙\S{0,4}?(?:忘|唔记得|没顾上|没来得及|冇)")
# "11/17 防诈宣传 一个钟 今天的还没弄完 晚点再登": the day still under way is for a later message.
_STILL_UNDER_WAY = re.compile(r"(?:今天|今儿个?)(?:的|那个|这个)?[^\d]{0,6}?(?:还没(?:弄|干|做|忙|搞|整)?完|没完事|晚点|回头|等会|待会|完了再|再登|再报|再记)(?:\s*(?:晚点|回头|等会|待会)?\s*再?(?:登|报|记|说|弄)?(?:吧|哈|了)?)?")


# "上午俩小时 下午俩小时 下午那个是周一的": one part on another day
_PART_ON_ANOTHER_DAY = re.compile(
    rf"(?:上午|下午|晚上|中午|早上|前面|后面|前头|后头|头一个|后一个|第一个|第二个)(?:那个|那段|那次|那部分|那块|的)(?:是|算|在)?\s*{_DAY_WORD}"
)


# The amount said once more to be sure ("两个小时对两个小时", "俩小时 嗯俩小时"): one amount, not two.
_SAID_AGAIN = re.compile(rf"^\s*(?:对|嗯|就是|是|没错|对对)?\s*[,，]?\s*$")


def _said_again(rest: str, hours: float | None) -> bool:
    found = list(LEFTOVER_TIME.finditer(rest))
    if len(found) != 1 or hours is None:
        return False
    again = read_amount(found[0].group(0))
    return again is not None and again.hours == hours and _SAID_AGAIN.match(rest[max(found[0].start() - 4, 0) : found[0].start()].split(" ")[-1]) is not None


def parse_hours(text: str, today: date) -> ParsedHours:
    """Read amount, date and note from a message; raises DateError for impossible dates."""
    clean = _WEEKDAY_ASIDE.sub(" ", fold(text))  # "11月8日（周日）": the weekday only repeats the date
    amount = read_amount(clean)
    hours = amount.hours if amount is not None else None
    blanked = set_apart(clean, amount) if amount is not None else clean  # the amount's span still points at it
    rest = _cut(blanked, amount.span if amount is not None else None)
    leftovers = LEFTOVER_TIME.findall(LASTED_AMOUNT.sub(" ", _PER_UNIT.sub(" ", rest))) if amount is not None else []
    second_amount = amount is not None and amount.kind == "exact" and not amount.corrected and bool(leftovers) \
        and not _said_again(rest, hours)
    if amount is not None and amount.corrected:
        # "服务3小时，改成2小时": the first amount and the correction words are no part of the note.
        rest = _CORRECTION_RE.sub(" ", _HOURS_RE.sub(" ", rest))
    rest = DAY_CORRECTED.sub(lambda m: m["second"], rest)
    day, date_words, date_span = find_date(rest, today)
    if date_span is not None:
        # "10月28号那天", "今天晌午那会儿": the day just named, pointed at again, is no doubt about it.
        # (A weekday after a weekday is a second day: "周一周二各值了3小时班".)
        weekday = re.search(r"(?:周|星期|礼拜)[一二三四五六日天1-7]$", date_words) is not None
        pointer = _POINTER.match(rest, date_span[1]) or (None if weekday else _WEEKDAY_AFTER.match(rest, date_span[1]))
        if pointer is not None:
            date_span = (date_span[0], pointer.end())
    rest = _cut(rest, date_span)
    if date_span is None:
        rest = _TIME_OF_DAY_POINTER.sub(r"\g<when>", rest)  # "晌午那会儿 大扫除 45分钟": today, no doubt
    # With a day named, "那次" later on ("9月28号国庆前安全检查那次") points back at it: no doubt.
    pointers_left = _POINTER_WORDS.sub(" ", rest) if date_span is not None else rest
    if day is not None:
        # "十月份的 就是10月28号那天": the month said again around the day is no doubt either.
        pointers_left = _MONTH_WORD.sub(lambda m: " " if _month_number(m["m"]) == day.month else m.group(0), pointers_left)
        last_month = (today.replace(day=1) - timedelta(days=1)).month
        if day.month == last_month:
            pointers_left = re.sub(r"上个?月(?:的)?", " ", pointers_left)  # "10月最后一天 … 上个月的应该还能补吧"
        elif day.month == today.month:
            pointers_left = re.sub(r"(?:本|这个?)月(?:的)?", " ", pointers_left)
    # "11.3跟11.5两天各入户俩钟头", "上礼拜四3小时 上礼拜五2个半": one entry is one day. A day to come said
    # later ("…明天还得去") is a plan, not a second entry.
    if date_span is not None and re.search(r"\d", date_words):
        # "9月25号中秋慰问那天": the festival names the date just given, it casts no doubt on it
        pointers_left = _FESTIVAL.sub(" ", pointers_left)
    # "…当时忘了 今天翻本子想起来了 补上": the day one remembered it is no second day of service.
    pointers_left = _REMEMBERED.sub(lambda found: " " * len(found.group(0)), pointers_left)
    if day is not None and day.weekday() >= 5:
        pointers_left = re.sub(r"(?:这个|这|上个|上)?周末", " ", pointers_left)  # "周六值守了3小时 周末加班的也算吧": that weekend
    pointers_left = _TOO_BUSY_THEN.sub(lambda found: " " * len(found.group(0)), pointers_left)
    pointers_left = _STILL_UNDER_WAY.sub(lambda found: " " * len(found.group(0)), pointers_left)
    try:
        second, second_words, second_span = find_date(pointers_left, today) if day is not None else (None, "", None)
    except DateError:
        second, second_words, second_span = None, "", None
    if second is not None and re.fullmatch(r"\d{1,2}\.\d{1,2}", second_words) and not oldest_loggable(today) <= second <= today:
        second = None  # "昨天 1.5": a number with a dot, no day that could be logged, is the amount
    if second is not None and second == day:
        pointers_left = _cut(pointers_left, second_span)  # "周日 11月15": the same day said twice
    two_days = second is not None and second != day and second <= today or _PART_ON_ANOTHER_DAY.search(clean) is not None
    day_in_doubt = LEFTOVER_DATE.search(pointers_left) is not None and not two_days
    note = re.sub(r"[\s,，;；、]+", " ", pointers_left).strip(_PUNCT)
    note = _SPOKEN.sub(" ", note)
    note = _TRAILING.sub("", _FILLER.sub("", note).strip(_PUNCT)).strip(_PUNCT)
    note = re.sub(r"^(?:的\s)+", "", re.sub(r"\s+", " ", note).strip(_PUNCT))
    return ParsedHours(hours=hours, day=day, date_words=date_words, note=note[:200],
                       vague=amount is not None and amount.kind == "vague",
                       ambiguous=amount is not None and amount.kind == "ambiguous",
                       second_amount=second_amount, day_in_doubt=day_in_doubt, two_days=two_days,
                       clock=amount.clock if amount is not None else None)
