"""Declarative commands with Chinese aliases and role permissions, and the router that runs them.

A capability declares its commands as data (a tuple of Command in its handler module); the router
matches a normalised message against them, checks the sender's role, and calls the handler. Help
text is generated from the same table, so it lists only what the asking person may do.

A text message goes through one pipeline, in a fixed order (Router.dispatch):

0. the answer to a numbered choice the bot just offered (conversation state);
1. an explicit command word or form at the start (an alias, a pattern, a matcher) wins whatever
   the rest says; a command whose words are everyday words too has its reader confirm them;
2. each capability's reader proposes a Reading with a confidence: a sure one is acted on, unless
   another sure reading would store something else — then the person is asked;
3. question-like text goes to the command that answers questions;
4. small talk gets the small-talk command;
5. otherwise the likeliest tentative readings are offered as numbered choices, or, with none,
   the not-understood reply. Nothing is stored on a guess.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.conversation import Memory, who_for, who_of
from bot.guess import UNCLEAR, Guess, IntentGuesser
from bot.message import Incoming, Kind, Reply, ToAddress, ToPerson
from bot.models import Person, Role
from bot.text import normalize, simplified, syllables

Handler = Callable[["Context", "Match"], "Sequence[Reply] | Reply | str | None"]
Matcher = Callable[[str, Incoming], "dict[str, Any] | None"]
Reader = Callable[[str, "Context"], "Reading | None"]

# A reading this sure is acted on; one at least this likely is offered as a numbered choice.
SURE = 0.8
TENTATIVE = 0.4
# Two sure readings that would store different things closer than this: ask, never guess.
RIVAL_MARGIN = 0.1
# The phrasing model's guess (bot/guess.py) runs a command that only shows something when it is at
# least this probable, and offers a command that would store something as a numbered choice when it
# is at least GUESS_OFFER probable. Its probabilities are those of a model that has seen some 1,400
# messages: they order the commands well, and these floors are where its guesses were right nine
# times in ten on messages it had not read (bench/bench_understanding.py).
GUESS_SURE = 0.6
GUESS_OFFER = 0.5
# A reader's sure reading that would store something is asked about instead when the model is at
# least this sure the message is something else.
GUESS_VETO = 0.7
# Sure the message is of the ambiguous kind (bot.guess.UNCLEAR): a storing command it leans to this
# much is still worth offering as a choice.
UNCLEAR_LEANING = 0.02
# A reader's reading this sure (the answer to the bot's own question, a report word first) is not doubted.
UNDOUBTED = 0.95
# A reading that has all it would store but doubts only what the message is about (an amount and a day
# with an activity the reader does not know: 帮社区搞文明创建 大概4个钟头) is CONTEXT_DOUBT sure; the
# phrasing model settles that doubt when it is at least GUESS_CONFIRM sure of the same command. Readers
# give deliberate doubts (two amounts, which day, 3个点) less, and those are always asked.
CONTEXT_DOUBT = 0.6
GUESS_CONFIRM = 0.85
CHOICE_KEY = "core.choice"
# A matcher's group holding what follows a courtesy form of its command word (请问 …, 问一下 …).
COURTESY_KEY = "after_courtesy"
CHOICE_MINUTES = 15
MAX_CHOICES = 3

# Asking to be told it is all right, after saying what one did or means to do: "…带点小彩头 不算赌吧",
# "…捎点核桃木耳 应该没事吧" (a bare "行吧" / "好吧" is a courtesy, hence the length before it).
_SEEKS_ASSURANCE = r"(?:不算|不会|没事|没问题|没啥事|没啥问题|不要紧|不碍事|不违规|不违纪|不犯错|应该可以|应该行|可以|行)[^,，。.!！?？]{0,4}吧\s*[.。!！~～]*$"
# 啥/什么 asking "what", not "没啥" or "啥也没干成" (nothing at all).
# "没发现啥问题", "没出什么事": nothing found, not a question.
_NOTHING_FOUND = r"(?<!没)(?<!没发现)(?<!没看到)(?<!没看见)(?<!没遇到)(?<!没碰到)(?<!没出)(?<!没有)"
_NOT_NOTHING = r"(?![也都]\s*[没不]|事(?:儿)?(?:没有|也没|都没))"
ASKS_WHAT = rf"{_NOTHING_FOUND}啥{_NOT_NOTHING}|{_NOTHING_FOUND}什么{_NOT_NOTHING}"
# Question-like text (stage 3). Readers have had their say before, so "这个月还差多少" is the hours
# capability's; what is left and sounds like a question goes to the command that answers questions.
QUESTION = re.compile(
    r"[?]|吗|嘛|会[\u4e00-\u9fff]{1,4}不(?:啊|呀)|么\s*[.。!！~]*$|呢\s*[.。!！~]*$|不\s*[.。!！~]*$|没\s*[.。!！~]*$|中不中|行不行|能不能|可不可以|可以不|"
    r"要不要|算不算|是不是|有没有|会不会|该不该|用不用|(.)不\1|能否|可否|是否|怎么|咋|如何|怎样|为什么|为啥|"
    r"是.{0,8}还是|多久|多少|多长|(?<![好十这])(?:(?<!了)几|几(?![户家趟位处栋]))(?!乎)|(?<!知道)(?<!不知)(?<!晓得)(?:谁|哪)(?!也|都)|" + ASKS_WHAT + r"|真的假的|" + r"(?<=.{6})" + _SEEKS_ASSURANCE
)
# A reply that picks option n of a numbered choice: "2", "选2", "第二个", "2吧".
_PICK_NUMBER = r"^(?:我?选|选择|就|要)?\s*第?\s*(?P<n>[1-9一二三四五六七八九])(?:\s*(?:个|项|号|条|种))?"
_PICK = re.compile(_PICK_NUMBER + r"\s*(?:吧|呗|的|啊)?\s*[.。!！]*$")
# "1 时长", "第二个 匿名的": the number and a word of that option's line (never a unit: "2 小时" is an amount).
_PICK_NAMED = re.compile(_PICK_NUMBER + r"[\s,，:：、]+(?!小时|钟头|分钟|个钟|点)(?P<rest>\D{2,8})$")
# A command word typed in pinyin, alone or before the rest ("wo de shichang", "niming 随手拍 …"): four letters
# at least, so a quiz answer ("AC") or an "ok" is never one.
_PINYIN_FIRST = re.compile(r"^[A-Za-z](?:[A-Za-z]|\s(?=[A-Za-z])){3,30}(?=\s*(?:[^A-Za-z\s]|$))")
_SPACED_WORD = re.compile(r"^(?P<a>[\u4e00-\u9fff])\s+(?P<b>[\u4e00-\u9fff])")
# "就是登时长 今天下午巡逻的": a yes first, then the option's words and what it was.
_YES_LEAD = re.compile(r"^(?:就是|是的|对的|对|嗯|没错|是(?=服务|登|时长|随手拍|反映)|就(?=记|登|要|选))[\s,，]*")
_YES = re.compile(r"^(?:是|是的|对|对的|对对|嗯|嗯嗯|好|好的|行|可以|确认|没错|要|是这个)\s*[.。!！]*$")
_CN_DIGIT = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
# A no to a single option ("不是", "2" after "回复「1」即可"): nothing is done, and the person is told so.
_NO = re.compile(r"^(?:不是|不是的|不对|不用|不用了|不要|不|没有|没|算了|都不是|不是这个|不登|不登了|否)\s*[.。!！~～]*$")


# A second matter after the first (对了, 另外, 顺便问下): see Router._two_matters.
_SECOND_MATTER = re.compile(r"[\s,，。.;；!！~～]+(?:对了|另外|顺便(?:问(?:一)?下|问问|说一?下)?|还有(?:个事|一件事|个问题|一个问题)?|再问(?:一)?下)[\s,，:：]*")
_MENTION = re.compile(r"^@\S+\s+")
_MENTION_BETWEEN = re.compile(r"(?<=\s)@\S+\s+")
# A greeting in front of the real message ("你好，我想反映个问题…"): the commands read what follows.
_GREETING = re.compile(r"^(?:你好|您好|你好呀|在吗|老师好|领导好|各位领导好|各位好|大家好|早上好|上午好|下午好|晚上好|打扰了|打扰一下)[,，!！.。~\s]+(?=.{6})")


# A courtesy at the end of a message that says something else ("请发一下看板链接，谢谢。", "…特此确认。").
_THANKS_AFTER = re.compile(
    r"(?<=.{4})[,，。.!！?？~～\s]+(?:谢谢(?:您|你|啦|了|哈)?|多谢|感谢(?:各位)?(?:同事|领导)?|麻烦(?:您|你)?了|辛苦(?:您|你)?了|特此确认|请查收)[。.!！~～]*$"
)
# Emoji in front of a command word ("⏰定时任务", "❓帮助"): decoration, not part of the command.
_EMOJI_LEAD = re.compile(r"^[\U0001F000-\U0001FAFF\u2300-\u23FF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+\s*(?=\S)")


# A reply that quotes an earlier message first ("「今日微课：…」\n已阅", "回复 网格助手：已登记…\n写错了 是前天的"):
# the reply is what follows the quote.
_QUOTED = re.compile(r"^\s*(?:「[^」]{1,300}」\s*(?:[-—－]\s*){0,40}|回复\s*[^：:\n]{1,16}[:：][^\n]*\n)\s*(?=\S)")


def message_text(message: Incoming) -> str:
    """The text as commands see it: normalised, without a quoted earlier message, an @mention of the bot
    or a greeting in front, a thank-you after, or emoji in front."""
    text = _GREETING.sub("", _MENTION.sub("", normalize(simplified(_QUOTED.sub("", message.text, count=1))), count=1), count=1)
    text = _MENTION_BETWEEN.sub(" ", text)  # "王书记刚说不够20的要通报 @网格助手 俺现在多少了"
    return _EMOJI_LEAD.sub("", _THANKS_AFTER.sub("", text))


# A long run-on (voice input) is a question only if it ends like one: a question word in the middle of
# "…走了好多家具体多长时间也没顾上看" tells a story, it asks nothing.
LONG_TEXT = 30
_ENDS_ASKING = re.compile(r"(?:[?？]|吗|嘛|么|呢|不|没|没有|咋整|咋办|怎么办|怎么弄|行不|中不|可以不|能不能|对不对|真的假的)\s*[.。!！~～]*$|" + _SEEKS_ASSURANCE)


# Asking what the rules say, anywhere in a long message: "…重新填一遍表 有没有规定不让重复报".
_ASKS_WHAT_RULES_SAY = re.compile(r"有没有(?:规定|要求|说法|文件)|有(?:什么|啥)(?:规定|要求|说法)|规定(?:上)?(?:怎么说|咋说|允许不|让不让)")


def is_question(text: str) -> bool:
    if _ASKS_WHAT_RULES_SAY.search(text):
        return True
    if len(text) > LONG_TEXT and not _ENDS_ASKING.search(text[-8:]) and not re.search(r"[?？]", text):
        return False
    return QUESTION.search(text) is not None

EVERYONE: frozenset[Role] = frozenset(Role)
LEADERS: frozenset[Role] = frozenset({Role.leader, Role.admin})
ADMINS: frozenset[Role] = frozenset({Role.admin})


@dataclass(frozen=True)
class Match:
    """What matched: the alias used (if any), the text after it, and any named groups."""

    text: str
    alias: str = ""
    args: str = ""
    groups: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reading:
    """What a capability's reader makes of a message: how likely that reading is (0 to 1), and
    whether acting on it would store data. `groups` (JSON values only: they may wait in the
    database for the answer to a numbered choice) and `args` reach the handler in its Match;
    `label` says what choosing it would do ("登记今天服务 3 小时"), else the command's choice_label.
    `told`: the message tells something, and what looks like a question in it is a sigh ("咋又停水了"):
    it is not sent to the question answerer, the readings are offered instead."""

    confidence: float
    stores: bool = False
    groups: dict[str, Any] = field(default_factory=dict)
    args: str = ""
    label: str = ""
    told: bool = False


@dataclass(frozen=True)
class Choice:
    """One numbered option a handler offers (Context.offer): its line, and the command and groups
    that run when the person answers with its number. `text` is what that command reads (Match.text)."""

    label: str
    command: str
    groups: dict[str, Any] = field(default_factory=dict)
    text: str = ""


@dataclass(frozen=True)
class Observation:
    """What the router did with one message (for benchmarks and tests: Router.observer)."""

    stage: str  # choice, explicit, reading, question, small_talk, clarify, not_understood, unregistered, silent
    command: str | None = None
    groups: dict[str, Any] = field(default_factory=dict)
    refused: bool = False
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    summary: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    matcher: Matcher | None = None
    roles: frozenset[Role] = EVERYONE
    allow_unregistered: bool = False
    kinds: frozenset[Kind] = frozenset({Kind.text})
    events: tuple[str, ...] = ()
    priority: int = 0
    hidden: bool = False
    refusal: str = "抱歉，这项功能只对{roles}开放。"
    # How the message may be read without a command word (stage 2).
    reader: Reader | None = None
    # Its words are everyday words too ("服务", "登记"): an alias counts only when the reader
    # confirms it ("服务 3小时" yes, "服务对象请吃饭能去吗" no).
    words_need_reading: bool = False
    # The command that answers question-like text (stage 3): one per application.
    answers_questions: bool = False
    # The command that answers small talk (stage 4).
    small_talk: bool = False
    # Its line in a numbered choice ("登记服务时长"), and the words that pick it in the answer
    # ("登记时长" after "1 登记服务时长 2 提交随手拍"), a regular expression.
    choice_label: str = ""
    choice_words: str = ""
    # It only shows something (a menu, a total, today's lesson): the router may run it on the phrasing
    # model's guess alone when no word and no reader claimed the message.
    guessable: bool = False

    def words(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class Decline(Exception):
    """Raised by a handler that matched but is not meant for this message after all (e.g. a bare
    "A" when the person has no open quiz question): the router tries the next command."""


@dataclass
class Context:
    """What a handler may use: this message's transaction, who sent it, when, and the settings.

    Handlers never see which channel a message came from, nor the whole application.
    """

    session: Session
    message: Incoming
    person: Person | None
    now: datetime  # aware, in the street's time zone
    config: Any  # the validated configuration (bot.config.Config with the capabilities' sections)
    router: Router
    # The application, for the rare handler that starts work outside this message's transaction
    # (running a scheduled job now). Everything else is reachable through the fields above.
    runtime: Any = None

    _memory: Memory | None = field(default=None, repr=False)

    @property
    def memory(self) -> Memory:
        if self._memory is None:
            person_id = self.person.id if self.person is not None else None
            who = who_of(self.message.channel, self.message.sender, person_id)
            self._memory = Memory(self.session, who, self.now)
        return self._memory

    def remember(self, key: str, value: Any, minutes: float = 30, to: ToPerson | ToAddress | None = None) -> None:
        """Keep a JSON value for this conversation (or, with `to`, for the person a notice goes to)
        for some minutes: what the next message may answer. Written in this message's transaction."""
        self.memory.remember(key, value, minutes, who=who_for(to) if to is not None else None)

    def recall(self, key: str) -> Any | None:
        """What this conversation remembered under `key`, if it has not expired."""
        return self.memory.recall(key)

    def forget(self, key: str) -> None:
        self.memory.forget(key)

    def offer(self, choices: Sequence[Choice]) -> None:
        """Numbered options the reply lists ("1 … 2 … —— 回复数字即可"): the next message, a number,
        runs the chosen command with the choice's groups (the router's stage 0)."""
        text = self.message.text
        self.remember(
            CHOICE_KEY,
            {"options": [
                {"command": c.command, "text": c.text or text, "args": c.text or text, "groups": c.groups, "label": c.label}
                for c in choices
            ]},
            minutes=CHOICE_MINUTES,
        )

    def audit(self, action: str, entity: str, entity_id: object | None = None, detail: dict | None = None) -> None:
        from bot.audit import record

        record(self.session, self.person, action, entity, entity_id, detail, at=self.now)

    def help_for(self, prefix: str = "", topic: str = "") -> str:
        return self.router.help_text(self.person, prefix, topic)

    def settings(self, section: str) -> Any:
        """A capability's own configuration section, e.g. ctx.settings("hours")."""
        return getattr(self.config, section)


