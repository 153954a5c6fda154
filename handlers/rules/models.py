"""Rule documents and their articles, and the revision counter that tells every process to re-index."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.db import Base, UtcDateTime

# The longest known question kept (a question to the rules is cut there too).
QUESTION_MAX = 200
# The one row of rules_revision.
REVISION_ROW = 1


class RuleDocument(Base):
    """One imported document: a regulation, a 小微权力清单, a 负面清单 …; its title is its identity."""

    __tablename__ = "rule_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    issuer: Mapped[str] = mapped_column(String(200), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500), default="")
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)

    articles: Mapped[list[RuleArticle]] = relationship(
        back_populates="document", order_by="RuleArticle.position", cascade="all, delete-orphan", passive_deletes=True
    )


class RuleArticle(Base):
    """An article as numbered in its document: `label` is the numbering exactly as cited (第十二条, 二（三）, 第4段)."""

    __tablename__ = "rule_articles"
    __table_args__ = (UniqueConstraint("document_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("rule_documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(60))
    # The chapter or heading the article sits under (第二章 公务用车, 一、接待范围); searched, not cited.
    section: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)

    document: Mapped[RuleDocument] = relationship(back_populates="articles")


class RuleQuestion(Base):
    """A question known to be answered by an article (handlers/rules/alike.py): the sample base's, a list the
    admin imported, or one a cadre asked and then picked the article for from the numbered choices.

    The article is named by its document's title and its label, not its id, so the question survives the
    document being imported again; a question whose article no longer exists is ignored.
    """

    __tablename__ = "rule_questions"
    __table_args__ = (UniqueConstraint("title", "label", "text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(String(QUESTION_MAX))
    # sample | import | chosen (a cadre picked the article from the numbered choices)
    source: Mapped[str] = mapped_column(String(20))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)


class RulesRevision(Base):
    """A single counter bumped by every change to the knowledge base.

    Each process keeps its search index in memory keyed by this number, so an import made by the
    CLI is seen by a running server on its next question.
    """

    __tablename__ = "rules_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


def current_revision(session) -> int:
    """The knowledge base's revision: it changes with every import, so cached indexes know they are stale."""
    from sqlalchemy import select

    return session.scalar(select(RulesRevision.value).where(RulesRevision.id == REVISION_ROW)) or 0
