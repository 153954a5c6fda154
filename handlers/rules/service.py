"""Store, replace and remove rule documents; every change bumps the revision counter and is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.audit import record
from bot.models import Person
from handlers.rules.importer import ParsedArticle, RulesImportError
from handlers.rules.alike import KnownQuestion, citation
from handlers.rules.offtopic import asks_for_a_text, is_request  # noqa: F401 - for other capabilities' readers
from handlers.rules.models import REVISION_ROW, RuleArticle, RuleDocument, QUESTION_MAX, RuleQuestion, RulesRevision, current_revision  # noqa: F401

TITLE_MAX = 200


@dataclass(frozen=True)
class ImportResult:
    document_id: int
    title: str
    articles: int
    replaced: bool


def bump_revision(session: Session) -> None:
    # An UPDATE takes the row lock, so two concurrent imports both count; the row is created lazily
    # because a fresh (or truncated) database has none.
    done = session.execute(update(RulesRevision).where(RulesRevision.id == REVISION_ROW).values(value=RulesRevision.value + 1))
    if done.rowcount == 0:
        session.add(RulesRevision(id=REVISION_ROW, value=1))
        session.flush()


def clean_title(title: str) -> str:
    title = title.strip().strip("《》").strip()
    if not title:
        raise RulesImportError("标题不能为空，请用 --title 写上文件名称。")
    if len(title) > TITLE_MAX:
        raise RulesImportError(f"标题太长（{len(title)}字），请控制在{TITLE_MAX}字以内。")
    return title


def import_document(
    session: Session,
    title: str,
    articles: list[ParsedArticle],
    *,
    at: datetime,
    actor: Person | str | None,
    issuer: str = "",
    issued_on: date | None = None,
    source: str = "",
) -> ImportResult:
    """Store a document; a document with the same title is replaced as a whole."""
    title = clean_title(title)
    if not articles:
        raise RulesImportError("没有找到任何条文，未导入。")
    old = session.scalar(select(RuleDocument).where(RuleDocument.title == title))
    replaced = old is not None
    if old is not None:
        session.delete(old)
        session.flush()
    document = RuleDocument(title=title, issuer=issuer.strip(), issued_on=issued_on, source=source.strip(), imported_at=at)
    document.articles = [
        RuleArticle(position=index, label=a.label[:60], section=a.section[:200], text=a.text)
        for index, a in enumerate(articles, start=1)
    ]
    session.add(document)
    session.flush()
    bump_revision(session)
    record(
        session,
        actor,
        "rules.replace" if replaced else "rules.import",
        "rule_document",
        document.id,
        {"title": title, "articles": len(articles)},
        at=at,
    )
    return ImportResult(document.id, title, len(articles), replaced)


def find_document(session: Session, key: str) -> RuleDocument | None:
    """KEY is a document id or its title (with or without 《》)."""
    key = key.strip()
    if key.isdigit():
        found = session.get(RuleDocument, int(key))
        if found is not None:
            return found
    return session.scalar(select(RuleDocument).where(RuleDocument.title == key.strip("《》")))


def remove_document(session: Session, document: RuleDocument, *, at: datetime, actor: Person | str | None) -> None:
    record(session, actor, "rules.remove", "rule_document", document.id, {"title": document.title}, at=at)
    session.delete(document)
    session.flush()
    bump_revision(session)


@dataclass(frozen=True)
class DocumentRow:
    id: int
    title: str
    issuer: str
    issued_on: date | None
    source: str
    articles: int


def list_documents(session: Session) -> list[DocumentRow]:
    counts = (
        select(RuleArticle.document_id, func.count().label("n")).group_by(RuleArticle.document_id).subquery()
    )
    rows = session.execute(
        select(RuleDocument, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.document_id == RuleDocument.id)
        .order_by(RuleDocument.id)
    ).all()
    return [DocumentRow(d.id, d.title, d.issuer, d.issued_on, d.source, n) for d, n in rows]


# --- questions known to be answered by an article (alike.py) -------------------------------

# A question a cadre picked an article for is remembered only when it says something (not "这个呢").
CHOSEN_MIN_CHARS = 6


def add_questions(session: Session, questions: list[KnownQuestion], source: str, *, at: datetime,
                  actor: Person | str | None) -> int:
    """Store the questions not stored yet; returns how many were added."""
    keys = [(q.title[:TITLE_MAX], q.label[:60], q.text.strip()[:QUESTION_MAX]) for q in questions]
    texts = {text for _, _, text in keys}
    have = {tuple(row) for row in session.execute(
        select(RuleQuestion.title, RuleQuestion.label, RuleQuestion.text).where(RuleQuestion.text.in_(texts))
    )} if texts else set()
    added = 0
    for key in keys:
        if not key[2] or key in have:
            continue
        have.add(key)
        session.add(RuleQuestion(title=key[0], label=key[1], text=key[2], source=source, added_at=at))
        added += 1
    if added:
        session.flush()
        bump_revision(session)
        record(session, actor, "rules.questions", "rule_question", None, {"source": source, "added": added}, at=at)
    return added


def remember_choice(session: Session, title: str, label: str, question: str, *, at: datetime, actor: Person | None) -> bool:
    """A cadre asked `question` and picked this article from the numbered choices: the next question put
    the same way finds it first. Whether a question was remembered."""
    if len(question.strip()) < CHOSEN_MIN_CHARS:
        return False
    return add_questions(session, [KnownQuestion(title, label, question)], "chosen", at=at, actor=actor) > 0


def load_articles_by_citation(session: Session) -> dict[str, tuple[str, str]]:
    """《title》label (as the bot cites it) → (title, label), for files naming articles the way answers do."""
    rows = session.execute(select(RuleDocument.title, RuleArticle.label).join(RuleArticle.document)).all()
    return {citation(title, label): (title, label) for title, label in rows}


@dataclass(frozen=True)
class QuestionRow:
    id: int
    citation: str
    text: str
    source: str


def list_questions(session: Session, source: str | None = None) -> list[QuestionRow]:
    query = select(RuleQuestion).order_by(RuleQuestion.id)
    if source:
        query = query.where(RuleQuestion.source == source)
    return [QuestionRow(q.id, citation(q.title, q.label), q.text, q.source) for q in session.scalars(query)]


def remove_question(session: Session, question_id: int, *, at: datetime, actor: Person | str | None) -> bool:
    found = session.get(RuleQuestion, question_id)
    if found is None:
        return False
    record(session, actor, "rules.question_remove", "rule_question", question_id, {"text": found.text}, at=at)
    session.delete(found)
    session.flush()
    bump_revision(session)
    return True


# --- for other capabilities (the admin console) -------------------------------------------


def document_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(RuleDocument)) or 0


def document_by_id(session: Session, document_id: int) -> RuleDocument | None:
    return session.get(RuleDocument, document_id)


def read_document_file(path):
    """Articles of a .txt/.md/.docx file; RulesImportError says what is wrong with it."""
    from handlers.rules.importer import read_file

    return read_file(path)


def try_question(session: Session, settings, llm_settings, question: str):
    """(answer, None), or (None, what is wrong with the synonym table): the bot's answer to a test question."""
    from handlers.rules.answer import answer
    from handlers.rules.kb import index_for
    from handlers.rules.search import LexiconError

    try:
        index = index_for(session, settings)
    except LexiconError as exc:
        return None, str(exc)
    return answer(index, question, settings, llm_settings), None
