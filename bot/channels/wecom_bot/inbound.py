"""From an AI-bot callback body to the channel-agnostic Incoming message."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from bot.message import Attachment, Incoming, Kind

CHANNEL = "wecom_bot"
# Reply tokens say which frame answers the message: aibot_respond_msg or aibot_respond_welcome_msg.
MESSAGE_TOKEN = "msg:"
WELCOME_TOKEN = "welcome:"
# In a group the text starts with the bot's @name; the name itself is in no frame, so any leading
# @word goes. WeCom's examples separate it with a plain space; a narrow one is accepted too.
_LEADING_MENTION = re.compile(r"^\s*@[^\s\u2005@]+(?:[\s\u2005]+|$)")
# Types passed to the router as they are; others get a short hint.
FILE_KINDS = ("image", "file")


@dataclass(frozen=True)
class MediaRef:
    """A file in a callback: its URL (valid 5 minutes) and the key it is encrypted with."""

    kind: str  # image or file
    url: str
    aeskey: str


def strip_mention(text: str) -> str:
    return _LEADING_MENTION.sub("", text, count=1).strip()


def is_group(body: dict[str, Any]) -> bool:
    return body.get("chattype") == "group" and bool(body.get("chatid"))


def sender_of(body: dict[str, Any]) -> str:
    return str((body.get("from") or {}).get("userid") or "")


def media_of(body: dict[str, Any]) -> list[MediaRef]:
    """The files to fetch now, while their URLs last: images and files of single chats, images of mixed messages."""
    kind = body.get("msgtype")
    refs: list[MediaRef] = []
    if kind in FILE_KINDS:
        part = body.get(kind) or {}
        if part.get("url"):
            refs.append(MediaRef(kind, str(part["url"]), str(part.get("aeskey") or "")))
    elif kind == "mixed":
        for item in (body.get("mixed") or {}).get("msg_item") or []:
            part = item.get("image") or {}
            if item.get("msgtype") == "image" and part.get("url"):
                refs.append(MediaRef("image", str(part["url"]), str(part.get("aeskey") or "")))
    return refs


def _timestamp(body: dict[str, Any], now: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(int(body["create_time"]), tz=timezone.utc)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return now


def to_incoming(body: dict[str, Any], req_id: str, now: datetime, saved: dict[str, str] | None = None) -> Incoming:
    """`saved` maps a media URL to where the channel stored the decrypted file."""
    saved = saved or {}
    group = is_group(body)
    base: dict[str, Any] = dict(
        channel=CHANNEL,
        sender=sender_of(body),
        timestamp=_timestamp(body, now),
        chat_id=str(body["chatid"]) if group else None,
        message_id=str(body.get("msgid") or "") or None,
        mentioned=group,  # in a group the service passes on only what @-mentions the bot
        reply_token=MESSAGE_TOKEN + req_id,
    )
    kind = body.get("msgtype")
    if kind == "event":
        return _event(body, base, req_id)
    if kind == "text":
        return _text(str((body.get("text") or {}).get("content") or ""), group, base)
    if kind == "voice":
        # WeCom sends speech already transcribed.
        return _text(str((body.get("voice") or {}).get("content") or ""), group, base)
    if kind in FILE_KINDS:
        ref = media_of(body)
        attachment = Attachment(kind, path=saved.get(ref[0].url) if ref else None)
        return Incoming(**base, kind=Kind.image, attachments=(attachment,))
    if kind == "mixed":
        items = (body.get("mixed") or {}).get("msg_item") or []
        words = [str((i.get("text") or {}).get("content") or "") for i in items if i.get("msgtype") == "text"]
        text = "\n".join(w for w in words if w.strip())
        images = tuple(Attachment("image", path=saved.get(r.url)) for r in media_of(body))
        if text.strip() or not images:
            return _text(text, group, base, images)
        return Incoming(**base, kind=Kind.image, attachments=images)
    return Incoming(**base, kind=Kind.event, event=f"message:{kind}")


def _text(text: str, group: bool, base: dict[str, Any], attachments: tuple[Attachment, ...] = ()) -> Incoming:
    text = strip_mention(text) if group else text.strip()
    # "@机器人" and nothing else: the person wants to know what the bot does.
    return Incoming(**base, text=text or "帮助", kind=Kind.text, attachments=attachments)


def _event(body: dict[str, Any], base: dict[str, Any], req_id: str) -> Incoming:
    event = body.get("event") or {}
    eventtype = str(event.get("eventtype") or "")
    detail = event.get(eventtype) if isinstance(event.get(eventtype), dict) else event
    if eventtype == "enter_chat":
        base["reply_token"] = WELCOME_TOKEN + req_id
    else:
        base["reply_token"] = None  # cards and feedback are not answered with a message
    return Incoming(
        **base,
        kind=Kind.event,
        event=eventtype,
        event_key=str(detail.get("event_key") or "") or None,
        event_data={k: v for k, v in detail.items() if k in ("task_id", "event_key", "selected_items")},
    )
