"""A callback that cannot be processed: retried with growing pauses a few times, then set aside.

Set aside means: the inbox row is marked failed with its error (kept for the operator, out of every
later round), and each admin is told once — the notice's outbox key is made from the row, so a second
instance or a repeated failure writes nothing more. Other messages never wait for it: a failing row
is only offered again when its pause is over.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from bot.channels.wecom.models import InboxStatus, WecomInbox
from bot.db import transaction
from bot.message import Reply, ToPerson
from bot.models import Person, Role

log = logging.getLogger(__name__)

# Tries in all, and the pauses between them (10 s, 1 min, 6 min): a database hiccup heals within them.
MAX_ATTEMPTS = 4
FIRST_RETRY_SECONDS = 10
KIND_NAMES = {"text": "文字", "image": "图片", "voice": "语音", "location": "位置", "event": "事件"}


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=FIRST_RETRY_SECONDS * 6 ** max(attempts - 1, 0))


def describe(exc: BaseException) -> str:
    """A short error for the inbox row and the admins: the type and the first line, never SQL or parameters."""
    first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {first[0] if first else ''}"[:300]


def record_failure(app: App, inbox_id: int, error: str, permanent: bool = False) -> bool:
    """Count a failed try of this row; return True when it was set aside now (and the admins told).

    `permanent` is for what cannot heal (a stored message that does not parse): set aside at once.
    Must not run inside the transaction of a message being handled.
    """
    now = app.clock.now()
    with transaction(app.sessions) as session:
        row = session.get(WecomInbox, inbox_id)
        if row is None or row.status != InboxStatus.pending.value:
            return False
        row.attempts += 1
        row.error = error[:2000]
        if not permanent and row.attempts < MAX_ATTEMPTS:
            row.next_attempt_at = now + retry_delay(row.attempts)
            log.warning("WeCom message %s failed (try %d of %d); tried again after %s",
                        inbox_id, row.attempts, MAX_ATTEMPTS, retry_delay(row.attempts))
            return False
        row.status = InboxStatus.failed.value
        row.processed_at = now
        row.next_attempt_at = None
        facts = (row.from_user, row.received_at, row.attempts, row.msg_type)
    log.error("WeCom message %s set aside after %d tries: %s", inbox_id, facts[2], error)
    tell_admins(app, inbox_id, *facts, error)
    return True


def tell_admins(app: App, inbox_id: int, sender: str, received_at, attempts: int, msg_type: str, error: str) -> None:
    with app.sessions() as session:
        admins = list(session.scalars(
            select(Person.id).where(Person.role == Role.admin.value, Person.active.is_(True)).order_by(Person.id)
        ))
    if not admins:
        log.error("no active admin to tell that WeCom message %s was set aside", inbox_id)
        return
    local = received_at.astimezone(app.config.tz)
    kind = KIND_NAMES.get(msg_type, msg_type)
    text = (
        f"⚠️ 有一条企业微信消息没能处理，已停止重试：{sender} 在{local:%m月%d日 %H:%M}发来的{kind}消息，"
        f"试了{attempts}次。原因：{error[:120]}\n"
        "其他消息不受影响。请查看服务器日志，必要时联系发送人重新发送。"
    )
    stamp = f"{received_at:%Y%m%d%H%M%S}"
    try:
        app.push([Reply(text, to=ToPerson(admin), dedupe_key=f"inbox-failed:{inbox_id}:{stamp}:p{admin}")
                  for admin in admins])
    except Exception:  # noqa: BLE001 - the row is set aside either way; the log says so
        log.exception("could not tell the admins that WeCom message %s was set aside", inbox_id)
