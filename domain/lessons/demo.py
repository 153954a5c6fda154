"""The demo street's lesson library (written for this project)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from domain.lessons.importer import parse_file, store

DEMO_FILE = Path(__file__).parent / "data" / "demo_lessons.md"


def load_demo_lessons(session: Session, app, today: date) -> None:
    rows = parse_file(DEMO_FILE, app.config.lessons.max_body_chars)
    store(session, rows, app.clock.now(), actor="demo")
