"""The quiz over a Session: pushes to groups, open questions, scoring once, practice, leaderboards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from bot.db import insert_or_ignore
from bot.audit import record
from bot.models import Group, Person, Unit
from bot.rotation import next_in_rotation
from handlers.quiz.answers import answer_label
from handlers.quiz.models import FALSE, TRUE, Question, QuestionKind, QuizAnswer, QuizPractice, QuizPush


# --- pushing to groups --------------------------------------------------------------------


def next_question_for_group(session: Session, group_id: int) -> Question | None:
    """The first question in bank order not yet pushed to the group; then the one pushed longest ago."""
    return next_in_rotation(
        session, Question, QuizPush.question_id, QuizPush.group_id, QuizPush.opened_at, group_id
    )


def push_question(
    session: Session, group_id: int, *, job: str, occurrence: datetime, now: datetime, window: timedelta
) -> QuizPush | None:
    """The occurrence's question for this group, chosen and recorded once; None when the bank is empty."""
    existing = _push(session, job, occurrence, group_id)
    if existing is not None:
        return existing
    question = next_question_for_group(session, group_id)
    if question is None:
        return None
    inserted = session.execute(
        insert_or_ignore(session, QuizPush, ["job", "occurrence", "group_id"])
        .values(job=job, occurrence=occurrence, group_id=group_id, question_id=question.id, opened_at=now, closes_at=now + window)
        .returning(QuizPush.id)
    ).scalar_one_or_none()
    if inserted is not None:
        record(session, "scheduler", "quiz_pushed", "quiz_question", question.id, {"group_id": group_id}, at=now)
    return _push(session, job, occurrence, group_id)


def _push(session: Session, job: str, occurrence: datetime, group_id: int) -> QuizPush | None:
    return session.scalars(
        select(QuizPush).where(QuizPush.job == job, QuizPush.occurrence == occurrence, QuizPush.group_id == group_id)
    ).first()


# --- what a person may answer now ---------------------------------------------------------


@dataclass(frozen=True)
class OpenQuestion:
    question: Question
    push: QuizPush | None = None
    practice: QuizPractice | None = None

    @property
    def opened_at(self) -> datetime:
        return self.push.opened_at if self.push is not None else self.practice.started_at  # type: ignore[union-attr]

    @property
    def closes_at(self) -> datetime:
        return self.push.closes_at if self.push is not None else self.practice.closes_at  # type: ignore[union-attr]


def open_questions(session: Session, person: Person, now: datetime, question_id: int | None = None) -> list[OpenQuestion]:
    """Questions this person may answer now: pushed to one of their groups within the window, or
    their own practice question; newest first. Answered ones stay listed so a second answer is refused."""
    found: list[OpenQuestion] = []
    group_ids = _candidate_groups(session, person, now)
    if group_ids:
        query = select(QuizPush).where(QuizPush.group_id.in_(group_ids), QuizPush.opened_at <= now, QuizPush.closes_at > now)
        if question_id is not None:
            query = query.where(QuizPush.question_id == question_id)
        found += [OpenQuestion(p.question, push=p) for p in session.scalars(query)]
    query = select(QuizPractice).where(QuizPractice.person_id == person.id, QuizPractice.started_at <= now, QuizPractice.closes_at > now)
    if question_id is not None:
        query = query.where(QuizPractice.question_id == question_id)
    found += [OpenQuestion(p.question, practice=p) for p in session.scalars(query)]
    return sorted(found, key=lambda o: o.opened_at, reverse=True)


def _candidate_groups(session: Session, person: Person, now: datetime) -> list[int]:
    """Groups with an open push that count this person in their audience (checked only for those few)."""
    open_group_ids = set(session.scalars(select(QuizPush.group_id).where(QuizPush.opened_at <= now, QuizPush.closes_at > now)))
    if not open_group_ids:
        return []
    groups = session.scalars(select(Group).where(Group.id.in_(open_group_ids), Group.active.is_(True)))
    return [g.id for g in groups if _in_audience(person, g)]


def _in_audience(person: Person, group: Group) -> bool:
    audience = group.audience or {}
    return (
        (person.unit_id is not None and person.unit_id in {int(u) for u in audience.get("units") or ()})
        or person.role in {str(r) for r in audience.get("roles") or ()}
        or person.id in {int(p) for p in audience.get("people") or ()}
    )


