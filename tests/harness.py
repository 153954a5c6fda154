"""A test bot in the spirit of Errbot's testbot: send a message as a person, read what the bot said.

It drives the same App.handle() path as every channel, on a real database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.app import ERROR_REPLY, App
from bot.message import Incoming, Kind, Location
from bot.models import OutboundMessage, Person
from bot.text import MAX_REPLY_CHARS


@dataclass
class Said:
    """What one message produced: replies to the sender, and everything else the bot recorded."""

    rows: list[OutboundMessage]
    sender_target: str

    @property
    def text(self) -> str:
        return "\n".join(self.replies)

    @property
    def replies(self) -> list[str]:
        return [r.text for r in self.rows if r.target == self.sender_target and r.group_id is None]

    def to_person(self, person_id: int) -> list[str]:
        return [r.text for r in self.rows if r.person_id == person_id and r.target != self.sender_target]

    def __contains__(self, fragment: str) -> bool:
        return fragment in self.text


class TestBot:
    __test__ = False  # not a test class for pytest

    def __init__(self, app: App, channel: str = "console") -> None:
        self.app = app
        self.channel = channel
        self._counter = 0

    def person(self, who: int | str | Person) -> Person:
        if isinstance(who, Person):
            return who
        with self.app.sessions() as session:
            if isinstance(who, int) or str(who).isdigit():
                found = session.get(Person, int(who))
            else:
                found = session.scalars(select(Person).where(Person.name == who)).one_or_none()
            if found is None:
                raise LookupError(f"no such person in the test roster: {who}")
            return found

    def send(
        self,
        who: int | str | Person,
        text: str = "",
        *,
        kind: Kind = Kind.text,
        chat_id: str | None = None,
        location: Location | None = None,
        event: str | None = None,
        event_key: str | None = None,
        event_data: dict[str, Any] | None = None,
        attachments: tuple = (),
        sender: str | None = None,
        expect_error: bool = False,
    ) -> Said:
        """Send as a roster person (or, with `sender`, as an unknown console id)."""
        self._counter += 1
        sender_id = sender if sender is not None else str(self.person(who).id)
        message = Incoming(
            channel=self.channel,
            sender=sender_id,
            timestamp=self.app.clock.now(),
            text=text,
            kind=kind,
            chat_id=chat_id,
            message_id=f"test-{self._counter}",
            location=location,
            event=event,
            event_key=event_key,
            event_data=event_data or {},
            attachments=attachments,
        )
        rows = self.app.handle(message)
        # Every reply and notice must fit a phone screen, whoever it goes to.
        for row in rows:
            assert len(row.text) <= MAX_REPLY_CHARS, (
                f"{text!r} from {sender_id} produced a {len(row.text)}-character message "
                f"(limit {MAX_REPLY_CHARS}) to {row.target}: {row.text[:80]!r}…"
            )
        if not expect_error:
            # A handler that crashed answers ERROR_REPLY; no test may pass over a crash unnoticed.
            crashed = [r.text for r in rows if r.text == ERROR_REPLY]
            assert not crashed, f"the handler failed on {text!r} (see the log above)"
        return Said(rows, chat_id or sender_id)

    def outbox(self, **filters: Any) -> list[OutboundMessage]:
        with self.app.sessions() as session:
            query = select(OutboundMessage).order_by(OutboundMessage.id)
            for key, value in filters.items():
                query = query.where(getattr(OutboundMessage, key) == value)
            return list(session.scalars(query))
