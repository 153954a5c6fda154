"""The console channel: the terminal (`gridbot chat` / `gridbot say`) and the demo's groups.

Its address for a person is their roster id. Delivery is a print to whoever is attached, so it
cannot fail; rows to people who are not at this terminal are still recorded in the outbound log.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from bot.channels import SendResult
from bot.models import OutboundMessage, Person

Sink = Callable[[OutboundMessage], None]


class ConsoleChannel:
    name = "console"
    immediate = True

    def __init__(self) -> None:
        self._sinks: list[Sink] = []

    def attach(self, sink: Sink) -> None:
        self._sinks.append(sink)

    def address_for(self, session: Session, person: Person) -> str | None:
        return str(person.id)

    async def send(self, message: OutboundMessage) -> SendResult:
        self.emit(message)
        return SendResult(ok=True)

    def emit(self, message: OutboundMessage) -> None:
        for sink in list(self._sinks):
            sink(message)
