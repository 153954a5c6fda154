"""Retrieval: word segmentation with jieba's dictionary, a synonym table for the words cadres use, and BM25 from bm25s.

BM25 orders the articles; a question word counts once per article however many of its synonyms
the article uses. Whether the best article really answers the question is a separate measure,
`coverage`: the share of the question's words, weighted by how informative each word is in
general Chinese, that the article contains (a synonym or a part of a compound counting as the
word). A question about something the base never mentions leaves most of its weight unmatched
and is declined, whatever its raw BM25 score, which is not comparable between questions or
between knowledge bases of different sizes.
"""

from __future__ import annotations

import copy
import functools
import gc
import logging
import math
import re
import sys
import threading
import unicodedata
import weakref
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.text import normalize

from handlers.rules.alike import KnownQuestion, KnownQuestions, article_key, citation
from handlers.rules.outcomes import DoubtModel, Outcome, match_signals
from handlers.rules.segment import Segmenter, _release_freed_memory

if TYPE_CHECKING:
    import bm25s
    import numpy as np

# bm25s and numpy are imported where they are used, and the word dictionary is loaded on the first
# question: a server that is never asked about the rules does not pay for them (bench/bench_hours.py
# prints both figures).

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_SYNONYMS = DATA_DIR / "synonyms.txt"
DEFAULT_STOPWORDS = DATA_DIR / "stopwords.txt"

_KEEP = re.compile(r"[\w]", re.UNICODE)
# Chat grammar that carries no topic: an A-not-A question (去不去, 安排不安排, 收不收) asks about A, and a
# counted amount (一箱, 两条, 五个, 一台) says how much, not what.
_HAN_WORD = re.compile(r"^[\u4e00-\u9fff]+$")
# A typed word no dictionary knows may be a slip of the pinyin keyboard (宏包 for 红包, 会家 for 回家):
# up to this many characters are respelled as the base's word that sounds the same.
MAX_RESPELL = 4
# Light verbs that head what follows (说请俺们 is 说 + 请, not 说情; 想要, 叫他) are not slips either.
_GRAMMAR_CHARACTERS = frozenset("不没一个了的地得是在有把被给让对向从到为和与也都还又再就才很太吗呢吧啊呀么嘛哦这那我你他她它来去上下进出回过起说请叫要想")
# Characters that name no thing even side by side (先干啥, 拿去盖): grammar and verbs that stand for any act.
_LIGHT_CHARACTERS = _GRAMMAR_CHARACTERS | frozenset("干弄搞做整拿放先")
_A_NOT_A = re.compile(r"(\w{1,2})[不没]\1")
_COUNTED = re.compile(r"^[一二两三四五六七八九十几百千万半俩仨]+[个箱条盒台瓶包件张次天位块本支只双斤份桌顿趟遍回点些]?$")
# A number glued by the dictionary to its measure's noun (好几 台车 → 台车 is a trolley) is cut back
# to the noun: 好几台车 is about 车.
_NUMBER = re.compile(r"^[一二两三四五六七八九十几百千万半俩仨好多]+$")
_MEASURES = frozenset("个箱条盒台瓶包件张次位块本支只双斤份桌顿趟辆")
# The same without a number (安排辆车, 那辆车, 这台电脑): the dictionary has some such runs as rare words of
# their own (辆车, 那辆车), which then weigh as much as the rarest topic. A token starting with a measure,
# after a demonstrative or not, that is rarer than GLUED_MEASURE_FREQUENCY in jieba's dictionary and no word
# of the base or the table is cut back to its noun.
_GLUED_MEASURE = re.compile(r"^[这那哪每某]?[个箱条盒台瓶包件张次位块本支只双斤份桌顿趟辆]")
GLUED_MEASURE_FREQUENCY = 20
# Goods counted by their container (两箱酒, 一桶油, 两袋米) are things handed over, not drunk or burnt: the
# container and the noun read together (箱酒, 桶油) when the table knows that phrase.
_COUNTED_CONTAINER = re.compile(r"^(?:[一二两三四五六七八九十几百千万半俩仨好多]+|\d+)([箱瓶提桶袋坛壶盒])$")
# A verb and its object split by an aspect or amount (加点油, 开个会, 喝了酒, 吃顿饭, 收过礼): the verb
# and object together, when that is a word of the base or of the synonym table.
_SPLIT_VERB = re.compile(r"([\u4e00-\u9fff])[了个点顿次些过完]([\u4e00-\u9fff])")
# A verb and its object split by a counted amount (出二十块钱, 喝两瓶酒, 交100元钱): the same.
_SPLIT_AMOUNT = re.compile(r"([\u4e00-\u9fff])[了过]?(?:[一二两三四五六七八九十几百千万半俩仨]+|\d+)[块元个瓶条箱盒包件张次桌顿]*([\u4e00-\u9fff])")
# 会 is a modal verb (a stop word) but a noun after a measure or a verb that takes a meeting (那个会, 这场会,
# 听会, 开会 split by the segmenter): then it is the meeting.
_MEETING = "会议"
_MEETING_BEFORE = ("个", "场", "次", "听", "开", "参加")
# A verb and a counted measure (跑两趟, 跑了三趟, 办三桌): the table writes such phrases with 几 (跑几趟, 办几桌), for
# any amount.
_COUNTED_MEASURE = re.compile(r"([\u4e00-\u9fff])[了过]?(?:[一二两三四五六七八九十俩仨]+|\d+)([个箱条盒台瓶包件张次位块本支只双斤份桌顿趟辆])")
# An object put before its verb (会开了一个多小时, 饭吃完了, 礼收了): the verb and object in their usual
# order, when that is a word of the base or of the synonym table and the pair as written is no word.
_OBJECT_FIRST = re.compile(r"([\u4e00-\u9fff])([\u4e00-\u9fff])(?=[了着过完])")


