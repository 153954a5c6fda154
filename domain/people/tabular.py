"""Reading rows from CSV or XLSX files, with their spreadsheet row numbers, for every importer."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path


class TableError(ValueError):
    pass


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Return the header and (row number, cells) for each non-empty row; row 1 is the header."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = list(_xlsx_rows(path))
    elif suffix in (".csv", ".txt"):
        rows = list(_csv_rows(path))
    else:
        raise TableError(f"不支持的文件类型 {suffix}：请用 .csv 或 .xlsx")
    if not rows:
        raise TableError("文件是空的")
    header = [cell.strip() for cell in rows[0][1]]
    body = [(number, cells) for number, cells in rows[1:] if any(c.strip() for c in cells)]
    return header, body


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError("文件编码无法识别：请另存为 UTF-8 的 CSV")
    for number, row in enumerate(csv.reader(text.splitlines()), start=1):
        yield number, [cell.strip() for cell in row]


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
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
