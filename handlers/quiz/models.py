from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db import Base, UtcDateTime


class QuestionKind(str, enum.Enum):
    single = "single"
    multiple = "multiple"
    judge = "judge"  # true/false

    @property
    def label(self) -> str:
        return {"single": "单选题", "multiple": "多选题", "judge": "判断题"}[self.value]


# A true/false answer is stored as T or F; choice answers as their sorted option letters ("AC").
TRUE, FALSE = "T", "F"


class Question(Base):
    __tablename__ = "quiz_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    stem: Mapped[str] = mapped_column(String(500), unique=True)
    # [{"id": "A", "text": "..."}]; empty for true/false questions.
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    answer: Mapped[str] = mapped_column(String(10))
    explanation: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    @property
    def kind_enum(self) -> QuestionKind:
        return QuestionKind(self.kind)


class QuizPush(Base):
    """A question pushed to a group by a job occurrence; its members may answer until closes_at."""

    __tablename__ = "quiz_pushes"
    __table_args__ = (
        UniqueConstraint("job", "occurrence", "group_id"),
        Index("ix_quiz_pushes_group_closes", "group_id", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    occurrence: Mapped[datetime] = mapped_column(UtcDateTime)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime)

    question: Mapped[Question] = relationship()


class QuizPractice(Base):
    """A personal practice question (答题): open for a while, answered at most once."""

    __tablename__ = "quiz_practice"
    __table_args__ = (Index("ix_quiz_practice_person_started", "person_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id"))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closes_at: Mapped[datetime] = mapped_column(UtcDateTime)

    question: Mapped[Question] = relationship()


class QuizAnswer(Base):
    """The one scored answer of a person to a question, from a group push or from practice."""

    __tablename__ = "quiz_answers"
    __table_args__ = (
        UniqueConstraint("person_id", "question_id"),
        Index("ix_quiz_answers_answered_at", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id"))
    # The person's unit when they answered: unit rankings follow the roster of that time.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    push_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_pushes.id"))
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_practice.id"))
    choice: Mapped[str] = mapped_column(String(10))
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    via: Mapped[str] = mapped_column(String(10), default="text")  # text or card
