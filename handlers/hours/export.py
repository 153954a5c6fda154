"""The hours 台账 the office keeps: one row per entry, plus a per-unit summary in the xlsx."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy.orm import Session

from handlers.hours.settings import HoursConfig
from handlers.hours.service import export_rows, unit_month_report

HEADER = ["date", "person_id", "name", "unit", "grid", "hours", "note"]
HEADER_CN = ["日期", "人员编号", "姓名", "单位", "网格", "时长(小时)", "事项"]


def export_csv(session: Session, year: int, month: int, out: Path) -> int:
    rows = export_rows(session, year, month)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for day, person_id, name, unit, grid, hours, note in rows:
            writer.writerow([day.isoformat(), person_id, name, unit or "", grid or "", _num(hours), note or ""])
    return len(rows)


def export_xlsx(session: Session, year: int, month: int, config: HoursConfig, out: Path) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = export_rows(session, year, month)
    units, _ = unit_month_report(session, year, month, config, None)
    book = Workbook()
    detail = book.active
    detail.title = "明细"
    detail.append(HEADER_CN)
    for day, person_id, name, unit, grid, hours, note in rows:
        detail.append([day.isoformat(), person_id, name, unit or "", grid or "", float(hours), note or ""])
    summary = book.create_sheet("单位汇总")
    summary.append([f"{year}年{month}月 下沉网格服务时长汇总（目标 {_num(config.monthly_target)} 小时/人）"])
    summary.append(["单位", "人数", "达标人数", "达标率", "总时长(小时)", "人均(小时)"])
    for unit in units:
        average = unit.hours / unit.people if unit.people else 0
        summary.append([unit.unit, unit.people, unit.reached, round(unit.rate, 4), unit.hours, round(average, 2)])
    for sheet in (detail, summary):
        for cell in sheet[1 if sheet is detail else 2]:
            cell.font = Font(bold=True)
    for row in summary.iter_rows(min_row=3, min_col=4, max_col=4):
        for cell in row:
            cell.number_format = "0.0%"
    book.save(out)
    return len(rows)


def _num(value: float) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".")
