"""Reply text as the AI bot's Markdown: what helps reading on a phone, nothing that changes the words."""

from __future__ import annotations

import re

from bot.text import split_utf8

from bot.channels.wecom_bot.frames import CONTENT_LIMIT

_TICKET = re.compile(r"(?<![A-Za-z0-9#*&])#(\d{1,9})(?!\d)")
_TITLE = re.compile(r"《[^《》\n]{1,60}》")


def to_markdown(text: str) -> str:
    """Ticket numbers (#12) and cited titles (《…》) in bold; nothing is escaped, because whether the
    service's renderer honours backslashes is not known and a stray one would show."""
    text = _TICKET.sub(r"**#\1**", text)
    return _TITLE.sub(lambda m: f"**{m.group(0)}**", text)


def parts(text: str) -> list[str]:
    """The Markdown, cut to the service's 20480 bytes per message (replies are far shorter)."""
    return split_utf8(to_markdown(text), CONTENT_LIMIT) or [""]
