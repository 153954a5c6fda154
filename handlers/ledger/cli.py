"""`gridbot ledger import|export|list`."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from bot.cli.common import FORMAT, IMPORT_FILE, CliState, fail, pass_state, print_rows, reject_import
from bot.db import transaction
from bot.models import Person, Unit
from handlers.ledger import service as ledger
from handlers.ledger.models import LedgerTask
from handlers.ledger.xlsx import export_ledger, import_ledger


def register(cli: click.Group) -> None:
    cli.add_command(ledger_group)


@click.group("ledger")
def ledger_group() -> None:
    """整改台账: import, export and list rectification tasks."""


@ledger_group.command("import")
@IMPORT_FILE
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change; change nothing.")
@pass_state
def import_(state: CliState, file: Path, dry_run: bool) -> None:
    """Import tasks from an .xlsx in the export's layout; if any row is bad, nothing is imported."""
    app = state.app()
    with transaction(app.sessions) as session:
        result = import_ledger(session, app.config, file, app.clock.now(), actor="cli", dry_run=dry_run)
        if result.errors or dry_run:
            session.rollback()
    if result.errors:
        reject_import(file, len(result.errors), result.errors, "任务")
    verb = "检查通过，将" if dry_run else "导入完成："
    click.echo(f"{verb}新增 {result.created} 项，更新 {result.updated} 项。")


@ledger_group.command("export")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The .xlsx file to write.")
@pass_state
def export(state: CliState, out: Path) -> None:
    """Write the ledger to an .xlsx with the four lists as columns."""
    if out.suffix.lower() != ".xlsx":
        fail("导出文件名要以 .xlsx 结尾，例如 --out 台账.xlsx")
    app = state.app()
    with app.sessions() as session:
        count = export_ledger(session, app.config, out, app.clock.now())
    click.echo(f"已导出 {count} 项整改任务到 {out}")


@ledger_group.command("list")
@FORMAT
@pass_state
def list_(state: CliState, fmt: str) -> None:
    """List tasks: id, category, state, deadline, lead leader, unit, problem."""
    app = state.app()
    today = app.local_now().date()
    with app.sessions() as session:
        names = dict(session.execute(select(Person.id, Person.name)).all())
        units = dict(session.execute(select(Unit.id, Unit.name)).all())
        rows = [
            [t.id, t.category, ledger.STATE_LABELS[ledger.state(t, today)], "长期" if t.long_term else (t.deadline or ""),
             names.get(t.lead_leader_id, ""), units.get(t.unit_id, ""), t.problem]
            for t in session.scalars(select(LedgerTask).order_by(LedgerTask.id))
        ]
    print_rows(["id", "category", "state", "deadline", "lead", "unit", "problem"], rows, fmt)
