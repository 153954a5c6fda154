"""Groups (named audiences bound to a channel): who is in one, listing and simple management.

A group's audience is {"units": [ids], "roles": [names], "people": [ids]}; the sets are united.
Scheduled pushes, the lessons' per-person group and the /try page all read it through here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.models import Group, Person, Role, Unit

CHANNELS = ("console", "wecom_appchat", "wecom_robot", "wecom_bot", "wechaty", "people")


class GroupError(ValueError):
    """The request cannot be done; the message says what to fix."""


@dataclass(frozen=True)
class GroupView:
    group: Group
    audience: str
    people: int


def describe_audience(session: Session, audience: dict) -> str:
    parts = []
    if audience.get("units"):
        names = session.scalars(select(Unit.name).where(Unit.id.in_(audience["units"])).order_by(Unit.id)).all()
        parts.append("单位:" + "、".join(names))
    if audience.get("roles"):
        parts.append("角色:" + "、".join(Role(r).label if r in Role._value2member_map_ else r for r in audience["roles"]))
    if audience.get("people"):
        parts.append(f"指定{len(audience['people'])}人")
    return "；".join(parts) or "（无）"


def group_views(session: Session, include_inactive: bool = True) -> list[GroupView]:
    query = select(Group).order_by(Group.id)
    if not include_inactive:
        query = query.where(Group.active.is_(True))
    return [
        GroupView(g, describe_audience(session, g.audience or {}), len(audience_people(session, g)))
        for g in session.scalars(query)
    ]


def build_audience(session: Session, units: list[str], roles: list[str], people: list[int]) -> dict:
    audience: dict = {}
    if units:
        found = {u.name: u.id for u in session.scalars(select(Unit).where(Unit.name.in_(units)))}
        unknown = [u for u in units if u not in found]
        if unknown:
            raise GroupError(f"没有这些单位：{'、'.join(unknown)}")
        audience["units"] = [found[u] for u in units]
    if roles:
        bad = [r for r in roles if r not in Role._value2member_map_]
        if bad:
            raise GroupError(f"角色只能是 {', '.join(r.value for r in Role)}，不认识：{'、'.join(bad)}")
        audience["roles"] = roles
    if people:
        known = set(session.scalars(select(Person.id).where(Person.id.in_(people))))
        missing = [str(p) for p in people if p not in known]
        if missing:
            raise GroupError(f"花名册里没有这些编号：{'、'.join(missing)}")
        audience["people"] = people
    return audience


def add_group(session: Session, name: str, channel: str, address: str, audience: dict) -> Group:
    name = name.strip()
    if not name:
        raise GroupError("群名不能为空")
    if session.scalar(select(Group).where(Group.name == name)) is not None:
        raise GroupError(f"已经有叫“{name}”的群了")
    if channel not in CHANNELS:
        raise GroupError(f"渠道只能是 {', '.join(CHANNELS)}")
    if channel != "people" and not address:
        raise GroupError(f"{channel} 群需要 --address（群聊 id、机器人名或群 id）")
    group = Group(name=name, channel=channel, address=address, audience=audience, active=True)
    session.add(group)
    session.flush()
    return group


def find_group(session: Session, word: str) -> Group:
    group = session.get(Group, int(word)) if word.isdigit() else None
    group = group or session.scalar(select(Group).where(Group.name == word))
    if group is None:
        raise GroupError(f"没有找到群“{word}”。用 gridbot groups list 查看。")
    return group


def audience_of(group: Group) -> tuple[set[int], set[str], set[int]]:
    """(unit ids, role names, person ids) that a group's audience names."""
    audience = group.audience or {}
    return (
        {int(u) for u in audience.get("units") or ()},
        {str(r) for r in audience.get("roles") or ()},
        {int(p) for p in audience.get("people") or ()},
    )


def in_audience(group: Group, person: Person) -> bool:
    units, roles, people = audience_of(group)
    return person.unit_id in units or person.role in roles or person.id in people


def audience_people(session: Session, group: Group) -> list[Person]:
    """The active people a group stands for: its audience {"units": [ids], "roles": [names], "people": [ids]}.

    The sets are united (a person in a listed unit OR with a listed role OR listed by id).
    An empty audience stands for nobody.
    """
    units, roles, people = audience_of(group)
    conditions = []
    if units:
        conditions.append(Person.unit_id.in_(sorted(units)))
    if roles:
        conditions.append(Person.role.in_(sorted(roles)))
    if people:
        conditions.append(Person.id.in_(sorted(people)))
    if not conditions:
        return []
    query = select(Person).where(Person.active.is_(True), or_(*conditions)).order_by(Person.id)
    return list(session.scalars(query))
