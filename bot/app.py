"""The composition root: one App holds the configuration, database, clock, router and outbound path.

Nothing here is global: the CLI, the server and every test build their own App.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.console import ConsoleChannel
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.db import make_engine, make_sessionmaker, transaction
from bot.message import Incoming, Reply
from bot.models import Identity, OutboundMessage, Person
from bot.outbound import Outbound
from bot.router import Command, Context, Router

log = logging.getLogger(__name__)

# Channels whose sender id is the roster id itself.
ROSTER_ID_CHANNELS = frozenset({"console", "web"})
# Channels whose sender id is the person's WeCom UserID (the self-built app and the AI bot).
WECOM_USERID_CHANNELS = frozenset({"wecom", "wecom_bot"})

ERROR_REPLY = "抱歉，系统刚才出了点问题，这条消息没有处理成功，请稍后再发一次。"


class AlreadyHandled(Exception):
    """Raised inside a message's transaction when another process has handled that message already
    (e.g. two instances picking up the same pending callback): everything rolls back, nothing is said."""


@dataclass
class App:
    config: Config
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    router: Router
    outbound: Outbound
    console: ConsoleChannel
    # Hooks that run after a message's transaction committed (e.g. wake a delivery worker).
    after_commit: list[Callable[[list[OutboundMessage]], None]] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        config: Config,
        clock: Clock | None = None,
        engine: Engine | None = None,
        commands: Iterable[Command] | None = None,
    ) -> App:
        from handlers import all_commands, help_titles

        clock = clock or SystemClock()
        engine = engine or make_engine(config.database.url, echo=config.database.echo)
        sessions = make_sessionmaker(engine)
        outbound = Outbound(sessions, clock)
        console = ConsoleChannel()
        outbound.register(console)
        if config.wecom_bot.enabled:
            # Registered in every process, so rows the CLI or a job writes for the AI bot wait as
            # pending; only `gridbot serve` connects (bot/channels/wecom_bot/plugin.py) and sends them.
            from bot.channels.wecom_bot.channel import WecomBotChannel

            outbound.register(WecomBotChannel(config.wecom_bot, clock), prefer=True)
        router = Router(all_commands() if commands is None else commands, help_titles=help_titles())
        return cls(config, engine, sessions, clock, router, outbound, console)

    def local_now(self) -> datetime:
        return self.clock.now().astimezone(self.config.tz)

    def resolve_sender(self, session: Session, message: Incoming) -> Person | None:
        if message.channel in ROSTER_ID_CHANNELS:
            person = session.get(Person, int(message.sender)) if message.sender.isdigit() else None
        elif message.channel in WECOM_USERID_CHANNELS:
            person = session.scalar(select(Person).where(Person.wecom_userid == message.sender))
        else:
            person = session.scalar(
                select(Person)
                .join(Identity, Identity.person_id == Person.id)
                .where(Identity.channel == message.channel, Identity.external_id == message.sender)
            )
        return person if person is not None and person.active else None

    def handle(self, message: Incoming) -> list[OutboundMessage]:
        """Run one message through the router and record every reply; return the outbox rows.

        The handler's changes and the replies that report them commit together: what the bot
        says it stored, it has stored. A handler error rolls everything back and the sender is
        told that nothing was done.
        """
        try:
            with transaction(self.sessions) as session:
                person = self.resolve_sender(session, message)
                ctx = Context(self, session, message, person, self.local_now())
                replies = self.router.dispatch(ctx)
                rows = self.outbound.enqueue(session, replies, message, person)
        except AlreadyHandled:
            return []
        except Exception:
            log.exception("handler failed for a %s message", message.channel)
            try:
                with transaction(self.sessions) as session:
                    person = self.resolve_sender(session, message)
                    rows = self.outbound.enqueue(session, [Reply(ERROR_REPLY)], message, person)
            except AlreadyHandled:
                return []
        self.outbound.emit_immediate(rows)
        for hook in self.after_commit:
            hook(rows)
        return rows

    def push(self, replies: Iterable[Reply]) -> list[OutboundMessage]:
        """Record replies that answer no message (scheduled pushes, notices); return the rows written."""
        with transaction(self.sessions) as session:
            rows = self.outbound.enqueue(session, list(replies))
        self.outbound.emit_immediate(rows)
        for hook in self.after_commit:
            hook(rows)
        return rows