def pick_open(session: Session, person: Person, candidates: list[OpenQuestion]) -> OpenQuestion | None:
    """The newest question the person has not answered yet, else the newest one (to refuse a repeat)."""
    if not candidates:
        return None
    answered = set(
        session.scalars(
            select(QuizAnswer.question_id).where(
                QuizAnswer.person_id == person.id, QuizAnswer.question_id.in_([c.question.id for c in candidates])
            )
        )
    )
    for candidate in candidates:
        if candidate.question.id not in answered:
            return candidate
    return candidates[0]


def has_open_question(session: Session, person: Person, now: datetime) -> bool:
    return bool(open_questions(session, person, now))


# --- scoring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: str  # scored, repeat, invalid
    text: str
    answer: QuizAnswer | None = None


def check_choice(question: Question, choice: str) -> str | None:
    """Why this answer does not fit the question (in Chinese), or None when it does."""
    kind = question.kind_enum
    if kind == QuestionKind.judge:
        if choice not in (TRUE, FALSE):
            return "这是判断题，请回复「对」或「错」。"
        return None
    if choice in (TRUE, FALSE):
        return f"这是{kind.label}，请回复选项字母，如「{'选AC' if kind == QuestionKind.multiple else 'A'}」。"
    ids = [o["id"] for o in question.options]
    wrong = [c for c in choice if c not in ids]
    if wrong:
        return f"没有选项{'、'.join(wrong)}，本题选项是{ids[0]}–{ids[-1]}。"
    if kind == QuestionKind.single and len(choice) != 1:
        return "这是单选题，请只选一个选项，如「A」。"
    if kind == QuestionKind.multiple and len(choice) < 2:
        return "这是多选题，至少选两项，如「选AC」。"
    return None


def correct_text(question: Question) -> str:
    if question.kind_enum == QuestionKind.judge:
        return answer_label(question.answer)
    texts = {o["id"]: o["text"] for o in question.options}
    return "；".join(f"{c}. {texts.get(c, '')}" for c in question.answer)


def score(
    session: Session, person: Person, target: OpenQuestion, choice: str, now: datetime, via: str = "text"
) -> Outcome:
    """Score the person's first answer to the question; refuse a second one; store nothing for bad input."""
    question = target.question
    previous = session.scalars(
        select(QuizAnswer).where(QuizAnswer.person_id == person.id, QuizAnswer.question_id == question.id)
    ).first()
    if previous is not None:
        verdict = "答对了" if previous.correct else "答错了"
        return Outcome(
            "repeat",
            f"这道题您已经答过了（您答的是{answer_label(previous.choice)}，{verdict}），每题只计一次分。\n"
            f"正确答案：{correct_text(question)}",
        )
    problem = check_choice(question, choice)
    if problem is not None:
        return Outcome("invalid", problem)
    row = QuizAnswer(
        person_id=person.id,
        question_id=question.id,
        unit_id=person.unit_id,
        push_id=target.push.id if target.push is not None else None,
        practice_id=target.practice.id if target.practice is not None else None,
        choice=choice,
        correct=choice == question.answer,
        answered_at=now,
        via=via,
    )
    session.add(row)
    session.flush()
    record(session, person, "quiz_answered", "quiz_question", question.id, {"choice": choice, "correct": row.correct}, at=now)
    head = "✅ 回答正确，得1分！" if row.correct else f"❌ 答错了，您选的是{answer_label(choice)}。"
    lines = [head, f"正确答案：{correct_text(question)}", f"解析：{question.explanation}"]
    if target.practice is not None:
        lines.append("发「答题」再来一题。")
    return Outcome("scored", "\n".join(lines), row)


# --- practice -----------------------------------------------------------------------------


