"""Channels are adapters: they turn their input into Incoming messages and deliver outbox rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from bot.models import OutboundMessage, Person


@dataclass(frozen=True)
class SendResult:
    ok: bool
    external_id: str | None = None
    error: str | None = None
    # False for errors that will not heal by trying again (bad recipient, content too long).
    retryable: bool = False
    # The call ended without an answer (a timeout, a broken connection): the message may have gone out,
    # so a retry must carry the duplicate check.
    maybe_sent: bool = False


class Channel(Protocol):
    name: str
    # An immediate channel's delivery cannot fail (it prints or stores locally), so its rows are
    # written as sent in the same transaction and emitted after the commit.
    immediate: bool

    def address_for(self, session: Session, person: Person) -> str | None:
        """This person's address on the channel, or None when they cannot be reached here."""

    async def send(self, message: OutboundMessage) -> SendResult:
        """Deliver one outbox row (not called for immediate channels)."""

    def emit(self, message: OutboundMessage) -> None:
        """Show an immediate row after its transaction committed (immediate channels only)."""
