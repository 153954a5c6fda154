from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db import Base, UtcDateTime


class Lesson(Base):
    """One 作风微课堂 lesson: short enough to read out at a ten-minute morning meeting."""

    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100), unique=True)
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The rule the lesson explains, e.g. 《党政机关国内公务接待管理规定》.
    rule: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LessonDelivery(Base):
    """Which lesson a group got on which day. One per group and day, so a rerun resends the same lesson."""

    __tablename__ = "lesson_deliveries"
    __table_args__ = (
        UniqueConstraint("group_id", "day"),
        Index("ix_lesson_deliveries_group_lesson", "group_id", "lesson_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    day: Mapped[date] = mapped_column(Date, index=True)
    job: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    lesson: Mapped[Lesson] = relationship()


class LessonConfirmation(Base):
    """A person said they studied a lesson (已学). Once per person and lesson."""

    __tablename__ = "lesson_confirmations"
    __table_args__ = (UniqueConstraint("person_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    confirmed_at: Mapped[datetime] = mapped_column(UtcDateTime)
