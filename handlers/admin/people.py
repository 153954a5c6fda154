"""The roster pages' work: search, a person's edit, the two-step import (preview, then confirm), export.

The import preview runs the CLI's own importer (handlers.people.roster.import_roster) inside a
transaction that is rolled back, and compares the roster before and after: whatever the importer
would add or change is exactly what the preview lists, with no second copy of its matching rules.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.audit import record
from bot.models import ROLE_LABELS, UNIT_KIND_LABELS, Grid, Liaison, Person, Role, Unit, UnitKind
from handlers.people.service import MOBILE, USERID, ImportResult, RowProblem, import_roster

PAGE_LIMIT = 300
FIELD_LABELS = {
    "name": "姓名",
    "mobile": "手机号",
    "role": "角色",
    "unit": "单位",
    "grid": "网格",
    "wecom_userid": "企业微信账号",
    "active": "在岗",
    "liaison": "包联单位",
}


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    mobile: str
    role: str
    role_label: str
    unit: str
    grid: str
    wecom_userid: str
    active: bool
    liaison: tuple[str, ...]

    def snapshot(self) -> dict[str, str]:
        return {
            "name": self.name,
            "mobile": self.mobile,
            "role": self.role_label,
            "unit": self.unit,
            "grid": self.grid,
            "wecom_userid": self.wecom_userid,
            "active": "是" if self.active else "否",
            "liaison": "、".join(self.liaison),
        }


def roster_rows(
    session: Session,
    query: str = "",
    unit_id: int | None = None,
    role: str | None = None,
    active: bool | None = None,
    limit: int | None = None,
    person_id: int | None = None,
) -> tuple[list[PersonRow], int]:
    """People matching the filters (name, mobile or UserID contains `query`), and how many match in all."""
    statement = (
        select(Person, Unit.name, Grid.name)
        .outerjoin(Unit, Unit.id == Person.unit_id)
        .outerjoin(Grid, Grid.id == Person.grid_id)
        .order_by(Person.id)
    )
    if person_id is not None:
        statement = statement.where(Person.id == person_id)
    if query:
        like = f"%{query}%"
        statement = statement.where(or_(Person.name.like(like), Person.mobile.like(like), Person.wecom_userid.like(like)))
    if unit_id is not None:
        statement = statement.where(Person.unit_id == unit_id)
    if role in Role._value2member_map_:
        statement = statement.where(Person.role == role)
    if active is not None:
        statement = statement.where(Person.active.is_(active))
    found = session.execute(statement).all()
    shown = found if limit is None else found[:limit]
    liaisons = _liaisons(session, [p.id for p, _, _ in shown])
    rows = [
        PersonRow(
            p.id, p.name, p.mobile or "", p.role, ROLE_LABELS[Role(p.role)], u or "", g or "", p.wecom_userid or "",
            p.active, tuple(liaisons.get(p.id, ())),
        )
        for p, u, g in shown
    ]
    return rows, len(found)


def _liaisons(session: Session, person_ids: list[int] | None) -> dict[int, list[str]]:
    statement = select(Liaison.leader_id, Unit.name).join(Unit, Unit.id == Liaison.unit_id).order_by(Liaison.leader_id, Unit.id)
    if person_ids is not None:
        if not person_ids:
            return {}
        statement = statement.where(Liaison.leader_id.in_(person_ids))
    result: dict[int, list[str]] = {}
    for leader_id, name in session.execute(statement):
        result.setdefault(leader_id, []).append(name)
    return result


def units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(Unit.id)))


# --- import: preview, then confirm -------------------------------------------------------------


@dataclass
class Change:
    person_id: int
    name: str
    fields: list[tuple[str, str, str]]  # (label, before, after)


@dataclass
class Preview:
    problems: list[RowProblem] = field(default_factory=list)
    added: list[dict[str, str]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    units_created: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _snapshot(session: Session) -> dict[int, dict[str, str]]:
    rows, _ = roster_rows(session)
    return {r.id: r.snapshot() for r in rows}


def preview_import(sessions: sessionmaker[Session], path: Path) -> Preview:
    """What importing this file would do, computed by importing it and rolling back: nothing is written."""
    with sessions() as session:
        try:
            before = _snapshot(session)
            result = import_roster(session, path)
            if result.problems:
                return Preview(problems=result.problems)
            session.flush()
            after = _snapshot(session)
        finally:
            session.rollback()
    preview = Preview(units_created=result.units_created)
    for person_id, now in after.items():
        old = before.get(person_id)
        if old is None:
            preview.added.append(now)
            continue
        fields = [(FIELD_LABELS[k], old[k], now[k]) for k in FIELD_LABELS if old[k] != now[k]]
        if fields:
            preview.changed.append(Change(person_id, now["name"], fields))
        else:
            preview.unchanged += 1
    return preview


def confirm_import(session: Session, path: Path, filename: str, actor: Person, now: datetime) -> ImportResult:
    """Import for real, in the caller's transaction, exactly as `gridbot people import` does; audited."""
    result = import_roster(session, path)
    if result.problems:
        session.rollback()
        return result
    record(session, actor, "import", "people", None,
           {"file": filename, "created": result.created, "updated": result.updated, "via": "admin"}, at=now)
    return result


