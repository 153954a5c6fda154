"""The demo street: invented people modelled on the street in shared/domain.md.

118 people (22 leaders, one admin), 7 communities with grids, the office's departments, liaison
links, one group per community plus the leaders' group, and some hours logged this month.
Ids are stable: the same roster comes out every time, so the README can name demo people.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from bot.app import App
from bot.db import transaction
from bot.models import Grid, Group, Liaison, Person, Role, Unit, UnitKind

COMMUNITIES = ("安居社区", "幸福社区", "新城社区", "和谐社区", "阳光社区", "青山社区", "碧水社区")
DEPARTMENTS = ("党政综合办", "党建办", "社会事务办", "经济发展办", "综合执法队", "便民服务中心", "纪工委")
GRIDS_PER_COMMUNITY = 4

# Named people the README and the tests refer to; the rest of the roster is generated.
ADMIN = ("林晓雯", "党政综合办")
SECRETARY = "王建国"
DEMO_CADRE = "张伟"
DEMO_GRID_WORKER = "李娜"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "海燕 志强 秀兰 明辉 丽华 建军 春梅 晓东 玉兰 国庆 红霞 文杰 思远 雨桐 子涵 浩然 欣怡 俊杰 婷婷 志明 "
    "立新 桂英 永红 德华 凤英 晓明 淑珍 家豪 梦瑶 宇航 雅琴 振华 慧敏 天宇 佳怡 鹏飞 秀英 海峰 美玲 伟东"
).split()

def _names(count: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    i = 0
    while len(names) < count:
        surname = SURNAMES[(i * 7) % len(SURNAMES)]
        given = GIVEN[(i * 11 + i // len(SURNAMES)) % len(GIVEN)]
        i += 1
        name = surname + given
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def demo_roster() -> list[dict]:
    """The roster as plain rows, in id order (also used to write the sample import file)."""
    taken = {ADMIN[0], SECRETARY, DEMO_CADRE, DEMO_GRID_WORKER}
    leaders = [SECRETARY, *_names(21, taken)]
    rows: list[dict] = [dict(name=ADMIN[0], role=Role.admin, unit=ADMIN[1], grid=None)]
    for index, name in enumerate(leaders):
        unit = DEPARTMENTS[0] if index < 3 else DEPARTMENTS[index % len(DEPARTMENTS)]
        rows.append(dict(name=name, role=Role.leader, unit=unit, grid=None))
    workers = [DEMO_GRID_WORKER, *_names(len(COMMUNITIES) * GRIDS_PER_COMMUNITY - 1, taken)]
    for index, name in enumerate(workers):
        community = COMMUNITIES[index // GRIDS_PER_COMMUNITY]
        grid = f"第{index % GRIDS_PER_COMMUNITY + 1}网格"
        rows.append(dict(name=name, role=Role.grid_worker, unit=community, grid=grid))
    cadres = [DEMO_CADRE, *_names(118 - len(rows) - 1, taken)]
    units = COMMUNITIES + DEPARTMENTS
    for index, name in enumerate(cadres):
        unit = units[index % len(units)]
        grid = f"第{index % GRIDS_PER_COMMUNITY + 1}网格" if unit in COMMUNITIES else None
        rows.append(dict(name=name, role=Role.cadre, unit=unit, grid=grid))
    for number, row in enumerate(rows, start=1):
        row["id"] = number
        row["wecom_userid"] = f"demo{number:03d}"
        row["mobile"] = f"1390000{number:04d}"
    return rows


def load_demo(app: App, only: Iterable[str] | None = None, history: bool = True) -> None:
    """Create the demo street in an empty, migrated database.

    `only` names the capabilities whose demo content to add (default: every one); `history=False`
    leaves out the past month of pushes and answers, for tests that count from the first push.
    """
    wanted = [c for c in app.capabilities if only is None or c.name in set(only)]
    today = app.local_now().date()
    with transaction(app.sessions) as session:
        if session.scalar(select(func.count()).select_from(Person)):
            raise RuntimeError("the database already has people; the demo street goes into an empty one")
        _load_core(session, today)
        # Each capability adds its part; history (past pushes and answers) once everything exists.
        for capability in wanted:
            if capability.demo is not None:
                capability.demo(session, app, today)
        for capability in wanted if history else ():
            if capability.demo_history is not None:
                capability.demo_history(session, app, today)


def _load_core(session: Session, today: date) -> None:
    units: dict[str, Unit] = {}
    for name in COMMUNITIES:
        units[name] = Unit(name=name, kind=UnitKind.community.value)
    for name in DEPARTMENTS:
        units[name] = Unit(name=name, kind=UnitKind.department.value)
    session.add_all(units.values())
    session.flush()
    grids: dict[tuple[str, str], Grid] = {}
    for community in COMMUNITIES:
        for number in range(1, GRIDS_PER_COMMUNITY + 1):
            grid = Grid(name=f"第{number}网格", unit_id=units[community].id)
            grids[(community, grid.name)] = grid
            session.add(grid)
    session.flush()
    people: list[Person] = []
    for row in demo_roster():
        person = Person(
            id=row["id"],
            name=row["name"],
            mobile=row["mobile"],
            role=row["role"].value,
            unit_id=units[row["unit"]].id,
            grid_id=grids[(row["unit"], row["grid"])].id if row["grid"] else None,
            active=True,
            wecom_userid=row["wecom_userid"],
        )
        people.append(person)
    session.add_all(people)
    session.flush()
    _fix_sequence(session, "people")
    all_units = list(units.values())
    leaders = [p for p in people if p.role == Role.leader.value]
    for index, leader in enumerate(leaders):
        count = 3 if index % 3 == 0 else 2
        for offset in range(count):
            unit = all_units[(index * 2 + offset) % len(all_units)]
            session.add(Liaison(leader_id=leader.id, unit_id=unit.id))
    session.add_all([_work_group(units[community]) for community in COMMUNITIES])
    session.add(
        Group(name="领导班子群", channel="console", address="group:领导班子", audience={"roles": ["leader", "admin"]})
    )
    session.add_all([_work_group(units[department]) for department in DEPARTMENTS])
    session.flush()


def _work_group(unit: Unit) -> Group:
    """A unit's own work group, on the console channel."""
    return Group(name=f"{unit.name}工作群", channel="console", address=f"group:{unit.name}", audience={"units": [unit.id]})


def _fix_sequence(session: Session, table: str) -> None:
    """Explicit ids leave PostgreSQL's sequence behind; move it past them."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))


# --- helpers for the capabilities' demo history ---------------------------------------

# The people a newcomer tries the bot as start the month with a clean slate.
CLEAN_SLATE = (DEMO_CADRE, DEMO_GRID_WORKER)
# Engagement of the units not named as low ones.
ENGAGEMENT_RANGE = (0.78, 0.93)


def bulk_insert(session: Session, model, rows: list[dict]) -> None:
    """One Core executemany: the drivers batch it (psycopg pipelines it), with no ORM objects made."""
    if rows:
        session.execute(insert(model.__table__), rows)


def unit_rates(session: Session, rng: random.Random, low: dict[str, float]) -> dict[int, float]:
    """Each unit's share of engagement: the low ones as given, the others high but not equal."""
    return {
        unit.id: low.get(unit.name, round(rng.uniform(*ENGAGEMENT_RANGE), 2))
        for unit in session.scalars(select(Unit).order_by(Unit.id))
    }


def history_people(session: Session) -> list[Person]:
    return list(
        session.scalars(
            select(Person).where(Person.active.is_(True), Person.name.not_in(CLEAN_SLATE)).order_by(Person.id)
        )
    )
