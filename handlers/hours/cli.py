from __future__ import annotations

import re
from pathlib import Path

import click

from bot.cli.common import CliState, fail, pass_state
from handlers.hours.export import export_csv, export_xlsx


def register(cli: click.Group) -> None:
    cli.add_command(hours)


@click.group()
def hours() -> None:
    """Service hours (下沉网格服务时长)."""


@hours.command("export")
@click.option("--month", required=True, metavar="YYYY-MM", help="The month to export.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Output file.")
@pass_state
def export(state: CliState, month: str, fmt: str, out: Path) -> None:
    """Export one row per entry; the xlsx adds a summary sheet per unit."""
    found = re.fullmatch(r"(\d{4})-(\d{1,2})", month)
    if not found or not 1 <= int(found[2]) <= 12:
        fail(f"--month 格式应为 YYYY-MM，例如 2026-11（收到：{month}）")
    year, number = int(found[1]), int(found[2])
    app = state.app()
    with app.sessions() as session:
        if fmt == "csv":
            count = export_csv(session, year, number, out)
        else:
            count = export_xlsx(session, year, number, app.config.hours, out)
    click.echo(f"已导出 {year}年{number}月 {count} 条记录到 {out}")
