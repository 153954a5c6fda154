"""A demo street with a small known question bank and a quiz push job, for the quiz tests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from handlers.composition import build_app
from bot.app import App
from bot.clock import ManualClock
from bot.demo import load_demo
from handlers.quiz.importer import import_file
from handlers.quiz.models import Question, QuizAnswer
from tests.conftest import SHANGHAI, make_config

BANK = """题型,题目,A,B,C,D,答案,解析,标签
单选,中央八项规定是哪一年审议通过的？,2010年,2012年,2015年,2018年,B,2012年12月中央政治局审议通过。,八项规定
多选,下列哪些属于“四风”？,形式主义,官僚主义,勤俭节约,享乐主义,ABD,“四风”是形式主义、官僚主义、享乐主义和奢靡之风。,四风
判断,公车接送孩子，自己加油就不算违规。,,,,,错,公务用车只能用于公务。,公务用车
单选,接待对象8人时，陪餐最多几人？,3人,4人,5人,不限,A,10人以内的陪餐不超过3人。,公务接待
"""
QUIZ_JOB = {"name": "daily_quiz", "kind": "quiz_push", "workdays_at": "09:00", "targets": ["*"]}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def quiz_street(db_url: str, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **sections) -> App:
    """The demo roster with only the four questions above (other demo content is left out)."""
    config = make_config(db_url, schedule={"jobs": [QUIZ_JOB]}, **sections)
    app = build_app(config, clock=clock)
    load_demo(app, only=("hours",))
    bank = tmp_path / "bank.csv"
    bank.write_text(BANK, encoding="utf-8")
    with app.sessions() as session, session.begin():
        import_file(session, bank, clock.now())
    return app


def questions(app: App) -> list[Question]:
    with app.sessions() as session:
        return list(session.scalars(select(Question).order_by(Question.id)))


def answers(app: App) -> list[QuizAnswer]:
    with app.sessions() as session:
        return list(session.scalars(select(QuizAnswer).order_by(QuizAnswer.id)))
