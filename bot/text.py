"""Small text helpers shared by the router and the parsers."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold full-width letters, digits and punctuation (what phone keyboards produce) and collapse spaces."""
    folded = unicodedata.normalize("NFKC", text or "")
    return _SPACES.sub(" ", folded).strip()


@functools.cache
def _traditional_to_simplified():
    from opencc import OpenCC  # loaded on the first message in traditional characters

    return OpenCC("t2s")


def simplified(text: str) -> str:
    """The text in simplified characters: 投訴 辦事員 as 投诉 办事员 (some phones type traditional).

    Most messages are plain simplified Chinese, which GB2312 encodes; only the others are converted.
    """
    try:
        text.encode("gb2312")
        return text
    except UnicodeEncodeError:
        return _traditional_to_simplified().convert(text)


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def split_utf8(text: str, limit: int) -> list[str]:
    """Split text into chunks of at most `limit` UTF-8 bytes, on line boundaries where possible."""
    if utf8_len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = line if not current else current + "\n" + line
        if utf8_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
            current = ""
        while utf8_len(line) > limit:
            cut = _longest_prefix(line, limit)
            chunks.append(line[:cut])
            line = line[cut:]
        current = line
    if current:
        chunks.append(current)
    return chunks


def _longest_prefix(line: str, limit: int) -> int:
    size = 0
    for index, char in enumerate(line):
        size += utf8_len(char)
        if size > limit:
            return max(index, 1)
    return len(line)


# How people ask to be shown something, in front of what they want to see: "看一下整改台账",
# "发一下今天的微课", "麻烦调一下台账". A regex fragment for readers; it matches the empty string too.
SHOW_ME = (
    r"(?:(?:麻烦|请|帮我|给我|你)?(?:看看|看下|看一下|看一看|瞅瞅|瞅一眼|查看|查查|查下|查一下|打开|调出|调一下|发下|发一下|发来|发我|"
    r"发给我|推一下|来一下|来个|给我看看|给我看下|给我发下|我要看|我想看|想看看|想看)?)"
)


# How leaders ask for figures ("办结率多少", "有几个超期了", "哪些人还没打卡", "情况怎么样"); readers pair it
# with their own topic words. A regex fragment.
FIGURES = (
    r"(?:[^效]率|多少(?!钱)|几个|几件|几条|几人|几项|哪些|有谁|谁还|名单|统计|汇总|情况|怎么样|咋样|如何|进度|进展|平均|多久"
    r"|超期|逾期|排名|完成得|完成了没|总数|数据)"
)


# An amount of time as people type it ("俩小时", "3个半钟头", "40分钟"); readers pair it with their own
# words. A regex fragment.
# What follows a number and 号 when it names a place, not a day or a ticket: 7号楼, 3号窗口, 3号点位.
NUMBERED_PLACE = r"(?:楼|院|门|线|车|房|铺|摊|窗口|地块|网格|单元|床|机|柜|库|厅|馆|井|点位|岗|桶|栋|幢|站|亭)"
DURATION = r"(?:\d+(?:\.\d+)?|[一二两俩仨三四五六七八九十半]+)\s*个?\s*半?(?:小时|钟头|个钟|分钟)"


# The longest reply a person should have to read on a phone; longer content goes out as several replies.
MAX_REPLY_CHARS = 500


def pack_lines(lines: list[str], limit: int = MAX_REPLY_CHARS) -> list[str]:
    """Join lines into as few texts as possible, none longer than `limit` characters.

    Lines stay whole (a line longer than `limit` is cut), so a list split this way reads as
    consecutive messages.
    """
    texts: list[str] = []
    current = ""
    for line in lines:
        while len(line) > limit:
            if current:
                texts.append(current)
                current = ""
            texts.append(line[:limit])
            line = line[limit:]
        candidate = line if not current else current + "\n" + line
        if len(candidate) <= limit:
            current = candidate
        else:
            texts.append(current)
            current = line
    if current:
        texts.append(current)
    return texts


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def syllables(text: str) -> tuple[str, ...]:
    """How the Chinese characters of the text sound, toneless (时长 and 时常 are both shi chang): for a command
    word typed with a homophone. Empty when the text has any other character."""
    from pypinyin import lazy_pinyin  # a dependency; imported on first use, the table is large

    if not _HAN_RUN.fullmatch(text):
        return ()
    return tuple(lazy_pinyin(text))
