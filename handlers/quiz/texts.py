"""What people read: questions (as text and as a vote card) and leaderboards."""

from __future__ import annotations

from datetime import datetime

from bot.message import Recipient, Reply, SENDER
from handlers.quiz.models import FALSE, TRUE, Question, QuestionKind
from handlers.quiz.service import PersonScore, UnitScore

# WeCom event keys and task ids allow [0-9A-Za-z_-@]; the prefix tells quiz cards from others.
QUESTION_KEY_PREFIX = "quiz_q"
JUDGE_OPTIONS = ({"id": TRUE, "text": "对"}, {"id": FALSE, "text": "错"})


def question_key(question: Question) -> str:
    return f"{QUESTION_KEY_PREFIX}{question.id}"


def question_id_from_key(key: str | None) -> int | None:
    if not key or not key.startswith(QUESTION_KEY_PREFIX):
        return None
    rest = key[len(QUESTION_KEY_PREFIX):]
    return int(rest) if rest.isdigit() else None


def how_to_answer(question: Question) -> str:
    kind = question.kind_enum
    if kind == QuestionKind.judge:
        return "回复「对」或「错」作答"
    if kind == QuestionKind.multiple:
        return "回复所有正确选项，如「选AC」"
    return "回复选项字母，如「A」"


def question_text(question: Question, heading: str, closes_at: datetime | None = None, tz=None) -> str:
    kind = question.kind_enum
    lines = [f"{heading}（{kind.label}）", question.stem]
    lines += [f"{o['id']}. {o['text']}" for o in question.options]
    hint = how_to_answer(question)
    if closes_at is not None:
        local = closes_at.astimezone(tz) if tz is not None else closes_at
        hint += f"，{local:%H:%M}前有效"
    lines.append(hint + "。")
    return "\n".join(lines)


def question_reply(
    question: Question,
    *,
    heading: str,
    task_id: str,
    cards: bool,
    to: Recipient = SENDER,
    closes_at: datetime | None = None,
    tz=None,
    dedupe_key: str | None = None,
) -> Reply:
    """The question as a vote card where cards are on (its text stays complete), else as text."""
    text = question_text(question, heading, closes_at, tz)
    if not cards:
        return Reply(text, to=to, dedupe_key=dedupe_key)
    options = list(JUDGE_OPTIONS) if question.kind_enum == QuestionKind.judge else [dict(o) for o in question.options]
    payload = {
        "title": f"{heading} · {question.kind_enum.label}",
        "description": question.stem,
        "task_id": task_id,
        "vote": {
            "question_key": question_key(question),
            "options": options,
            "multiple": question.kind_enum == QuestionKind.multiple,
        },
    }
    return Reply(text, to=to, kind="card", payload=payload, dedupe_key=dedupe_key)


def leaderboard_text(
    title: str, people: list[PersonScore], units: list[UnitScore], me: int | None, size: int
) -> str:
    if not people:
        return f"🏆 {title}\n还没有人答题。发「答题」来拿第一个分！"
    lines = [f"🏆 {title}", "个人（答对/答题）："]
    lines += [f"{p.rank}. {p.name}（{p.unit}）{p.correct}/{p.answered}" for p in people[:size]]
    if units:
        lines.append("单位（人均答对，参与人数）：")
        lines += [f"{u.rank}. {u.unit} {u.average:.2f}题，{u.participants}/{u.members}人" for u in units[:size]]
    mine = next((p for p in people if p.person_id == me), None)
    if mine is not None:
        lines.append(f"您：第{mine.rank}名，答对{mine.correct}题。")
    elif me is not None:
        lines.append("您还没有上榜，发「答题」开始练习。")
    return "\n".join(lines)
