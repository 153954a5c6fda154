"""The roster: importing people from a spreadsheet (all rows or none) and listing them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Grid, Liaison, Person, Role, Unit, UnitKind
from bot.tables import TableError
from bot.tables import read_rows as read_table

# Accepted headers (Chinese or English) → field.
COLUMNS: dict[str, str] = {
    "name": "name", "姓名": "name",
    "mobile": "mobile", "手机": "mobile", "手机号": "mobile", "电话": "mobile",
    "role": "role", "角色": "role", "身份": "role",
    "unit": "unit", "单位": "unit", "社区/部门": "unit", "所在单位": "unit",
    "unit_kind": "unit_kind", "单位类型": "unit_kind",
    "grid": "grid", "网格": "grid",
    "wecom_userid": "wecom_userid", "企业微信账号": "wecom_userid", "userid": "wecom_userid", "企业微信userid": "wecom_userid",
    "active": "active", "在岗": "active", "状态": "active",
    "liaison": "liaison", "包联单位": "liaison", "包联": "liaison",
}
ROLE_WORDS = {
    "网格员": Role.grid_worker, "grid_worker": Role.grid_worker,
    "干部": Role.cadre, "cadre": Role.cadre,
    "领导": Role.leader, "班子成员": Role.leader, "leader": Role.leader,
    "管理员": Role.admin, "admin": Role.admin,
}
KIND_WORDS = {"社区": UnitKind.community, "community": UnitKind.community, "内设机构": UnitKind.department,
              "部门": UnitKind.department, "department": UnitKind.department}
YES = {"", "是", "在岗", "1", "yes", "true", "y", "active"}
NO = {"否", "离岗", "0", "no", "false", "n", "inactive", "停用"}
MOBILE = re.compile(r"1\d{10}")
USERID = re.compile(r"[0-9A-Za-z_@.\-]{1,64}")


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"第{self.row}行 [{self.column}]：{self.reason}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    units_created: int = 0
    problems: list[RowProblem] = field(default_factory=list)


@dataclass(frozen=True)
class RosterRow:
    row: int
    name: str
    mobile: str | None
    role: Role
    unit: str | None
    unit_kind: UnitKind | None
    grid: str | None
    wecom_userid: str | None
    active: bool
    liaison: tuple[str, ...]


def parse_roster(path: Path) -> tuple[list[RosterRow], list[RowProblem]]:
    try:
        header, body = read_table(path)
    except TableError as exc:
        return [], [RowProblem(1, "文件", str(exc))]
    problems: list[RowProblem] = []
    fields: list[str | None] = []
    for title in header:
        key = COLUMNS.get(title) or COLUMNS.get(title.lower())
        if key is None and title:
            problems.append(RowProblem(1, title, "不认识的列名"))
        fields.append(key)
    if "name" not in fields:
        problems.append(RowProblem(1, "姓名", "缺少“姓名”列"))
    if problems:
        return [], problems
    rows: list[RosterRow] = []
    seen_userids: dict[str, int] = {}
    seen_mobiles: dict[str, int] = {}
    for number, cells in body:
        values = {key: (cells[i] if i < len(cells) else "") for i, key in enumerate(fields) if key}
        row_problems: list[RowProblem] = []
        name = values.get("name", "").strip()
        if not name:
            row_problems.append(RowProblem(number, "姓名", "不能为空"))
        role_text = values.get("role", "").strip() or "干部"
        role = ROLE_WORDS.get(role_text) or ROLE_WORDS.get(role_text.lower())
        if role is None:
            row_problems.append(RowProblem(number, "角色", f"“{role_text}”不是网格员/干部/领导/管理员之一"))
        mobile = values.get("mobile", "").replace(" ", "").replace("-", "") or None
        if mobile and not MOBILE.fullmatch(mobile):
            row_problems.append(RowProblem(number, "手机号", f"“{mobile}”不是11位手机号"))
        elif mobile and mobile in seen_mobiles:
            row_problems.append(RowProblem(number, "手机号", f"与第{seen_mobiles[mobile]}行重复"))
        userid = values.get("wecom_userid", "").strip() or None
        if userid and not USERID.fullmatch(userid):
            row_problems.append(RowProblem(number, "企业微信账号", f"“{userid}”含有不允许的字符"))
        elif userid and userid in seen_userids:
            row_problems.append(RowProblem(number, "企业微信账号", f"与第{seen_userids[userid]}行重复"))
        kind_text = values.get("unit_kind", "").strip()
        kind = None
        if kind_text:
            kind = KIND_WORDS.get(kind_text) or KIND_WORDS.get(kind_text.lower())
            if kind is None:
                row_problems.append(RowProblem(number, "单位类型", f"“{kind_text}”应为社区或内设机构"))
        unit = values.get("unit", "").strip() or None
        grid = values.get("grid", "").strip() or None
        if grid and not unit:
            row_problems.append(RowProblem(number, "网格", "填了网格就要填所在社区"))
        active_text = values.get("active", "").strip().lower()
        if active_text not in YES | NO:
            row_problems.append(RowProblem(number, "在岗", f"“{active_text}”应为 是 或 否"))
        liaison = tuple(u for u in re.split(r"[;；,，、/ ]+", values.get("liaison", "")) if u)
        if liaison and role not in (Role.leader, Role.admin):
            row_problems.append(RowProblem(number, "包联单位", "只有领导可以有包联单位"))
        if row_problems:
            problems.extend(row_problems)
            continue
        if userid:
            seen_userids[userid] = number
        if mobile:
            seen_mobiles[mobile] = number
        rows.append(RosterRow(number, name, mobile, role, unit, kind, grid, userid, active_text not in NO, liaison))
    return rows, problems


def _unit_kind(name: str, given: UnitKind | None) -> UnitKind:
    if given is not None:
        return given
    return UnitKind.community if name.endswith("社区") else UnitKind.department


def import_roster(session: Session, path: Path) -> ImportResult:
    """Validate every row first; store nothing unless every row is good.

    People are matched to existing ones by WeCom UserID, then by mobile; others are created.
    """
    rows, problems = parse_roster(path)
    result = ImportResult(problems=problems)
    if problems:
        return result
    units = {u.name: u for u in session.scalars(select(Unit))}
    unit_names_in_file = {r.unit for r in rows if r.unit}
    for row in rows:
        for name in row.liaison:
            if name not in units and name not in unit_names_in_file:
                result.problems.append(RowProblem(row.row, "包联单位", f"没有叫“{name}”的社区或部门"))
    if result.problems:
        return result
    for row in rows:
        if row.unit and row.unit not in units:
            unit = Unit(name=row.unit, kind=_unit_kind(row.unit, row.unit_kind).value)
            session.add(unit)
            units[row.unit] = unit
            result.units_created += 1
    session.flush()
    grids = {(g.unit_id, g.name): g for g in session.scalars(select(Grid))}
    for row in rows:
        person = None
        if row.wecom_userid:
            person = session.scalar(select(Person).where(Person.wecom_userid == row.wecom_userid))
        if person is None and row.mobile:
            person = session.scalar(select(Person).where(Person.mobile == row.mobile))
        created = person is None
        if created:
            person = Person(name=row.name)
            result.created += 1
        else:
            result.updated += 1
        unit = units.get(row.unit) if row.unit else None
        grid = None
        if unit is not None and row.grid:
            grid = grids.get((unit.id, row.grid))
            if grid is None:
                grid = Grid(name=row.grid, unit_id=unit.id)
                session.add(grid)
                session.flush()
                grids[(unit.id, row.grid)] = grid
        person.name = row.name
        person.mobile = row.mobile
        person.role = row.role.value
        person.unit_id = unit.id if unit else None
        person.grid_id = grid.id if grid else None
        person.wecom_userid = row.wecom_userid
        person.active = row.active
        if created:
            session.add(person)
        session.flush()
        if row.liaison:
            existing = set(session.scalars(select(Liaison.unit_id).where(Liaison.leader_id == person.id)))
            for name in row.liaison:
                if units[name].id not in existing:
                    session.add(Liaison(leader_id=person.id, unit_id=units[name].id))
    session.flush()
    return result


def list_people(session: Session, role: Role | None = None, unit: str | None = None) -> list[tuple[Person, str, str]]:
    query = (
        select(Person, Unit.name, Grid.name)
        .outerjoin(Unit, Unit.id == Person.unit_id)
        .outerjoin(Grid, Grid.id == Person.grid_id)
        .order_by(Person.id)
    )
    if role is not None:
        query = query.where(Person.role == role.value)
    if unit is not None:
        query = query.where(Unit.name == unit)
    return [(p, u or "", g or "") for p, u, g in session.execute(query)]
