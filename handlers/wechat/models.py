from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UtcDateTime


class BindCode(Base):
    """A one-time code that links whoever sends it on `channel` to a person.

    Stored in plain text: a six-digit code has a million values, so a hash would not hide it
    from anyone who can read the table. What protects it is its short life, single use and the
    limit on wrong guesses per sender.
    """

    __tablename__ = "bind_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(6), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    used_by: Mapped[str | None] = mapped_column(String(128))
