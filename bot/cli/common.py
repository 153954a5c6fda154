from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn, TypeVar

import click
from sqlalchemy.orm import Session

from bot.app import App
from bot.config import Config
from bot.capability import Capability
from bot.db import transaction
from bot.tables import ImportRejected

T = TypeVar("T")


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


@dataclass
class CliState:
    config: Config
    config_path: Path | None
    capabilities: tuple[Capability, ...] = ()
    _app: App | None = field(default=None, repr=False)

    def app(self, require_schema: bool = True) -> App:
        if self._app is None:
            self._app = App.build(self.config, self.capabilities)
            status = self._app.database_status()
            reachable = status == "ok" or status.startswith(("empty", "needs upgrade"))
            if not reachable or (require_schema and status != "ok"):
                fail(f"数据库未就绪 / database not ready: {status}")
        return self._app

    def close(self) -> None:
        if self._app is not None:
            self._app.engine.dispose()


pass_state = click.make_pass_decorator(CliState)

FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "tsv"]), default="table", show_default=True)
"""The `--format table|tsv` option of a listing command; pass its value to `print_rows`."""

IMPORT_FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
"""The existing file an import command reads."""


def reject_import(file: Path, count: int, problems: Iterable[object], what: str = "内容") -> NoReturn:
    """Say that nothing of `file` was imported, with its `count` problems listed one a line; exit 1."""
    click.echo(f"没有导入任何{what}：{file.name} 有 {count} 处问题，请改正后重新导入。", err=True)
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    raise SystemExit(1)


def import_all_or_nothing(state: CliState, file: Path, run: Callable[[Session, App], T]) -> T:
    """`run` the import of `file` in one transaction; when it raises ImportRejected nothing is stored
    and every problem is listed (exit 1)."""
    app = state.app()
    try:
        with transaction(app.sessions) as session:
            return run(session, app)
    except ImportRejected as exc:
        reject_import(file, len(exc.problems), exc.lines())


def print_rows(headers: list[str], rows: list[list[object]], fmt: str) -> None:
    """tsv: machine-readable with a header line; table: aligned columns for people."""
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    if fmt == "tsv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(headers)
        writer.writerows([[c.replace("\t", " ").replace("\n", " ") for c in row] for row in cells])
        click.echo(out.getvalue(), nl=False)
        return
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    for row in [headers, *cells]:
        click.echo("  ".join(_pad(c.replace("\n", " "), w) for c, w in zip(row, widths)).rstrip())


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
