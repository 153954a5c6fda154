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

from bot.text import normalize

CN_DIGITS = "零〇一二两三四五六七八九十百"
_NUM = rf"(?:\d+(?:\.\d+)?|\.\d+|[{CN_DIGITS}]+(?:点[{CN_DIGITS}]+)?)"
_HOUR_UNIT = r"(?:个小时|小时|個小時|钟头|鐘頭|个钟|個鐘|钟|hours?|hrs?|h)"
_MIN_UNIT = r"(?:分钟|分|min|mins|m)"

# "两个半小时", "3.5个小时", "2h", "3个钟", "1小时30分钟", "一个半钟头"
_HOURS_RE = re.compile(
    rf"(?P<neg>[-−负]\s*)?(?P<num>{_NUM})\s*(?P<half>个半|個半)?\s*{_HOUR_UNIT}(?P<half2>半)?"
    rf"(?:\s*(?P<min>{_NUM})\s*{_MIN_UNIT})?",
    re.IGNORECASE,
)
_HALF_HOUR_RE = re.compile(r"半\s*(?:个)?\s*(?:小时|钟头|钟)")
_MINUTES_RE = re.compile(rf"(?P<min>{_NUM})\s*(?:分钟|min|mins)", re.IGNORECASE)

_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
_RELATIVE = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2, "大前天": 3, "明天": -1, "后天": -2}

_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ymd", re.compile(r"(?P<y>20\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?")),
    ("md", re.compile(r"(?<![\d.])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?")),
    ("md_cn", re.compile(r"(?P<m>[一二三四五六七八九十]{1,3})月(?P<d>[一二三四五六七八九十]{1,3})[日号]")),
    # 11.20 or 11/20, but never an amount like 2.5h
    ("md_dot", re.compile(r"(?<![\d.])(?P<m>\d{1,2})\s*[./]\s*(?P<d>\d{1,2})(?![\d.]|\s*(?:个|小时|h|钟|分))", re.IGNORECASE)),
    ("week", re.compile(r"(?P<prefix>上上|上|这|本)?\s*(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])")),
    ("rel", re.compile(r"大前天|前天|昨天|昨日|今天|今日|明天|后天")),
    ("day", re.compile(r"(?<![\d月.])(?P<d>\d{1,2})\s*[日号]")),
)

# Words that only say "I am logging hours"; they are not part of the note.
_FILLER = re.compile(
    r"^(?:时长登记|登记时长|记录时长|服务时长|网格服务|下沉网格|下沉服务|登记|记录|服务|下沉|补登|补记|时长|了|\s)+"
)
_PUNCT = " ,，.。;；:：、!！~～-—"


class DateError(ValueError):
    """The text names a date that does not exist (e.g. 2月30日)."""


@dataclass(frozen=True)
class ParsedHours:
    hours: float | None  # None: no readable amount
    day: date | None  # None: no date given (means today)
    date_words: str  # the date as typed, for the reply ("昨天", "11月20日")
    note: str


def _number(text: str) -> float:
    if re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", text):
        return float(text)
    return float(cn2an.cn2an(text, "smart"))


def find_amount(text: str) -> tuple[float | None, tuple[int, int] | None]:
    match = _HOURS_RE.search(text)
    if match:
        value = _number(match["num"])
        if match["half"] or match["half2"]:
            value += 0.5
        if match["min"]:
            value += _number(match["min"]) / 60
        # "-2小时" is a mistake to point out, not 2 hours to store.
        return round(-value if match["neg"] else value, 2), match.span()
    match = _HALF_HOUR_RE.search(text)
    if match:
        return 0.5, match.span()
    match = _MINUTES_RE.search(text)
    if match:
        return round(_number(match["min"]) / 60, 2), match.span()
    return None, None


def has_amount(text: str) -> bool:
    try:
        return find_amount(normalize(text))[0] is not None
    except ValueError:
        return False


def _resolve(kind: str, found: re.Match[str], today: date) -> date:
    if kind == "rel":
        return today - timedelta(days=_RELATIVE[found.group(0)])
    if kind == "week":
        weekday = _WEEKDAYS[found["wd"]]
        monday = today - timedelta(days=today.weekday())
        prefix = found["prefix"] or ""
        if prefix == "上":
            return monday - timedelta(days=7) + timedelta(days=weekday)
        if prefix == "上上":
            return monday - timedelta(days=14) + timedelta(days=weekday)
        candidate = monday + timedelta(days=weekday)
        # A bare "周五" said on a Wednesday means the Friday just past.
        if not prefix and candidate > today:
            candidate -= timedelta(days=7)
        return candidate
    if kind == "day":
        return date(today.year, today.month, int(found["d"]))
    if kind == "ymd":
        return date(int(found["y"]), int(found["m"]), int(found["d"]))
    if kind == "md_cn":
        month, day = int(cn2an.cn2an(found["m"], "smart")), int(cn2an.cn2an(found["d"], "smart"))
    else:
        month, day = int(found["m"]), int(found["d"])
    candidate = date(today.year, month, day)
    # "12月30日" typed on 2 January means last year's.
    if candidate > today + timedelta(days=31):
        candidate = date(today.year - 1, month, day)
    return candidate


def find_date(text: str, today: date) -> tuple[date | None, str, tuple[int, int] | None]:
    for kind, pattern in _DATE_PATTERNS:
        found = pattern.search(text)
        if not found:
            continue
        try:
            return _resolve(kind, found, today), found.group(0).strip(), found.span()
        except ValueError as exc:
            raise DateError(found.group(0).strip()) from exc
    return None, "", None


def _cut(text: str, span: tuple[int, int] | None) -> str:
    if span is None:
        return text
    return text[: span[0]] + " " + text[span[1]:]


def parse_hours(text: str, today: date) -> ParsedHours:
    """Read amount, date and note from a message; raises DateError for impossible dates."""
    clean = normalize(text)
    hours, amount_span = find_amount(clean)
    rest = _cut(clean, amount_span)
    day, date_words, date_span = find_date(rest, today)
    rest = _cut(rest, date_span)
    note = re.sub(r"[\s,，;；、]+", " ", rest).strip(_PUNCT)
    note = _FILLER.sub("", note).strip(_PUNCT)
    note = re.sub(r"\s+", " ", note).strip(_PUNCT)
    return ParsedHours(hours=hours, day=day, date_words=date_words, note=note[:200])
