"""/try: a newcomer picks a demo person and talks to the bot in the browser (only with [server] demo = true).

Messages go through the same App.handle() as every channel, as channel "web" whose sender ids
are roster ids. Replies are recorded as sent by an immediate "web" channel, and the page polls
the outbox for what this person was told and what their groups received.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.app import App
from bot.channels import SendResult
from bot.groups import in_audience
from bot.message import Incoming
from bot.models import Group, OutboundMessage, Person, Role, ROLE_LABELS, Unit

MAX_TEXT = 500
_ID = re.compile(r"[0-9]{1,9}")
FIRST_PAGE = 30
# Shown first in the picker: the people the README names.
FEATURED = ("林晓雯", "王建国", "张伟", "李娜")

_ALL = frozenset(Role)
_LEADING = frozenset({Role.leader, Role.admin})


@dataclass(frozen=True)
class Quick:
    """A one-tap message under the chat: `label` on the button, `text` what it sends."""

    label: str
    text: str
    roles: frozenset[Role] = _ALL


# Offered only to the roles the bot serves them for, so no button earns a refusal: 「本月时长」 is
# everyone's own month (我的时长); the unit summary 时长统计 is a leader's button.
QUICK = (
    Quick("帮助", "帮助"),
    Quick("服务 2小时 入户走访", "服务 2小时 入户走访"),
    Quick("本月时长", "我的时长"),
    Quick("时长统计", "时长统计", _LEADING),
    Quick("台账", "台账", _LEADING),
    Quick("定时任务", "定时任务", frozenset({Role.admin})),
    Quick("看板", "看板"),
)


def quick_for(person: Person) -> list[Quick]:
    role = Role(person.role)
    return [q for q in QUICK if role in q.roles]


class WebChannel:
    """The try-it page's channel: the browser reads the outbox, so delivery is recording."""

    name = "web"
    immediate = True

    def address_for(self, session: Session, person: Person) -> str | None:
        # A visitor is only reachable while they write from the page; pushes go by other channels.
        return None

    def __init__(self) -> None:
        # Texts completed when shown (a login link) that the outbox keeps redacted: row id -> shown text.
        self.shown: dict[int, str] = {}

    async def send(self, message: OutboundMessage) -> SendResult:
        return SendResult(ok=True)

    def emit(self, message: OutboundMessage) -> None:
        if message.payload and message.payload.get("render"):
            self.shown[message.id] = message.text
            while len(self.shown) > 1000:
                self.shown.pop(next(iter(self.shown)))


def groups_of(session: Session, person: Person) -> dict[int, str]:
    """The groups whose audience includes this person (by unit, role or name), id → group name."""
    found: dict[int, str] = {}
    for group in session.scalars(select(Group).where(Group.active.is_(True)).order_by(Group.id)):
        if in_audience(group, person):
            found[group.id] = group.name
    return found


class TrialChat:
    def __init__(self, app: App, env: Environment) -> None:
        self.app = app
        self.env = env
        if "web" not in app.outbound.channels:
            app.outbound.register(WebChannel())
        self.web = app.outbound.channels["web"]

    def routes(self) -> list[BaseRoute]:
        return [
            # A newcomer opening the bare address of `gridbot demo` lands on the try-it page.
            Route("/", lambda request: RedirectResponse("/try", status_code=307)),
            Route("/try", self.page),
            Route("/try/say", self.say, methods=["POST"]),
            Route("/try/feed", self.feed),
        ]

    def page(self, request: Request) -> Response:
        with self.app.sessions() as session:
            rows = session.execute(
                select(Person.id, Person.name, Person.role, Unit.name)
                .outerjoin(Unit, Unit.id == Person.unit_id)
                .where(Person.active.is_(True))
                .order_by(Person.id)
            ).all()
        featured = [r for name in FEATURED for r in rows if r[1] == name]
        by_role: dict[str, list] = {}
        for row in rows:
            if row not in featured:
                by_role.setdefault(ROLE_LABELS[Role(row[2])], []).append(row)
        html = self.env.get_template("try.html").render(
            street=self.app.config.street.name,
            featured=[(r[0], r[1], ROLE_LABELS[Role(r[2])], r[3] or "") for r in featured],
            by_role=by_role,
        )
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    async def say(self, request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"error": "请求格式不对：需要 JSON"}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"error": "请求格式不对：需要 JSON 对象"}, status_code=400)
        person_id = body.get("person")
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            return JSONResponse({"error": "请先输入要说的话"}, status_code=400)
        if len(text) > MAX_TEXT:
            return JSONResponse({"error": f"一次最多{MAX_TEXT}个字，请分开发送"}, status_code=400)
        person = await run_in_threadpool(self._person, person_id)
        if person is None:
            return JSONResponse({"error": "请先选择一位演示人员"}, status_code=400)
        message = Incoming(channel="web", sender=str(person.id), timestamp=self.app.clock.now(), text=text.strip())
        rows = await run_in_threadpool(self.app.handle, message)
        return JSONResponse({"ok": True, "rows": [r.id for r in rows]})

    def _person(self, person_id) -> Person | None:
        if isinstance(person_id, bool) or not isinstance(person_id, (int, str)) or not _ID.fullmatch(str(person_id)):
            return None
        with self.app.sessions() as session:
            person = session.get(Person, int(person_id))
            return person if person is not None and person.active else None

    def feed(self, request: Request) -> Response:
        person = self._person(request.query_params.get("person", ""))
        if person is None:
            return JSONResponse({"error": "请先选择一位演示人员"}, status_code=400)
        after_raw = request.query_params.get("after", "0")
        after = int(after_raw) if _ID.fullmatch(after_raw) else 0
        tz = self.app.config.tz
        with self.app.sessions() as session:
            groups = groups_of(session, person)
            query = select(OutboundMessage).where(
                or_(OutboundMessage.person_id == person.id, OutboundMessage.group_id.in_(list(groups) or [-1]))
            )
            if after:
                rows = session.scalars(query.where(OutboundMessage.id > after).order_by(OutboundMessage.id).limit(200)).all()
            else:
                rows = list(reversed(session.scalars(query.order_by(OutboundMessage.id.desc()).limit(FIRST_PAGE)).all()))
            shown = getattr(self.web, "shown", {})
            items = [_item(row, groups, tz, shown.get(row.id)) for row in rows]
        quick = [{"label": q.label, "text": q.text} for q in quick_for(person)]
        return JSONResponse({"person": {"id": person.id, "name": person.name}, "groups": list(groups.values()),
                             "quick": quick, "items": items})


def _item(row: OutboundMessage, groups: dict[int, str], tz, text: str | None = None) -> dict:
    if row.group_id is not None:
        kind, where = "group", groups.get(row.group_id, "")
    elif row.channel == "web":
        kind, where = "reply", ""
    else:
        kind, where = "notice", ""
    at: datetime = row.created_at
    return {"id": row.id, "kind": kind, "group": where, "at": at.astimezone(tz).strftime("%m-%d %H:%M"), "text": text or row.text}
