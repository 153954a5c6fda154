from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from bot.audit import record
from bot.cli.common import FORMAT, IMPORT_FILE, CliState, fail, pass_state, print_rows, reject_import
from bot.db import transaction
from bot.models import Role, Unit
from handlers.people.roster import import_roster, list_people


def register(cli: click.Group) -> None:
    cli.add_command(people)


@click.group()
def people() -> None:
    """The roster: import and list people."""


@people.command("import")
@IMPORT_FILE
@pass_state
def import_(state: CliState, file: Path) -> None:
    """Import people from CSV or XLSX; if any row is bad, nothing is imported."""
    app = state.app()
    with transaction(app.sessions) as session:
        result = import_roster(session, file)
        if result.problems:
            session.rollback()
        else:
            record(session, "cli", "import", "people", None,
                   {"file": file.name, "created": result.created, "updated": result.updated}, at=app.clock.now())
    if result.problems:
        reject_import(file, len(result.problems), result.problems, "人")
    click.echo(f"导入完成：新增 {result.created} 人，更新 {result.updated} 人，新建单位 {result.units_created} 个。")


@people.command("list")
@click.option("--role", type=click.Choice([r.value for r in Role]), help="Only this role.")
@click.option("--unit", metavar="NAME", help="Only this unit (社区 or 部门 name).")
@FORMAT
@pass_state
def list_(state: CliState, role: str | None, unit: str | None, fmt: str) -> None:
    """List people; tsv columns: id, name, role, unit, grid, wecom_userid."""
    app = state.app()
    with app.sessions() as session:
        if unit and session.scalar(select(Unit).where(Unit.name == unit)) is None:
            fail(f"没有叫“{unit}”的单位。")
        rows = list_people(session, Role(role) if role else None, unit)
    print_rows(
        ["id", "name", "role", "unit", "grid", "wecom_userid"],
        [[p.id, p.name, p.role if fmt == "tsv" else Role(p.role).label, u, g, p.wecom_userid or ""] for p, u, g in rows],
        fmt,
    )
