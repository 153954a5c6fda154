"""Declarative commands with Chinese aliases and role permissions, and the router that runs them.

A capability declares its commands as data (a tuple of Command in its handler module); the router
matches a normalised message against them, checks the sender's role, and calls the handler. Help
text is generated from the same table, so it lists only what the asking person may do.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.message import Incoming, Kind, Reply
from bot.models import Person, Role
from bot.text import normalize

Handler = Callable[["Context", "Match"], "Sequence[Reply] | Reply | str | None"]
Matcher = Callable[[str, Incoming], "dict[str, Any] | None"]

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

    def audit(self, action: str, entity: str, entity_id: object | None = None, detail: dict | None = None) -> None:
        from bot.audit import record

        record(self.session, self.person, action, entity, entity_id, detail, at=self.now)

    def help_for(self, prefix: str = "", topic: str = "") -> str:
        return self.router.help_text(self.person, prefix, topic)

    def settings(self, section: str) -> Any:
        """A capability's own configuration section, e.g. ctx.settings("hours")."""
        return getattr(self.config, section)


def _as_replies(result: Sequence[Reply] | Reply | str | None) -> list[Reply]:
    if result is None:
        return []
    if isinstance(result, str):
        return [Reply(result)]
    if isinstance(result, Reply):
        return [result]
    return list(result)


def _alias_match(text: str, alias: str) -> str | None:
    if not text.startswith(alias):
        return None
    rest = text[len(alias):]
    # "服务3小时" and "服务 3小时" both match; "服务器" does not match the alias "服务" only if the
    # command says so through a pattern, so aliases stay simple prefixes.
    return rest.lstrip(" :,，：")


class Router:
    def __init__(
        self,
        commands: Iterable[Command] = (),
        fallback_hint: str = "帮助",
        sections: Sequence[tuple[str, Sequence[Command]]] = (),
        registration_contact: str = "街道党政办",
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
        self.fallback_hint = fallback_hint
        self.registration_contact = registration_contact

    def find(self, message: Incoming) -> tuple[Command, Match] | None:
        return next(self.candidates(message), None)

    def candidates(self, message: Incoming) -> Iterator[tuple[Command, Match]]:
        """Every command that matches, best first (by priority, then registration order)."""
        text = normalize(message.text)
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

    def dispatch(self, ctx: Context, unregistered_hint: str | None = None) -> list[Reply]:
        found = self._first_taker(ctx, registered=ctx.person is not None)
        if ctx.person is None:
            if found is not None:
                return found
            text = unregistered_hint or unregistered_text(self.registration_contact)
            if self.allowed(None):
                # Some things need no registration (e.g. 随手拍): say so rather than turn people away.
                text += "\n不登记也可以：\n" + "\n".join(self._help_lines(None))
            return [Reply(text)]
        if found is None:
            if ctx.message.kind != Kind.text:
                return []
            return [Reply(self.not_understood(ctx.person, ctx.message.text))]
        return found

    def _first_taker(self, ctx: Context, registered: bool) -> list[Reply] | None:
        """The replies of the first matching command that does not decline; None when none takes it."""
        for command, match in self.candidates(ctx.message):
            if not registered:
                if not command.allow_unregistered:
                    return None  # the best reading needs registration: say so, do not guess another
            elif Role(ctx.person.role) not in command.roles:
                labels = "、".join(r.label for r in Role if r in command.roles)
                return [Reply(command.refusal.format(roles=labels))]
            try:
                return _as_replies(command.handler(ctx, match))
            except Decline:
                continue
        return None

    def wants(self, message: Incoming) -> bool:
        """Whether some command matches this message: in a group chat the bot answers only then,
        or when it is @-mentioned."""
        return self.find(message) is not None

    def allowed(self, person: Person | None) -> list[Command]:
        if person is None:
            return [c for c in self.commands if c.allow_unregistered and not c.hidden]
        role = Role(person.role)
        return [c for c in self.commands if role in c.roles and not c.hidden]

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


def _what_to_type(command: Command) -> str:
    """The word a person types for this command: the start of its example, else its name."""
    return command.example.split()[0].split("#")[0] if command.example else command.name


def unregistered_text(contact: str) -> str:
    return f"您好，您还不在本街道的花名册里，请联系{contact}登记姓名和手机号。"
