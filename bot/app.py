"""The application: one App holds the configuration, database, clock, router and outbound path,
built from the capabilities it is given (handlers/composition.py lists them).

Nothing here is global: the CLI, the server and every test build their own App.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.capability import Capability, check_unique, migration_folders
from bot.channels.console import ConsoleChannel
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.db import database_status, make_engine, make_sessionmaker, transaction, upgrade
from bot.guess import all_phrasings
from bot.message import Incoming, Reply
from bot.models import Identity, OutboundMessage, Person
from bot.outbound import Outbound
from bot.router import Command, Context, Router

log = logging.getLogger(__name__)

ERROR_REPLY = "抱歉，系统刚才出了点问题，这条消息没有处理成功，请稍后再发一次。"

SenderResolver = Callable[[Session, str], "Person | None"]
CommitWork = Callable[[Session], None]


class AlreadyHandled(Exception):
    """Raised inside a message's transaction when another process has handled that message already
    (e.g. two instances picking up the same pending callback): everything rolls back, nothing is said."""


@dataclass(frozen=True)
class SenderDirectory:
    """How one channel's sender ids map to roster people, and what an unknown sender is told."""

    resolve: SenderResolver
    unregistered_hint: str | None = None


def roster_id_sender(session: Session, sender: str) -> Person | None:
    return session.get(Person, int(sender)) if sender.isdigit() else None


def wecom_userid_sender(session: Session, userid: str) -> Person | None:
    return session.scalar(select(Person).where(Person.wecom_userid == userid))


def identity_sender(channel: str) -> SenderResolver:
    def resolve(session: Session, sender: str) -> Person | None:
        return session.scalar(
            select(Person)
            .join(Identity, Identity.person_id == Person.id)
            .where(Identity.channel == channel, Identity.external_id == sender)
        )

    return resolve


@dataclass
class App:
    config: Config
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    router: Router
    outbound: Outbound
    console: ConsoleChannel
    capabilities: tuple[Capability, ...] = ()
    # Hooks that run after a message's transaction committed (e.g. wake a delivery worker).
    after_commit: list[Callable[[list[OutboundMessage]], None]] = field(default_factory=list)
    # channel name → how its senders are found; a channel not listed uses the identities table.
    senders: dict[str, SenderDirectory] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        config: Config,
        capabilities: Sequence[Capability] = (),
        clock: Clock | None = None,
        engine: Engine | None = None,
        commands: Iterable[Command] | None = None,
    ) -> App:
        """`commands` replaces the capabilities' commands (a test of the router alone)."""
        check_unique(capabilities)
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
        contact = config.street.registration_contact
        if commands is None:
            router = Router(
                sections=[(c.title, c.commands) for c in capabilities],
                registration_contact=contact,
                phrasings=all_phrasings([c.phrasings for c in capabilities if c.phrasings is not None]),
            )
        else:
            router = Router(commands, registration_contact=contact)
        app = cls(config, engine, sessions, clock, router, outbound, console, tuple(capabilities))
        for capability in capabilities:
            outbound.renderers.update(capability.extras.get("outbox_renderers", {}))
        for channel in ROSTER_ID_CHANNELS:
            app.senders[channel] = SenderDirectory(roster_id_sender)
        for channel in WECOM_USERID_CHANNELS:
            app.senders[channel] = SenderDirectory(wecom_userid_sender)
        return app

    def migration_folders(self) -> list[Path]:
        return migration_folders(self.capabilities)

    def upgrade(self) -> None:
        """Create or upgrade the schema: the core's migrations and every capability's branch."""
        upgrade(self.engine, self.migration_folders())

    def database_status(self) -> str:
        return database_status(self.engine, self.migration_folders())

    def local_now(self) -> datetime:
        return self.clock.now().astimezone(self.config.tz)

    def register_senders(self, channel: str, resolve: SenderResolver, unregistered_hint: str | None = None) -> None:
        self.senders[channel] = SenderDirectory(resolve, unregistered_hint)

    def resolve_sender(self, session: Session, message: Incoming) -> Person | None:
        directory = self.senders.get(message.channel)
        resolve = directory.resolve if directory else identity_sender(message.channel)
        person = resolve(session, message.sender)
        return person if person is not None and person.active else None

    def handle(self, message: Incoming, on_commit: CommitWork | None = None) -> list[OutboundMessage]:
        """Run one message through the router and record every reply; return the outbox rows.

        The handler's changes and the replies that report them commit together: what the bot
        says it stored, it has stored. `on_commit` is the channel's own work in that same
        transaction (e.g. marking its inbox row done). A handler error rolls everything back and
        the sender is told that nothing was done.
        """
        # Group-chat talk not meant for the bot: answer only an @-mention, a command word or a sure reading.
        addressed = not message.chat_id or message.mentioned
        try:
            with transaction(self.sessions) as session:
                person = self.resolve_sender(session, message)
                directory = self.senders.get(message.channel)
                ctx = Context(session, message, person, self.local_now(), self.config, self.router, runtime=self)
                replies = self.router.dispatch(ctx, directory.unregistered_hint if directory else None, addressed=addressed)
                rows = self.outbound.enqueue(session, replies, message, person)
                if on_commit is not None:
                    on_commit(session)
        except AlreadyHandled:
            return []
        except Exception:
            log.exception("handler failed for a %s message", message.channel)
            try:
                with transaction(self.sessions) as session:
                    person = self.resolve_sender(session, message)
                    rows = self.outbound.enqueue(session, [Reply(ERROR_REPLY)], message, person)
                    if on_commit is not None:
                        on_commit(session)
            except AlreadyHandled:
                return []
        self._committed(rows)
        return rows

    def answer(self, message: Incoming, text: str) -> list[OutboundMessage]:
        """Answer a message outside the router (e.g. "only text, please"); still through the outbox."""
        with transaction(self.sessions) as session:
            rows = self.outbound.enqueue(session, [Reply(text)], message, self.resolve_sender(session, message))
        self._committed(rows)
        return rows

    def push(self, replies: Iterable[Reply]) -> list[OutboundMessage]:
        """Record replies that answer no message (scheduled pushes, notices); return the rows written."""
        with transaction(self.sessions) as session:
            rows = self.outbound.enqueue(session, list(replies))
        self._committed(rows)
        return rows

    def _committed(self, rows: list[OutboundMessage]) -> None:
        self.outbound.emit_immediate(rows)
        for hook in self.after_commit:
            hook(rows)


# Channels whose sender id is the roster id itself.
ROSTER_ID_CHANNELS = frozenset({"console", "web"})
# Channels whose sender id is the person's WeCom UserID (the self-built app and the AI bot).
WECOM_USERID_CHANNELS = frozenset({"wecom", "wecom_bot"})