# A noun and its owner or kind split by 的 (单位的车, 公家的钱, 居民的信息): the two together, when that is
# a word of the base or of the synonym table (单位车 is a 公车) and the phrase as written is no word.
_POSSESSIVE = re.compile(r"(?<=[\u4e00-\u9fff])的(?=[\u4e00-\u9fff])")


def _join_possessive(text: str, known: Container[str]) -> str:
    for match in reversed(list(_POSSESSIVE.finditer(text))):
        at = match.start()
        for left in (2, 1):
            owner = text[max(at - left, 0) : at]
            joined = next((owner + text[at + 1 : at + 1 + right] for right in (2, 1) if owner + text[at + 1 : at + 1 + right] in known), None)
            if len(owner) == left and joined is not None and owner + "的" + joined[left:] not in known:
                text = text[:at] + text[at + 1 :]
                break
    return text


# Words of chat that place a question in time or among people and places but never name its topic:
# when, who, where (今年, 明天, 每月; 俺们, 人家; 这儿, 那边).
CHAT_WORDS = frozenset(
    "今年 去年 明年 前年 后年 今天 明天 昨天 后天 前天 今晚 明晚 昨晚 今早 明早 每天 每月 每年 每周 天天 最近 现在 "
    "以前 以后 当时 平时 平常 上周 下周 本周 这周 这个月 上个月 下个月 月底 年底 年初 月初 刚才 马上 "
    "这儿 这边 那边 那儿 这里 那里 这块 这头 那头 咱这 俺这 "
    "俺 俺们 咱俩 我俩 他俩 人家 本人 大伙 大伙儿 大家伙".split()
)


# The modal verbs of a yes/no question (A-not-A already folded: 能不能 → 能): the words after the last one,
# up to the end of its clause, are what the question asks about.
_MODALS = frozenset("能 可以 能否 可否 要 准 许 允许 应该 需要 该".split())
_CLAUSE_BREAK = re.compile(r"^[\s，,。.！!？?；;、]+$")


def _join_counted_goods(tokens: list[str], known: Container[str]) -> list[str]:
    joined: list[str] = []
    skip = False
    for n, token in enumerate(tokens):
        if skip:
            skip = False
            continue
        counted = _COUNTED_CONTAINER.match(token)
        if counted and n + 1 < len(tokens) and (goods := counted.group(1) + tokens[n + 1]) in known:
            joined.append(goods)
            skip = True
        else:
            joined.append(token)
    return joined


def _asked_positions(tokens: Sequence[str]) -> set[int]:
    last = max((n for n, t in enumerate(tokens) if t in _MODALS), default=None)
    if last is None:
        return set()
    asked = set()
    for n in range(last + 1, len(tokens)):
        if _CLAUSE_BREAK.match(tokens[n]):
            break
        asked.add(n)
    return asked


# Asked words that are a verb's complement or a question (回去, 出面, 办完, 咋办) do not name a topic.
_ASKING_CHARACTERS = frozenset("完掉咋啥怎哪几")


def _names_topic(word: str) -> bool:
    return len(word) >= ASKED_LENGTH and not any(c in _GRAMMAR_CHARACTERS or c in _ASKING_CHARACTERS for c in word)


class LexiconError(ValueError):
    """The synonym or stopword file cannot be used; the message (Chinese) names the line."""


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a key of the reading cache below
class Lexicon:
    """The editable word lists: synonym expansions, stopwords and words to keep whole."""

    expansions: dict[str, frozenset[str]]
    stopwords: frozenset[str]
    words: frozenset[str]  # added to the segmenter's dictionary
    # `*店 *馆 => 经商办企业`: a word of a kind, by its last characters (美容店, 烧烤店), when no line names it.
    endings: tuple[tuple[str, frozenset[str]], ...] = ()


def parse_lexicon(synonyms: str, stopwords: str) -> Lexicon:
    """Synonym lines: `a b c` (all equivalent) or `a b => c d` (a, b also mean c, d; not the reverse)."""
    expansions: dict[str, set[str]] = {}
    words: set[str] = set()
    endings: list[tuple[str, frozenset[str]]] = []
    for number, raw in enumerate(synonyms.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "=>" in line:
            left_text, right_text = line.split("=>", 1)
            left, right = _words(left_text), _words(right_text)
            if not left or not right:
                raise LexiconError(f"同义词表第{number}行：“=>”两边都要写词")
            kinds = [w for w in left if w.startswith("*")]
            if any(len(w) < 2 or "*" in w[1:] for w in kinds) or kinds and len(kinds) < len(left) or "*" in "".join(right):
                raise LexiconError(f"同义词表第{number}行：按词尾归类的写法是“*店 *馆 => 经商”，左边每个都以*开头")
            if kinds:
                endings.extend((w[1:], frozenset(right)) for w in kinds)
                words.update(right)
                continue
            for word in left:
                expansions.setdefault(word, set()).update(right)
            words.update(left, right)
        else:
            group = _words(line)
            for word in group:
                expansions.setdefault(word, set()).update(group)
            words.update(group)
    stop = {w for raw in stopwords.splitlines() for w in _words(raw.split("#", 1)[0])}
    return Lexicon(
        expansions={w: frozenset(e - {w}) for w, e in expansions.items()},
        stopwords=frozenset(stop),
        words=frozenset(words),
        endings=tuple(sorted(endings, key=lambda e: -len(e[0]))),
    )


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s/、，,]+", normalize(text).lower()) if w]


