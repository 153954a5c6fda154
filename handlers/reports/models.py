from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db import Base, UtcDateTime
from bot.models import Grid, Person, Unit


class ReportStatus(str, enum.Enum):
    pending = "pending"
    accepted = "accepted"
    in_progress = "in_progress"
    closed = "closed"
    rated = "rated"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    ReportStatus.pending: "待受理",
    ReportStatus.accepted: "已受理",
    ReportStatus.in_progress: "办理中",
    ReportStatus.closed: "已办结",
    ReportStatus.rated: "已评价",
}
OPEN_STATUSES = (ReportStatus.pending.value, ReportStatus.accepted.value, ReportStatus.in_progress.value)


class Report(Base):
    """One ticket (#id). The reporter is a roster person or, if unregistered, a channel sender id.

    `due_from` restarts the closing clock when the ticket is reopened (回炉) or routed anew, so a
    late nudge is about this round of work, not the first one.
    """

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_status_unit", "status", "unit_id"),
        Index("ix_reports_reporter_address", "reporter_channel", "reporter_sender"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    reporter_channel: Mapped[str] = mapped_column(String(30))
    reporter_sender: Mapped[str] = mapped_column(String(128))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(50))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ReportStatus.pending.value)
    routed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_from: Mapped[datetime] = mapped_column(UtcDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    rated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    rating: Mapped[str | None] = mapped_column(String(20))
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_label: Mapped[str] = mapped_column(String(200), default="")

    events: Mapped[list[ReportEvent]] = relationship(order_by="ReportEvent.id", back_populates="report")
    attachments: Mapped[list[ReportAttachment]] = relationship(order_by="ReportAttachment.id")
    unit: Mapped[Unit | None] = relationship(Unit, foreign_keys=[unit_id])
    grid: Mapped[Grid | None] = relationship(Grid, foreign_keys=[grid_id])
    reporter: Mapped[Person | None] = relationship(Person, foreign_keys=[reporter_id])
    assignee: Mapped[Person | None] = relationship(Person, foreign_keys=[assignee_id])

    @property
    def unit_name(self) -> str:
        return self.unit.name if self.unit is not None else ""

    @property
    def grid_name(self) -> str:
        return self.grid.name if self.grid is not None else ""

    @property
    def status_enum(self) -> ReportStatus:
        return ReportStatus(self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReportEvent(Base):
    """The ticket's history, shown to the reporter. System steps (late nudges) carry a unique `key`."""

    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    action: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)

    report: Mapped[Report] = relationship(back_populates="events")


class ReportAttachment(Base):
    __tablename__ = "report_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(20))
    media_id: Mapped[str | None] = mapped_column(String(256))
    url: Mapped[str | None] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(Text)


class PendingMedia(Base):
    """A photo or location sent shortly before its report's text; joined to that report when it comes."""

    __tablename__ = "report_pending_media"
    __table_args__ = (Index("ix_report_pending_media_address", "channel", "sender", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(30))
    sender: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