def _as_replies(result: Sequence[Reply | str] | Reply | str | None) -> list[Reply]:
    if result is None:
        return []
    if isinstance(result, str):
        return [Reply(result)]
    if isinstance(result, Reply):
        return [result]
    return [Reply(item) if isinstance(item, str) else item for item in result]


def _alias_match(text: str, alias: str) -> str | None:
    if not text.startswith(alias):
        return None
    rest = text[len(alias):]
    # "服务3小时" and "服务 3小时" both match; "服务器" does not match the alias "服务" only if the
    # command says so through a pattern, so aliases stay simple prefixes.
    return rest.lstrip(" :,，：")


@dataclass
class _Turn:
    """One message on its way through the stages."""

    addressed: bool
    readings: list[tuple[Command, Reading]] = field(default_factory=list)
    # The channel has its own word for strangers (e.g. how to bind a WeChat): small talk gives way to it.
    channel_hint: bool = False
    guesses: list[Guess] | None = None  # the phrasing model's, computed when a stage first needs them

    def stranger_with_own_hint(self, ctx: Context) -> bool:
        """A stranger on a channel with its own word for them (how to bind): neither small talk nor a
        guess answers them, the channel's hint does."""
        return ctx.person is None and self.channel_hint


class Router:
    def __init__(
        self,
        commands: Iterable[Command] = (),
        fallback_hint: str = "帮助",
        sections: Sequence[tuple[str, Sequence[Command]]] = (),
        registration_contact: str = "街道党政办",
        phrasings: Sequence[tuple[str, str]] = (),
    ) -> None:
        """`sections`: (heading in 帮助, that capability's commands), in the composition list's order;
        loose `commands` share one "其他" heading."""
        loose = tuple(commands)
        self.sections: tuple[tuple[str, tuple[Command, ...]], ...] = tuple((t, tuple(c)) for t, c in sections)
        self._title_of = {id(c): title for title, cs in self.sections for c in cs}
        everything = [c for _, cs in self.sections for c in cs] + list(loose)
        self.commands: tuple[Command, ...] = tuple(sorted(everything, key=lambda c: -c.priority))
        self._compiled = {id(c): tuple(re.compile(p) for p in c.patterns) for c in self.commands}
        self._aliases = sorted(
            ((alias, c) for c in self.commands if not c.hidden for alias in c.words()),
            key=lambda pair: -len(pair[0]),
        )
        # Command words by how they sound, for one typed with a homophone (时常统计, 随手排, 看版); built on first use.
        self._sounds: dict[tuple[str, ...], set[str]] | None = None
        self._command_of = {alias: c for alias, c in reversed(self._aliases)}
        self.fallback_hint = fallback_hint
        self.registration_contact = registration_contact
        self._by_name: dict[str, Command] = {}
        for command in self.commands:
            self._by_name.setdefault(command.name, command)
        self.guesser = IntentGuesser(phrasings)
        # Told what the router did with each message; for benchmarks and tests, never a global.
        self.observer: Callable[[Observation], None] | None = None

    def find(self, message: Incoming) -> tuple[Command, Match] | None:
        return next(self.candidates(message), None)

    def candidates(self, message: Incoming) -> Iterator[tuple[Command, Match]]:
        """Every command that matches, best first (by priority, then registration order)."""
        text = message_text(message)
        for command in self.commands:
            if message.kind not in command.kinds:
                continue
            if message.kind == Kind.event and command.events and message.event not in command.events:
                continue
            match = self._match(command, text, message)
            if match is not None:
                yield command, match

    def _match(self, command: Command, text: str, message: Incoming) -> Match | None:
        if message.kind == Kind.event and command.events:
            return Match(text=text, args=message.event_key or "")
        if message.kind not in (Kind.text,) and command.matcher is None and not command.patterns and not command.aliases:
            return Match(text=text)
        for alias in sorted(command.words(), key=len, reverse=True):
            rest = _alias_match(text, alias)
            if rest is not None:
                return Match(text=text, alias=alias, args=rest)
        for pattern in self._compiled[id(command)]:
            found = pattern.search(text)
            if found:
                return Match(text=text, groups={k: v for k, v in found.groupdict().items() if v is not None})
        if command.matcher is not None:
            groups = command.matcher(text, message)
            if groups is not None:
                return Match(text=text, groups=groups)
        return None

    def dispatch(self, ctx: Context, unregistered_hint: str | None = None, addressed: bool = True) -> list[Reply]:
        """The replies to one message. `addressed` is False for group-chat talk that does not
        @-mention the bot: then only an explicit command or a sure reading is answered."""
        hint = unregistered_hint or unregistered_text(self.registration_contact)
        if ctx.message.kind != Kind.text:
            return self._dispatch_other(ctx, hint, addressed)
        text = self._command_word_respelled(message_text(ctx.message), ctx.message)
        turn = _Turn(addressed, channel_hint=unregistered_hint is not None)
        # Group-chat talk not addressed to the bot is answered only for a command word at its start.
        stages = (self._pending_choice, self._explicit, self._two_matters, self._readings) if addressed else (self._explicit,)
        for stage in stages:
            replies = stage(ctx, text, hint, turn)
            if replies is not None:
                return replies
        if not addressed:
            self._observe("silent")
            return []
        for stage in (self._guessed, self._question, self._small_talk, self._clarify):
            replies = stage(ctx, text, hint, turn)
            if replies is not None:
                return replies
        if ctx.person is None:
            self._observe("unregistered")
            return [Reply(self._with_unregistered_menu(hint))]
        self._observe("not_understood")
        return [Reply(self.not_understood(ctx.person, ctx.message.text))]

    # --- the stages --------------------------------------------------------------------------

    def _pending_choice(self, ctx: Context, text: str, hint: str, turn: _Turn) -> list[Reply] | None:
        pending = ctx.recall(CHOICE_KEY)
        if not pending:
            return None
        # One answer only: whatever this message is, the question has been answered or dropped.
        ctx.forget(CHOICE_KEY)
        options = pending.get("options", [])
        option = _picked(text, options, self._by_name)
        if option is None:
            return self._not_picked(ctx, text, options)
        command = self._by_name.get(option["command"])
        if command is None:
            return None
        # The reply that picked it goes along: "匿名反映吧 别写我名" picks the report and asks for anonymity too.
        groups = {**option.get("groups", {}), "chosen": True, "reply": text}
        match = Match(text=option["text"], args=option.get("args", ""), groups=groups)
        return self._run(ctx, command, match, "choice", hint)

    def _explicit(self, ctx: Context, text: str, hint: str, turn: _Turn) -> list[Reply] | None:
        found = self._explicitly(text, ctx.message)
        # Equal priority: the longer command word wins ("答题排行" over "答题").
        found.sort(key=lambda item: (-item[1].priority, -len(item[2].alias), item[0]))
        for _, command, match in found:
            if match.groups.get(COURTESY_KEY):
                # "问一下 晚上值班超过12小时的咋登记": a courtesy, not a command word; what follows may be
                # something another command reads surely without storing anything (a how-to question).
                other = self._surely_other(ctx, match.groups[COURTESY_KEY], command)
                if other is not None:
                    return self._run(ctx, other[0], Match(text=text, args=other[1].args or text, groups=dict(other[1].groups)),
                                     "explicit", hint)
            if command.reader is not None:
                reading = command.reader(text, ctx)
                if reading is None and command.words_need_reading:
                    continue  # the word is not meant as this command here ("服务对象…吗")
                if reading is not None:
                    match = Match(text=text, alias=match.alias, args=match.args, groups={**match.groups, **reading.groups})
            replies = self._run(ctx, command, match, "explicit", hint)
            if replies is not None:
                return replies
        return None

    def _explicitly(self, text: str, message: Incoming) -> list[tuple[int, Command, Match]]:
        found = []
        for order, command in enumerate(self.commands):
            if Kind.text not in command.kinds:
                continue
            match = self._match(command, text, message)
            if match is not None:
                found.append((order, command, match))
        return found

    def _command_word_respelled(self, text: str, message: Incoming) -> str:
        """The text, or with a command word typed as a homophone at its start written right, when that makes a
        longer command word than any it starts with ("随手排 …", "时常统计", "反应统计" rather than 反应)."""
        respelled = self._respelled(text)
        if respelled is None:
            return text
        again = self._explicitly(respelled, message)
        before = max((len(m.alias) for _, _, m in self._explicitly(text, message)), default=0)
        return respelled if again and max(len(m.alias) for _, _, m in again) > before else text

    def _respelled(self, text: str) -> str | None:
        """The text with a command word typed as a homophone at its start written right ("时常统计" →
        "时长统计"), or typed in pinyin ("wode renwu", "niming 随手拍 …"); None when no single command word
        sounds like its start."""
        if self._sounds is None:
            self._sounds = {}
            for alias, _ in self._aliases:
                if len(alias) >= 2 and (sound := syllables(alias)):
                    self._sounds.setdefault(sound, set()).add(alias)
        typed = _PINYIN_FIRST.match(text)
        if typed is not None:
            said = typed.group(0).replace(" ", "").lower()
            words = {alias for sound, aliases in self._sounds.items() if "".join(sound) == said for alias in aliases}
            commands = {self._command_of[w].name for w in words}
            # (撤销 and 撤消 sound alike and are one command: either will do)
            return f"{min(words)} {text[typed.end():].strip()}".strip() if len(commands) == 1 else None
        spaced = _SPACED_WORD.match(text)
        if spaced is not None and spaced["a"] + spaced["b"] in self._command_of:
            return spaced["a"] + spaced["b"] + text[spaced.end():]  # "受 理#5": a space slipped into the word
        for length in sorted({len(a) for a, _ in self._aliases if len(a) >= 2}, reverse=True):
            head = text[:length]
            # Two characters sound like too many everyday words (联系 and 练习, 理想 and 立项): only said alone, or
            # before the number the command acts on ("消号 12 辛苦各位了").
            if len(head) < length or length == 2 and text.strip() != head and not re.match(r"\s*#?\s*\d", text[length:]):
                continue
            words = self._sounds.get(syllables(head), set())
            if len(words) == 1 and head not in words:
                return next(iter(words)) + text[length:]
        return None

    def _surely_other(self, ctx: Context, rest: str, command: Command) -> tuple[Command, Reading] | None:
        readings = [(c, r) for c, r in self._read(ctx, rest) if c is not command and self._eligible(ctx, c)]
        if readings and readings[0][1].confidence >= SURE and not readings[0][1].stores:
            return readings[0]
        return None

    def _two_matters(self, ctx: Context, text: str, hint: str, turn: _Turn) -> list[Reply] | None:
        """Something to store, then a question after 对了/另外/顺便问下 ("今早入户1.5h 对了随手拍能匿名不"): the first
        is done when it is sure on its own, then the question is answered as if sent next."""
        found = _SECOND_MATTER.search(text)
        if found is None or found.start() < 4 or len(text) - found.end() < 4:
            return None
        first, second = text[: found.start()], text[found.end():]
        if not is_question(second):
            return None
        firsts = self._read(ctx, first)
        if not firsts or firsts[0][1].confidence < SURE or not firsts[0][1].stores \
                or any(r.stores for _, r in firsts[1:]) or any(r.stores for _, r in self._read(ctx, second)):
            return None  # only one sure thing to store, and nothing to store in the question
        command, reading = firsts[0]
        match = Match(text=first, args=reading.args or first, groups=dict(reading.groups))
        done = self._run(ctx, command, match, "reading", hint)
        if done is None:
            return None
        later = _Turn(turn.addressed, channel_hint=turn.channel_hint)
        for stage in (self._explicit, self._readings, self._guessed, self._question, self._small_talk):
            answered = stage(ctx, second, hint, later)
            if answered is not None:
                done += answered
                break
        self._observe("two_matters", command, match)  # the message is taken for what it stored
        return done

    def _readings(self, ctx: Context, text: str, hint: str, turn: _Turn) -> list[Reply] | None:
        readings = self._read(ctx, text)
        turn.readings = readings  # the later stages offer the tentative ones
        sure = [(c, r) for c, r in readings if r.confidence >= SURE] or self._confirmed(ctx, text, turn, readings)
        if not sure:
            return None
        best = sure[0][1]
        rivals = [
            (c, r) for c, r in sure[1:]
            if r.stores and best.stores and best.confidence - r.confidence < RIVAL_MARGIN and self._eligible(ctx, c)
        ]
        if rivals and turn.addressed:
            return self._ask(ctx, text, [sure[0], *rivals])
        doubted = best.stores and best.confidence < UNDOUBTED and turn.addressed
        doubt = self._doubted(ctx, text, turn, sure[0][0]) if doubted else None
        if doubt is not None:
            return self._ask(ctx, text, [sure[0], *doubt])
        for command, reading in sure:
            if command.small_talk and turn.stranger_with_own_hint(ctx):
                continue
            match = Match(text=text, args=reading.args or text, groups=dict(reading.groups))
            replies = self._run(ctx, command, match, "reading", hint)
            if replies is not None:
                return replies
        return None

    def _confirmed(self, ctx: Context, text: str, turn: _Turn, readings: list[tuple[Command, Reading]]) -> list[tuple[Command, Reading]]:
        """The one likeliest reading, doubted only for its context, when the phrasing model is sure of it too
        (see CONTEXT_DOUBT); nothing otherwise."""
        if not readings or not turn.addressed:
            return []
        command, reading = readings[0]
        if not reading.stores or not CONTEXT_DOUBT <= reading.confidence < SURE:
            return []
        if any(r.stores and c is not command and r.confidence >= TENTATIVE for c, r in readings[1:]):
            return []  # another capability would store something else: ask
        guesses = self._guesses(turn, text)
        if not guesses or guesses[0].command != command.name or guesses[0].probability < GUESS_CONFIRM:
            return []
        return [(command, reading)]

    def _guessed(self, ctx: Context, text: str, hint: str, turn: _Turn) -> list[Reply] | None:
        """Nothing claimed the message: a command that only shows something, or the one that answers
        questions, runs when the phrasing model is sure of it (功能列表发一下 → 帮助, 大家都辛苦了 → 寒暄)."""
        if turn.stranger_with_own_hint(ctx):
            return None
        guesses = self._guesses(turn, text)
        if not guesses or guesses[0].probability < GUESS_SURE:
            return None
        command = self._by_name.get(guesses[0].command)
        if command is None or not (command.guessable or command.answers_questions) or not self._eligible(ctx, command):
            return None
        reading = next((r for c, r in turn.readings if c is command), None)
        groups = {**(reading.groups if reading is not None else {}), "guessed": True}
        if command.answers_questions:
            groups["question"] = text  # a question put without a question word (公车加油卡借给朋友 中不中)
        match = Match(text=text, args=reading.args if reading is not None else "", groups=groups)
        return self._run(ctx, command, match, "guess", hint)

    def _offered(self, ctx: Context, text: str, turn: _Turn) -> list[tuple[Command, Reading]]:
        """Commands that would store something and that the phrasing model finds likely: choices to
        offer, never to act on (路灯坏了好几天了 → 1 提交随手拍)."""
        offered = []
        guesses = self._guesses(turn, text)
        # Sure that the message is one of the ambiguous kind (a problem told without a report word, a
        # bare amount): the storing commands it leans to are worth offering, however faintly.
        floor = UNCLEAR_LEANING if guesses and guesses[0].command == UNCLEAR and guesses[0].probability >= GUESS_SURE else GUESS_OFFER
        for guess in guesses:
            command = self._by_name.get(guess.command)
            if (
                command is not None and guess.probability >= floor and command.choice_label
                and not command.guessable and not command.answers_questions and self._eligible(ctx, command)
            ):
                offered.append((command, Reading(guess.probability, stores=True, args=text)))
        return offered

    def _doubted(self, ctx: Context, text: str, turn: _Turn, command: Command) -> list[tuple[Command, Reading]] | None:
        """A reader is sure the message stores something, and the phrasing model is as sure that it
        is something else (a question about the rules, a complaint, nothing definite): the person is
        asked, with the other reading as a choice where there is one."""
        guesses = self._guesses(turn, text)
        if not guesses or guesses[0].probability < GUESS_VETO or guesses[0].command == command.name:
            return None
        other = self._by_name.get(guesses[0].command)
        if other is not None and self._title_of.get(id(other)) == self._title_of.get(id(command)):
            return None  # the same capability's other command (匿名反映 for 随手拍): its reader knows best
        if other is not None and other.small_talk:
            return None  # "已阅 收到": a courtesy around the thing itself, not another reading
        if other is None or not self._eligible(ctx, other):
            return []
        return [(other, Reading(guesses[0].probability, args=text))]

    def _guesses(self, turn: _Turn, text: str) -> list[Guess]:
        if turn.guesses is None:
            turn.guesses = self.guesser.guesses(text) if self.guesser else []
        return turn.guesses

    def _question(self, ctx: Context, text: str, hint: str, turn: _Turn) -> list[Reply] | None:
        if not is_question(text) or any(reading.told for _, reading in turn.readings):
            return None
        for command in self.commands:
            if command.answers_questions and self._eligible(ctx, command):
                match = Match(text=text, args=text, groups={"question": text})
                replies = self._run(ctx, command, match, "question", hint)
                if replies is not None:
                    return replies
        return None

    def _small_talk(self, ctx: Context, text: str, hint: str, turn: _Turn) -> list[Reply] | None:
        if turn.stranger_with_own_hint(ctx):
            return None
        for command, reading in turn.readings:
            if command.small_talk:
                match = Match(text=text, args=reading.args or text, groups=dict(reading.groups))
                replies = self._run(ctx, command, match, "small_talk", hint)
                if replies is not None:
                    return replies
        return None

    def _clarify(self, ctx: Context, text: str, hint: str, turn: _Turn) -> list[Reply] | None:
        options = [(c, r) for c, r in turn.readings if not c.small_talk and self._eligible(ctx, c)]
        options += [(c, r) for c, r in self._offered(ctx, text, turn) if all(c is not o for o, _ in options)]
        if not options:
            return None
        return self._ask(ctx, text, options)

    def _not_picked(self, ctx: Context, text: str, options: list[dict]) -> list[Reply] | None:
        """A number that is no option, or a no to the only one: said back, never passed on as a new message
        ("2" after "回复「1」即可" is no amount, "不是" no small talk)."""
        number = _PICK.match(text)
        beyond = number is not None and _choice_number(number["n"]) > len(options)
        if not options or not (beyond or (len(options) == 1 and _NO.match(text))):
            return None
        self._observe("clarify", options=())
        if len(options) == 1:
            return [Reply(f"好的，那就不{options[0]['label']}了。请换个说法告诉我要做什么，或发「{self.fallback_hint}」。")]
        ctx.remember(CHOICE_KEY, {"options": options}, minutes=CHOICE_MINUTES)  # still open: a number in range is taken
        return [Reply(f"没有第{_choice_number(number['n'])}项，请回复 1～{len(options)} 中的数字，或换个说法。")]

    # --- helpers -----------------------------------------------------------------------------

    def _read(self, ctx: Context, text: str) -> list[tuple[Command, Reading]]:
        """Every reader's reading of the message that is at least tentative, likeliest first
        (ties: the command's priority, then registration order)."""
        found: list[tuple[Command, Reading]] = []
        for command in self.commands:
            if command.reader is None or Kind.text not in command.kinds:
                continue
            reading = command.reader(text, ctx)
            if reading is not None and reading.confidence >= TENTATIVE:
                found.append((command, reading))
        found.sort(key=lambda pair: -pair[1].confidence)
        return found

    def _ask(self, ctx: Context, text: str, options: list[tuple[Command, Reading]]) -> list[Reply]:
        """A numbered choice between readings; the answer is understood next message (stage 0)."""
        chosen: list[tuple[Command, Reading]] = []
        for command, reading in options:
            if all(c is not command for c, _ in chosen):
                chosen.append((command, reading))
        chosen = chosen[:MAX_CHOICES]
        labels = [r.label or c.choice_label or c.summary or c.name for c, r in chosen]
        ctx.remember(
            CHOICE_KEY,
            {"options": [
                {"command": c.name, "text": text, "args": r.args or text, "groups": r.groups, "label": label}
                for (c, r), label in zip(chosen, labels)
            ]},
            minutes=CHOICE_MINUTES,
        )
        self._observe("clarify", options=tuple(c.name for c, _ in chosen))
        if len(chosen) == 1:
            return [Reply(f"您是想{labels[0]}吗？回复「1」即可；不是的话请换个说法，或发「{self.fallback_hint}」。")]
        lines = ["您是想："] + [f"{n} {label}" for n, label in enumerate(labels, start=1)]
        lines.append("—— 回复数字即可")
        return [Reply("\n".join(lines))]

    def _eligible(self, ctx: Context, command: Command) -> bool:
        if ctx.person is None:
            return command.allow_unregistered
        return Role(ctx.person.role) in command.roles

    def _run(self, ctx: Context, command: Command, match: Match, stage: str, hint: str) -> list[Reply] | None:
        """Run a command for this message: None when its handler declines it."""
        if ctx.person is None and not command.allow_unregistered:
            # The best reading needs registration: say so, do not guess another.
            self._observe(stage, command, match, refused=True)
            return [Reply(self._with_unregistered_menu(hint))]
        if ctx.person is not None and Role(ctx.person.role) not in command.roles:
            self._observe(stage, command, match, refused=True)
            labels = "、".join(r.label for r in Role if r in command.roles)
            return [Reply(command.refusal.format(roles=labels))]
        try:
            replies = _as_replies(command.handler(ctx, match))
        except Decline:
            return None
        self._observe(stage, command, match)
        return replies

    def _observe(self, stage: str, command: Command | None = None, match: Match | None = None,
                 refused: bool = False, options: tuple[str, ...] = ()) -> None:
        if self.observer is not None:
            groups = dict(match.groups) if match is not None else {}
            self.observer(Observation(stage, command.name if command else None, groups, refused, options))

    def stranger_text(self, opening: str = "您好，") -> str:
        """What a person not on the roster is told: how to be registered, and what works without it."""
        return self._with_unregistered_menu(unregistered_text(self.registration_contact, opening))

    def _with_unregistered_menu(self, hint: str) -> str:
        if self.allowed(None):
            # Some things need no registration (e.g. 随手拍): say so rather than turn people away.
            return hint + "\n不登记也可以：\n" + "\n".join(self._help_lines(None))
        return hint

    def _dispatch_other(self, ctx: Context, hint: str, addressed: bool) -> list[Reply]:
        """Events, photos, locations: the first command that takes that kind of message."""
        for command, match in self.candidates(ctx.message):
            replies = self._run(ctx, command, match, "explicit", hint)
            if replies is not None:
                return replies
        if ctx.person is None and addressed:
            return [Reply(self._with_unregistered_menu(hint))]
        return []

    def wants(self, message: Incoming) -> bool:
        """Whether some command matches this message by its words alone."""
        return self.find(message) is not None

    def allowed(self, person: Person | None) -> list[Command]:
        return [c for c in self.commands if not c.hidden and self._may_use(person, c)]

    @staticmethod
    def _may_use(person: Person | None, command: Command) -> bool:
        return command.allow_unregistered if person is None else Role(person.role) in command.roles

    def _help_lines(self, person: Person | None, commands: Iterable[Command] | None = None) -> list[str]:
        lines: list[str] = []
        seen: set[str] = set()
        for command in self.allowed(person) if commands is None else commands:
            if command.name in seen or not command.summary:
                continue
            seen.add(command.name)
            example = f"  例：{command.example}" if command.example else ""
            lines.append(f"· {command.summary}{example}")
        return lines

    def _sections(self, person: Person | None) -> dict[str, list[Command]]:
        """Heading → the commands this person may use under it, headings in registration order."""
        sections: dict[str, list[Command]] = {title: [] for title, _ in self.sections}
        for command in self.allowed(person):
            if command.summary:
                sections.setdefault(self._title_of.get(id(command), "其他"), []).append(command)
        return {title: commands for title, commands in sections.items() if commands}

    def help_text(self, person: Person | None, prefix: str = "", topic: str = "") -> str:
        """A phone-sized menu: one line per capability; `帮助 时长` gives that capability's details."""
        sections = self._sections(person)
        lines = [prefix] if prefix else []
        topic = topic.strip()
        if topic:
            for title, commands in sections.items():
                if topic in title or title in topic or any(c.name.startswith(topic) or topic.startswith(c.name) for c in commands):
                    return "\n".join([*lines, f"【{title}】", *self._help_lines(person, commands)])
            # A command kept out of the menu ("绑定") is still explained to whoever asks how to use it.
            unlisted = [c for c in self.commands if c.hidden and c.name == topic and self._may_use(person, c)]
            if unlisted:
                return "\n".join([*lines, *self._help_lines(person, unlisted)])
        lines.append("可以这样跟我说：")
        for title, commands in sections.items():
            names = "、".join(dict.fromkeys(_what_to_type(c) for c in commands))
            lines.append(f"【{title}】{names}")
        first = next(iter(sections), "")
        if first:
            lines.append(f"发「帮助 {first}」这样，看某一项的说明和例子。")
        return "\n".join(lines)

    def not_understood(self, person: Person, text: str) -> str:
        allowed = self.allowed(person)
        # Any alias may be the closest to what was typed; suggest the command's own word for it.
        words = {alias: _what_to_type(command) for alias, command in self._aliases if command in allowed}
        head = normalize(text)[:6]
        close = difflib.get_close_matches(head, list(words), n=1, cutoff=0.5)
        hint = f"您是想说「{words[close[0]]}」吗？" if close else ""
        return f"没看懂“{normalize(text)[:20]}”。{hint}发送「{self.fallback_hint}」查看能做什么。"


