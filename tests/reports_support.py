"""Helpers for the report and ledger tests: demo people by name, ticket numbers from replies."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.app import App
from bot.models import Liaison, Person, Unit
from tests.harness import Said

ADMIN, SECRETARY, CADRE, GRID_WORKER = "林晓雯", "王建国", "张伟", "李娜"


def cli_env(db_url: str) -> dict[str, str | None]:
    """The CLI's environment for this test's database (the suite's own variable is no config key)."""
    return {"GRIDBOT_DATABASE__URL": db_url, "GRIDBOT_TEST_DATABASE_URL": None, "GRIDBOT_CONFIG": None}


def ticket_of(said: Said) -> int:
    found = re.search(r"编号 #(\d+)", said.text)
    assert found, said.text
    return int(found.group(1))


def person_id(app: App, name: str) -> int:
    with app.sessions() as session:
        return session.scalars(select(Person.id).where(Person.name == name)).one()


def unit_id(app: App, name: str) -> int:
    with app.sessions() as session:
        return session.scalars(select(Unit.id).where(Unit.name == name)).one()


def liaisons_of(app: App, unit: str) -> list[int]:
    with app.sessions() as session:
        query = select(Liaison.leader_id).join(Unit, Unit.id == Liaison.unit_id).where(Unit.name == unit).order_by(Liaison.leader_id)
        return list(session.scalars(query))


def not_liaison_leader(app: App, unit: str) -> str:
    """A leader who is not a liaison of `unit`, and not the secretary."""
    liaisons = set(liaisons_of(app, unit))
    with app.sessions() as session:
        for person in session.scalars(select(Person).where(Person.role == "leader").order_by(Person.id)):
            if person.id not in liaisons and person.name != SECRETARY:
                return person.name
    raise LookupError(unit)


def recipients(said: Said) -> set[int]:
    """Who was notified besides the sender."""
    return {r.person_id for r in said.rows if r.target != said.sender_target and r.person_id is not None}


def other_grid_worker(app: App, community: str = "安居社区", grid: str = "第2网格") -> str:
    with app.sessions() as session:
        from bot.models import Grid

        query = select(Person.name).join(Grid, Grid.id == Person.grid_id).join(Unit, Unit.id == Grid.unit_id).where(
            Unit.name == community, Grid.name == grid, Person.role == "grid_worker")
        return session.scalars(query).first()


def make_task(app: App, lead: str, unit: str, deadline, *, problem: str = "窗口午间无人值守", long_term: bool = False,
              category: str = "服务群众", created=None) -> int:
    from bot.db import transaction
    from handlers.ledger import service

    with transaction(app.sessions) as session:
        lead_person = session.scalars(select(Person).where(Person.name == lead)).one()
        unit_row = session.scalars(select(Unit).where(Unit.name == unit)).one()
        task = service.create_task(
            session, category=category, problem=problem, lead=lead_person, unit=unit_row, measures="推行午间轮值",
            deadline=deadline, long_term=long_term, now=created or app.clock.now(), actor="test",
        )
        return task.id
