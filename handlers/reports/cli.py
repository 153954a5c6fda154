"""`gridbot reports list`."""

from __future__ import annotations

import click
from sqlalchemy import select

from bot.cli.common import FORMAT, CliState, pass_state, print_rows
from handlers.reports import render
from handlers.reports.models import STATUS_LABELS, Report, ReportStatus


def register(cli: click.Group) -> None:
    cli.add_command(reports_group)


@click.group("reports")
def reports_group() -> None:
    """随手拍: list reports (anonymous reporters stay hidden)."""


@reports_group.command("list")
@click.option("--status", type=click.Choice([s.value for s in ReportStatus]), help="Only this status.")
@FORMAT
@pass_state
def reports_list(state: CliState, status: str | None, fmt: str) -> None:
    """List reports: id, created, status, category, unit, reporter, text."""
    app = state.app()
    tz = app.config.tz
    with app.sessions() as session:
        query = select(Report).order_by(Report.id)
        if status:
            query = query.where(Report.status == status)
        rows = []
        for report in session.scalars(query):
            reporter = render.reporter_label(report, report.reporter, None)
            label = STATUS_LABELS[ReportStatus(report.status)] if fmt == "table" else report.status
            rows.append([report.id, f"{report.created_at.astimezone(tz):%Y-%m-%d %H:%M}", label, report.category,
                         render.place(report), reporter, render.snippet(report.text, 40)])
    print_rows(["id", "created", "status", "category", "unit", "reporter", "text"], rows, fmt)
