"""The admin console's HTTP side: /admin/… pages for people with the admin role.

Sign-in is the dashboard's (dash.auth: a one-time link becomes a session cookie). Every request
is checked in this order, before anything is read or changed: signed in (else 401), admin (else
403), and for a POST the form's csrf_token (else 403). Endpoints parse the form on the event loop
and do their database work in the thread pool, like the dashboard's pages.

Each page is a thin layer over the service the CLI and the chat commands use; where a page needs
glue (a preview, an export, a retry), it lives beside this module and calls those services.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup, escape
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.app import App
from bot.db import transaction
from bot.models import AuditEntry, Group, OutboundMessage, OutboxStatus, Person, Role, ROLE_LABELS
from dash import auth
from dash.site import GET_NEW_LINK, XLSX, build_env
from handlers.admin import deliveries, people, schedule_words
from handlers.admin.security import CSRF_FIELD, UploadHold, UploadRefused, check_declared_size, check_file, csrf_ok, csrf_token

STATIC_DIR = Path(__file__).parent / "static"
ROSTER_TYPES = (".xlsx", ".csv")
RULES_TYPES = (".docx", ".md", ".txt")
LESSON_TYPES = (".xlsx", ".csv", ".md")
QUIZ_TYPES = (".xlsx", ".csv")
AUDIT_LIMIT = 200
CHANNEL_CHOICES = (
    ("wecom_appchat", "企业微信应用群聊（填群聊 chatid）"),
    ("wecom_robot", "企业微信群机器人（填机器人名称）"),
    ("wechaty", "个人微信群（先建群组，再在群里发「绑定群 群组名」）"),
    ("people", "一组人（逐人私信，不需要地址）"),
    ("console", "控制台（测试用）"),
)
ACTION_LABELS = {
    "import": "导入", "update": "修改", "create": "新建", "enable": "启用", "disable": "停用", "retry": "重发",
    "run": "立即执行", "pause": "暂停", "resume": "恢复", "login": "登录", "issue": "发登录链接",
    "bind_code_issued": "发绑定码", "identity_bound": "绑定微信", "group_bound": "绑定群",
    "rules.import": "导入规定", "rules.replace": "替换规定", "rules.remove": "删除规定",
    "lessons_imported": "导入微课", "quiz_imported": "导入题库", "delete": "删除", "accept": "受理", "close": "办结",
    "progress": "进展", "rate": "评价", "reopen": "退回重办", "reroute": "转办", "recategorize": "改类别", "escalate": "催办上报",
    "recheck": "回头看", "add_media": "补充图片", "lesson_sent": "推送微课", "lesson_confirmed": "已学",
    "quiz_pushed": "推送题目", "quiz_answered": "答题", "quiz_practice_started": "开始练习",
    "lesson_history_loaded": "载入演示数据", "quiz_history_loaded": "载入演示数据", "bind_code_rejected": "绑定码错误",
}
ENTITY_LABELS = {
    "person": "人员", "people": "花名册", "group": "群组", "identity": "微信身份", "rule_document": "规定",
    "lesson": "微课", "quiz_question": "题目", "schedule_job": "定时任务", "outbox": "发出的消息",
    "dash_link": "登录链接", "dash_session": "看板登录", "hour_entry": "服务时长", "report": "诉求",
    "report_media": "诉求图片", "ledger_task": "整改任务",
}


@dataclass
class Viewer:
    person: Person
    session_token: str

    @property
    def csrf(self) -> str:
        return csrf_token(self.session_token)


@dataclass
class Posted:
    """A POST's fields (first value each, plus lists) and its one uploaded file, read on the event loop."""

    fields: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    filename: str = ""
    content: bytes = b""
    refused: str = ""  # why the upload was not read (too big, malformed), if it was not

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default).strip()


Handler = Callable[[Request, Viewer, Posted | None], Response]