def load_lexicon(synonyms_path: Path | None = None, stopwords_path: Path | None = None) -> Lexicon:
    synonyms_path = synonyms_path or DEFAULT_SYNONYMS
    stopwords_path = stopwords_path or DEFAULT_STOPWORDS
    return parse_lexicon(synonyms_path.read_text(encoding="utf-8"), stopwords_path.read_text(encoding="utf-8"))


def _quiet_libraries() -> None:
    # bm25s announces its indexing on stderr with its own DEBUG handler; the bot's output is for people.
    logging.getLogger("bm25s").setLevel(logging.WARNING)


# A segmenter is shared by every analyzer of the same word list while any of them lives, and only the
# latest one is kept beyond that: a server whose synonym file is edited must not keep one per past
# version of it. (The dictionary itself is one trie per process, see segment.py.)
_SEGMENTER_LOCK = threading.Lock()
_LIVE_SEGMENTERS: weakref.WeakValueDictionary[frozenset[str], Segmenter] = weakref.WeakValueDictionary()


def _segmenter(words: frozenset[str]) -> Segmenter:
    with _SEGMENTER_LOCK:
        segmenter = _LIVE_SEGMENTERS.get(words)
        if segmenter is None:
            segmenter = _LIVE_SEGMENTERS[words] = _build_segmenter(words)
        return segmenter


@functools.lru_cache(maxsize=1)
def _build_segmenter(words: frozenset[str]) -> Segmenter:
    return Segmenter(words)


# A question told as a story (STORY_CHARS or more): the words of its last clauses, where the question is,
# count STORY_TAIL_BOOST times in the ranking; the story before them only sets the scene.
STORY_CHARS = 40
STORY_TAIL_BOOST = 1.5
_CLAUSE_BREAK = re.compile(r"[，,。.！!？?；;\s]+")


def story_tail(question: str) -> str:
    """The last clauses of a long question, at least 8 characters of them; "" for a short question."""
    if len(question) < STORY_CHARS:
        return ""
    clauses = [c for c in _CLAUSE_BREAK.split(question.strip()) if c]
    tail = ""
    while clauses and len(tail) < 8:
        tail = clauses.pop() + tail
    return tail if len(tail) < len(question) * 0.6 else ""


@dataclass(frozen=True)
class QueryWord:
    """One word of a question: what may stand for it in an article, and how much it says."""

    word: str
    alternatives: frozenset[str]  # the word, its parts (公务接待 → 公务, 接待) and their synonyms
    weight: float
    # The word itself and its synonyms, without its parts: an article with only a part of the word
    # (公务 for 公务员) covers it by PART_COVERAGE.
    whole: frozenset[str] = frozenset()
    # The word follows the question's modal verb (还能[提拔]不, 能不能[挂]在…): it names what is asked.
    asked: bool = False


# Where the dictionary's likelier cut is the wrong one: 手机关了 is 手机 + 关了, not 手 + 机关 (a government office).
_OVERLAP = re.compile(r"(?<=手机)(?=关(?!机))")


