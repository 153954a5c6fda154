"""From a puppet message payload to an Incoming, and whether the bot should answer it at all."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime

from bot.message import Incoming

CHANNEL = "wechaty"
# WeChat puts this narrow space after an @name; a visible @ in our replies needs it too.
MENTION_END = "\u2005"
_LEADING_MENTION = re.compile(r"^@[^\s\u2005@]{1,40}[\u2005 ]+")


def is_mentioned(text: str, mention_ids: Iterable[str], self_id: str | None, names: Iterable[str]) -> bool:
    if self_id and self_id in set(mention_ids):
        return True
    # Some puppets leave mention_ids empty; the @name in the text is then all there is.
    return any(_mention_of(name).search(text) for name in names if name)


def strip_mentions(text: str, names: Iterable[str], mentioned: bool) -> str:
    for name in names:
        if name:
            text = _mention_of(name).sub(" ", text)
    text = text.strip()
    if mentioned:
        # Under a room nickname the bot's @name is one we do not know: drop a leading one.
        text = _LEADING_MENTION.sub("", text)
    return text.strip()


def _mention_of(name: str) -> re.Pattern[str]:
    return re.compile("@" + re.escape(name) + r"(?:[\u2005 ]+|$)")


def to_incoming(
    *,
    message_id: str,
    talker_id: str,
    room_id: str,
    text: str,
    mention_ids: Iterable[str],
    self_id: str | None,
    names: Iterable[str],
    now: datetime,
) -> Incoming:
    names = tuple(names)
    in_room = bool(room_id)
    mentioned = in_room and is_mentioned(text, mention_ids, self_id, names)
    return Incoming(
        channel=CHANNEL,
        sender=talker_id,
        timestamp=now,
        text=strip_mentions(text, names, mentioned) if in_room else text.strip(),
        chat_id=room_id or None,
        message_id=message_id,
        mentioned=mentioned,
    )


def with_mention(text: str, name: str) -> str:
    return f"@{name}{MENTION_END}{text}" if name else text


class SeenIds:
    """The last message ids handled: a puppet may deliver a message again after a reconnect."""

    def __init__(self, size: int = 2000) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def add(self, message_id: str) -> bool:
        """Remember the id; False when it was seen before."""
        if message_id in self._ids:
            return False
        self._ids[message_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True
