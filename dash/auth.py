"""Password-free login: a one-time link (10 minutes) becomes a browser session (12 hours).

Tokens are random; only their SHA-256 is stored. Redeeming a link is a single conditional
UPDATE, so two browsers racing with the same link cannot both get in.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.audit import record
from bot.config import Config
from bot.models import Person
from dash.models import DashLink, DashSession

# Where a chat reply's login link goes: the outbox stores this, and the link is made when the reply is
# sent (bot/outbound_render.py), so no token is ever stored in clear.
LINK_PLACEHOLDER = "[看板登录链接：发送时生成，不保存]"
LINK_TTL = timedelta(minutes=10)
SESSION_TTL = timedelta(hours=12)
COOKIE_NAME = "gridbot_dash"
# Old rows are only evidence of past logins; the audit log keeps who asked for a link.
KEEP_EXPIRED = timedelta(days=7)


class LinkState(str, enum.Enum):
    valid = "valid"
    used = "used"
    expired = "expired"
    unknown = "unknown"


@dataclass(frozen=True)
class Redeemed:
    person_id: int
    session_token: str
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_url(config: Config, token: str) -> str:
    return f"{config.server.link_base}/dash/login/{token}"


def issue_link(session: Session, person: Person, now: datetime, origin: str, actor: Person | str | None) -> str:
    """Write a one-time link for this person and return its token (shown once, never stored)."""
    _prune(session, now)
    token = secrets.token_urlsafe(24)
    link = DashLink(
        token_hash=token_hash(token), person_id=person.id, created_at=now, expires_at=now + LINK_TTL, origin=origin
    )
    session.add(link)
    session.flush()
    record(session, actor, "issue", "dash_link", link.id, {"person_id": person.id, "origin": origin}, at=now)
    return token


def link_payload(config: Config, person: Person, origin: str) -> dict:
    """The payload of a reply whose LINK_PLACEHOLDER becomes this person's login link when it is sent."""
    return {"render": "dash_link", "person_id": person.id, "base": config.server.link_base, "origin": origin}


def render_login_link(session: Session, row, now: datetime) -> str:
    """Renderer for bot.outbound_render: issue the link now and put it in the text that is sent."""
    payload = row.payload or {}
    person = session.get(Person, int(payload.get("person_id", 0)))
    if person is None or not person.active:
        return row.text.replace(LINK_PLACEHOLDER, "（此人已停用，没有生成链接）")
    token = issue_link(session, person, now, str(payload.get("origin") or "chat"), person)
    return row.text.replace(LINK_PLACEHOLDER, f"{payload.get('base', '')}/dash/login/{token}")


def link_state(session: Session, token: str, now: datetime) -> LinkState:
    link = session.scalar(select(DashLink).where(DashLink.token_hash == token_hash(token)))
    if link is None:
        return LinkState.unknown
    if link.used_at is not None:
        return LinkState.used
    if link.expires_at <= now:
        return LinkState.expired
    return LinkState.valid


def redeem_link(session: Session, token: str, now: datetime) -> Redeemed | LinkState:
    """Use the link once: on success a new session; otherwise why it cannot be used."""
    hashed = token_hash(token)
    used = session.execute(
        update(DashLink)
        .where(DashLink.token_hash == hashed, DashLink.used_at.is_(None), DashLink.expires_at > now)
        .values(used_at=now)
        .returning(DashLink.person_id)
    ).first()
    if used is None:
        state = link_state(session, token, now)
        return LinkState.used if state == LinkState.valid else state
    person = session.get(Person, used.person_id)
    if person is None or not person.active:
        return LinkState.unknown
    session_token = secrets.token_urlsafe(32)
    expires = now + SESSION_TTL
    session.add(DashSession(token_hash=token_hash(session_token), person_id=person.id, created_at=now, expires_at=expires))
    record(session, person, "login", "dash_session", None, {"link": hashed[:12]}, at=now)
    return Redeemed(person.id, session_token, expires)


def session_person(session: Session, session_token: str | None, now: datetime) -> Person | None:
    """The signed-in person, or None for a missing, expired or unknown cookie, or a deactivated person."""
    if not session_token:
        return None
    row = session.scalar(
        select(DashSession).where(DashSession.token_hash == token_hash(session_token), DashSession.expires_at > now)
    )
    if row is None:
        return None
    person = session.get(Person, row.person_id)
    return person if person is not None and person.active else None


def end_session(session: Session, session_token: str) -> None:
    session.execute(delete(DashSession).where(DashSession.token_hash == token_hash(session_token)))


def _prune(session: Session, now: datetime) -> None:
    cutoff = now - KEEP_EXPIRED
    session.execute(delete(DashLink).where(DashLink.expires_at < cutoff))
    session.execute(delete(DashSession).where(DashSession.expires_at < cutoff))