class Analyzer:
    """Text → search terms, the same way for articles and questions.

    Segmentation is jieba's without its HMM: the HMM guesses at words missing from the dictionary and
    often glues a verb to a modal (能报, 内要); without it such runs fall apart into single characters,
    which match more honestly.
    """

    def __init__(self, lexicon: Lexicon, single_char_weight: float = 0.5) -> None:
        self.lexicon = lexicon
        self.single_char_weight = single_char_weight
        self._tokenizer = _segmenter(lexicon.words)
        self._log_total = self._tokenizer.log_total

    def _keep(self, token: str) -> bool:
        return bool(token.strip()) and bool(_KEEP.search(token)) and token not in self.lexicon.stopwords

    def terms(self, text: str) -> list[str]:
        """Index terms: search-engine mode, so 公务接待 also yields 公务 and 接待."""
        folded = _OVERLAP.sub(" ", normalize(text).lower())
        return [t for t in self._tokenizer.lcut_for_search(folded) if self._keep(t)]

    def words(self, text: str) -> list[str]:
        """The words of the text as written (accurate mode, no parts), stopwords kept."""
        return [t for t in self._tokenizer.lcut(normalize(text).lower()) if t.strip()]

    def expand(self, term: str) -> frozenset[str]:
        named = self.lexicon.expansions.get(term)
        if named is not None:
            return named | {term}
        kind = next((to for ending, to in self.lexicon.endings if len(term) > len(ending) and term.endswith(ending)), frozenset())
        return kind | {term}

    def _join_split_verb(self, match: re.Match[str], known: Container[str]) -> str:
        joined = match.group(1) + match.group(2)
        whole = match.group(0)
        if joined in known and whole not in known:
            return joined
        return whole

    def _any_amount(self, match: re.Match[str], known: Container[str]) -> str:
        written = match.group(0)
        any_amount = match.group(1) + "几" + match.group(2)
        return any_amount if any_amount in known and written not in known else written

    def _verb_first(self, match: re.Match[str], known: Container[str]) -> str:
        written = match.group(0)
        usual = match.group(2) + match.group(1)
        # The object may end a word of its own (公事办完了 is 公事 + 办完, not 公 + 办事).
        before = match.string[max(match.start() - 1, 0) : match.start() + 1]
        if len(before) == 2 and self._tokenizer.freq(before):
            return written
        if usual in known and written not in known and not self._tokenizer.freq(written):
            return usual
        return written

    def query(self, question: str, known: Container[str] | None = None) -> list[QueryWord]:
        folded = _OVERLAP.sub(" ", _A_NOT_A.sub(r"\1", normalize(question).lower()))
        if known is not None:
            folded = _COUNTED_MEASURE.sub(lambda m: self._any_amount(m, known), folded)
            folded = _SPLIT_VERB.sub(lambda m: self._join_split_verb(m, known), folded)
            folded = _SPLIT_AMOUNT.sub(lambda m: self._join_split_verb(m, known), folded)
            folded = _OBJECT_FIRST.sub(lambda m: self._verb_first(m, known), folded)
            folded = _join_possessive(folded, known)
        tokens = self._tokenizer.lcut(folded)
        for n in range(1, len(tokens)):
            if len(tokens[n]) > 1 and tokens[n][0] in _MEASURES and _NUMBER.match(tokens[n - 1]):
                tokens[n] = tokens[n][1:]
        if known is not None:
            tokens = _join_counted_goods(tokens, known)
            tokens = [self._cut_glued_measure(t, known) for t in tokens]
        tokens = [_MEETING if t == "会" and n and tokens[n - 1].endswith(_MEETING_BEFORE) else t for n, t in enumerate(tokens)]
        asked = _asked_positions(tokens)
        words: dict[str, QueryWord] = {}
        for position, word in enumerate(tokens):
            if word in words or not self._keep(word) or _COUNTED.match(word):
                continue
            parts = {word} | {p for p in self._tokenizer.lcut_for_search(word) if len(p) > 1 and self._keep(p)}
            alternatives = frozenset().union(*(self.expand(p) for p in parts))
            words[word] = QueryWord(word, alternatives, self.informativeness(word), self.expand(word), position in asked)
        return list(words.values())

    def _cut_glued_measure(self, token: str, known: Container[str]) -> str:
        glued = _GLUED_MEASURE.match(token)
        if glued is None or len(token) == glued.end() or token in known:
            return token
        noun = token[glued.end() :]
        if self._tokenizer.freq(token) < GLUED_MEASURE_FREQUENCY and (noun in known or self._tokenizer.freq(noun)):
            return noun
        return token

    def informativeness(self, word: str) -> float:
        """How much a word says, from its frequency in general Chinese (jieba's dictionary).

        Measured against the language rather than the knowledge base, a question's weights do not
        shift when documents are added. Single characters are mostly ambiguous (开, 带, 发) and
        count for less.
        """
        frequency = self._tokenizer.freq(word) or 1
        weight = max(self._log_total - math.log(frequency), 0.0)
        return weight * (self.single_char_weight if len(word) == 1 else 1.0)


@dataclass(frozen=True)
class IndexedArticle:
    id: int
    title: str
    label: str
    section: str
    text: str

    @property
    def citation(self) -> str:
        return citation(self.title, self.label)


def _missing_weights(words: list[QueryWord], present: frozenset[str] | set[str], question: str, vocab: Mapping[str, int]) -> list[float]:
    """The weight of each word the article lacks; single characters the segmenter could not join into a
    word (戴工牌 → 戴, 工, 牌), that no article uses on its own and that stand side by side in the question
    count as one missing word: they are one thing asked, not three small ones."""
    weights: list[float] = []
    run: list[QueryWord] = []

    def flush() -> None:
        if len(run) > 1 and "".join(w.word for w in run) in question:
            weights.append(sum(w.weight for w in run))
        else:
            weights.extend(w.weight for w in run)
        run.clear()

    for word in words:
        if not word.alternatives.isdisjoint(present):
            flush()
        elif len(word.word) == 1 and word.whole.isdisjoint(vocab) and word.word not in _LIGHT_CHARACTERS:
            run.append(word)
        else:
            flush()
            weights.append(word.weight)
    flush()
    return weights


@dataclass(frozen=True)
class Hit:
    article: IndexedArticle
    score: float
    coverage: float  # 0..1, see the module docstring
    # The share of the question's weight in the heaviest of its words the article does not have (0 when
    # it has them all): a question whose main word the article never mentions is not answered by it.
    missing_main: float = 0.0
    # The question asks about something (the words after its modal verb, see QueryWord.asked) that
    # neither the base nor the synonym table ever mentions: 去年被约谈提醒 今年还能提拔不 is not answered
    # by the rule on 约谈提醒.
    misses_ask: bool = False
    # The share of the heaviest word the question asks about (after its modal verb) that the article does
    # not have: 公车里能[抽烟]不 shares 公车 and 司机 with the rule on drivers and asks about neither.
    missing_asked: float = 0.0
    # How alike the question is to a question known to be answered by this article (see alike.py).
    alike: float = 0.0


