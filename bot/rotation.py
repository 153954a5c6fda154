"""Taking turns through a library: what a group is sent next from a table of items it is sent again and again."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

T = TypeVar("T")


def next_in_rotation(
    session: Session,
    item: type[T],
    sent_item: InstrumentedAttribute[Any],
    sent_group: InstrumentedAttribute[Any],
    sent_at: InstrumentedAttribute[Any],
    group_id: int,
) -> T | None:
    """The first active `item` in id order not yet sent to the group; once all were, the one sent longest ago.

    `item` has `id` and `active`; `sent_item`, `sent_group` and `sent_at` are the columns of the log of
    what was sent to which group and when. None when no active item is left to send.
    """
    sent = select(sent_item).where(sent_group == group_id)
    fresh = session.scalars(
        select(item).where(item.active.is_(True), item.id.not_in(sent)).order_by(item.id).limit(1)
    ).first()
    if fresh is not None:
        return fresh
    last = (
        select(sent_item.label("item_id"), func.max(sent_at).label("last_at"))
        .where(sent_group == group_id)
        .group_by(sent_item)
        .subquery()
    )
    return session.scalars(
        select(item)
        .join(last, last.c.item_id == item.id)
        .where(item.active.is_(True))
        .order_by(last.c.last_at, item.id)
        .limit(1)
    ).first()
