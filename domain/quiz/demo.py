"""The demo street's question bank (written for this project)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from domain.quiz.importer import parse_file, store

DEMO_FILE = Path(__file__).parent / "data" / "demo_questions.csv"


def load_demo_questions(session: Session, app, today: date) -> None:
    store(session, parse_file(DEMO_FILE), app.clock.now(), actor="demo")