# Articles that define the terms or state the purpose of a document ("本办法所称公务接待，是指…",
# "前条所称礼金，包括…", "为规范…，制定本办法") share the words of many questions without answering
# them: `能收红包吗` must cite the article forbidding it before the one listing what 礼金 includes.
_DEFINITION = re.compile(
    r"^.{0,12}?(?:本(?:办法|规定|条例|制度|细则|清单|意见|准则|规则|方案)|前款|前条|本条|上述)所称"
    r"|^.{0,30}?(?:是指|系指)"
    r"|^为(?:了)?(?:规范|加强|进一步|推进|严格|做好|落实|贯彻|切实|深入|全面|保障|促进).{0,80}?(?:制定本|特制定|制定如下)"
    r"|^本(?:办法|规定|条例|制度|细则|清单|意见|准则|规则|方案)(?:适用于|由.{0,20}负责解释|自.{0,20}(?:起施行|施行))"
    r"|^[^，。；]{1,12}包括[^，。；]{0,30}[、，]",
    re.S,
)
# A question about what a word covers is answered by the definition: 微信红包算不算礼金, 什么是公务接待.
_ASKS_DEFINITION = re.compile(r"算不算|算是|是不是算|属不属于|属于|是什么|什么是|什么叫|啥是|啥叫|指什么|指的是|包括哪些|包括什么|包不包括|哪些算|算[^，。？?]{1,12}[吗么嘛]|算[^，。？?\s]{1,8}不\s*[?？]*\s*$")
# A definition article keeps this share of its score when the question does not ask for one.
DEFINITION_FACTOR = 0.5
# Each question word found anywhere in an article's document adds this much (in BM25 units, shared
# out by the words' weights): a question about 打印纸 拿回家 belongs with the office-supplies rules even
# when the article forbidding taking things home does not name the paper.
DOCUMENT_CONTEXT = 3.0
# A question word found in an article only through a part of it (公务 for 公务员, 办公 for 办公室) covers
# this share of its weight: the article may be about something else that shares the part.
PART_COVERAGE = 0.8
# The same for ranking: a word matched only through a part of it (请吃饭 through 吃饭 → 伙食) scores this
# share of what the part itself would, so an article with the whole word or its synonym comes first.
PART_SCORE = 0.8
# Articles that say what happens to whoever breaks the rules ("违反本规定的，视情节给予…", "…由社区约谈责任网格员")
# answer a question about consequences (被查出来会怎么处理, 会咋样, 给啥处分) better than the rule broken,
# which shares the question's topic words: such articles get PENALTY_FACTOR of their score when the
# question asks what happens, as definitions lose half of theirs when it does not ask what a word means.
_PENALTY = re.compile(
    r"违反本(?:办法|规定|条例|制度|细则|清单|意见|准则|规则|方案)"
    r"|给予|追究|责令|移交|约谈|处分|处罚|通报批评"
)
_ASKS_CONSEQUENCE = re.compile(
    r"会(?:被)?(?:怎么|怎样|咋|啥|什么|有啥|有什么|受到|给)"
    r"|(?:给|受|挨)(?:个|了)?(?:啥|什么|怎样的)?(?:处理|处分|处罚)"
    r"|后果|追责|问责|处分|处罚"
    r"|被人?(?:查|发现|抓|拍|举报|通报|逮)"
)
PENALTY_FACTOR = 1.5
RESPELL = True
# Articles reordered by score and coverage together, and how much coverage counts in that order
# (score × (1 − COVERAGE_RANK + COVERAGE_RANK × coverage)).
RERANK_POOL = 10
COVERAGE_RANK = 0.3
# A question word found in at least GENERIC_SHARE of the base's documents covers GENERIC_COVERAGE of its
# weight (see search).
GENERIC_SHARE = 0.75
GENERIC_COVERAGE = 0.0
# Only words of at least this many characters name what is asked (去, 拿, 搞 say too little).
ASKED_LENGTH = 2
# The share of its weight a grammar word keeps (segment.FUNCTION_TAGS: time words, pronouns, numerals…).
FUNCTION_WORD_WEIGHT = 0.6
# A question alike to one known to be answered by an article (alike.py) moves that article up the
# order: its rank score gains ALIKE_WEIGHT × likeness × the best rank score of the question.
ALIKE_WEIGHT = 0.8
# An article sharing no word with the question is still considered when the question is this alike to
# one of its known questions (面包车周末能借去拉家具不 after 周末搬家想借单位面包车拉家具): offered, never quoted.
ALIKE_FINDS = 0.5
# Coverage is at least this share of the likeness: a question put like a known one may be offered its
# article, or answered when the article also stands out by its own words.
ALIKE_COVERS = 0.5


def is_definition(article: IndexedArticle) -> bool:
    """Whether the article defines terms or states its document's purpose or scope rather than a rule."""
    return bool(_DEFINITION.search(normalize(article.text).strip()))


def asks_definition(question: str) -> bool:
    return bool(_ASKS_DEFINITION.search(normalize(question)))


def is_penalty(article: IndexedArticle) -> bool:
    """Whether the article says what happens to whoever breaks the rules (see _PENALTY)."""
    return bool(_PENALTY.search(normalize(article.text)))


def asks_consequence(question: str) -> bool:
    return bool(_ASKS_CONSEQUENCE.search(normalize(question)))


