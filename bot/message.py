"""The channel-agnostic message model: what every channel turns its input into, and what handlers return."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Kind(str, enum.Enum):
    text = "text"
    image = "image"
    location = "location"
    voice = "voice"
    event = "event"


@dataclass(frozen=True)
class Attachment:
    kind: str  # image, voice, file
    media_id: str | None = None
    url: str | None = None
    path: str | None = None  # where the channel stored the file locally


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float
    label: str = ""


@dataclass(frozen=True)
class Incoming:
    """One message from a person, as every channel normalises it.

    `sender` is the channel's own id for the person (a WeCom UserID, a WeChat contact id, or a
    roster id on the console); the router maps it to a Person. `chat_id` is set for messages said
    in a group or room. Events (menu clicks, card buttons and votes) carry `event`, `event_key`
    and `event_data` (for a vote: {"task_id": ..., "selected": {question_key: [option ids]}}).
    `reply_token` is the channel's own handle for answering this very message in place (the WeCom
    AI bot's req_id); replies back to the same conversation carry it in their outbox payload.
    """

    channel: str
    sender: str
    timestamp: datetime
    text: str = ""
    kind: Kind = Kind.text
    chat_id: str | None = None
    message_id: str | None = None
    attachments: tuple[Attachment, ...] = ()
    location: Location | None = None
    event: str | None = None
    event_key: str | None = None
    event_data: dict[str, Any] = field(default_factory=dict)
    mentioned: bool = False
    reply_token: str | None = None


@dataclass(frozen=True)
class ToSender:
    """Answer the person who wrote, where they wrote (their private chat or the group)."""


@dataclass(frozen=True)
class ToPerson:
    person_id: int


@dataclass(frozen=True)
class ToGroup:
    group_id: int


@dataclass(frozen=True)
class ToAddress:
    """Someone known only by a channel address: an unregistered sender we answer later (e.g. a reporter)."""

    channel: str
    address: str


Recipient = ToSender | ToPerson | ToGroup | ToAddress
SENDER = ToSender()


@dataclass(frozen=True)
class Reply:
    """Something the bot will say. `kind` is text, markdown or card; a card's content is in `payload`:

    {"title": str, "description": str, "task_id": str,
     "buttons": [{"key": str, "text": str}]                       # button card, or
     "vote": {"question_key": str, "options": [{"id": str, "text": str}], "multiple": bool}}
    Channels that cannot show cards fall back to `text`, which must always be complete on its own.
    `dedupe_key` makes the message go out at most once (scheduled pushes use job:occurrence:target).
    """

    text: str
    to: Recipient = SENDER
    kind: str = "text"
    payload: dict[str, Any] | None = None
    dedupe_key: str | None = None
