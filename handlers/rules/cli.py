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
from handlers.rules.service import find_document, import_document, list_documents, remove_document

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
        click.echo(f"  score {hit.score:6.2f}  coverage {hit.coverage:.2f}  {hit.article.citation}")
    outcome = (
        "answered" if result.covered else "off-topic" if result.off_topic
        else f"{len(result.candidates)} choices offered" if result.candidates else "declined"
    )
    click.echo(f"  (threshold {settings.threshold}: {outcome})")


def _parse_date(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--date 格式不对：{value}（例：2025-03-01）")