class RulesIndex:
    """An immutable BM25 index over a snapshot of the knowledge base."""

    def __init__(self, analyzer: Analyzer, articles: Sequence[IndexedArticle], tokens: Sequence[Sequence[str]],
                 questions: Sequence[KnownQuestion] = (), outcomes: Sequence[Outcome] = ()) -> None:
        self.analyzer = analyzer
        self.articles = tuple(articles)
        self._token_sets = tuple(frozenset(t) for t in tokens)
        self.definitions = tuple(is_definition(a) for a in self.articles)
        self.penalties = tuple(is_penalty(a) for a in self.articles)
        documents: dict[str, set[str]] = {}
        for article, terms in zip(self.articles, self._token_sets):
            documents.setdefault(article.title, set()).update(terms)
        titles = list(documents)
        # term → the documents using it, so the context of a question word is a few look-ups.
        self._term_documents: dict[str, list[int]] = {}
        for number, title in enumerate(titles):
            for term in documents[title]:
                self._term_documents.setdefault(term, []).append(number)
        self._document_count = len(titles)
        position = {t: n for n, t in enumerate(titles)}
        self._document_of = [position[a.title] for a in self.articles]
        self._bm25: bm25s.BM25 | None = None
        self._sounds: dict[str, str] | None = None  # built on the first question (see respell)
        if self.articles:
            import bm25s
            import numpy as np

            self._document_index = np.array(self._document_of, dtype=np.intp)
            self._definition_mask = np.array(self.definitions, dtype=bool)
            self._penalty_mask = np.array(self.penalties, dtype=bool)

            _quiet_libraries()
            self._bm25 = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
            # An article with no searchable word still needs a token for bm25s to index it.
            self._bm25.index([list(t) or ["\u0000"] for t in tokens], show_progress=False)
        self._article_of = {article_key(a.title, a.label): n for n, a in enumerate(self.articles)}
        self._vocab = frozenset(self._bm25.vocab_dict) if self._bm25 is not None else frozenset()
        self.known_questions = KnownQuestions(self._read_known, questions, self._article_of)
        self.doubts = self._doubt_model(outcomes)

    def _doubt_model(self, outcomes: Sequence[Outcome]) -> DoubtModel:
        return DoubtModel(outcomes, {article_key(a.title, a.label): a.text for a in self.articles})

    def _read_known(self, text: str) -> tuple[QueryWord, ...]:
        return _read_known_question(self.analyzer.lexicon, self._vocab, text)

    def knowing(self, questions: Sequence[KnownQuestion], outcomes: Sequence[Outcome] | None = None) -> RulesIndex:
        """The same index with other known questions, and other outcomes when given (a benchmark leaving a
        set's own questions out)."""
        other = copy.copy(self)
        other.known_questions = KnownQuestions(self._read_known, questions, self._article_of)
        if outcomes is not None:
            other.doubts = self._doubt_model(outcomes)
        return other

    def doubt(self, question: str, hits: Sequence[Hit]) -> float:
        """How likely the first hit does not answer the question, as learnt from questions asked before
        (outcomes.py); 0 without hits or without outcomes for this base."""
        if not hits or not self.doubts:
            return 0.0
        first = hits[0]
        second = max((h.score for h in hits[1:]), default=0.0)
        signals = match_signals(first.coverage, first.missing_main, first.missing_asked, first.alike,
                                second / first.score if first.score > 0 else 1.0)
        return self.doubts.doubt(question, article_key(first.article.title, first.article.label), signals)

    def __len__(self) -> int:
        return len(self.articles)

    def respell(self, question: str) -> str:
        """The question with pinyin slips put right: a run of characters the segmenter could only cut
        into single characters (no dictionary word) that sounds exactly like one word of the base or
        of the synonym table, and only like that one, is taken to be that word (收了宏包 → 收了红包)."""
        if not RESPELL:
            return question
        if self._sounds is None:
            known = set(self._bm25.vocab_dict) if self._bm25 is not None else set()
            self._sounds = _sound_map(known | set(self.analyzer.lexicon.expansions))
        if not self._sounds:
            return question
        tokens = self.analyzer._tokenizer.lcut(normalize(question).lower())
        out: list[str] = []
        run: list[str] = []

        def flush() -> None:
            i = 0
            while i < len(run):
                for size in range(min(MAX_RESPELL, len(run) - i), 1, -1):
                    window = "".join(run[i : i + size])
                    key = _pinyin(window)
                    word = self._sounds.get(key) if key is not None else None
                    if word is not None and self._slip(window, word):
                        out.append(word)
                        i += size
                        break
                else:
                    out.append(run[i])
                    i += 1
            run.clear()

        for token in tokens:
            if len(token) == 1 and _HAN_WORD.match(token):
                run.append(token)
            else:
                flush()
                out.append(token)
        flush()
        return "".join(out)

    def _slip(self, window: str, word: str) -> bool:
        # A slip keeps some of the word (宏包 for 红包) and is made of characters that mean nothing of
        # their own here: not grammar (发不发, 评一评) and not a word of the synonym table (家停 is 家 + 停).
        return (
            not set(window).isdisjoint(word)
            and not any(c in _GRAMMAR_CHARACTERS or c in self.analyzer.lexicon.expansions for c in window)
        )

    def search(self, question: str, top_k: int = 3) -> list[Hit]:
        if self._bm25 is None:
            return []
        import numpy as np

        vocab = self._bm25.vocab_dict
        words = self.analyzer.query(self.respell(question), _Known(vocab, self.analyzer.lexicon.expansions))
        total = sum(w.weight for w in words)
        scores = np.zeros(len(self.articles), dtype=np.float32)
        tail = story_tail(question)
        for word in words:
            best = self._word_scores(word, vocab)
            if best is not None:
                scores += best * (STORY_TAIL_BOOST if tail and word.word in tail else 1.0)
        if total:
            context = np.zeros(self._document_count, dtype=np.float32)
            for word in words:
                using = self._documents_using(word.alternatives)
                if using:
                    context[list(using)] += word.weight
            # Only articles that match something themselves: the context orders, it does not find.
            scores += DOCUMENT_CONTEXT / total * context[self._document_index] * (scores > 0)
        if not asks_definition(question):
            scores[self._definition_mask] *= DEFINITION_FACTOR
        if asks_consequence(question):
            scores[self._penalty_mask] *= PENALTY_FACTOR
        alike = self.known_questions.likeness(words)
        # The best RERANK_POOL articles by score are reordered by score and coverage together: BM25 rewards
        # an article for repeating one rare word, coverage for having more of the question.
        pool = min(max(top_k, RERANK_POOL), len(scores))
        order = np.argpartition(-scores, pool - 1)[:pool]
        order = order[np.argsort(-scores[order], kind="stable")]
        found_alike = [n for n, value in alike.items() if value >= ALIKE_FINDS and scores[n] <= 0]
        order = [n for n in order if scores[n] > 0]
        # Words that nearly every document of the base uses (街道, 社区, 干部 in titles) say nothing about
        # which rule answers: they count for GENERIC_COVERAGE of their weight in coverage.
        generic = {
            w.word for w in words
            if self._document_count >= 4
            and len({d for a in w.alternatives for d in self._term_documents.get(a, ())}) >= GENERIC_SHARE * self._document_count
        }
        # The share of the heaviest missing word is taken of the words that can carry a topic: 今年, 这儿 and
        # 俺们 dilute 低保 in 今年咱们这儿低保标准每人每月是多少钱 without saying what the question is about.
        topical = total - sum(w.weight for w in words if w.word in CHAT_WORDS)
        # Only a question about something the base and the synonym table never mention (提拔): when any
        # asked word, even a single character, is known to either (收钱, 娃, 买), the rule may answer it in
        # its own words. Known as a whole word or a synonym, not through a part: 公务员 is not 公务.
        expansions = self.analyzer.lexicon.expansions
        asked = [w for w in words if w.asked and w.word not in generic]
        if not any(_names_topic(w.word) for w in asked) or any(
            a in vocab or a in expansions for w in asked for a in w.whole
        ):
            asked = []
        hits = []
        for index in [*order, *found_alike]:
            present = self._token_sets[index]
            matched = sum(
                (w.weight if not w.whole.isdisjoint(present) else PART_COVERAGE * w.weight if not w.alternatives.isdisjoint(present) else 0.0)
                * (GENERIC_COVERAGE if w.word in generic else 1.0)
                for w in words
            )
            missing = max(_missing_weights(words, present, question, vocab), default=0.0) / topical if topical else 0.0
            missing_asked = max(
                (w.weight for w in words if w.asked and _names_topic(w.word) and w.word not in generic and w.alternatives.isdisjoint(present)),
                default=0.0,
            ) / topical if topical else 0.0
            likeness = alike.get(int(index), 0.0)
            coverage = max(matched / total if total else 0.0, ALIKE_COVERS * likeness)
            hits.append(Hit(self.articles[index], float(scores[index]), coverage, missing, bool(asked), missing_asked, likeness))
        if asks_consequence(question):
            hits = _penalties_as_their_documents(hits)

        def rank(hit: Hit) -> float:
            return hit.score * ((1 - COVERAGE_RANK) + COVERAGE_RANK * hit.coverage)

        best = max((rank(h) for h in hits), default=0.0)
        hits.sort(key=lambda h: -(rank(h) + ALIKE_WEIGHT * best * h.alike))
        return hits[:top_k]

    def _documents_using(self, terms: Iterable[str]) -> set[int]:
        return {d for t in terms for d in self._term_documents.get(t, ())}

    def _word_scores(self, word: QueryWord, vocab: dict[str, int]) -> np.ndarray | None:
        """Each article's BM25 for one question word: the word or its synonyms in full, or a part of it
        (吃饭 of 请吃饭, or the part's synonym 伙食) at PART_SCORE, and never above PART_SCORE of the best
        full match: a rare part must not outscore the article that has the whole word."""
        import numpy as np

        whole = self._best_scores(word.whole, vocab)
        parts = self._best_scores(word.alternatives - word.whole, vocab)
        if parts is None:
            return whole
        parts *= PART_SCORE
        if whole is None:
            return parts
        np.minimum(parts, PART_SCORE * whole.max(), out=parts)
        return np.maximum(whole, parts, out=whole)

    def _best_scores(self, terms: Iterable[str], vocab: dict[str, int]) -> np.ndarray | None:
        # A word counts once however many of its synonyms an article uses (Lucene's dis_max):
        # otherwise an article that says 礼品、纪念品、土特产 outranks the one that answers.
        import numpy as np

        ids = [vocab[t] for t in terms if t in vocab]
        if not ids:
            return None
        best = self._bm25.get_scores_from_ids([ids[0]])
        for other in ids[1:]:
            np.maximum(best, self._bm25.get_scores_from_ids([other]), out=best)
        return best


