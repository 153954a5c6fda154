"""Parsing WeCom callback XML with defusedxml (no entity expansion, no external entities).

The outer envelope carries only ToUserName, AgentID and Encrypt; the decrypted inner message is
flattened into a dict of its fields (SelectedItems of a vote card becomes {question_key: [ids]}).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException


class XmlError(Exception):
    """Malformed or incomplete callback XML; the message names what is wrong."""


@dataclass(frozen=True)
class Envelope:
    encrypt: str
    to_user: str = ""
    agent_id: str = ""


@dataclass(frozen=True)
class InboundMessage:
    """One decrypted callback, fields as WeCom names them."""

    fields: dict[str, str]
    selected: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    @property
    def msg_type(self) -> str:
        return self.fields["MsgType"]

    @property
    def from_user(self) -> str:
        return self.fields["FromUserName"]

    @property
    def is_event(self) -> bool:
        return self.msg_type == "event"

    def dedupe_key(self) -> str:
        """Messages by MsgId; events by sender + time + event + key, so distinct clicks are not merged."""
        if not self.is_event and self.get("MsgId"):
            return f"msg:{self.get('MsgId')}"
        parts = (self.from_user, self.get("CreateTime"), self.get("Event"), self.get("EventKey"), self.get("TaskId"))
        return "evt:" + "|".join(parts)


def _root(data: bytes | str) -> Element:
    try:
        root = SafeET.fromstring(data)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise XmlError(f"malformed XML ({type(exc).__name__})") from exc
    if root.tag != "xml":
        raise XmlError("root element is not <xml>")
    return root


def parse_envelope(data: bytes | str) -> Envelope:
    root = _root(data)
    encrypt = (root.findtext("Encrypt") or "").strip()
    if not encrypt:
        raise XmlError("missing Encrypt")
    return Envelope(encrypt=encrypt, to_user=(root.findtext("ToUserName") or "").strip(),
                    agent_id=(root.findtext("AgentID") or "").strip())


REQUIRED = ("ToUserName", "FromUserName", "CreateTime", "MsgType")
REQUIRED_BY_TYPE = {
    "text": ("Content", "MsgId"),
    "image": ("MediaId", "MsgId"),
    "voice": ("MediaId", "MsgId"),
    "location": ("Location_X", "Location_Y", "MsgId"),
    "event": ("Event",),
}


def parse_message(data: bytes | str) -> InboundMessage:
    root = _root(data)
    fields: dict[str, str] = {}
    selected: dict[str, list[str]] = {}
    for child in root:
        if child.tag == "SelectedItems":
            for item in child.iter("SelectedItem"):
                key = (item.findtext("QuestionKey") or "").strip()
                options = [(o.text or "").strip() for o in item.iter("OptionId")]
                if key:
                    selected[key] = [o for o in options if o]
            continue
        if len(child):
            continue  # other nested structures are not used by the bot
        fields[child.tag] = (child.text or "").strip() if child.tag != "Content" else (child.text or "")
    missing = [name for name in REQUIRED if not fields.get(name)]
    if not missing:
        missing = [name for name in REQUIRED_BY_TYPE.get(fields["MsgType"], ()) if name not in fields]
    if missing:
        raise XmlError("missing " + ", ".join(missing))
    _check_values(fields)
    return InboundMessage(fields=fields, selected=selected)


# ASCII digits only: str.isdigit() also accepts "²" and "１", which int() or a date then refuses.
_UNIX_TIME = re.compile(r"[0-9]{1,10}")
_MSG_ID = re.compile(r"[0-9]{1,20}")  # a 64-bit integer
# WeCom UserIDs and CorpIDs are at most 64 bytes.
_MAX_ID_BYTES = 64
_COORDINATES = {"Location_X": 90.0, "Latitude": 90.0, "Location_Y": 180.0, "Longitude": 180.0}


def _check_values(fields: dict[str, str]) -> None:
    """Every value the bot later turns into a number or a key is checked here, so that processing
    cannot fail on it: a bad one is refused at the door (400), never an exception in a worker."""
    if not _UNIX_TIME.fullmatch(fields["CreateTime"]):
        raise XmlError("CreateTime is not a Unix time")
    msg_id = fields.get("MsgId", "")
    if msg_id and not _MSG_ID.fullmatch(msg_id):
        raise XmlError("MsgId is not a number")
    for name in ("FromUserName", "ToUserName"):
        if len(fields[name].encode("utf-8")) > _MAX_ID_BYTES:
            raise XmlError(f"{name} is longer than {_MAX_ID_BYTES} bytes")
    for name, limit in _COORDINATES.items():
        value = fields.get(name, "").strip()
        if not value:
            continue
        try:
            number = float(value)
        except ValueError:
            raise XmlError(f"{name} is not a number") from None
        if not math.isfinite(number) or abs(number) > limit:
            raise XmlError(f"{name} is out of range")
