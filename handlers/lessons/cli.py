"""`gridbot lessons …`: the 作风微课堂 library."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import func, select

from bot.cli.common import CliState, pass_state, print_rows
from bot.db import transaction
from handlers.lessons import importer as lesson_importer
from handlers.lessons.models import Lesson, LessonConfirmation, LessonDelivery
from bot.tables import ImportRejected

FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "tsv"]), default="table", show_default=True)
FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))


def register(cli: click.Group) -> None:
    cli.add_command(lessons)


def _rejected(file: Path, exc: ImportRejected) -> None:
    click.echo(f"没有导入任何内容：{file.name} 有 {len(exc.problems)} 处问题，请改正后重新导入。", err=True)
    for line in exc.lines():
        click.echo(f"  {line}", err=True)
    raise SystemExit(1)


@click.group()
def lessons() -> None:
    """作风微课堂 lessons: import and list."""


@lessons.command("import")
@FILE
@pass_state
def lessons_import(state: CliState, file: Path) -> None:
    """Import lessons from CSV, XLSX or Markdown; if any row is bad, nothing is imported."""
    app = state.app()
    try:
        with transaction(app.sessions) as session:
            result = lesson_importer.import_file(session, file, app.clock.now(), app.config.lessons.max_body_chars)
    except ImportRejected as exc:
        _rejected(file, exc)
    click.echo(f"导入完成：新增 {result.added} 课，更新 {result.updated} 课。")


@lessons.command("list")
@FORMAT
@pass_state
def lessons_list(state: CliState, fmt: str) -> None:
    """Lessons in push order; tsv columns: id, title, rule, tags, chars, sent_to_groups, confirmations."""
    app = state.app()
    with app.sessions() as session:
        sent = dict(session.execute(select(LessonDelivery.lesson_id, func.count()).group_by(LessonDelivery.lesson_id)).all())
        confirmed = dict(
            session.execute(select(LessonConfirmation.lesson_id, func.count()).group_by(LessonConfirmation.lesson_id)).all()
        )
        rows = [
            [l.id, l.title, l.rule, "、".join(l.tags or []), len(l.body), sent.get(l.id, 0), confirmed.get(l.id, 0)]
            for l in session.scalars(select(Lesson).where(Lesson.active.is_(True)).order_by(Lesson.id))
        ]
    print_rows(["id", "title", "rule", "tags", "chars", "sent_to_groups", "confirmations"], rows, fmt)