# --- one person's edit --------------------------------------------------------------------------


class EditRefused(ValueError):
    """The edit is not saved; the message says what to fix."""


@dataclass(frozen=True)
class PersonEdit:
    role: str
    unit_id: int | None
    grid: str
    mobile: str
    wecom_userid: str
    active: bool
    liaison_unit_ids: tuple[int, ...]


def edit_person(session: Session, person: Person, edit: PersonEdit, actor: Person, now: datetime) -> list[tuple[str, str, str]]:
    """Apply the edit under the roster file's rules; return what changed (label, before, after), audited.

    Nothing is written when any field is wrong: the whole edit is refused with every reason.
    """
    problems: list[str] = []
    if edit.role not in Role._value2member_map_:
        problems.append("角色不对")
    mobile = edit.mobile.replace(" ", "").replace("-", "")
    if mobile and not MOBILE.fullmatch(mobile):
        problems.append(f"手机号“{mobile}”不是11位手机号")
    elif mobile:
        other = session.scalar(select(Person).where(Person.mobile == mobile, Person.id != person.id))
        if other is not None:
            problems.append(f"手机号{mobile}已登记在{other.name}（#{other.id}）名下")
    userid = edit.wecom_userid.strip()
    if userid and not USERID.fullmatch(userid):
        problems.append(f"企业微信账号“{userid}”含有不允许的字符（只能用字母、数字和 _ @ . -）")
    elif userid:
        other = session.scalar(select(Person).where(Person.wecom_userid == userid, Person.id != person.id))
        if other is not None:
            problems.append(f"企业微信账号{userid}已属于{other.name}（#{other.id}）")
    unit = session.get(Unit, edit.unit_id) if edit.unit_id is not None else None
    if edit.unit_id is not None and unit is None:
        problems.append("没有这个单位")
    grid_name = edit.grid.strip()
    if grid_name and unit is None:
        problems.append("填了网格就要选所在社区")
    if len(grid_name) > 100:
        problems.append("网格名称太长")
    liaison_units = list(session.scalars(select(Unit).where(Unit.id.in_(edit.liaison_unit_ids)))) if edit.liaison_unit_ids else []
    if edit.liaison_unit_ids and edit.role not in (Role.leader.value, Role.admin.value):
        problems.append("只有领导可以有包联单位")
    if len(liaison_units) != len(set(edit.liaison_unit_ids)):
        problems.append("包联单位里有不存在的单位")
    if person.id == actor.id and (not edit.active or edit.role != Role.admin.value):
        problems.append("不能停用自己或取消自己的管理员身份（请另一位管理员操作）")
    if problems:
        raise EditRefused("；".join(problems))

    before = _person_snapshot(session, person)
    grid = None
    if unit is not None and grid_name:
        grid = session.scalar(select(Grid).where(Grid.unit_id == unit.id, Grid.name == grid_name))
        if grid is None:
            grid = Grid(name=grid_name, unit_id=unit.id)
            session.add(grid)
            session.flush()
    person.role = edit.role
    person.unit_id = unit.id if unit else None
    person.grid_id = grid.id if grid else None
    person.mobile = mobile or None
    person.wecom_userid = userid or None
    person.active = edit.active
    wanted = {u.id for u in liaison_units}
    have = set(session.scalars(select(Liaison.unit_id).where(Liaison.leader_id == person.id)))
    if wanted != have:
        session.execute(delete(Liaison).where(Liaison.leader_id == person.id, Liaison.unit_id.not_in(wanted)))
        for unit_id in sorted(wanted - have):
            session.add(Liaison(leader_id=person.id, unit_id=unit_id))
    session.flush()
    after = _person_snapshot(session, person)
    changes = [(FIELD_LABELS[k], before[k], after[k]) for k in FIELD_LABELS if before[k] != after[k]]
    if changes:
        record(session, actor, "update", "person", person.id,
               {k: {"before": before[k], "after": after[k]} for k in FIELD_LABELS if before[k] != after[k]}, at=now)
    return changes


def _person_snapshot(session: Session, person: Person) -> dict[str, str]:
    session.flush()
    return person_row(session, person.id).snapshot()


def person_row(session: Session, person_id: int) -> PersonRow | None:
    rows, _ = roster_rows(session, person_id=person_id)
    return rows[0] if rows else None


# --- export -------------------------------------------------------------------------------------

EXPORT_HEADER = ("姓名", "手机号", "角色", "单位", "单位类型", "网格", "企业微信账号", "在岗", "包联单位")


def export_xlsx(session: Session) -> bytes:
    """The roster in the import layout, so an exported file can be edited and imported back."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    kinds = {u.name: UNIT_KIND_LABELS[UnitKind(u.kind)] for u in units(session)}
    rows, _ = roster_rows(session)
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(EXPORT_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        sheet.append([r.name, r.mobile, r.role_label, r.unit, kinds.get(r.unit, "") if r.unit else "", r.grid,
                      r.wecom_userid, "是" if r.active else "否", "、".join(r.liaison)])
    for column, width in zip("ABCDEFGHI", (10, 14, 8, 16, 10, 12, 16, 6, 24)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
