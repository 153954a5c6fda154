"""Quiz (知识竞赛 / 每日一题): who took part this month, and how well, per unit and per person."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.models import Person, Unit
from dash.month import Month
from dash.scope import Scope
from handlers.quiz.models import QuizAnswer


class _Rates:
    """Who took part and how well, for a unit or for everyone in scope."""

    people: int
    participants: int
    answers: int
    correct: int

    @property
    def rate(self) -> float:
        return self.participants / self.people if self.people else 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.answers if self.answers else 0.0


@dataclass(frozen=True)
class UnitQuiz(_Rates):
    unit_id: int
    unit: str
    people: int
    participants: int
    answers: int
    correct: int


@dataclass(frozen=True)
class QuizSummary(_Rates):
    units: list[UnitQuiz]

    @property
    def people(self) -> int:
        return sum(u.people for u in self.units)

    @property
    def participants(self) -> int:
        return sum(u.participants for u in self.units)

    @property
    def answers(self) -> int:
        return sum(u.answers for u in self.units)

    @property
    def correct(self) -> int:
        return sum(u.correct for u in self.units)


def _month_answers(month: Month, tz):
    start, end = month.bounds_utc(tz)
    return (
        select(
            QuizAnswer.person_id.label("person_id"),
            func.count().label("answers"),
            func.sum(case((QuizAnswer.correct.is_(True), 1), else_=0)).label("correct"),
        )
        .where(QuizAnswer.answered_at >= start, QuizAnswer.answered_at < end)
        .group_by(QuizAnswer.person_id)
        .subquery("answers")
    )


def unit_summary(session: Session, scope: Scope, month: Month, tz) -> QuizSummary:
    answers = _month_answers(month, tz)
    rows = session.execute(
        select(
            Unit.id,
            Unit.name,
            func.count(Person.id),
            func.count(answers.c.person_id),
            func.coalesce(func.sum(answers.c.answers), 0),
            func.coalesce(func.sum(answers.c.correct), 0),
        )
        .select_from(Person)
        .join(Unit, Unit.id == Person.unit_id)
        .outerjoin(answers, answers.c.person_id == Person.id)
        .where(Person.active.is_(True), scope.people(Person.unit_id, Person.id))
        .group_by(Unit.id, Unit.name)
        .order_by(Unit.id)
    ).all()
    return QuizSummary([UnitQuiz(uid, name, int(p), int(a), int(n), int(c)) for uid, name, p, a, n, c in rows])


def people_quiz(session: Session, scope: Scope, month: Month, tz) -> dict[int, tuple[int, int]]:
    """Per person in scope who answered this month: (answers, correct)."""
    answers = _month_answers(month, tz)
    rows = session.execute(
        select(Person.id, answers.c.answers, answers.c.correct)
        .join(answers, answers.c.person_id == Person.id)
        .where(Person.active.is_(True), scope.people(Person.unit_id, Person.id))
    )
    return {pid: (int(n), int(c or 0)) for pid, n, c in rows}
