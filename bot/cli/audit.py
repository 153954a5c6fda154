"""`gridbot audit`: who changed what, and when."""

from __future__ import annotations

from datetime import datetime

import click
from sqlalchemy import select

from bot.cli.common import FORMAT, CliState, fail, pass_state, print_rows
from bot.models import AuditEntry


def register(cli: click.Group) -> None:
    cli.add_command(audit)


@click.command()
@click.option("--entity", metavar="NAME", help="Only this kind of record (e.g. hour_entry, report, ledger_task).")
@click.option("--id", "entity_id", metavar="ID", help="Only this record.")
@click.option("--actor", metavar="NAME", help="Only changes by this person (name or name#id).")
@click.option("--since", metavar="ISO-DATETIME", help="Only changes from this time on (street time zone if none given).")
@click.option("--limit", type=int, default=100, show_default=True)
@FORMAT
@pass_state
def audit(state: CliState, entity: str | None, entity_id: str | None, actor: str | None, since: str | None,
          limit: int, fmt: str) -> None:
    """List changes to stored data, newest last: time, actor, action, entity, id, detail."""
    app = state.app()
    tz = app.config.tz
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    if actor:
        query = query.where((AuditEntry.actor == actor) | AuditEntry.actor.startswith(f"{actor}#"))
    if since:
        try:
            moment = datetime.fromisoformat(since)
        except ValueError:
            fail(f"--since 格式不对：{since}（例：2026-11-25T08:00）")
        query = query.where(AuditEntry.at >= (moment if moment.tzinfo else moment.replace(tzinfo=tz)))
    with app.sessions() as session:
        rows = list(reversed(session.scalars(query).all()))
    print_rows(
        ["time", "actor", "action", "entity", "id", "detail"],
        [[r.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), r.actor, r.action, r.entity, r.entity_id or "",
          "" if r.detail is None else _detail(r.detail)] for r in rows],
        fmt,
    )


def _detail(detail: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in detail.items())
