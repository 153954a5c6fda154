"""Running received callbacks through `App.handle` on the plugin's worker threads.

The inbox row is marked done inside the transaction that stores the handler's changes and its
replies (passed to App.handle as its on_commit work), so a crash leaves all of it or none of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.app import AlreadyHandled, App
from bot.channels.wecom.models import InboxStatus, WecomInbox
from bot.clock import Clock
from bot.message import Incoming

log = logging.getLogger(__name__)

Work = list[tuple[int, Incoming]]

class InboxMarker:
    """Marks a handled message's inbox row done inside the transaction that stores what it did."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def for_row(self, inbox_id: int) -> Callable[[Session], None]:
        return partial(self.mark_done, inbox_id=inbox_id)

    def mark_done(self, session: Session, inbox_id: int) -> None:
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


def handle_all(app: App, marker: InboxMarker, work: Work) -> int:
    """Each message in its own transaction, in order; return how many were handled.

    A message whose transaction fails stays pending with a pause before its next try; after the
    last try it is set aside and the admins are told (bot/channels/wecom/failures.py).
    """
    from bot.channels.wecom.failures import describe, record_failure

    done = 0
    failed: list[tuple[int, str]] = []
    for inbox_id, incoming in work:
        try:
            app.handle(incoming, on_commit=marker.for_row(inbox_id))
            done += 1
        except Exception as exc:  # noqa: BLE001 - the others in the batch still go
            log.exception("WeCom message %s could not be processed", inbox_id)
            failed.append((inbox_id, describe(exc)))
    for inbox_id, error in failed:
        try:
            record_failure(app, inbox_id, error)
        except Exception:  # noqa: BLE001 - left pending as it is; the sweep offers it again
            log.exception("could not record the failure of WeCom message %s", inbox_id)
    return done
