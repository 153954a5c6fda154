"""Import a question bank from CSV or XLSX: every row valid, or nothing stored.

Columns (header names in Chinese or English): 题型 (单选/多选/判断), 题目, A … H (options),
答案 (e.g. B, AC, 对/错), 解析, 标签.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import record
from bot.tables import ImportRejected, split_tags
from bot.tables import read_records as read_table
from handlers.quiz.answers import parse_answer
from handlers.quiz.models import FALSE, TRUE, Question, QuestionKind

LETTERS = "ABCDEFGH"
COLUMNS: dict[str, tuple[str, ...]] = {
    "kind": ("题型", "类型", "type"),
    "stem": ("题目", "题干", "question"),
    "answer": ("答案", "answer"),
    "explanation": ("解析", "说明", "explanation"),
    "tags": ("标签", "tags"),
    **{letter: (f"选项{letter}", f"option_{letter.lower()}") for letter in LETTERS},
}
REQUIRED = ("kind", "stem", "answer", "explanation")
KINDS = {
    "单选": QuestionKind.single, "单选题": QuestionKind.single, "single": QuestionKind.single,
    "多选": QuestionKind.multiple, "多选题": QuestionKind.multiple, "multiple": QuestionKind.multiple,
    "判断": QuestionKind.judge, "判断题": QuestionKind.judge, "judge": QuestionKind.judge, "truefalse": QuestionKind.judge,
}
# Spreadsheet habits for true/false besides 对/错/√/×.
_EXPLICIT_JUDGE = {"T": TRUE, "TRUE": TRUE, "F": FALSE, "FALSE": FALSE}
STEM_MAX = 500
OPTION_MAX = 100


@dataclass(frozen=True)
class QuestionRow:
    row: int
    kind: QuestionKind
    stem: str
    options: tuple[dict[str, str], ...]
    answer: str
    explanation: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int


def parse_file(path: Path) -> list[QuestionRow]:
    records = read_table(path, COLUMNS, REQUIRED)
    problems: list[tuple[int | None, str]] = []
    rows: list[QuestionRow] = []
    seen: dict[str, int] = {}
    for record_ in records:
        found, row = _check(record_.row, record_.values, seen)
        problems += found
        if row is not None:
            rows.append(row)
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([(None, "文件里没有题目")])
    return rows


def _check(number: int, values: dict[str, str], seen: dict[str, int]) -> tuple[list[tuple[int | None, str]], QuestionRow | None]:
    problems: list[tuple[int | None, str]] = []
    kind = KINDS.get(values.get("kind", "").strip().lower())
    if kind is None:
        problems.append((number, f"题型“{values.get('kind', '')}”不认识，请填 单选、多选 或 判断"))
    stem = values.get("stem", "").strip()
    if not stem:
        problems.append((number, "缺少题目"))
    elif len(stem) > STEM_MAX:
        problems.append((number, f"题目太长（最多{STEM_MAX}字）"))
    elif stem in seen:
        problems.append((number, f"题目与第{seen[stem]}行重复"))
    else:
        seen[stem] = number
    explanation = values.get("explanation", "").strip()
    if not explanation:
        problems.append((number, "缺少解析（答题后要讲给大家听）"))
    options = [{"id": letter, "text": values.get(letter, "").strip()} for letter in LETTERS]
    last = max((i for i, o in enumerate(options) if o["text"]), default=-1)
    options = options[: last + 1]
    gaps = [o["id"] for o in options if not o["text"]]
    raw_answer = values.get("answer", "").strip()
    answer = parse_answer(raw_answer) if raw_answer else None
    if kind is None:
        return problems, None
    if kind == QuestionKind.judge:
        answer = _EXPLICIT_JUDGE.get(raw_answer.upper(), answer)
        if options:
            problems.append((number, "判断题不要填选项"))
        if answer not in (TRUE, FALSE):
            problems.append((number, f"判断题答案应是“对”或“错”，现在是“{raw_answer}”"))
    else:
        if gaps:
            problems.append((number, f"选项{'、'.join(gaps)}是空的，选项要从A起连续填写"))
        if len(options) < 2:
            problems.append((number, f"{kind.label}至少要有A、B两个选项"))
        if any(len(o["text"]) > OPTION_MAX for o in options):
            problems.append((number, f"选项太长（每项最多{OPTION_MAX}字）"))
        ids = {o["id"] for o in options}
        if answer is None or answer in (TRUE, FALSE):
            problems.append((number, f"答案“{raw_answer}”应是选项字母，如 B 或 AC"))
        elif any(c not in ids for c in answer):
            problems.append((number, f"答案“{raw_answer}”不在选项里（只有{'、'.join(sorted(ids)) or '无'}）"))
        elif kind == QuestionKind.single and len(answer) != 1:
            problems.append((number, f"单选题只能有一个答案，现在是“{raw_answer}”"))
        elif kind == QuestionKind.multiple and len(answer) < 2:
            problems.append((number, f"多选题至少两个答案，现在是“{raw_answer}”"))
    if problems:
        return problems, None
    tags = tuple(split_tags(values.get("tags", "")))
    return [], QuestionRow(number, kind, stem, tuple(options), answer or "", explanation, tags)



def store(session: Session, rows: list[QuestionRow], now: datetime, actor: str = "cli") -> ImportResult:
    """Add new questions and update those with the same stem (ids, answers and scores stay linked)."""
    existing = {q.stem: q for q in session.scalars(select(Question))}
    added = updated = 0
    for row in rows:
        values = dict(kind=row.kind.value, options=[dict(o) for o in row.options], answer=row.answer,
                      explanation=row.explanation, tags=list(row.tags), active=True)
        question = existing.get(row.stem)
        if question is None:
            session.add(Question(stem=row.stem, created_at=now, updated_at=now, **values))
            added += 1
            continue
        if any(getattr(question, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(question, k, v)
            question.updated_at = now
            updated += 1
    session.flush()
    record(session, actor, "quiz_imported", "quiz_question", None, {"added": added, "updated": updated}, at=now)
    return ImportResult(added, updated)


def import_file(session: Session, path: Path, now: datetime, actor: str = "cli") -> ImportResult:
    return store(session, parse_file(path), now, actor)
