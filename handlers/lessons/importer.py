"""Import a lesson library from CSV, XLSX or Markdown: all rows valid, or nothing stored.

Markdown form (one lesson per second-level heading):

    ## 公务接待守规矩
    依据：《党政机关国内公务接待管理规定》
    标签：公务接待、八项规定
    正文一段或几段……
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import record
from handlers.lessons.models import Lesson
from bot.tables import ImportRejected, split_tags
from bot.tables import read_records as read_table

COLUMNS = {
    "title": ("标题", "课题", "题目"),
    "body": ("正文", "内容"),
    "tags": ("标签",),
    "rule": ("依据", "规定", "条文"),
}
REQUIRED = ("title", "body", "rule")
TITLE_MAX = 60
RULE_MAX = 200


@dataclass(frozen=True)
class LessonRow:
    row: int
    title: str
    body: str
    tags: tuple[str, ...]
    rule: str


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int


def parse_file(path: Path, max_body_chars: int) -> list[LessonRow]:
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown", ".txt"):
        raw = _markdown_rows(path.read_text(encoding="utf-8-sig"))
    else:
        raw = [(r.row, r.values) for r in read_table(path, COLUMNS, REQUIRED)]
    return validate(raw, max_body_chars)


_META = re.compile(r"^(依据|标签)\s*[:：]\s*(.*)$")


def _markdown_rows(text: str) -> list[tuple[int, dict[str, str]]]:
    rows: list[tuple[int, dict[str, str]]] = []
    current: dict[str, str] | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None:
            current["body"] = "\n".join(body).strip()

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("## "):
            close()
            current = {"title": stripped[3:].strip(), "rule": "", "tags": ""}
            body = []
            rows.append((number, current))
            continue
        if current is None:
            continue  # a preface before the first lesson (e.g. "# 作风微课堂") is not a lesson
        meta = _META.match(stripped)
        if meta and not body:
            current["rule" if meta.group(1) == "依据" else "tags"] = meta.group(2).strip()
            continue
        if stripped or body:
            body.append(stripped)
    close()
    if not rows:
        raise ImportRejected([(None, "没有找到课程：每课以“## 标题”开头")])
    return rows


def validate(raw: list[tuple[int, dict[str, str]]], max_body_chars: int) -> list[LessonRow]:
    problems: list[tuple[int | None, str]] = []
    rows: list[LessonRow] = []
    seen: dict[str, int] = {}
    for number, values in raw:
        title = values.get("title", "").strip()
        body = "\n".join(line.strip() for line in values.get("body", "").strip().splitlines() if line.strip())
        rule = values.get("rule", "").strip()
        before = len(problems)
        if not title:
            problems.append((number, "缺少标题"))
        elif len(title) > TITLE_MAX:
            problems.append((number, f"标题太长（{len(title)}字，最多{TITLE_MAX}字）"))
        elif title in seen:
            problems.append((number, f"标题“{title}”与第{seen[title]}行重复"))
        if not body:
            problems.append((number, "缺少正文"))
        elif len(body) > max_body_chars:
            problems.append((number, f"正文太长（{len(body)}字，最多{max_body_chars}字），晨会十分钟讲不完，请精简"))
        if not rule:
            problems.append((number, "缺少依据（这课讲的是哪项规定）"))
        elif len(rule) > RULE_MAX:
            problems.append((number, f"依据太长（最多{RULE_MAX}字）"))
        if title and title not in seen:
            seen[title] = number
        if len(problems) == before:
            rows.append(LessonRow(number, title, body, tuple(split_tags(values.get("tags", ""))), rule))
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([(None, "文件里没有课程")])
    return rows


def store(session: Session, rows: list[LessonRow], now: datetime, actor: str = "cli") -> ImportResult:
    """Add new lessons and update those with the same title (lesson numbers stay stable)."""
    existing = {lesson.title: lesson for lesson in session.scalars(select(Lesson))}
    added = updated = 0
    for row in rows:
        lesson = existing.get(row.title)
        if lesson is None:
            session.add(Lesson(title=row.title, body=row.body, tags=list(row.tags), rule=row.rule, active=True, created_at=now, updated_at=now))
            added += 1
        elif (lesson.body, list(lesson.tags or []), lesson.rule, lesson.active) != (row.body, list(row.tags), row.rule, True):
            lesson.body, lesson.tags, lesson.rule, lesson.active, lesson.updated_at = row.body, list(row.tags), row.rule, True, now
            updated += 1
    session.flush()
    record(session, actor, "lessons_imported", "lesson", None, {"added": added, "updated": updated}, at=now)
    return ImportResult(added, updated)


def import_file(session: Session, path: Path, now: datetime, max_body_chars: int, actor: str = "cli") -> ImportResult:
    return store(session, parse_file(path, max_body_chars), now, actor)
