"""Texts completed only when they are sent, so a secret in them is never stored.

A reply carrying a secret (the dashboard's one-time login link) is written to the outbox with a
placeholder, and its payload names a renderer: {"render": NAME, ...}. Just before a channel gets the
row — on delivery, or when an immediate channel shows it — the renderer makes the real text in its
own transaction (e.g. issues the link); the outbox keeps the redacted text.

Renderers are registered by name in `Outbound.renderers`; a capability declares its own in its
descriptor's `extras["outbox_renderers"]` and App.build registers them in every process, since the
instance that sends a row need not be the one that wrote it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.db import transaction
from bot.models import OutboundMessage

RENDER_KEY = "render"
EXTRAS_KEY = "outbox_renderers"

# (session, row, now) -> the text to send.
Renderer = Callable[[Session, OutboundMessage, datetime], str]


def needs_render(row: OutboundMessage) -> bool:
    return bool((row.payload or {}).get(RENDER_KEY))


def render(sessions: sessionmaker[Session], clock: Clock, row: OutboundMessage, renderers: Mapping[str, Renderer]) -> str:
    """The text to send for this row (its stored text when it has no renderer)."""
    if not needs_render(row):
        return row.text
    name = str(row.payload[RENDER_KEY])
    if name not in renderers:
        raise LookupError(f"no outbox renderer named {name!r} in this process")
    with transaction(sessions) as session:
        return renderers[name](session, row, clock.now())