def start_practice(session: Session, person: Person, now: datetime, window: timedelta) -> tuple[QuizPractice | None, bool]:
    """(practice, is_new): the person's open unanswered practice question, or a new one not yet answered by them."""
    answered = select(QuizAnswer.question_id).where(QuizAnswer.person_id == person.id)
    pending = session.scalars(
        select(QuizPractice)
        .where(
            QuizPractice.person_id == person.id,
            QuizPractice.closes_at > now,
            QuizPractice.question_id.not_in(answered),
        )
        .order_by(QuizPractice.started_at.desc())
        .limit(1)
    ).first()
    if pending is not None:
        return pending, False
    question = session.scalars(
        select(Question).where(Question.active.is_(True), Question.id.not_in(answered)).order_by(Question.id).limit(1)
    ).first()
    if question is None:
        return None, False
    practice = QuizPractice(person_id=person.id, question_id=question.id, started_at=now, closes_at=now + window)
    session.add(practice)
    session.flush()
    record(session, person, "quiz_practice_started", "quiz_question", question.id, None, at=now)
    return practice, True


# --- leaderboards -------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonScore:
    rank: int
    person_id: int
    name: str
    unit: str
    correct: int
    answered: int


@dataclass(frozen=True)
class UnitScore:
    rank: int
    unit: str
    members: int
    participants: int
    correct: int

    @property
    def average(self) -> float:
        return self.correct / self.members if self.members else 0.0


def _ranked(items: list, key) -> list[tuple[int, object]]:
    """Competition ranking (1, 1, 3): equal keys share a rank."""
    ordered = sorted(items, key=key)
    ranks: list[tuple[int, object]] = []
    for index, item in enumerate(ordered):
        if index and key(item)[:-1] == key(ordered[index - 1])[:-1]:
            ranks.append((ranks[-1][0], item))
        else:
            ranks.append((index + 1, item))
    return ranks


def person_scores(session: Session, start: datetime, end: datetime) -> list[PersonScore]:
    """Everyone who answered in [start, end): most correct first; fewer attempts breaks a tie."""
    rows = session.execute(
        select(
            QuizAnswer.person_id,
            func.count(QuizAnswer.id),
            func.sum(cast(QuizAnswer.correct, Integer)),
        )
        .where(QuizAnswer.answered_at >= start, QuizAnswer.answered_at < end)
        .group_by(QuizAnswer.person_id)
    ).all()
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_([r[0] for r in rows])))} if rows else {}
    units = {u.id: u.name for u in session.scalars(select(Unit))}
    items = [
        (pid, people[pid].name, units.get(people[pid].unit_id, ""), int(correct or 0), int(answered))
        for pid, answered, correct in rows
    ]
    ranked = _ranked(items, key=lambda i: (-i[3], i[4], i[0]))
    return [PersonScore(rank, *item) for rank, item in ranked]


def unit_scores(session: Session, start: datetime, end: datetime) -> list[UnitScore]:
    """Units by correct answers per member, so a small community can beat a big one."""
    rows = session.execute(
        select(
            QuizAnswer.unit_id,
            func.count(func.distinct(QuizAnswer.person_id)),
            func.sum(cast(QuizAnswer.correct, Integer)),
        )
        .where(QuizAnswer.answered_at >= start, QuizAnswer.answered_at < end, QuizAnswer.unit_id.is_not(None))
        .group_by(QuizAnswer.unit_id)
    ).all()
    members = dict(
        session.execute(
            select(Person.unit_id, func.count(Person.id)).where(Person.active.is_(True)).group_by(Person.unit_id)
        ).all()
    )
    units = {u.id: u.name for u in session.scalars(select(Unit))}
    items = [
        (units[uid], int(members.get(uid, 0)), int(participants), int(correct or 0))
        for uid, participants, correct in rows
    ]
    ranked = _ranked(items, key=lambda i: (-(i[3] / i[1] if i[1] else 0), -i[2], i[0]))
    return [UnitScore(rank, *item) for rank, item in ranked]


# --- for other capabilities (the admin console) -------------------------------------------


def active_questions(session: Session) -> list[Question]:
    return list(session.scalars(select(Question).where(Question.active.is_(True)).order_by(Question.id)))


def question_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Question).where(Question.active.is_(True))) or 0


def kind_label(kind: str) -> str:
    from handlers.quiz.models import QuestionKind

    return QuestionKind(kind).label


def import_questions(session: Session, path, now: datetime, actor="cli"):
    """The bank import the CLI runs (all rows or none; ImportRejected lists every problem)."""
    from handlers.quiz.importer import import_file

    return import_file(session, path, now, actor=actor)


from handlers.quiz.answers import answer_label  # noqa: E402,F401 - public: how an answer is written for people