def _penalties_as_their_documents(hits: list[Hit]) -> list[Hit]:
    """Asked what happens (收了红包被查出来 给个啥处理), a penalty article covers the question as well as the
    best article of its own document does: it never repeats the act it punishes, and what it lacks
    besides (查出来, 被发现) is the asking itself, which it answers."""
    covered: dict[str, float] = {}
    for hit in hits:
        covered[hit.article.title] = max(covered.get(hit.article.title, 0.0), hit.coverage)
    return [replace(h, coverage=covered[h.article.title], missing_main=0.0) if is_penalty(h.article) else h for h in hits]


# Known questions as read against a base's words: every index of the same word lists and base (one per
# database, one per test) reads each question once per process, and an index rebuilt after a cadre's pick
# reads only the new question. Bounded: a few thousand questions of a few words each.
KNOWN_READ_CACHE = 8192


@functools.lru_cache(maxsize=KNOWN_READ_CACHE)
def _read_known_question(lexicon: Lexicon, vocab: frozenset[str], text: str) -> tuple[QueryWord, ...]:
    return tuple(_analyzer_for(lexicon).query(text, _Known(vocab, lexicon.expansions)))


@functools.lru_cache(maxsize=2)
def _analyzer_for(lexicon: Lexicon) -> Analyzer:
    return Analyzer(lexicon)


