"""`gridbot rules …`: import, list and remove the documents the rules Q&A answers from."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from bot.cli.common import CliState, fail, pass_state, print_rows
from bot.db import transaction
from handlers.rules.answer import answer
from handlers.rules.importer import RulesImportError, read_file
from handlers.rules.kb import index_for
from handlers.rules.search import LexiconError
from handlers.rules.questions_file import QuestionsFileError, read_questions
from handlers.rules.service import (
    add_questions,
    find_document,
    import_document,
    list_documents,
    list_questions,
    load_articles_by_citation,
    remove_document,
    remove_question,
)

ACTOR = "cli"


def register(cli: click.Group) -> None:
    cli.add_command(rules)


@click.group()
def rules() -> None:
    """Rules knowledge base (规定问答)."""


@rules.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--title", help="Document title as cited in answers (default: the file name).")
@click.option("--issuer", default="", help="Who issued it, e.g. 街道党工委.")
@click.option("--date", "issued", default="", metavar="YYYY-MM-DD", help="Date of issue.")
@click.option("--source", default="", help="Where it came from (文号, link, file).")
@pass_state
def import_command(state: CliState, file: Path, title: str | None, issuer: str, issued: str, source: str) -> None:
    """Import FILE (.txt, .md, .docx); a document with the same title is replaced."""
    issued_on = _parse_date(issued)
    app = state.app()
    try:
        articles = read_file(file)
        with transaction(app.sessions) as session:
            result = import_document(
                session,
                title or file.stem,
                articles,
                at=app.clock.now(),
                actor=ACTOR,
                issuer=issuer,
                issued_on=issued_on,
                source=source or file.name,
            )
    except RulesImportError as exc:
        fail(f"未导入：{exc}")
    verb = "已替换" if result.replaced else "已导入"
    first, last = articles[0].label, articles[-1].label
    click.echo(f"{verb}《{result.title}》（编号 {result.document_id}）：{result.articles}条，{first} … {last}。")


@rules.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "tsv"]), default="table", show_default=True)
@pass_state
def list_command(state: CliState, fmt: str) -> None:
    """List the documents in the knowledge base."""
    app = state.app()
    with app.sessions() as session:
        rows = list_documents(session)
    if not rows and fmt == "table":
        click.echo("规定知识库是空的。用 gridbot rules import FILE --title … 导入。")
        return
    print_rows(
        ["id", "title", "articles", "issuer", "date", "source"],
        [[r.id, r.title, r.articles, r.issuer, r.issued_on.isoformat() if r.issued_on else "", r.source] for r in rows],
        fmt,
    )


@rules.command("remove")
@click.argument("key", metavar="ID|TITLE")
@pass_state
def remove_command(state: CliState, key: str) -> None:
    """Remove a document and all its articles."""
    app = state.app()
    with transaction(app.sessions) as session:
        document = find_document(session, key)
        if document is None:
            fail(f"找不到规定“{key}”。用 gridbot rules list 查看编号和标题。")
        title = document.title
        remove_document(session, document, at=app.clock.now(), actor=ACTOR)
    click.echo(f"已删除《{title}》。")


@rules.command("ask")
@click.argument("question")
@pass_state
def ask_command(state: CliState, question: str) -> None:
    """Answer QUESTION as the bot would, and show the best matches with their scores (for tuning)."""
    app = state.app()
    settings = app.config.rules
    try:
        with app.sessions() as session:
            index = index_for(session, settings)
    except LexiconError as exc:
        fail(f"词表有误：{exc}")
    result = answer(index, question, settings, app.config.llm)
    click.echo(result.text)
    click.echo()
    for hit in result.hits:
        click.echo(f"  score {hit.score:6.2f}  coverage {hit.coverage:.2f}  alike {hit.alike:.2f}  {hit.article.citation}")
    outcome = (
        "answered" if result.covered else "off-topic" if result.off_topic
        else f"{len(result.candidates)} choices offered" if result.candidates else "declined"
    )
    click.echo(f"  (threshold {settings.threshold}: {outcome})")


@rules.group("questions")
def questions() -> None:
    """Questions known to be answered by an article: a question put the same way finds it first."""


@questions.command("list")
@click.option("--source", type=click.Choice(["sample", "import", "chosen"]), default=None,
              help="Only these: shipped with the samples, imported, or picked by cadres from numbered choices.")
@click.option("--format", "fmt", type=click.Choice(["table", "tsv"]), default="table", show_default=True)
@pass_state
def questions_list(state: CliState, source: str | None, fmt: str) -> None:
    """List the known questions and the article each one finds."""
    app = state.app()
    with app.sessions() as session:
        rows = list_questions(session, source)
    if not rows and fmt == "table":
        click.echo("还没有已知问法。")
        return
    print_rows(["id", "source", "article", "question"], [[r.id, r.source, r.citation, r.text] for r in rows], fmt)


@questions.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@pass_state
def questions_import(state: CliState, file: Path) -> None:
    """Import FILE (TOML: [[q]] with text = "…" and article = "《title》label")."""
    app = state.app()
    try:
        with transaction(app.sessions) as session:
            found = read_questions(file, load_articles_by_citation(session))
            added = add_questions(session, found, "import", at=app.clock.now(), actor=ACTOR)
    except QuestionsFileError as exc:
        fail(f"未导入：{exc}")
    click.echo(f"已导入{added}条问法（{len(found) - added}条已有）。")


@questions.command("remove")
@click.argument("question_id", type=int, metavar="ID")
@pass_state
def questions_remove(state: CliState, question_id: int) -> None:
    """Forget a known question (a cadre picked the wrong article for it, say)."""
    app = state.app()
    with transaction(app.sessions) as session:
        removed = remove_question(session, question_id, at=app.clock.now(), actor=ACTOR)
    if not removed:
        fail(f"找不到编号为{question_id}的问法。用 gridbot rules questions list 查看。")
    click.echo(f"已删除问法{question_id}。")


def _parse_date(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--date 格式不对：{value}（例：2025-03-01）")