class AdminSite:
    def __init__(self, app: App, hold: UploadHold | None = None) -> None:
        self.app = app
        self.env = build_env()
        self.env.loader = ChoiceLoader([FileSystemLoader(Path(__file__).parent / "templates"), self.env.loader])
        self.env.filters["local"] = lambda value: value.astimezone(self.app.config.tz).strftime("%Y-%m-%d %H:%M") if value else "—"
        self.hold = hold or UploadHold()

    def routes(self) -> list[BaseRoute]:
        get, post = ["GET"], ["POST"]
        inner = Starlette(
            routes=[
                Route("/", self._wrap(self.home), methods=get),
                Route("/people", self._wrap(self.people_list), methods=get),
                Route("/people/import", self._wrap(self.import_form), methods=get),
                Route("/people/import", self._wrap(self.import_preview, upload=True), methods=post),
                Route("/people/import/confirm", self._wrap(self.import_confirm), methods=post),
                Route("/people/export.xlsx", self._wrap(self.people_export), methods=get),
                Route("/people/{person_id:int}", self._wrap(self.person_page), methods=get),
                Route("/people/{person_id:int}", self._wrap(self.person_save), methods=post),
                Route("/groups", self._wrap(self.groups_page), methods=get),
                Route("/groups/add", self._wrap(self.group_add), methods=post),
                Route("/groups/{group_id:int}/{action:str}", self._wrap(self.group_active), methods=post),
                Route("/bind-code", self._wrap(self.bind_code), methods=post),
                Route("/rules", self._wrap(self.rules_page), methods=get),
                Route("/rules/upload", self._wrap(self.rules_upload, upload=True), methods=post),
                Route("/rules/{document_id:int}/remove", self._wrap(self.rules_remove), methods=post),
                Route("/learning", self._wrap(self.learning_page), methods=get),
                Route("/learning/{bank:str}", self._wrap(self.learning_upload, upload=True), methods=post),
                Route("/jobs", self._wrap(self.jobs_page), methods=get),
                Route("/jobs/{name:str}/{action:str}", self._wrap(self.job_action), methods=post),
                Route("/deliveries", self._wrap(self.deliveries_page), methods=get),
                Route("/deliveries/{row_id:int}/retry", self._wrap(self.delivery_retry), methods=post),
                Route("/audit", self._wrap(self.audit_page), methods=get),
                Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
            ],
        )
        return [Mount("/admin", app=inner)]

    # --- the gate ------------------------------------------------------------------------

    def _wrap(self, handler: Handler, upload: bool = False) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            posted = None
            if request.method == "POST":
                posted = await self._read_form(request, upload)
            return await run_in_threadpool(self._gate, handler, request, posted)

        return endpoint

    async def _read_form(self, request: Request, upload: bool) -> Posted:
        posted = Posted()
        if upload:
            try:
                check_declared_size(request.headers.get("content-length"))
            except UploadRefused as exc:
                # The body is not read; only the token field is missing, so the gate refuses it
                # for what it is (not signed in, not admin) before this message is shown.
                posted.refused = str(exc)
                return posted
        try:
            form = await request.form(max_files=1, max_fields=200)
        except MultiPartException:
            posted.refused = "上传的内容不完整，请用页面上的按钮重新上传。"
            return posted
        try:
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    if upload and value.filename and not posted.filename:
                        posted.filename = Path(value.filename).name
                        posted.content = await value.read()
                    continue
                posted.lists.setdefault(key, []).append(value)
                posted.fields.setdefault(key, value)
        finally:
            await form.close()
        return posted

    def _gate(self, handler: Handler, request: Request, posted: Posted | None) -> Response:
        token = request.cookies.get(auth.COOKIE_NAME)
        with self.app.sessions() as session:
            person = auth.session_person(session, token, self.app.clock.now())
        if person is None:
            return self.message("请先登录", "管理后台和看板一样，用聊天里收到的一次性链接登录。", 401, GET_NEW_LINK)
        if not person.is_admin:
            return self.message("只有管理员可以进入管理后台", "您的账号没有管理员权限，这里的页面都不能查看或修改。", 403,
                                "如需调整花名册、群组或题库，请联系党政综合办的管理员。")
        viewer = Viewer(person, token)
        if posted is not None:
            given = posted.fields.get(CSRF_FIELD)
            if posted.refused and given is None:
                return self.message("没有上传", posted.refused, 413, "")
            if not csrf_ok(token, given):
                return self.message("操作没有执行", "页面已过期或来源不明（表单校验码不对），什么都没有改动。", 403,
                                    "请回到管理后台，刷新页面后再操作一次。")
            if posted.refused:
                return self.message("没有上传", posted.refused, 413, "")
        return handler(request, viewer, posted)

    # --- rendering -----------------------------------------------------------------------

    def render(self, template: str, status_code: int = 200, **context) -> HTMLResponse:
        context.setdefault("street", self.app.config.street.name)
        context.setdefault("tz", self.app.config.tz)
        html = self.env.get_template(template).render(**context)
        # No framing: a page that changes the roster must not be clickable through another site's overlay.
        return HTMLResponse(html, status_code=status_code, headers={
            "Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"})

    def message(self, title: str, body: str, status_code: int, hint: str) -> HTMLResponse:
        return self.render("message.html", status_code, title=title, body=body, hint=hint)

    def page(self, template: str, viewer: Viewer, active: str, status_code: int = 200, **context) -> HTMLResponse:
        csrf_field = Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(viewer.csrf)}">')
        return self.render(template, status_code, viewer=viewer.person, active=active, csrf_field=csrf_field, **context)

    def now(self) -> datetime:
        return self.app.clock.now()

    # --- home ----------------------------------------------------------------------------

    def home(self, request: Request, viewer: Viewer, posted: Posted | None) -> Response:
        from handlers.lessons.service import lesson_count
        from handlers.quiz.service import question_count
        from handlers.rules.service import document_count

        with self.app.sessions() as session:
            count = lambda statement: session.scalar(statement) or 0  # noqa: E731
            figures = {
                "active": count(select(func.count()).select_from(Person).where(Person.active.is_(True))),
                "inactive": count(select(func.count()).select_from(Person).where(Person.active.is_(False))),
                "groups": count(select(func.count()).select_from(Group).where(Group.active.is_(True))),
                "rules": document_count(session),
                "lessons": lesson_count(session),
                "questions": question_count(session),
            }
            outbox = deliveries.counts(session)
            inbox = deliveries.inbox_backlog(session)
            jobs = self._job_views(session)
        return self.page("admin/home.html", viewer, "home", figures=figures, outbox=outbox, inbox=inbox, jobs=jobs)

    # --- people --------------------------------------------------------------------------

    def _people_filters(self, request: Request):
        params = request.query_params
        unit = params.get("unit", "")
        active = {"1": True, "0": False}.get(params.get("active", ""))
        return params.get("q", "").strip(), int(unit) if unit.isdigit() else None, params.get("role") or None, active

    def people_list(self, request: Request, viewer: Viewer, posted: Posted | None) -> Response:
        query, unit_id, role, active = self._people_filters(request)
        with self.app.sessions() as session:
            rows, total = people.roster_rows(session, query, unit_id, role, active, limit=people.PAGE_LIMIT)
            units = people.units(session)
        return self.page(
            "admin/people.html", viewer, "people", rows=rows, total=total, units=units, roles=ROLE_LABELS,
            q=query, unit_id=unit_id, role=role, active_filter=request.query_params.get("active", ""),
        )

    def people_export(self, request: Request, viewer: Viewer, posted: Posted | None) -> Response:
        with self.app.sessions() as session:
            body = people.export_xlsx(session)
        filename = f"花名册-{self.app.local_now():%Y%m%d}.xlsx"
        return Response(body, media_type=XLSX, headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}", "Cache-Control": "no-store"})

    def import_form(self, request: Request, viewer: Viewer, posted: Posted | None, **context) -> Response:
        status = context.pop("status_code", 200)
        return self.page("admin/import.html", viewer, "people", status, types="、".join(ROSTER_TYPES), **context)

    def import_preview(self, request: Request, viewer: Viewer, posted: Posted) -> Response:
        try:
            suffix = check_file(posted.filename, posted.content, ROSTER_TYPES)
        except UploadRefused as exc:
            return self.import_form(request, viewer, posted, error=str(exc), status_code=400)
        token = self.hold.put(posted.content, posted.filename, suffix, viewer.person.id, "roster", self.now())
        held = self.hold.get(token, viewer.person.id, "roster", self.now())
        preview = people.preview_import(self.app.sessions, held.path)
        if not preview.ok:
            self.hold.drop(token)
            return self.import_form(request, viewer, posted, filename=posted.filename, preview=preview, status_code=422)
        return self.import_form(request, viewer, posted, filename=posted.filename, preview=preview, token=token)

    def import_confirm(self, request: Request, viewer: Viewer, posted: Posted) -> Response:
        token = posted.get("token")
        held = self.hold.get(token, viewer.person.id, "roster", self.now())
        if held is None:
            return self.import_form(request, viewer, posted, status_code=410,
                                    error="这次上传已过期或已导入过（上传后30分钟内确认有效），请重新上传文件。")
        with transaction(self.app.sessions) as session:
            result = people.confirm_import(session, held.path, held.filename, viewer.person, self.now())
        if result.problems:
            self.hold.drop(token)
            return self.import_form(request, viewer, posted, filename=held.filename,
                                    preview=people.Preview(problems=result.problems), status_code=422)
        self.hold.drop(token)
        return self.import_form(request, viewer, posted, filename=held.filename, done=result)

    def _person_context(self, session, person_id: int) -> dict | None:
        row = people.person_row(session, person_id)
        if row is None:
            return None
        person = session.get(Person, person_id)
        liaison_ids = {u.id for u in people.units(session) if u.name in row.liaison}
        return dict(row=row, person=person, units=people.units(session), roles=ROLE_LABELS, liaison_ids=liaison_ids)

    def person_page(self, request: Request, viewer: Viewer, posted: Posted | None, **extra) -> Response:
        status = extra.pop("status_code", 200)
        with self.app.sessions() as session:
            context = self._person_context(session, request.path_params["person_id"])
        if context is None:
            return self.message("没有这个人", "花名册里没有这个编号。", 404, "")
        return self.page("admin/person.html", viewer, "people", status, **context, **extra)

    def person_save(self, request: Request, viewer: Viewer, posted: Posted) -> Response:
        person_id = request.path_params["person_id"]
        unit = posted.get("unit")
        try:
            edit = people.PersonEdit(
                role=posted.get("role"),
                unit_id=int(unit) if unit.isdigit() else None,
                grid=posted.get("grid"),
                mobile=posted.get("mobile"),
                wecom_userid=posted.get("wecom_userid"),
                active=posted.get("active") == "1",
                liaison_unit_ids=tuple(int(v) for v in posted.lists.get("liaison", []) if v.isdigit()),
            )
            with transaction(self.app.sessions) as session:
                person = session.get(Person, person_id)
                if person is None:
                    return self.message("没有这个人", "花名册里没有这个编号。", 404, "")
                changes = people.edit_person(session, person, edit, viewer.person, self.now())
        except people.EditRefused as exc:
            return self.person_page(request, viewer, posted, error=f"没有保存：{exc}", status_code=400)
        notice = "已保存：" + "；".join(f"{label} {before or '（空）'} → {after or '（空）'}" for label, before, after in changes) \
            if changes else "没有改动。"
        return self.person_page(request, viewer, posted, notice=notice)

    # --- groups and bind codes -----------------------------------------------------------

    def groups_page(self, request: Request, viewer: Viewer, posted: Posted | None, **extra) -> Response:
        from bot.groups import group_views

        status = extra.pop("status_code", 200)
        with self.app.sessions() as session:
            views = group_views(session)
            units = people.units(session)
        return self.page("admin/groups.html", viewer, "groups", status, views=views, units=units, roles=ROLE_LABELS,
                         channels=CHANNEL_CHOICES, channel_labels={**deliveries.CHANNEL_LABELS, "people": "一组人"}, **extra)

    def group_add(self, request: Request, viewer: Viewer, posted: Posted) -> Response:
        from bot.groups import GroupError, add_group, build_audience

        try:
            with transaction(self.app.sessions) as session:
                person_ids = self._people_ids(session, posted.get("people"))
                audience = build_audience(session, posted.lists.get("units", []), posted.lists.get("roles", []), person_ids)
                channel = posted.get("channel")
                group = add_group(session, posted.get("name"), channel, posted.get("address"), audience)
                self._audit(session, viewer, "create", "group", group.id,
                            {"name": group.name, "channel": channel, "address": group.address, "audience": audience})
                name = group.name
        except GroupError as exc:
            # The service speaks to the CLI's users; on this page its option is the form's field.
            reason = str(exc).replace(" --address", "填写“地址”").replace("用 gridbot groups list 查看。", "")
            return self.groups_page(request, viewer, posted, error=f"没有添加：{reason}", status_code=400, form=posted.fields)
        return self.groups_page(request, viewer, posted, notice=f"已添加群组「{name}」。")

    @staticmethod
    def _people_ids(session, text: str) -> list[int]:
        from bot.groups import GroupError

        ids: list[int] = []
        for word in (w for w in re.split(r"[\s,，、;；]+", text) if w):
            if word.lstrip("#").isdigit():
                ids.append(int(word.lstrip("#")))
                continue
            found = session.scalars(select(Person.id).where(Person.name == word)).all()
            if len(found) != 1:
                raise GroupError(f"花名册里{'没有' if not found else '有多个'}叫“{word}”的人，请写编号")
            ids.append(found[0])
        return ids

    def group_active(self, request: Request, viewer: Viewer, posted: Posted) -> Response:
        action = request.path_params["action"]
        if action not in ("enable", "disable"):
            return self.message("没有这个操作", "", 404, "")
        active = action == "enable"
        with transaction(self.app.sessions) as session:
            group = session.get(Group, request.path_params["group_id"])
            if group is None:
                return self.message("没有这个群组", "", 404, "")
            changed = group.active != active
            group.active = active
            if changed:
                self._audit(session, viewer, action, "group", group.id, {"name": group.name})
            name = group.name
        word = "启用" if active else "停用"
        return self.groups_page(request, viewer, posted, notice=f"群组「{name}」已{word}。" if changed else f"群组「{name}」本来就是{word}的。")

    def bind_code(self, request: Request, viewer: Viewer, posted: Posted) -> Response:
        from handlers.wechat.service import CODE_VALID, issue_code

        word = posted.get("person").lstrip("#")
        with transaction(self.app.sessions) as session:
            matches = [session.get(Person, int(word))] if word.isdigit() else list(
                session.scalars(select(Person).where((Person.name == word) | (Person.wecom_userid == word))))
            matches = [m for m in matches if m is not None]
            if len(matches) != 1:
                error = "请写上人员的姓名或编号。" if not word else (
                    f"花名册里找不到“{word}”。" if not matches else f"有{len(matches)}个叫“{word}”的人，请写编号。")
                return self.groups_page(request, viewer, posted, error=error, status_code=400)
            person = matches[0]
            if not person.active:
                return self.groups_page(request, viewer, posted, error=f"{person.name}（#{person.id}）已停用，不能绑定。", status_code=400)
            code = issue_code(session, person, "wechaty", self.now(), actor=viewer.person).code
            who = f"{person.name}（#{person.id}）"
        hours = int(CODE_VALID.total_seconds() // 3600)
        return self.groups_page(request, viewer, posted, code=code, code_for=who, code_hours=hours)

    # --- rules ---------------------------------------------------------------------------

    def rules_page(self, request: Request, viewer: Viewer, posted: Posted | None, **extra) -> Response:
        from handlers.rules.service import list_documents

        status = extra.pop("status_code", 200)
        question = request.query_params.get("q", "").strip()[:200]
        asked = None
        with self.app.sessions() as session:
            documents = list_documents(session)
            if question and request.method == "GET":
                asked = self._ask(session, question)
        return self.page("admin/rules.html", viewer, "rules", status, documents=documents, question=question,
                         asked=asked, types="、".join(RULES_TYPES), settings=self.app.config.rules, **extra)

    def _ask(self, session, question: str):
        from handlers.rules.service import try_question

        result, problem = try_question(session, self.app.config.rules, self.app.config.llm, question)
        return {"error": f"同义词表有误：{problem}"} if problem else {"result": result}

    def rules_upload(self, request: Request, viewer: Viewer, posted: Posted) -> Response:
        from handlers.rules.service import RulesImportError, import_document
        from handlers.rules.service import read_document_file as read_file

        try:
            check_file(posted.filename, posted.content, RULES_TYPES)
            title = posted.get("title") or Path(posted.filename).stem
            with _as_file(posted) as path:
                articles = read_file(path)
            with transaction(self.app.sessions) as session:
                result = import_document(session, title, articles, at=self.now(), actor=viewer.person, source=posted.filename)
        except (UploadRefused, RulesImportError) as exc:
            return self.rules_page(request, viewer, posted, error=f"没有导入：{exc}", status_code=400)
        verb = "已替换" if result.replaced else "已导入"
        return self.rules_page(request, viewer, posted,
                               notice=f"{verb}《{result.title}》：{result.articles}条，{articles[0].label} … {articles[-1].label}。")

    def rules_remove(self, request: Request, viewer: Viewer, posted: Posted) -> Response:
        from handlers.rules.service import document_by_id, remove_document

        with transaction(self.app.sessions) as session:
            document = document_by_id(session, request.path_params["document_id"])
            if document is None:
                return self.rules_page(request, viewer, posted, error="这份规定已经不在了。", status_code=404)
            title = document.title
            remove_document(session, document, at=self.now(), actor=viewer.person)
        return self.rules_page(request, viewer, posted, notice=f"已删除《{title}》。")

    # --- lessons and questions -----------------------------------------------------------

    def learning_page(self, request: Request, viewer: Viewer, posted: Posted | None, **extra) -> Response:
        from handlers.lessons.service import active_lessons, next_lesson_for_group, sent_and_confirmed
        from handlers.quiz.service import active_questions, answer_label, kind_label, next_question_for_group

        status = extra.pop("status_code", 200)
        with self.app.sessions() as session:
            sent, confirmed = sent_and_confirmed(session)
            lessons = active_lessons(session)
            questions = active_questions(session)
            groups = list(session.scalars(select(Group).where(Group.active.is_(True)).order_by(Group.id)))
            upcoming = [(g, next_lesson_for_group(session, g.id), next_question_for_group(session, g.id)) for g in groups]
        return self.page(
            "admin/learning.html", viewer, "learning", status, lessons=lessons, sent=sent, confirmed=confirmed,
            questions=questions, upcoming=upcoming, kind_label=kind_label, answer_label=answer_label,
            lesson_types="、".join(LESSON_TYPES), quiz_types="、".join(QUIZ_TYPES), **extra,
        )

    def learning_upload(self, request: Request, viewer: Viewer, posted: Posted) -> Response:
        from bot.tables import ImportRejected
        from handlers.lessons.service import import_lessons
        from handlers.quiz.service import import_questions

        bank = request.path_params["bank"]
        if bank not in ("lessons", "quiz"):
            return self.message("没有这个页面", "", 404, "")
        label = "微课" if bank == "lessons" else "题库"
        try:
            check_file(posted.filename, posted.content, LESSON_TYPES if bank == "lessons" else QUIZ_TYPES)
            with _as_file(posted) as path, transaction(self.app.sessions) as session:
                if bank == "lessons":
                    result = import_lessons(session, path, self.now(), self.app.config.lessons.max_body_chars,
                                            actor=viewer.person)
                else:
                    result = import_questions(session, path, self.now(), actor=viewer.person)
        except UploadRefused as exc:
            return self.learning_page(request, viewer, posted, error=f"{label}没有导入：{exc}", status_code=400)
        except ImportRejected as exc:
            return self.learning_page(
                request, viewer, posted, status_code=422,
                error=f"{label}没有导入任何内容：{posted.filename} 有 {len(exc.problems)} 处问题，请改正后重新上传。",
                problems=exc.lines(),
            )
        unit = "课" if bank == "lessons" else "题"
        return self.learning_page(request, viewer, posted,
                                  notice=f"{label}导入完成：新增 {result.added} {unit}，更新 {result.updated} {unit}。")

    # --- jobs ----------------------------------------------------------------------------

    def _runner(self):
        from scheduler.runner import Runner

        return Runner(self.app)

    def _job_views(self, session):
        from scheduler.control import job_views

        runner = self._runner()
        views = job_views(runner, session)
        return [(v, schedule_words.describe(runner.specs[v.name].cron, runner.specs[v.name].workdays_at)) for v in views]

    def jobs_page(self, request: Request, viewer: Viewer, posted: Posted | None, **extra) -> Response:
        status = extra.pop("status_code", 200)
        problems = self._runner().check()
        with transaction(self.app.sessions) as session:
            jobs = self._job_views(session)
        return self.page("admin/jobs.html", viewer, "jobs", status, jobs=jobs, problems=problems, **extra)

    def job_action(self, request: Request, viewer: Viewer, posted: Posted) -> Response:
        from scheduler.control import find_job, set_paused
        from scheduler.models import RunStatus
        from scheduler.runner import JobError

        action = request.path_params["action"]
        if action not in ("run", "pause", "resume"):
            return self.message("没有这个操作", "", 404, "")
        runner = self._runner()
        try:
            name = find_job(runner, request.path_params["name"])
            if action == "run":
                # The scheduler's own run: keyed pushes, so running an occurrence again sends nothing more.
                result = runner.run_now(name)
                with transaction(self.app.sessions) as session:
                    self._audit(session, viewer, "run", "schedule_job", name, {
                        "occurrence": result.occurrence.isoformat() if result.occurrence else None, "new": result.new})
                failed = result.status == RunStatus.failed
                label = runner.label(runner.specs[name].kind)
                return self.jobs_page(request, viewer, posted, ran=name, ran_label=label, result=result.summary(), failed=failed)
            paused = action == "pause"
            with transaction(self.app.sessions) as session:
                changed = set_paused(session, runner, name, paused, viewer.person)
        except JobError as exc:
            return self.jobs_page(request, viewer, posted, error=str(exc), status_code=404)
        word = "暂停" if paused else "恢复"
        notice = f"已{word}定时任务 {name}。" if changed else f"定时任务 {name} 本来就是{word}状态。"
        return self.jobs_page(request, viewer, posted, notice=notice)

    # --- deliveries ----------------------------------------------------------------------

    def _date(self, text: str, end: bool = False) -> datetime | None:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None
        moment = datetime(day.year, day.month, day.day, tzinfo=self.app.config.tz)
        return moment + timedelta(days=1) if end else moment

    def deliveries_page(self, request: Request, viewer: Viewer, posted: Posted | None, **extra) -> Response:
        status = extra.pop("status_code", 200)
        params = request.query_params if request.method == "GET" else {}
        group = params.get("group", "")
        filters = deliveries.Filters(
            person=params.get("person", "").strip(),
            group_id=int(group) if group.isdigit() else None,
            status=params.get("status") or None,
            since=self._date(params.get("since", "")),
            until=self._date(params.get("until", ""), end=True),
        )
        with self.app.sessions() as session:
            rows, total = deliveries.search(session, filters)
            counts = deliveries.counts(session)
            inbox = deliveries.inbox_backlog(session)
            groups = list(session.scalars(select(Group).order_by(Group.id)))
        return self.page("admin/deliveries.html", viewer, "deliveries", status, rows=rows, total=total, counts=counts,
                         inbox=inbox, groups=groups, filters=filters, params=params, statuses=deliveries.STATUS_LABELS, **extra)

    def delivery_retry(self, request: Request, viewer: Viewer, posted: Posted) -> Response:
        row_id = request.path_params["row_id"]
        with transaction(self.app.sessions) as session:
            requeued = deliveries.retry(session, row_id, viewer.person, self.now())
        if not requeued:
            return self.deliveries_page(request, viewer, posted, status_code=409,
                                        error=f"第{row_id}条不是“发送失败”状态（可能已经重发过），没有改动。")
        with self.app.sessions() as session:
            row = session.get(OutboundMessage, row_id)
            session.expunge(row)
        # Wake the delivery worker now rather than at its next round.
        for hook in list(self.app.after_commit):
            hook([row])
        return self.deliveries_page(request, viewer, posted, notice=f"第{row_id}条已重新排队发送，稍后刷新查看结果。")

    # --- audit ---------------------------------------------------------------------------

    def audit_page(self, request: Request, viewer: Viewer, posted: Posted | None) -> Response:
        params = request.query_params
        actor, entity, entity_id = params.get("actor", "").strip(), params.get("entity", "").strip(), params.get("id", "").strip()
        since, until = self._date(params.get("since", "")), self._date(params.get("until", ""), end=True)
        statement = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_LIMIT)
        if actor:
            statement = statement.where(AuditEntry.actor.like(f"%{actor}%"))
        if entity:
            statement = statement.where(AuditEntry.entity == entity)
        if entity_id:
            statement = statement.where(AuditEntry.entity_id == entity_id)
        if since:
            statement = statement.where(AuditEntry.at >= since)
        if until:
            statement = statement.where(AuditEntry.at < until)
        with self.app.sessions() as session:
            entries = list(session.scalars(statement))
            entities = list(session.scalars(select(AuditEntry.entity).distinct().order_by(AuditEntry.entity)))
        return self.page("admin/audit.html", viewer, "audit", entries=entries, entities=entities, params=params,
                         actions=ACTION_LABELS, entity_labels=ENTITY_LABELS, limit=AUDIT_LIMIT, detail=_detail)

    # --- shared --------------------------------------------------------------------------

    def _audit(self, session, viewer: Viewer, action: str, entity: str, entity_id, detail) -> None:
        from bot.audit import record

        record(session, viewer.person, action, entity, entity_id, detail, at=self.now())


def _detail(detail: dict | None) -> str:
    if not detail:
        return ""
    return "，".join(f"{k}={v}" for k, v in detail.items())


class _as_file:
    """The upload as a file with its own name in a private temporary folder (importers read paths
    and name the file in their messages), removed afterwards."""

    def __init__(self, posted: Posted) -> None:
        self.posted = posted
        self.folder: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> Path:
        self.folder = tempfile.TemporaryDirectory(prefix="gridbot-admin-")
        name = re.sub(r"[\\/\x00]", "_", self.posted.filename) or "upload"
        path = Path(self.folder.name) / name
        path.write_bytes(self.posted.content)
        return path

    def __exit__(self, *exc) -> None:
        if self.folder is not None:
            self.folder.cleanup()
