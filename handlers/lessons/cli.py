"""`gridbot lessons …`: the 作风微课堂 library."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import func, select

from bot.cli.common import FORMAT, IMPORT_FILE, CliState, import_all_or_nothing, pass_state, print_rows
from handlers.lessons import importer as lesson_importer
from handlers.lessons.models import Lesson, LessonConfirmation, LessonDelivery


def register(cli: click.Group) -> None:
    cli.add_command(lessons)


@click.group()
def lessons() -> None:
    """作风微课堂 lessons: import and list."""


@lessons.command("import")
@IMPORT_FILE
@pass_state
def lessons_import(state: CliState, file: Path) -> None:
    """Import lessons from CSV, XLSX or Markdown; if any row is bad, nothing is imported."""
    result = import_all_or_nothing(
        state, file,
        lambda session, app: lesson_importer.import_file(session, file, app.clock.now(), app.config.lessons.max_body_chars),
    )
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
