"""The AI bot's long-connection frames (see /work/shared/wecom-aibot.md and docs/wecom-aibot.md).

Every frame is a JSON text frame `{"cmd", "headers": {"req_id"}, "body"}`; the service answers a
command with `{"headers": {"req_id"}, "errcode", "errmsg"[, "body"]}` and no `cmd`.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

SUBSCRIBE = "aibot_subscribe"
PING = "ping"
MSG_CALLBACK = "aibot_msg_callback"
EVENT_CALLBACK = "aibot_event_callback"
RESPOND = "aibot_respond_msg"
RESPOND_WELCOME = "aibot_respond_welcome_msg"
SEND = "aibot_send_msg"

# Markdown and stream content may be up to 20480 bytes.
CONTENT_LIMIT = 20480

# Errcodes seen in acks (see the docs for their sources).
INVALID_CREDENTIALS = 853000
FREQUENCY = 45009
INVALID_REQ_ID = 846605
STREAM_EXPIRED = 846608
CONFLICT = 6000
# Errors worth another try later rather than a final failure.
RETRYABLE = frozenset({-1, FREQUENCY, 45033, CONFLICT})


def new_req_id(cmd: str) -> str:
    """A fresh request id chosen by us (the service echoes it in the ack)."""
    return f"{cmd}_{int(time.time() * 1000)}_{secrets.token_hex(4)}"


def frame(cmd: str, req_id: str, body: dict[str, Any] | None = None) -> str:
    data: dict[str, Any] = {"cmd": cmd, "headers": {"req_id": req_id}}
    if body is not None:
        data["body"] = body
    return json.dumps(data, ensure_ascii=False)


def subscribe(bot_id: str, secret: str) -> tuple[str, str]:
    req_id = new_req_id(SUBSCRIBE)
    return req_id, frame(SUBSCRIBE, req_id, {"bot_id": bot_id, "secret": secret})


def ping() -> tuple[str, str]:
    req_id = new_req_id(PING)
    return req_id, frame(PING, req_id)


def stream_reply(req_id: str, stream_id: str, content: str) -> str:
    """A whole answer as one stream frame that also ends the stream (never `text`: not a reply type)."""
    return frame(RESPOND, req_id, {"msgtype": "stream", "stream": {"id": stream_id, "finish": True, "content": content}})


def welcome_reply(req_id: str, content: str) -> str:
    """The answer to enter_chat: the one place where a plain `text` reply is allowed."""
    return frame(RESPOND_WELCOME, req_id, {"msgtype": "text", "text": {"content": content}})


def send_markdown(chat_id: str, chat_type: int, content: str) -> tuple[str, str]:
    """A message nobody asked for (a push, or a reply whose req_id is no longer valid)."""
    req_id = new_req_id(SEND)
    body = {"chatid": chat_id, "chat_type": chat_type, "msgtype": "markdown", "markdown": {"content": content}}
    return req_id, frame(SEND, req_id, body)


def parse(raw: str | bytes) -> dict[str, Any] | None:
    """The frame as a dict, or None if it is not a JSON object."""
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def req_id_of(data: dict[str, Any]) -> str:
    headers = data.get("headers")
    return str(headers.get("req_id") or "") if isinstance(headers, dict) else ""


def errcode_of(data: dict[str, Any]) -> int:
    try:
        return int(data.get("errcode") or 0)
    except (TypeError, ValueError):
        return -1
