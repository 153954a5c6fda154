"""Turning a decrypted WeCom callback into the channel-agnostic Incoming message."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.channels.wecom.xmlparse import InboundMessage
from bot.message import Attachment, Incoming, Kind, Location

CHANNEL = "wecom"


def _float(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def to_incoming(message: InboundMessage, menu: dict[str, str] | None = None, media_path: str | None = None) -> Incoming:
    """`menu` maps click keys to command text; `media_path` is where the channel stored an image."""
    base = dict(
        channel=CHANNEL,
        sender=message.from_user,
        timestamp=datetime.fromtimestamp(int(message.get("CreateTime")), tz=timezone.utc),
        message_id=message.get("MsgId") or message.dedupe_key(),
    )
    kind = message.msg_type
    if kind == "text":
        return Incoming(**base, text=message.get("Content"), kind=Kind.text)
    if kind == "image":
        attachment = Attachment("image", media_id=message.get("MediaId"), url=message.get("PicUrl") or None, path=media_path)
        return Incoming(**base, kind=Kind.image, attachments=(attachment,))
    if kind == "voice":
        attachment = Attachment("voice", media_id=message.get("MediaId"), path=media_path)
        # With speech recognition switched on, WeCom adds the words it heard.
        return Incoming(**base, kind=Kind.voice, text=message.get("Recognition"), attachments=(attachment,))
    if kind == "location":
        location = Location(_float(message.get("Location_X")), _float(message.get("Location_Y")), message.get("Label"))
        return Incoming(**base, kind=Kind.location, location=location)
    if kind == "event":
        return _event(message, base, menu or {})
    # Types the bot does not use (video, file, link): passed on as an event nobody handles.
    return Incoming(**base, kind=Kind.event, event=f"message:{kind}")


def _event(message: InboundMessage, base: dict, menu: dict[str, str]) -> Incoming:
    event = message.get("Event")
    key = message.get("EventKey")
    if event == "click" and key in menu:
        return Incoming(**base, kind=Kind.text, text=menu[key])
    if event == "template_card_event":
        data = {
            "task_id": message.get("TaskId"),
            "card_type": message.get("CardType"),
            "response_code": message.get("ResponseCode"),
            "selected": {q: list(options) for q, options in message.selected.items()},
        }
        return Incoming(**base, kind=Kind.event, event="card", event_key=key, event_data=data)
    if event == "LOCATION":
        location = Location(_float(message.get("Latitude")), _float(message.get("Longitude")))
        return Incoming(**base, kind=Kind.event, event="location", location=location)
    return Incoming(**base, kind=Kind.event, event=event, event_key=key or None)
