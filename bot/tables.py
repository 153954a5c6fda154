"""Reading spreadsheets people actually have: CSV (UTF-8 or Excel's GBK) and XLSX, with row numbers.

Every importer (roster, lessons, questions) reads through here. Row numbers are those a person
sees in Excel: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


class TableError(ValueError):
    """The file cannot be read as a table at all; the message says what to do, in Chinese."""


class ImportRejected(Exception):
    """The file cannot be imported; `problems` lists (row, message) and nothing was stored."""

    def __init__(self, problems: Sequence[tuple[int | None, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(describe(row, msg) for row, msg in self.problems))

    def lines(self, limit: int = 30) -> list[str]:
        shown = [describe(row, msg) for row, msg in self.problems[:limit]]
        if len(self.problems) > limit:
            shown.append(f"……另有{len(self.problems) - limit}处问题")
        return shown


def describe(row: int | None, message: str) -> str:
    return f"第{row}行：{message}" if row is not None else message


@dataclass(frozen=True)
class Record:
    row: int
    values: dict[str, str]  # canonical field name -> stripped cell text


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and (row number, cells) for each non-empty row; row 1 is the header."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = list(_xlsx_rows(path))
    elif suffix in (".csv", ".txt"):
        rows = list(_csv_rows(path))
    else:
        raise TableError(f"不支持的文件类型“{path.suffix}”，请用 .csv 或 .xlsx")
    if not rows:
        raise TableError("文件是空的，第1行应是表头")
    header = [cell.strip().replace("\ufeff", "") for cell in rows[0][1]]
    body = [(number, cells) for number, cells in rows[1:] if any(c.strip() for c in cells)]
    return header, body


def read_records(path: Path, columns: Mapping[str, tuple[str, ...]], required: tuple[str, ...]) -> list[Record]:
    """Rows keyed by canonical field names (`columns`: field -> accepted headers); ImportRejected if unusable."""
    try:
        header, body = read_rows(path)
    except TableError as exc:
        raise ImportRejected([(None, str(exc))]) from None
    lookup = {alias.lower(): field for field, aliases in columns.items() for alias in (field, *aliases)}
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        field = lookup.get(name.lower())
        if field is not None and field not in positions:
            positions[field] = index
    missing = [columns[f][0] if columns[f] else f for f in required if f not in positions]
    if missing:
        raise ImportRejected([(1, f"表头缺少列：{'、'.join(missing)}")])
    return [
        Record(number, {field: (cells[i] if i < len(cells) else "") for field, i in positions.items()})
        for number, cells in body
    ]


def split_tags(text: str) -> list[str]:
    for sep in "，、;；|/":
        text = text.replace(sep, ",")
    return [t.strip() for t in text.split(",") if t.strip()]


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost any byte string
        raise TableError("无法识别文件编码，请另存为 UTF-8 的 CSV")
    # A quoted cell may hold a line break; it is still one spreadsheet row.
    for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        yield number, [cell.strip() for cell in row]


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook gets the same plain answer
        raise TableError(f"无法读取这个 Excel 文件（{type(exc).__name__}），请确认是 .xlsx 格式") from exc
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell(value) for value in row]
    finally:
        workbook.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
