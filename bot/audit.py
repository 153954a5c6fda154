from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.models import AuditEntry, Person


def record(
    session: Session,
    actor: Person | str | None,
    action: str,
    entity: str,
    entity_id: object | None = None,
    detail: dict[str, Any] | None = None,
    *,
    at: datetime,
) -> None:
    """Append who changed what; called in the same transaction as the change itself."""
    if isinstance(actor, Person):
        actor_id, actor_name = actor.id, f"{actor.name}#{actor.id}"
    else:
        actor_id, actor_name = None, actor or "system"
    session.add(
        AuditEntry(
            at=at,
            actor_id=actor_id,
            actor=actor_name,
            action=action,
            entity=entity,
            entity_id=None if entity_id is None else str(entity_id),
            detail=detail,
        )
    )
