"""`gridbot quiz …`: the question bank."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import Integer, cast, func, select

from bot.cli.common import FORMAT, IMPORT_FILE, CliState, import_all_or_nothing, pass_state, print_rows
from handlers.quiz import importer as quiz_importer
from handlers.quiz.answers import answer_label
from handlers.quiz.models import Question, QuestionKind, QuizAnswer


def register(cli: click.Group) -> None:
    cli.add_command(quiz)


@click.group()
def quiz() -> None:
    """Quiz question bank: import and list."""


@quiz.command("import")
@IMPORT_FILE
@pass_state
def quiz_import(state: CliState, file: Path) -> None:
    """Import questions from CSV or XLSX; if any row is bad, nothing is imported."""
    result = import_all_or_nothing(state, file, lambda session, app: quiz_importer.import_file(session, file, app.clock.now()))
    click.echo(f"导入完成：新增 {result.added} 题，更新 {result.updated} 题。")


@quiz.command("list")
@FORMAT
@pass_state
def quiz_list(state: CliState, fmt: str) -> None:
    """Questions; tsv columns: id, kind, question, answer, tags, answered, correct."""
    app = state.app()
    with app.sessions() as session:
        stats = {
            qid: (n, int(c or 0))
            for qid, n, c in session.execute(
                select(QuizAnswer.question_id, func.count(), func.sum(cast(QuizAnswer.correct, Integer)))
                .group_by(QuizAnswer.question_id)
            ).all()
        }
        rows = []
        for q in session.scalars(select(Question).where(Question.active.is_(True)).order_by(Question.id)):
            answered, correct = stats.get(q.id, (0, 0))
            kind = q.kind if fmt == "tsv" else QuestionKind(q.kind).label
            stem = q.stem if fmt == "tsv" else _clip(q.stem, 30)
            rows.append([q.id, kind, stem, answer_label(q.answer), "、".join(q.tags or []), answered, correct])
    print_rows(["id", "kind", "question", "answer", "tags", "answered", "correct"], rows, fmt)


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"

