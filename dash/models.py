"""Dashboard logins: one-time links and browser sessions.

Only a hash of each token is stored, so a copy of the database cannot be used to log in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UtcDateTime


class DashLink(Base):
    """A one-time login link: opened once before `expires_at`, it becomes a session."""

    __tablename__ = "dash_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Where the link was asked for: "chat" or "cli".
    origin: Mapped[str] = mapped_column(String(20), default="chat")


class DashSession(Base):
    """A browser signed in to the dashboard (the cookie holds the token, the table its hash)."""

    __tablename__ = "dash_sessions"
    __table_args__ = (Index("ix_dash_sessions_expires_at", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