def _choice_number(raw: str) -> int:
    return int(raw) if raw.isdigit() else _CN_DIGIT[raw]


# "不用反映了", "别报上去": an option named to turn it down.
_NEGATED_BEFORE = re.compile(r"(?:不用|不要|别|不是|甭|无需|不必|没必要|(?<![要还])不)\s*$")


def _picked(text: str, options: list[dict], commands: dict[str, Command]) -> dict | None:
    """The option a reply picks: its number, a yes to a single option, or words only it answers to."""
    found = _PICK.match(text)
    if found:
        number = _choice_number(found["n"])
        return options[number - 1] if number <= len(options) else None
    if len(options) == 1 and _YES.match(text):
        return options[0]
    said = _PICK_NAMED.match(text)
    if said:
        # "1 时长", "第二个 匿名的": a number and a word of that option's line.
        number = _choice_number(said["n"])
        words = said["rest"].strip("的吧呗啊呀")
        if number <= len(options) and len(words) >= 2 and any(words[i:i + 2] in options[number - 1]["label"] for i in range(len(words) - 1)):
            return options[number - 1]
    said_of = {}
    for o in options:
        c = commands.get(o["command"])
        if c is not None and c.choice_words:
            mentions = [m.start() for m in re.finditer(c.choice_words, text)]
            if mentions:
                said_of[id(o)] = all(_NEGATED_BEFORE.search(text[max(at - 3, 0):at]) for at in mentions)
    fitting = [o for o in options if said_of.get(id(o)) is False]
    refused = any(said_of.values())
    # "登时长就行 不用反映了 已经清完了": one option taken, another turned down, whatever else is said.
    if len(fitting) == 1 and (len(text) <= 12 or (refused or _YES_LEAD.match(text)) and len(text) <= 30):
        return fitting[0]
    return None


def _what_to_type(command: Command) -> str:
    """The word a person types for this command: the start of its example, else its name."""
    return command.example.split()[0].split("#")[0] if command.example else command.name


def unregistered_text(contact: str, opening: str = "您好，") -> str:
    return f"{opening}您还不在本街道的花名册里，请联系{contact}登记姓名和手机号。"
