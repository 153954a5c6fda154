"""xlsx exports of exactly what each page shows (without the on-screen row limit)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from handlers.dashboard.pages import LedgerBoard, Overview, PeoplePage

HEADER_FONT = Font(bold=True)
OVERDUE_FILL = PatternFill("solid", fgColor="FFE3E3")


def _sheet(book: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence], highlight=None) -> None:
    sheet = book.create_sheet(title)
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = HEADER_FONT
    widths = [max(len(str(h)) * 2, 8) for h in headers]
    for row in rows:
        values = ["" if v is None else v for v in row]
        sheet.append(values)
        for i, value in enumerate(values):
            widths[i] = min(max(widths[i], len(str(value)) * 2 if isinstance(value, str) else 10), 60)
        if highlight is not None and highlight(row):
            for cell in sheet[sheet.max_row]:
                cell.fill = OVERDUE_FILL
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"


def _book() -> Workbook:
    book = Workbook()
    book.remove(book.active)
    return book


def _bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pct(value: float) -> float:
    return round(value * 100, 1)


def overview_xlsx(data: Overview) -> bytes:
    book = _book()
    _sheet(
        book,
        "服务时长",
        ["单位", "人数", "完成率%", "达标人数", "达标率%", "合计小时", "人均小时", "月目标小时"],
        [
            (u.unit, u.people, _pct(u.completion), u.reached, _pct(u.rate), u.hours, round(u.average, 2), u.target)
            for u in data.hours.units
        ],
    )
    if data.lessons is not None:
        _sheet(
            book,
            "微课覆盖",
            ["单位", "人数", "应学人次", "已学人次", "覆盖率%"],
            [(u.unit, u.people, u.expected, u.confirmed, _pct(u.rate)) for u in data.lessons.units],
        )
    if data.quiz is not None:
        _sheet(
            book,
            "答题参与",
            ["单位", "人数", "参与人数", "参与率%", "答题数", "答对数", "正确率%"],
            [(u.unit, u.people, u.participants, _pct(u.rate), u.answers, u.correct, _pct(u.accuracy)) for u in data.quiz.units],
        )
    if data.reports is not None:
        r = data.reports
        _sheet(
            book,
            "诉求",
            ["指标", "数值"],
            [
                ("本月新增", r.created),
                ("待办（未办结）", r.open),
                ("超期", r.overdue),
                ("受理时长中位数（小时）", r.accept.median),
                ("受理时长P90（小时）", r.accept.p90),
                *[(f"本月·{name}", n) for name, n in r.by_status],
            ],
        )
    if data.ledger is not None:
        from handlers.ledger.dashboard import STATE_LABELS, STATES

        _sheet(
            book,
            "整改台账",
            ["类别", *[STATE_LABELS[s] for s in STATES], "合计"],
            [(c.category, *[c.counts[s] for s in STATES], c.total) for c in data.ledger],
            highlight=lambda row: row[1] > 0,
        )
    return _bytes(book)


def ledger_xlsx(board: LedgerBoard) -> bytes:
    book = _book()
    _sheet(
        book,
        "整改任务",
        ["编号", "类别", "问题", "牵头领导", "责任单位", "完成时限", "状态", "进展条数", "最近进展"],
        [
            (
                t.id,
                t.category,
                t.problem,
                t.leader,
                t.unit,
                t.deadline,
                t.state_label,
                t.progress,
                t.last_progress.replace(tzinfo=None) if t.last_progress else None,
            )
            for t in board.tasks
        ],
        highlight=lambda row: row[6] == "已超期",
    )
    return _bytes(book)


def reports_xlsx(page, tz) -> bytes:
    book = _book()
    _sheet(
        book,
        "诉求",
        ["编号", "提交时间", "类别", "单位", "状态", "提交人", "内容", "受理用时（小时）", "办结用时（小时）", "超期"],
        [
            (
                r.id,
                r.created_at.astimezone(tz).replace(tzinfo=None),
                r.category,
                r.unit,
                r.status_label,
                r.reporter,
                r.text,
                r.hours_to_accept,
                r.hours_to_close,
                "是" if r.overdue else "",
            )
            for r in page.rows
        ],
        highlight=lambda row: row[9] == "是",
    )
    _sheet(
        book,
        "用时统计",
        ["指标", "件数", "中位数（小时）", "P90（小时）"],
        [("受理用时", page.accept.count, page.accept.median, page.accept.p90), ("办结用时", page.close.count, page.close.median, page.close.p90)],
    )
    return _bytes(book)


def people_xlsx(page: PeoplePage) -> bytes:
    book = _book()
    headers = ["姓名", "角色", "单位", "服务小时", "登记次数", "差额（小时）"]
    if page.lessons is not None:
        headers += ["应学微课", "已学微课"]
    if page.quiz is not None:
        headers += ["答题数", "答对数"]
    rows = []
    for p in page.rows:
        row = [p.name, p.role_label, p.unit, p.hours, p.entries, p.shortfall]
        if page.lessons is not None:
            row += list(page.lessons.get(p.person_id, (0, 0)))
        if page.quiz is not None:
            row += list(page.quiz.get(p.person_id, (0, 0)))
        rows.append(row)
    _sheet(book, f"人员{page.month.key}", headers, rows, highlight=lambda row: row[5] > 0)
    return _bytes(book)
