"""Core tables: the organisation and its people, channel identities, groups, the outbound log and the audit log."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db import Base, UtcDateTime


class Role(str, enum.Enum):
    grid_worker = "grid_worker"
    cadre = "cadre"
    leader = "leader"
    admin = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {Role.grid_worker: "网格员", Role.cadre: "干部", Role.leader: "领导", Role.admin: "管理员"}


class UnitKind(str, enum.Enum):
    community = "community"
    department = "department"


UNIT_KIND_LABELS = {UnitKind.community: "社区", UnitKind.department: "内设机构"}


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=UnitKind.community.value)

    grids: Mapped[list[Grid]] = relationship(back_populates="unit", order_by="Grid.id")


class Grid(Base):
    __tablename__ = "grids"
    __table_args__ = (UniqueConstraint("unit_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))

    unit: Mapped[Unit] = relationship(back_populates="grids")


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    mobile: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(20), default=Role.cadre.value)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    wecom_userid: Mapped[str | None] = mapped_column(String(64), unique=True)

    unit: Mapped[Unit | None] = relationship()
    grid: Mapped[Grid | None] = relationship()

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin.value

    @property
    def is_leader(self) -> bool:
        return self.role in (Role.leader.value, Role.admin.value)


class Identity(Base):
    """A person's address on a channel other than WeCom (e.g. a WeChat contact id)."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(128))


class Liaison(Base):
    """包联: a leader is responsible for a unit."""

    __tablename__ = "liaisons"
    __table_args__ = (UniqueConstraint("leader_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)


class Group(Base):
    """A named audience bound to a channel: an app group chat, a robot, a WeChat room, or a set of people.

    `channel` is where pushes go (console, wecom_appchat, wecom_robot, wechaty, people);
    `address` is the channel's id for it (chat id, robot name, room id); `audience` selects the
    people it stands for (units, roles, person ids) for coverage figures and person-by-person delivery.
    """

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    channel: Mapped[str] = mapped_column(String(30), default="console")
    address: Mapped[str] = mapped_column(String(200), default="")
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class OutboxStatus(str, enum.Enum):
    pending = "pending"
    sent = "sent"
    failed = "failed"
    skipped = "skipped"


class OutboundMessage(Base):
    """Every message the bot sends, reply or push, on every channel.

    Rows are written in the same transaction as the change they report (status pending) and
    delivered afterwards, so what the bot decided to say is never lost. `dedupe_key` makes a
    scheduled push to one target happen once, whatever restarts or second instances do.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_id", "status", "id"), Index("ix_outbox_target_sent_at", "target", "sent_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    channel: Mapped[str] = mapped_column(String(30))
    target: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="text")
    text: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.pending.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(128))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # After a failure that may heal (a channel down, WeCom busy), not before this time.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    dedupe_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    # The instance delivering the row and until when it may: another instance leaves it alone meanwhile,
    # and takes it over only if that instance died with it (bot/outbound_claim.py).
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Set when an API call carrying the row begins, cleared when its result is recorded. Still set on a pending
    # row, it means a copy may have reached the API (its instance died mid-call, or the call ended without an
    # answer): the row is sent again only with the channel's duplicate check (bot/outbound_claim.py).
    sending_since: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditEntry(Base):
    """Who changed what and when: append-only."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str | None] = mapped_column(String(50))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)
