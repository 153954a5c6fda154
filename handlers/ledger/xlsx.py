"""The ledger as a spreadsheet: the four lists (问题、责任、任务、时限) as columns, one task a row.

Export and import use the same columns, so a file written by `export` imports back into the same
ledger. Import checks every row first and changes nothing if any row is wrong, listing each
problem with its row number and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bot.audit import record
from bot.config import Config
from bot.models import Person, Unit
from handlers.ledger import service
from handlers.ledger.models import LedgerTask, TaskProgress, TaskStatus
from handlers.reports import service as reports

# (key, header, group, width). The group row above the headers names the four lists.
COLUMNS: tuple[tuple[str, str, str, int], ...] = (
    ("id", "编号", "", 6),
    ("category", "问题类别", "问题清单", 16),
    ("problem", "问题表现", "问题清单", 40),
    ("lead", "牵头领导", "责任清单", 10),
    ("unit", "责任单位", "责任清单", 14),
    ("measures", "整改措施", "任务清单", 40),
    ("deadline", "完成时限", "时限清单", 12),
    ("long_term", "长期坚持", "时限清单", 8),
    ("status", "状态", "整改情况", 8),
    ("progress", "整改进展", "整改情况", 50),
    ("close_note", "销号说明", "整改情况", 30),
    ("closed_at", "销号时间", "整改情况", 17),
    ("rechecked_at", "回头看确认", "整改情况", 17),
    ("reopen_count", "反弹次数", "整改情况", 8),
    ("created_at", "立项时间", "整改情况", 17),
    ("report", "来源反映", "整改情况", 9),
)
HEADERS = {header: key for key, header, _, _ in COLUMNS}
# Headers a hand-made sheet may use for the same columns.
HEADER_ALIASES = {
    "序号": "id", "类别": "category", "问题类别": "category", "问题": "problem", "问题清单": "problem",
    "责任领导": "lead", "牵头领导": "lead", "责任部门": "unit", "责任单位": "unit", "任务清单": "measures",
    "措施": "measures", "整改时限": "deadline", "时限": "deadline", "时限清单": "deadline", "进展": "progress",
}
TIME_FORMAT = "%Y-%m-%d %H:%M"
_PROGRESS_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) (.*?)(?:【(.+?)】)?：(.*)$")
KIND_BY_LABEL = {label: kind for kind, label in service.KIND_LABELS.items() if label}
SYSTEM_AUTHOR = "系统"
YES = {"是", "y", "yes", "true", "1", "长期", "√"}
NO = {"", "否", "n", "no", "false", "0"}


def _local(value: datetime | None, config: Config) -> datetime | None:
    return None if value is None else value.astimezone(config.tz).replace(tzinfo=None, second=0, microsecond=0)


def progress_text(task: LedgerTask, config: Config) -> str:
    lines = []
    for entry in task.progress:
        author = entry.author_name or SYSTEM_AUTHOR
        label = service.KIND_LABELS.get(entry.kind, "")
        tag = f"【{label}】" if label else ""
        lines.append(f"{entry.at.astimezone(config.tz):{TIME_FORMAT}} {author}{tag}：{entry.text}")
    return "\n".join(lines)


def task_row(session: Session, task: LedgerTask, config: Config, today: date) -> dict[str, Any]:
    lead = session.get(Person, task.lead_leader_id)
    unit = session.get(Unit, task.unit_id)
    return {
        "id": task.id,
        "category": task.category,
        "problem": task.problem,
        "lead": lead.name if lead else "",
        "unit": unit.name if unit else "",
        "measures": task.measures,
        "deadline": task.deadline,
        "long_term": "是" if task.long_term else "否",
        "status": service.STATE_LABELS[service.state(task, today)],
        "progress": progress_text(task, config),
        "close_note": task.close_note,
        "closed_at": _local(task.closed_at, config),
        "rechecked_at": _local(task.rechecked_at, config),
        "reopen_count": task.reopen_count,
        "created_at": _local(task.created_at, config),
        "report": f"#{task.report_id}" if task.report_id else "",
    }


def export_ledger(session: Session, config: Config, path: str | Path, now: datetime, tasks: list[LedgerTask] | None = None) -> int:
    """Write the ledger to an .xlsx file; return the number of tasks written."""
    # openpyxl (about 30 MB) is loaded only by the commands that read or write a sheet.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    today = now.astimezone(config.tz).date()
    tasks = tasks if tasks is not None else list(session.scalars(select(LedgerTask).order_by(LedgerTask.id)))
    book = Workbook()
    sheet = book.active
    sheet.title = "整改台账"
    sheet.cell(1, 1, f"{config.street.name}作风问题整改台账（问题清单、责任清单、任务清单、时限清单）")
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    start = 1
    for index in range(1, len(COLUMNS) + 1):
        group = COLUMNS[index - 1][2]
        last = index == len(COLUMNS) or COLUMNS[index][2] != group
        if last:
            sheet.cell(2, start, group)
            if index > start:
                sheet.merge_cells(start_row=2, start_column=start, end_row=2, end_column=index)
            start = index + 1
    for column, (key, header, _, width) in enumerate(COLUMNS, start=1):
        for row in (2, 3):
            cell = sheet.cell(row, column)
            cell.font = Font(bold=True)
            cell.fill = header_fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.cell(3, column, header)
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row_index, task in enumerate(tasks, start=4):
        values = task_row(session, task, config, today)
        for column, (key, *_rest) in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row_index, column, values[key])
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if key == "deadline":
                cell.number_format = "yyyy-mm-dd"
            elif key in ("closed_at", "rechecked_at", "created_at"):
                cell.number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "B4"
    book.save(path)
    return len(tasks)


# --- import --------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    task_id: int | None
    category: str
    problem: str
    lead: Person
    unit: Unit
    measures: str
    deadline: date | None
    long_term: bool
    closed: bool
    progress: list[tuple[datetime, str, str, str]]  # at (aware), author name, kind, text
    close_note: str
    closed_at: datetime | None
    rechecked_at: datetime | None
    reopen_count: int
    created_at: datetime | None
    report_id: int | None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _find_header(rows: list[tuple]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:10]):
        columns: dict[str, int] = {}
        for position, value in enumerate(row):
            name = re.sub(r"\s+", "", _cell_text(value))
            key = HEADERS.get(name) or HEADER_ALIASES.get(name)
            if key and key not in columns:
                columns[key] = position
        if {"problem", "lead", "unit"} <= columns.keys():
            return index, columns
    return None


def _parse_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = _cell_text(value)
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", raw)
    if not match:
        raise ValueError(f"“{raw}”不是日期，请写成 2026-12-31")
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _parse_time(value: Any, config: Config) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=config.tz) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=config.tz)
    raw = _cell_text(value)
    try:
        return datetime.strptime(raw, TIME_FORMAT).replace(tzinfo=config.tz)
    except ValueError:
        day = _parse_date(raw)
        return datetime.combine(day, time(0), tzinfo=config.tz) if day else None


def _parse_progress(raw: str, config: Config) -> list[tuple[datetime, str, str, str]]:
    entries = []
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        match = _PROGRESS_LINE.match(line)
        if not match:
            raise ValueError(f"这一行进展格式不对：“{line[:30]}”，应为「2026-11-02 09:30 姓名：内容」")
        at = datetime.strptime(match.group(1), TIME_FORMAT).replace(tzinfo=config.tz)
        author = match.group(2).strip()
        label = match.group(3) or ""
        if label and label not in KIND_BY_LABEL:
            raise ValueError(f"进展标记【{label}】不认识，可用：{'、'.join(KIND_BY_LABEL)}")
        entries.append((at, "" if author == SYSTEM_AUTHOR else author, KIND_BY_LABEL.get(label, "progress"), service.one_line(match.group(4))))
    return entries


def _person(session: Session, raw: str) -> Person:
    raw = raw.strip()
    match = re.fullmatch(r"(.*?)\s*#\s*(\d+)", raw)
    if match:
        person = session.get(Person, int(match.group(2)))
        if person is None or (match.group(1) and person.name != match.group(1)):
            raise ValueError(f"花名册里没有“{raw}”")
        return person
    found = list(session.scalars(select(Person).where(Person.name == raw, Person.active.is_(True))))
    if not found:
        raise ValueError(f"花名册里没有“{raw}”")
    if len(found) > 1:
        raise ValueError(f"“{raw}”有重名，请写成 {raw}#编号（如 {raw}#{found[0].id}）")
    return found[0]


def _read_rows(session: Session, config: Config, path: Path) -> tuple[list[_Row], list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same clear answer
        return [], [f"打不开 {path.name}：不是有效的 xlsx 文件（{type(exc).__name__}）"]
    sheet = book.worksheets[0]
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    found = _find_header(rows)
    if found is None:
        return [], ["没找到表头：需要至少有「问题表现」「牵头领导」「责任单位」三列（可参考 gridbot ledger export 导出的文件）"]
    header_index, columns = found
    rules = config.reports.categories or None
    parsed: list[_Row] = []
    errors: list[str] = []
    seen_ids: dict[int, int] = {}
    for offset, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        def get(key: str) -> Any:
            position = columns.get(key)
            return row[position] if position is not None and position < len(row) else None

        if not any(_cell_text(v) for v in row):
            continue
        problems: list[str] = []

        def check(column: str, func, *args):
            try:
                return func(*args)
            except ValueError as exc:
                problems.append(f"第{offset}行 {column}：{exc}")
                return None

        task_id = None
        raw_id = _cell_text(get("id"))
        if raw_id:
            if not raw_id.lstrip("#").isdigit():
                problems.append(f"第{offset}行 编号：“{raw_id}”不是数字")
            else:
                task_id = int(raw_id.lstrip("#"))
                if task_id in seen_ids:
                    problems.append(f"第{offset}行 编号：#{task_id} 与第{seen_ids[task_id]}行重复")
                seen_ids[task_id] = offset
        problem = service.one_line(_cell_text(get("problem")))
        if not problem:
            problems.append(f"第{offset}行 问题表现：不能为空")
        raw_category = _cell_text(get("category"))
        category = reports.resolve(raw_category, rules, config.reports.other_category) if raw_category else config.reports.other_category
        if category is None:
            problems.append(f"第{offset}行 问题类别：“{raw_category}”不认识，可用：{'、'.join(reports.known(rules, config.reports.other_category))}")
        lead = check("牵头领导", _person, session, _cell_text(get("lead"))) if _cell_text(get("lead")) else None
        if lead is None and not _cell_text(get("lead")):
            problems.append(f"第{offset}行 牵头领导：不能为空")
        elif lead is not None and not lead.is_leader:
            problems.append(f"第{offset}行 牵头领导：{lead.name}不是领导")
        unit_name = _cell_text(get("unit"))
        unit = session.scalar(select(Unit).where(Unit.name == unit_name)) if unit_name else None
        if unit is None:
            problems.append(f"第{offset}行 责任单位：" + (f"没有“{unit_name}”这个单位" if unit_name else "不能为空"))
        raw_long = _cell_text(get("long_term")).lower()
        if raw_long not in YES | NO:
            problems.append(f"第{offset}行 长期坚持：请填“是”或“否”")
        long_term = raw_long in YES
        deadline = check("完成时限", _parse_date, get("deadline"))
        if deadline is None and not long_term and not any("完成时限" in p for p in problems):
            problems.append(f"第{offset}行 完成时限：不能为空（长期坚持的事项在「长期坚持」填“是”）")
        status = _cell_text(get("status"))
        if status and status not in service.STATE_LABELS.values():
            problems.append(f"第{offset}行 状态：“{status}”不认识，可用：{'、'.join(service.STATE_LABELS.values())}")
        progress = check("整改进展", _parse_progress, _cell_text(get("progress")), config) or []
        closed_at = check("销号时间", _parse_time, get("closed_at"), config)
        rechecked_at = check("回头看确认", _parse_time, get("rechecked_at"), config)
        created_at = check("立项时间", _parse_time, get("created_at"), config)
        raw_reopen = _cell_text(get("reopen_count")) or "0"
        if not raw_reopen.isdigit():
            problems.append(f"第{offset}行 反弹次数：应为数字")
        report_id = None
        raw_report = _cell_text(get("report")).lstrip("#")
        if raw_report:
            if not raw_report.isdigit() or not reports.report_exists(session, int(raw_report)):
                problems.append(f"第{offset}行 来源反映：没有反映 #{raw_report}")
            else:
                report_id = int(raw_report)
        closed = status == service.STATE_LABELS["closed"]
        if problems:
            errors.extend(problems)
            continue
        parsed.append(_Row(
            number=offset, task_id=task_id, category=category, problem=problem, lead=lead, unit=unit,
            measures=service.one_line(_cell_text(get("measures"))), deadline=deadline, long_term=long_term, closed=closed,
            progress=progress, close_note=service.one_line(_cell_text(get("close_note"))),
            closed_at=closed_at or (closed and (progress[-1][0] if progress else None)) or None,
            rechecked_at=rechecked_at, reopen_count=int(raw_reopen), created_at=created_at, report_id=report_id,
        ))
    return parsed, errors


def import_ledger(session: Session, config: Config, path: str | Path, now: datetime, actor: Person | str = "cli",
                  dry_run: bool = False) -> ImportResult:
    """Create or update tasks from the file: all rows, or none if any row is wrong."""
    path = Path(path)
    rows, errors = _read_rows(session, config, path)
    result = ImportResult(errors=errors)
    if errors or dry_run:
        result.created = sum(1 for r in rows if r.task_id is None or session.get(LedgerTask, r.task_id) is None)
        result.updated = len(rows) - result.created
        return result
    for row in rows:
        task = session.get(LedgerTask, row.task_id) if row.task_id is not None else None
        if task is None:
            task = service.create_task(
                session, category=row.category, problem=row.problem, lead=row.lead, unit=row.unit,
                measures=row.measures, deadline=row.deadline, long_term=row.long_term,
                now=row.created_at or now, actor=actor, report_id=row.report_id, task_id=row.task_id,
            )
            result.created += 1
        else:
            task.category, task.problem, task.lead_leader_id, task.unit_id = row.category, row.problem, row.lead.id, row.unit.id
            task.measures, task.deadline, task.long_term, task.report_id = row.measures, row.deadline, row.long_term, row.report_id
            if row.created_at is not None:
                task.created_at = row.created_at
            result.updated += 1
        task.status = TaskStatus.closed.value if row.closed else TaskStatus.open.value
        task.closed_at = row.closed_at if row.closed else None
        task.close_note = row.close_note
        task.rechecked_at = row.rechecked_at
        task.reopen_count = row.reopen_count
        _merge_progress(session, task, row.progress, config)
        record(session, actor, "import", "ledger_task", task.id, {"file": path.name, "row": row.number}, at=now)
    session.flush()
    _fix_sequence(session)
    return result


def _merge_progress(session: Session, task: LedgerTask, entries: list[tuple[datetime, str, str, str]], config: Config) -> None:
    """Add the file's progress lines that the task does not have yet (same minute, kind and text)."""
    have = {(_local(e.at, config), e.kind, e.text) for e in task.progress}
    names: dict[str, int | None] = {}
    for at, author, kind, text in entries:
        if (_local(at, config), kind, text) in have:
            continue
        if author not in names:
            found = list(session.scalars(select(Person.id).where(Person.name == author))) if author else []
            names[author] = found[0] if len(found) == 1 else None
        task.progress.append(TaskProgress(at=at, author_id=names[author], author_name=author, kind=kind, text=text))
        have.add((_local(at, config), kind, text))


def _fix_sequence(session: Session) -> None:
    """Explicit ids from a file leave PostgreSQL's sequence behind; move it past them."""
    if session.get_bind().dialect.name == "postgresql" and session.scalar(select(func.count()).select_from(LedgerTask)):
        session.execute(text("SELECT setval(pg_get_serial_sequence('ledger_tasks', 'id'), (SELECT max(id) FROM ledger_tasks))"))
