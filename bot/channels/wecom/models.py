"""WeCom tables: the callback inbox (also the redelivery memory), the shared access token, stored media."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UtcDateTime


class InboxStatus(str, enum.Enum):
    pending = "pending"
    done = "done"
    failed = "failed"


class WecomInbox(Base):
    """One callback, written before WeCom gets its 200.

    `dedupe_key` (msg:MsgId, or evt:user|time|event|key for events) is unique, so a redelivery
    inserts nothing: the row is both the durable copy and the memory of what was already seen.
    `status` becomes done in the same transaction as the handler's changes and replies.
    """

    __tablename__ = "wecom_inbox"
    __table_args__ = (Index("ix_wecom_inbox_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    from_user: Mapped[str] = mapped_column(String(64))
    msg_type: Mapped[str] = mapped_column(String(20))
    xml: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=InboxStatus.pending.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    # After a failed try, not before this time; after the last try the row is failed and an admin told.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WecomToken(Base):
    """The app's access token, shared by every process on the database."""

    __tablename__ = "wecom_tokens"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)  # corp_id:agent_id
    access_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WecomMedia(Base):
    """A file someone sent, fetched by media/get and kept after WeCom's 3 days."""

    __tablename__ = "wecom_media"

    id: Mapped[int] = mapped_column(primary_key=True)
    media_id: Mapped[str] = mapped_column(String(255), unique=True)
    path: Mapped[str] = mapped_column(String(500))
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime)
