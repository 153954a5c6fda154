"""The AI bot's inbox: every callback is written here before it is handled, once per msgid."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UtcDateTime


class BotInboxStatus(str, enum.Enum):
    pending = "pending"
    done = "done"
    failed = "failed"


class WecomBotInbox(Base):
    """One message or event from the AI bot's long connection.

    `msgid` is unique: the service may send the same message again (with a new req_id, also after a
    reconnect), and that second copy inserts nothing. `req_id` is the newest one seen, the handle a
    reply is sent on. `status` becomes done in the transaction that stores the handler's changes and
    its replies, so a crash leaves all of it or none of it.
    """

    __tablename__ = "wecom_bot_inbox"
    __table_args__ = (Index("ix_wecom_bot_inbox_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    msgid: Mapped[str] = mapped_column(String(255), unique=True)
    req_id: Mapped[str] = mapped_column(String(255))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    from_user: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str | None] = mapped_column(String(128))
    msg_type: Mapped[str] = mapped_column(String(30))
    body: Mapped[str] = mapped_column(Text)  # the frame's body as received (JSON)
    status: Mapped[str] = mapped_column(String(20), default=BotInboxStatus.pending.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    error: Mapped[str | None] = mapped_column(Text)
