"""Short-lived conversation state: what the bot asked a person and expects back in the next message.

A numbered choice ("您是想：1 … 2 … —— 回复数字即可"), an hours entry just logged (so "改成2小时"
knows which), a closed ticket waiting for "满意", a lesson just shown. It lives in the database, not
in memory, so the answer is understood whichever instance handles it and after a restart; each
value expires after minutes, so an old question never captures a new message.

A conversation is a roster person (whatever channel they write from) or, for someone not on the
roster, their channel address. Keys are namespaced by whoever writes them ("hours.last").
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Index, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.db import Base, UtcDateTime
from bot.message import ToAddress, ToPerson

KEY_MAX = 60


class ConversationState(Base):
    __tablename__ = "conversation_state"
    __table_args__ = (Index("ix_conversation_state_expires_at", "expires_at"),)

    who: Mapped[str] = mapped_column(String(240), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


def who_of(channel: str, sender: str, person_id: int | None) -> str:
    """The conversation a message belongs to: the person if known, else the channel address."""
    return f"p{person_id}" if person_id is not None else f"a:{channel}:{sender}"


def who_for(recipient: ToPerson | ToAddress) -> str:
    if isinstance(recipient, ToPerson):
        return f"p{recipient.person_id}"
    return f"a:{recipient.channel}:{recipient.address}"


class Memory:
    """One conversation's state, read once per message and written through at once (same transaction)."""

    def __init__(self, session: Session, who: str, now: datetime) -> None:
        self.session = session
        self.who = who
        self.now = now
        self._values: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        if self._values is None:
            rows = self.session.execute(
                select(ConversationState.key, ConversationState.value).where(
                    ConversationState.who == self.who, ConversationState.expires_at > self.now
                )
            )
            self._values = {key: value for key, value in rows}
        return self._values

    def recall(self, key: str) -> Any | None:
        return self._load().get(key)

    def remember(self, key: str, value: Any, minutes: float, who: str | None = None) -> None:
        if len(key) > KEY_MAX:
            raise ValueError(f"state key too long: {key!r}")
        target = who or self.who
        expires = self.now + timedelta(minutes=minutes)
        # Expired rows of anyone go on the way: the table stays the size of what is pending now.
        self.session.execute(delete(ConversationState).where(ConversationState.expires_at <= self.now))
        row = self.session.get(ConversationState, (target, key))
        if row is None:
            self.session.add(ConversationState(who=target, key=key, value=value, expires_at=expires))
        else:
            row.value, row.expires_at = value, expires
        self.session.flush()
        if target == self.who:
            self._load()[key] = value

    def forget(self, key: str) -> None:
        values = self._load()
        if key in values:
            self.session.execute(
                delete(ConversationState).where(ConversationState.who == self.who, ConversationState.key == key)
            )
            del values[key]