class _Known:
    """The base's words and the synonym table's, as one container."""

    def __init__(self, *parts: Container[str]) -> None:
        self._parts = parts

    def __contains__(self, word: object) -> bool:
        return any(word in part for part in self._parts)


@functools.lru_cache(maxsize=1)
def _character_sounds() -> dict[str, str]:
    """Each common character's usual syllable, without tone (红 → hong): read once from pypinyin's
    table, which is then let go (its module holds some 50 MB; this table a few)."""
    try:
        from pypinyin.pinyin_dict import pinyin_dict
    except ImportError:  # pragma: no cover - pypinyin is a dependency; without it nothing is respelled
        return {}
    sounds = {}
    for code, readings in pinyin_dict.items():
        if 0x4E00 <= code <= 0x9FFF:
            first = unicodedata.normalize("NFD", readings.split(",", 1)[0])
            sounds[chr(code)] = "".join(c for c in first if not unicodedata.combining(c))
    del pinyin_dict
    for name in [m for m in sys.modules if m == "pypinyin" or m.startswith("pypinyin.")]:
        del sys.modules[name]
    gc.collect()
    _release_freed_memory()
    return sounds


def _pinyin(text: str) -> str | None:
    """The syllables of a run of characters without tones (红包 → "hong bao"): a pinyin keyboard is typed
    without them, and a slip picks another character of the same syllable (会家 for 回家)."""
    sounds = _character_sounds()
    found = [sounds.get(c) for c in text]
    return None if not found or None in found else " ".join(found)  # type: ignore[arg-type]


def _sound_map(words: Iterable[str]) -> dict[str, str]:
    """Toneless pinyin → the one word of `words` that sounds so (words sharing a sound are left out)."""
    found: dict[str, str | None] = {}
    for word in words:
        if 2 <= len(word) <= MAX_RESPELL and _HAN_WORD.match(word):
            key = _pinyin(word)
            if key is not None:
                found[key] = word if found.get(key, word) == word else None
    return {k: w for k, w in found.items() if w is not None}


def article_terms(analyzer: Analyzer, article: IndexedArticle) -> list[str]:
    # The title and section are searched with the article: "公务用车" in a document's title
    # makes its short articles findable by that word.
    return analyzer.terms(f"{article.title}\n{article.section}\n{article.text}")


class IndexCache:
    """One process's index, rebuilt when the database revision or the word lists change.

    Several processes (the server, the CLI) share a database; each compares the stored revision
    counter with the one its index was built from on every question, which costs one small query.
    Terms of unchanged articles are kept between rebuilds, so importing one document re-segments
    only that document.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._index: RulesIndex | None = None
        self._terms: dict[tuple[int, int], list[str]] = {}
        self._terms_lexicon: Lexicon | None = None

    def get(self, key: tuple, lexicon: Lexicon, load: Callable[[], list[IndexedArticle]],
            load_questions: Callable[[], list[KnownQuestion]] = list,
            load_outcomes: Callable[[], Sequence[Outcome]] = tuple) -> RulesIndex:
        with self._lock:
            if self._index is not None and self._key == key and self._index.analyzer.lexicon is lexicon:
                return self._index
            analyzer = Analyzer(lexicon)
            if self._terms_lexicon is not lexicon:
                self._terms = {}
                self._terms_lexicon = lexicon
            articles = load()
            keys = [(a.id, hash((a.title, a.section, a.text))) for a in articles]
            self._terms = {k: self._terms.get(k) or article_terms(analyzer, a) for k, a in zip(keys, articles)}
            self._index = RulesIndex(analyzer, articles, [self._terms[k] for k in keys], load_questions(), load_outcomes())
            self._key = key
            return self._index


def build_index(articles: Iterable[IndexedArticle], lexicon: Lexicon, questions: Sequence[KnownQuestion] = (),
                outcomes: Sequence[Outcome] = ()) -> RulesIndex:
    """An index without a database (benchmarks, tests of ranking)."""
    analyzer = Analyzer(lexicon)
    items = list(articles)
    return RulesIndex(analyzer, items, [article_terms(analyzer, a) for a in items], questions, outcomes)
