from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db import Base, UtcDateTime


class TaskStatus(str, enum.Enum):
    open = "open"
    closed = "closed"


class LedgerTask(Base):
    """One line of the 整改台账: 问题清单 (problem), 责任清单 (lead leader, unit), 任务清单 (measures), 时限清单 (deadline)."""

    __tablename__ = "ledger_tasks"
    __table_args__ = (Index("ix_ledger_tasks_status_deadline", "status", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    category: Mapped[str] = mapped_column(String(50))
    problem: Mapped[str] = mapped_column(Text)
    lead_leader_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    measures: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date | None] = mapped_column(Date)
    long_term: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=TaskStatus.open.value)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    close_note: Mapped[str] = mapped_column(Text, default="")
    # 回头看: when the lead leader confirmed that the closed problem has not come back.
    rechecked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)

    progress: Mapped[list[TaskProgress]] = relationship(order_by="TaskProgress.at, TaskProgress.id", back_populates="task")

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.open.value


class TaskProgress(Base):
    """The progress log. `author_name` keeps imported entries whose author is not on the roster."""

    __tablename__ = "ledger_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("ledger_tasks.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    author_name: Mapped[str] = mapped_column(String(50), default="")
    kind: Mapped[str] = mapped_column(String(20), default="progress")
    text: Mapped[str] = mapped_column(Text)
    # System entries (escalations) carry a unique key so a rerun of a job records them once.
    key: Mapped[str | None] = mapped_column(String(200), unique=True)

    task: Mapped[LedgerTask] = relationship(back_populates="progress")


class ReminderStep(Base):
    """A reminder step that went out (e.g. the 3-days-before reminder for one deadline).

    `step` names it independently of any job run, so a later run does not repeat it; the
    `occurrence` of the run that claimed it lets that same run be repeated after a crash, when
    the outbox's dedupe keys keep its pushes single.
    """

    __tablename__ = "ledger_reminder_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("ledger_tasks.id"), index=True)
    step: Mapped[str] = mapped_column(String(200), unique=True)
    occurrence: Mapped[datetime] = mapped_column(UtcDateTime)
