"""The dashboard's HTTP side: login by one-time link, the pages, their exports, and the try-it page.

Endpoints are plain functions, so Starlette runs them in its thread pool next to the
synchronous database work. Every page is narrowed to the signed-in person's Scope.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.app import App
from bot.db import transaction
from bot.models import Person
from dash import auth
from dash.site import COOKIE_PATH, DASH_FOLDER, GET_NEW_LINK, STATIC_DIR, XLSX, build_env  # noqa: F401
from handlers.dashboard import pages
from dash.month import Month
from dash.scope import Level, Scope, scope_for

EXPORT_NAMES = {"overview": "总览", "ledger": "整改台账", "reports": "诉求", "people": "人员"}
LINK_PROBLEMS = {
    auth.LinkState.used: ("这个登录链接已经用过了", "为了安全，每个链接只能打开一次。"),
    auth.LinkState.expired: ("这个登录链接已过期", "登录链接发出后10分钟内有效。"),
    auth.LinkState.unknown: ("这个登录链接无效", "链接可能不完整，请从聊天里完整复制。"),
}
# Ids in addresses: table ids are 32-bit integers; anything else is junk, answered 400 after sign-in.
_ID = re.compile(r"[0-9]{1,9}")
LARGEST_ID = 2**31 - 1


class BadParam(Exception):
    """A query parameter that should be an id is not one; the argument names the parameter."""


def id_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name, "")
    if raw == "":
        return None
    if not _ID.fullmatch(raw):
        raise BadParam(name)
    return int(raw)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class DashSite:
    """The plugin `gridbot serve` loads: /dash/… always, /try only with [server] demo = true."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.env = build_env()
        self.caps = pages.Capabilities.of(app)
        self.secure_cookie = app.config.server.link_base.startswith("https://")
        self.trial = None
        if app.config.server.demo:
            from dash.trial import TrialChat

            self.trial = TrialChat(app, self.env)

    # --- plugin protocol -----------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        inner = Starlette(
            routes=[
                Route("/", self.overview),
                Route("/ledger", self.ledger),
                Route("/ledger/{task_id:int}.json", self.task_history),
                Route("/reports", self.reports),
                Route("/people", self.people),
                Route("/export/{page}.xlsx", self.export),
                Route("/login/{token}", self.login, methods=["GET", "POST"]),
                Route("/logout", self.logout, methods=["POST"]),
                Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
            ],
            middleware=[Middleware(GZipMiddleware, minimum_size=1024)],
        )
        routes: list[BaseRoute] = [Mount("/dash", app=inner)]
        if self.trial is not None:
            routes.extend(self.trial.routes())
        return routes

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    # --- helpers -------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.app.clock.now()

    def render(self, template: str, status_code: int = 200, **context) -> HTMLResponse:
        context.setdefault("street", self.app.config.street.name)
        context.setdefault("tz", self.app.config.tz)
        html = self.env.get_template(template).render(**context)
        return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})

    def message(self, title: str, body: str, status_code: int) -> HTMLResponse:
        return self.render("message.html", status_code, title=title, body=body, hint=GET_NEW_LINK)

    def signed_in(self, request: Request, session) -> tuple[Person, Scope] | None:
        person = auth.session_person(session, request.cookies.get(auth.COOKIE_NAME), self.now())
        if person is None:
            return None
        return person, scope_for(session, person)

    def junk_ids(self, request: Request, names: tuple[str, ...]) -> HTMLResponse | None:
        """A 400 page naming the first of these query parameters that is not an id, or None when all are fine.

        Checked only after sign-in: a visitor who is not signed in learns nothing about the parameters.
        """
        for name in names:
            try:
                id_param(request, name)
            except BadParam:
                return self.render("message.html", 400, title="地址里的参数不对",
                                   body=f"参数 {name} 应是一个编号。请在看板页面上点选，不要手改地址。", hint="")
        return None

    def viewer(self, request: Request, session, ids: tuple[str, ...] = ()) -> tuple[Person, Scope] | HTMLResponse:
        """The signed-in person and their scope; else the login page, or the 400 page for the first of
        the query parameters `ids` that is not an id."""
        viewer = self.signed_in(request, session)
        if viewer is None:
            return self.need_login()
        bad = self.junk_ids(request, ids)
        return viewer if bad is None else bad

    def need_login(self) -> HTMLResponse:
        return self.message("请先登录看板", "看板不用密码，用聊天里收到的一次性链接登录。", 401)

    def page(self, template: str, active: str, person: Person, scope: Scope, **context) -> HTMLResponse:
        return self.render(
            template,
            viewer=person,
            scope=scope,
            active=active,
            caps=self.caps,
            is_self=scope.level == Level.self,
            **context,
        )

    def month(self, request: Request) -> Month:
        return Month.parse(request.query_params.get("month"), self.app.local_now().date())

    # --- login ---------------------------------------------------------------------------

    def login(self, request: Request) -> Response:
        token = request.path_params["token"]
        if request.method == "GET":
            # Opening the link only shows a button: link previews in chat apps fetch URLs too,
            # and must not use up the one-time link.
            with self.app.sessions() as session:
                state = auth.link_state(session, token, self.now())
            if state != auth.LinkState.valid:
                title, body = LINK_PROBLEMS[state]
                return self.message(title, body, 410 if state != auth.LinkState.unknown else 404)
            return self.render("login.html", action=f"/dash/login/{quote(token)}")
        if not self.same_site(request):
            # A page elsewhere posting someone's link would sign this browser in as them (login CSRF).
            return self.message("登录请求来自别的网站，已拒绝", "请直接点开聊天里收到的看板链接登录。", 403)
        with transaction(self.app.sessions) as session:
            result = auth.redeem_link(session, token, self.now())
        if isinstance(result, auth.LinkState):
            title, body = LINK_PROBLEMS[result]
            return self.message(title, body, 410 if result != auth.LinkState.unknown else 404)
        response = RedirectResponse("/dash/", status_code=303)
        response.set_cookie(
            auth.COOKIE_NAME,
            result.session_token,
            max_age=int(auth.SESSION_TTL.total_seconds()),
            path=COOKIE_PATH,
            httponly=True,
            samesite="lax",
            secure=self.secure_cookie,
        )
        return response

    def same_site(self, request: Request) -> bool:
        """A POST's Origin must be the dashboard's own (public_url, or the host it was reached at).

        Browsers send Origin with every cross-site POST; a request without one comes from no other site's page.
        """
        origin = request.headers.get("origin")
        if origin is None:
            return True
        allowed = {_origin(self.app.config.server.link_base)}
        host = request.headers.get("host")
        if host:
            allowed.add(f"{request.url.scheme}://{host}".lower())
        return origin.strip().rstrip("/").lower() in allowed

    def logout(self, request: Request) -> Response:
        token = request.cookies.get(auth.COOKIE_NAME)
        if token:
            with transaction(self.app.sessions) as session:
                auth.end_session(session, token)
        response = self.message("已退出看板", "需要时再在聊天里发送「看板」获取新链接。", 200)
        response.delete_cookie(auth.COOKIE_NAME, path=COOKIE_PATH)
        return response

    # --- pages ---------------------------------------------------------------------------

    def overview(self, request: Request) -> Response:
        month = self.month(request)
        with self.app.sessions() as session:
            viewer = self.viewer(request, session)
            if isinstance(viewer, Response):
                return viewer
            person, scope = viewer
            data = pages.overview(session, scope, self.app.config, self.caps, month, self.now())
            data.sections = pages.declared_sections(session, scope, self.app.config, self.app.capabilities, month, self.now())
        return self.page("overview.html", "overview", person, scope, data=data, month=month)

    def ledger(self, request: Request) -> Response:
        if "ledger" not in self.caps:
            return self.missing("ledger")
        category = request.query_params.get("category") or None
        state = request.query_params.get("state") or None
        with self.app.sessions() as session:
            viewer = self.viewer(request, session)
            if isinstance(viewer, Response):
                return viewer
            person, scope = viewer
            board = pages.ledger_board(session, scope, self.app.config, self.now(), category, state)
        from handlers.ledger.dashboard import STATE_LABELS

        return self.page("ledger.html", "ledger", person, scope, board=board, state_labels=STATE_LABELS)

    def task_history(self, request: Request) -> Response:
        if "ledger" not in self.caps:
            return JSONResponse({"error": "未启用整改台账"}, status_code=404)
        from handlers.ledger import dashboard as ledger

        with self.app.sessions() as session:
            viewer = self.signed_in(request, session)
            if viewer is None:
                return JSONResponse({"error": "请先登录"}, status_code=401)
            task_id = request.path_params["task_id"]
            if not 1 <= task_id <= LARGEST_ID:
                return JSONResponse({"error": "没有这项任务，或您无权查看"}, status_code=404)
            found = ledger.history(session, viewer[1], task_id)
            if found is None:
                return JSONResponse({"error": "没有这项任务，或您无权查看"}, status_code=404)
            task, entries = found
            tz = self.app.config.tz
            return JSONResponse(
                {
                    "id": task.id,
                    "category": task.category,
                    "problem": task.problem,
                    "measures": task.measures,
                    "deadline": task.deadline.isoformat() if task.deadline else None,
                    "status": task.status,
                    "history": [
                        {"at": e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), "author": e.author, "kind": e.kind, "text": e.text}
                        for e in entries
                    ],
                }
            )

    def _report_filters(self, request: Request, units: list[tuple[int, str]]):
        from handlers.reports.dashboard import Filters
        from handlers.reports.dashboard import ReportStatus

        params = request.query_params
        unit_id = id_param(request, "unit")
        unit_id = unit_id if unit_id in {u for u, _ in units} else None
        status = params.get("status") if params.get("status") in {s.value for s in ReportStatus} else None
        month = Month.parse(params["month"], self.app.local_now().date()) if params.get("month") else None
        return Filters(unit_id, status, params.get("category") or None, month)

    def _reports_data(self, request: Request, session, scope: Scope, limit):
        from handlers.reports import dashboard as reports

        units = pages.units_in_scope(session, scope)
        filters = self._report_filters(request, units)
        data = reports.page(session, scope, filters, self.now(), self.app.config.tz, self.app.config.reports, limit=limit)
        return units, filters, data

    def reports(self, request: Request) -> Response:
        if "reports" not in self.caps:
            return self.missing("reports")
        from handlers.reports.dashboard import LIST_LIMIT
        from handlers.reports.dashboard import STATUS_LABELS

        with self.app.sessions() as session:
            viewer = self.viewer(request, session, ("unit",))
            if isinstance(viewer, Response):
                return viewer
            person, scope = viewer
            units, filters, data = self._reports_data(request, session, scope, LIST_LIMIT)
        return self.page(
            "reports.html",
            "reports",
            person,
            scope,
            data=data,
            filters=filters,
            units=units,
            statuses=[(s.value, label) for s, label in STATUS_LABELS.items()],
            months=_recent_months(self.app.local_now().date()),
        )

    def people(self, request: Request) -> Response:
        month = self.month(request)
        with self.app.sessions() as session:
            viewer = self.viewer(request, session, ("unit",))
            if isinstance(viewer, Response):
                return viewer
            person, scope = viewer
            units, data = self._people_data(request, session, scope, month, pages.PEOPLE_LIMIT)
        return self.page("people.html", "people", person, scope, data=data, month=month, units=units)

    def _people_data(self, request: Request, session, scope: Scope, month: Month, limit: int | None):
        params = request.query_params
        unit_id = id_param(request, "unit")
        units = pages.units_in_scope(session, scope)
        if unit_id not in {u for u, _ in units}:
            unit_id = None
        sort, descending = params.get("sort", "shortfall"), params.get("order", "desc") != "asc"
        data = pages.people_page(session, scope, self.app.config, self.caps, month, sort, descending, unit_id, limit=limit)
        return units, data

    def export(self, request: Request) -> Response:
        from handlers.dashboard import export

        name = request.path_params["page"]
        if name not in EXPORT_NAMES:
            return Response("没有这个导出", status_code=404)
        if name in ("ledger", "reports") and name not in self.caps:
            return self.missing(name)
        month = self.month(request)
        with self.app.sessions() as session:
            viewer = self.viewer(request, session, ("unit",))
            if isinstance(viewer, Response):
                return viewer
            person, scope = viewer
            config = self.app.config
            if name == "overview":
                body = export.overview_xlsx(pages.overview(session, scope, config, self.caps, month, self.now()))
            elif name == "ledger":
                params = request.query_params
                board = pages.ledger_board(
                    session, scope, config, self.now(), params.get("category") or None, params.get("state") or None, limit=None
                )
                body = export.ledger_xlsx(board)
            elif name == "reports":
                _, _, data = self._reports_data(request, session, scope, None)
                body = export.reports_xlsx(data, config.tz)
            else:
                _, data = self._people_data(request, session, scope, month, None)
                body = export.people_xlsx(data)
        filename = f"{EXPORT_NAMES[name]}-{month.key}.xlsx"
        return Response(
            body,
            media_type=XLSX,
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}", "Cache-Control": "no-store"},
        )

    def missing(self, capability: str) -> HTMLResponse:
        label = pages.CAPABILITY_LABELS[capability]
        return self.render("message.html", 404, title=f"{label}尚未启用", body=f"这套系统还没有安装{label}功能。", hint="")


def _recent_months(today) -> list[Month]:
    month = Month.of(today)
    result = []
    for _ in range(12):
        result.append(month)
        month = month.previous
    return result


def plugin(app: App) -> DashSite:
    return DashSite(app)
