"""Running received callbacks through `App.handle` on the plugin's worker threads.

The inbox row is marked done inside the transaction that stores the handler's changes and its
replies (a session hook keyed by a context variable), so a crash leaves all of it or none of it.
"""

from __future__ import annotations

import contextvars
import logging

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.app import AlreadyHandled, App
from bot.channels.wecom.models import InboxStatus, WecomInbox
from bot.clock import Clock
from bot.message import Incoming

log = logging.getLogger(__name__)

Work = list[tuple[int, Incoming]]

_processing: contextvars.ContextVar[int | None] = contextvars.ContextVar("wecom_inbox_id", default=None)


class InboxMarker:
    """A before_commit hook: the commit of a handled message also marks its inbox row done."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self.sessions = sessions
        self.clock = clock

    def install(self) -> None:
        from sqlalchemy import event

        event.listen(self.sessions, "before_commit", self)

    def remove(self) -> None:
        from sqlalchemy import event

        if event.contains(self.sessions, "before_commit", self):
            event.remove(self.sessions, "before_commit", self)

    def __call__(self, session: Session) -> None:
        inbox_id = _processing.get()
        if inbox_id is None:
            return
        # On the table, not the mapped class: the ORM form re-checks the session's objects against
        # the WHERE clause ("synchronize_session"), which cost more than the handler's own flush.
        table = WecomInbox.__table__
        marked = session.execute(
            update(table)
            .where(table.c.id == inbox_id, table.c.status == InboxStatus.pending.value)
            .values(status=InboxStatus.done.value, processed_at=self.clock.now(), attempts=table.c.attempts + 1)
        )
        if marked.rowcount == 0:
            # Another instance handled this message first (its commit won the row): say nothing twice.
            raise AlreadyHandled(f"WeCom inbox row {inbox_id}")


def handle_all(app: App, work: Work) -> int:
    """Each message in its own transaction, in order; return how many were handled.

    A message whose transaction fails stays pending with a pause before its next try; after the
    last try it is set aside and the admins are told (bot/channels/wecom/failures.py).
    """
    from bot.channels.wecom.failures import describe, record_failure

    done = 0
    failed: list[tuple[int, str]] = []
    for inbox_id, incoming in work:
        token = _processing.set(inbox_id)
        try:
            app.handle(incoming)
            done += 1
        except Exception as exc:  # noqa: BLE001 - the others in the batch still go
            log.exception("WeCom message %s could not be processed", inbox_id)
            failed.append((inbox_id, describe(exc)))
        finally:
            _processing.reset(token)
    # Outside any message's transaction: the commit hook above must not take these for a handled message.
    for inbox_id, error in failed:
        try:
            record_failure(app, inbox_id, error)
        except Exception:  # noqa: BLE001 - left pending as it is; the sweep offers it again
            log.exception("could not record the failure of WeCom message %s", inbox_id)
    return done
