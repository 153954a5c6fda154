"""Reading spreadsheets people actually have: CSV (UTF-8 or Excel's GBK) and XLSX, with row numbers.

Row numbers are those a person sees in Excel: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


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


def read_table(path: Path, columns: Mapping[str, tuple[str, ...]], required: tuple[str, ...]) -> list[Record]:
    """Rows of a CSV or XLSX file keyed by canonical field names (`columns`: field -> accepted headers)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    else:
        raise ImportRejected([(None, f"不支持的文件类型“{path.suffix}”，请用 .csv 或 .xlsx")])
    if not rows:
        raise ImportRejected([(None, "文件是空的，第1行应是表头")])
    header = [_norm_header(h) for h in rows[0]]
    lookup = {alias.lower(): field for field, aliases in columns.items() for alias in (field, *aliases)}
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        field = lookup.get(name.lower())
        if field is not None and field not in positions:
            positions[field] = index
    missing = [columns[f][0] if columns[f] else f for f in required if f not in positions]
    if missing:
        raise ImportRejected([(1, f"表头缺少列：{'、'.join(missing)}")])
    records: list[Record] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = ["" if c is None else str(c).strip() for c in row]
        if not any(cells):
            continue
        values = {field: (cells[i] if i < len(cells) else "") for field, i in positions.items()}
        records.append(Record(number, values))
    return records


def _norm_header(value: object) -> str:
    return "" if value is None else str(value).strip().replace("\ufeff", "")


def _csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ImportRejected([(None, "无法识别文件编码，请另存为 UTF-8 的 CSV")])
    return [row for row in csv.reader(io.StringIO(text, newline=""))]


def _xlsx_rows(path: Path) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook gets the same plain answer
        raise ImportRejected([(None, f"无法读取这个 Excel 文件（{type(exc).__name__}），请确认是 .xlsx 格式")]) from exc
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def split_tags(text: str) -> list[str]:
    for sep in "，、;；|/":
        text = text.replace(sep, ",")
    return [t.strip() for t in text.split(",") if t.strip()]
