"""Helpers for the scheduler tests: a demo street with declared jobs, and a frozen-clock driver."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from handlers.composition import build_app
from bot.app import App
from bot.clock import ManualClock
from bot.demo import load_demo
from bot.models import OutboundMessage
from scheduler.runner import Runner
from scheduler.triggers import next_occurrence
from tests.conftest import make_config

MORNING = {"name": "morning_notice", "kind": "notice", "workdays_at": "07:50", "targets": ["*"], "text": "晨会十分钟：今天学一条纪律规定。"}


def street(db_url: str, clock: ManualClock, jobs: list[dict], history: bool = True, **schedule) -> App:
    config = make_config(db_url, schedule={"jobs": jobs, **schedule})
    app = build_app(config, clock=clock)
    load_demo(app, history=history)
    return app


def street_without_history(db_url: str, clock: ManualClock, jobs: list[dict], **schedule) -> App:
    """For tests that count from the first lesson ever pushed: the demo's month of history is left out."""
    return street(db_url, clock, jobs, history=False, **schedule)


def rows(app: App, job: str = "morning_notice") -> list[OutboundMessage]:
    """The outbox rows a job wrote (other capabilities' demo data may write pushes of their own)."""
    with app.sessions() as session:
        query = select(OutboundMessage).where(OutboundMessage.dedupe_key.like(f"{job}:%")).order_by(OutboundMessage.id)
        return list(session.scalars(query))


def drive(runner: Runner, clock: ManualClock, until: datetime) -> list[datetime]:
    """Move the frozen clock from fire time to fire time, firing as the live scheduler would."""
    fired = []
    while True:
        due = sorted(
            (fire, name)
            for name in runner.specs
            if (fire := next_occurrence(runner.triggers[name], clock.now() + timedelta(seconds=1))) is not None
        )
        if not due or due[0][0] > until:
            clock.set(until)
            return fired
        fire, name = due[0]
        clock.set(fire)
        if runner.run_due(name) is not None:
            fired.append(fire)
