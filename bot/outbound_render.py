"""Texts completed only when they are sent, so a secret in them is never stored.

A reply carrying a secret (the dashboard's one-time login link) is written to the outbox with a
placeholder, and its payload names a renderer: {"render": NAME, ...}. Just before a channel gets the
row — on delivery, or when an immediate channel shows it — the renderer makes the real text in its
own transaction (e.g. issues the link); the outbox keeps the redacted text.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.db import transaction
from bot.models import OutboundMessage

RENDER_KEY = "render"

# renderer name -> "module:function"; the function takes (session, row, now) and returns the text to send.
RENDERERS: dict[str, str] = {
    "dash_link": "dash.auth:render_login_link",
}

Renderer = Callable[[Session, OutboundMessage, datetime], str]


def needs_render(row: OutboundMessage) -> bool:
    return bool((row.payload or {}).get(RENDER_KEY))


def _renderer(name: str) -> Renderer:
    module, function = RENDERERS[name].split(":")
    return getattr(importlib.import_module(module), function)


def render(sessions: sessionmaker[Session], clock: Clock, row: OutboundMessage) -> str:
    """The text to send for this row (its stored text when it has no renderer)."""
    if not needs_render(row):
        return row.text
    function = _renderer(str(row.payload[RENDER_KEY]))
    with transaction(sessions) as session:
        return function(session, row, clock.now())
