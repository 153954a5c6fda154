"""The admin console over HTTP (Starlette's TestClient): who may enter, the form token, and what each page does.

Every page refuses strangers (401) and non-admins (403); every change needs the session's
csrf_token; a refused request leaves every table exactly as it was.
"""

from __future__ import annotations

import io
import re
import tempfile
import warnings
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from starlette.exceptions import StarletteDeprecationWarning

from bot.db import transaction
from bot.models import AuditEntry, Group, Liaison, OutboundMessage, Person
from bot.server import build_asgi
from handlers.admin.capability import AdminConsole
from handlers.dashboard.web import DashSite
from handlers.lessons.models import Lesson
from handlers.quiz.models import Question
from handlers.rules.models import RuleDocument
from handlers.wechat.models import BindCode
from handlers.admin.security import MAX_UPLOAD_BYTES
from tests.admin_support import (
    ADMIN, BAD_ROWS, BASE, CADRE, GOOD_ROWS, LEADER, fingerprint, login_path, roster_csv, sign_in,
)
from tests.harness import TestBot

with warnings.catch_warnings():
    # Starlette suggests its httpx fork for the test client; the stock httpx does the same job here.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

PAGES = (
    "/admin/", "/admin/people", "/admin/people/import", "/admin/people/1", "/admin/people/export.xlsx",
    "/admin/groups", "/admin/rules", "/admin/rules?q=公务接待", "/admin/learning", "/admin/jobs",
    "/admin/deliveries", "/admin/audit",
)
CSV = "text/csv"


def failed_row(app) -> int:
    """An outbox row WeCom refused, as the delivery worker leaves it."""
    with transaction(app.sessions) as s:
        row = OutboundMessage(
            created_at=app.clock.now(), channel="wecom", target="demo052", person_id=52, text="明早八点例会，请准时参加",
            status="failed", attempts=10, error="invaliduser: demo052",
        )
        s.add(row)
        s.flush()
        return row.id


def changes(app, token: str) -> list[tuple[str, dict]]:
    """Each POST the console offers, with fields that would change something if accepted."""
    with app.sessions() as s:
        rule_id = s.scalar(select(RuleDocument.id).order_by(RuleDocument.id))
        group_id = s.scalar(select(Group.id).where(Group.active.is_(True)).order_by(Group.id))
        cadre = s.scalar(select(Person).where(Person.name == CADRE))
    lesson_csv = "标题,正文,依据\n新课,请假要报备,《请假制度》\n".encode()
    quiz_csv = "题型,题目,答案,解析\n判断,公车可以私用,错,不可以\n".encode()
    row_id = failed_row(app)
    return [
        ("/admin/people/import", {"files": {"file": ("roster.csv", roster_csv(GOOD_ROWS), CSV)}}),
        ("/admin/people/import/confirm", {"data": {"token": token}}),
        (f"/admin/people/{cadre.id}", {"data": {"role": "leader", "unit": str(cadre.unit_id), "mobile": "13912345678",
                                                 "wecom_userid": "zw", "active": "1"}}),
        ("/admin/groups/add", {"data": {"name": "新群", "channel": "people", "roles": "cadre"}}),
        (f"/admin/groups/{group_id}/disable", {"data": {}}),
        ("/admin/bind-code", {"data": {"person": CADRE}}),
        ("/admin/rules/upload", {"data": {"title": "新规定"}, "files": {"file": ("a.md", "第一条 不准喝酒。".encode(), "text/markdown")}}),
        (f"/admin/rules/{rule_id}/remove", {"data": {}}),
        ("/admin/learning/lessons", {"files": {"file": ("lessons.csv", lesson_csv, CSV)}}),
        ("/admin/learning/quiz", {"files": {"file": ("quiz.csv", quiz_csv, CSV)}}),
        ("/admin/jobs/morning_lesson/run", {"data": {}}),
        ("/admin/jobs/morning_lesson/pause", {"data": {}}),
        ("/admin/jobs/morning_lesson/resume", {"data": {}}),
        (f"/admin/deliveries/{row_id}/retry", {"data": {}}),
    ]


def with_token(request: dict, token: str | None) -> dict:
    data = dict(request.get("data", {}))
    if token is not None:
        data["csrf_token"] = token
    return {**request, "data": data}


@pytest.fixture(autouse=True)
def private_tmp(tmp_path, monkeypatch):
    """Held uploads go to this test's own folder, not the machine's /tmp."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


@pytest.fixture
def site(demo_app):
    return build_asgi(demo_app, [DashSite(demo_app), AdminConsole(demo_app)])


@pytest.fixture
def admin(demo_app, site):
    client = TestClient(site, base_url=BASE)
    token = sign_in(demo_app, client, ADMIN)
    return client, token


def held_token(demo_app, admin) -> str:
    """An upload waiting for confirmation (a good roster), as the preview page hands it out."""
    client, csrf = admin
    page = client.post("/admin/people/import", data={"csrf_token": csrf}, files={"file": ("r.csv", roster_csv(GOOD_ROWS), CSV)})
    assert page.status_code == 200, page.text
    return re.search(r'name="token" value="([^"]+)"', page.text).group(1)


# --- who may enter -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [LEADER, CADRE])
def test_every_page_refuses_non_admins(demo_app, site, name):
    client = TestClient(site, base_url=BASE)
    sign_in(demo_app, client, name)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "只有管理员" in response.text, path
    # The dashboard itself stays open to them, without the console's tab.
    dash = client.get("/dash/")
    assert dash.status_code == 200 and "管理后台" not in dash.text


def test_every_page_asks_strangers_to_sign_in(site):
    client = TestClient(site, base_url=BASE)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 401 and "发送「看板」" in response.text, path


def test_non_admins_change_nothing_even_with_their_own_form_token(demo_app, site, admin):
    token = held_token(demo_app, admin)
    client = TestClient(site, base_url=BASE)
    leader_csrf = sign_in(demo_app, client, LEADER)
    requests = changes(demo_app, token)
    before = fingerprint(demo_app)
    for path, request in requests:
        response = client.post(path, **with_token(request, leader_csrf))
        assert response.status_code == 403, path
    assert fingerprint(demo_app) == before


def test_admin_dashboard_links_to_the_console(demo_app, admin):
    client, _ = admin
    assert '<a href="/admin/">管理后台</a>' in client.get("/dash/").text
    home = client.get("/admin/")
    assert home.status_code == 200 and "在岗人员" in home.text and "定时任务" in home.text


# --- the form token ------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "0" * 64], ids=["missing", "empty", "wrong"])
def test_changes_without_the_right_form_token_are_refused(demo_app, admin, token):
    client, _ = admin
    requests = changes(demo_app, held_token(demo_app, admin))
    before = fingerprint(demo_app)
    for path, request in requests:
        response = client.post(path, **with_token(request, token))
        assert response.status_code == 403, path
        assert "什么都没有改动" in response.text, path
    assert fingerprint(demo_app) == before


def test_a_token_from_another_session_is_refused(demo_app, site, admin):
    client, _ = admin
    other = TestClient(site, base_url=BASE)
    other_csrf = sign_in(demo_app, other, ADMIN)
    before = fingerprint(demo_app)
    response = client.post("/admin/groups/add", data={"csrf_token": other_csrf, "name": "新群", "channel": "people", "roles": "cadre"})
    assert response.status_code == 403
    assert fingerprint(demo_app) == before


# --- people: the two-step import ------------------------------------------------------------------


def people_count(app) -> int:
    with app.sessions() as s:
        return s.scalar(select(func.count()).select_from(Person))


def test_import_lists_every_bad_row_and_writes_nothing(demo_app, admin):
    client, csrf = admin
    before = fingerprint(demo_app)
    page = client.post("/admin/people/import", data={"csrf_token": csrf}, files={"file": ("花名册.csv", roster_csv(BAD_ROWS), CSV)})
    assert page.status_code == 422
    problems = re.findall(r"<tr><td>第(\d+)行</td><td>(.+?)</td><td class=\"wrap\">(.+?)</td></tr>", page.text)
    assert problems == [("3", "手机号", "“1391111000”不是11位手机号"), ("4", "角色", "“局长”不是网格员/干部/领导/管理员之一")]
    assert "没有导入任何人" in page.text and "确认导入" not in page.text
    assert fingerprint(demo_app) == before


def test_import_previews_then_imports_on_confirm(demo_app, admin):
    client, csrf = admin
    rows = GOOD_ROWS + [["张伟", "13900000003", "干部", "安居社区", "第2网格", "demo003", "是", ""]]
    with demo_app.sessions() as s:
        zhang = s.scalar(select(Person).where(Person.name == CADRE))
        rows[-1][1], rows[-1][5] = zhang.mobile, zhang.wecom_userid
        old_unit = zhang.unit.name if zhang.unit else ""
    rows[-1][3] = "幸福社区" if old_unit != "幸福社区" else "安居社区"
    before = fingerprint(demo_app)
    preview = client.post("/admin/people/import", data={"csrf_token": csrf}, files={"file": ("r.csv", roster_csv(rows), CSV)})
    assert preview.status_code == 200
    text = preview.text
    assert "将新增 <b>3</b> 人，修改 <b>1</b> 人" in text
    assert all(name in text for name in ("陈新来", "周晓晴", "吴志强"))
    assert f"单位 {old_unit} → <b>{rows[-1][3]}</b>" in text
    assert fingerprint(demo_app) == before, "the preview wrote something"
    token = re.search(r'name="token" value="([^"]+)"', text).group(1)
    assert "13911110001" not in token  # the page carries a token, not the file
    done = client.post("/admin/people/import/confirm", data={"csrf_token": csrf, "token": token})
    assert done.status_code == 200 and "新增 <b>3</b> 人，更新 <b>1</b> 人" in done.text
    assert people_count(demo_app) == 118 + 3
    with demo_app.sessions() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "people", AuditEntry.action == "import")).all()
        leader = s.scalar(select(Person).where(Person.name == "吴志强"))
        liaisons = s.scalars(select(Liaison).where(Liaison.leader_id == leader.id)).all()
    assert [a.actor for a in audit] == [f"{ADMIN}#{audit[0].actor_id}"] and audit[0].detail["created"] == 3
    assert len(liaisons) == 1
    # The token is spent: confirming again imports nothing more.
    again = client.post("/admin/people/import/confirm", data={"csrf_token": csrf, "token": token})
    assert again.status_code == 410 and "重新上传" in again.text
    assert people_count(demo_app) == 118 + 3
    assert "已登记" in TestBot(demo_app).send("陈新来", "服务 2小时 入户走访").text


def test_another_admin_cannot_confirm_my_upload(demo_app, site, admin):
    token = held_token(demo_app, admin)
    other = TestClient(site, base_url=BASE)
    with transaction(demo_app.sessions) as s:
        s.add(Person(name="第二管理员", role="admin", active=True))
    csrf = sign_in(demo_app, other, "第二管理员")
    response = other.post("/admin/people/import/confirm", data={"csrf_token": csrf, "token": token})
    assert response.status_code == 410
    assert people_count(demo_app) == 119


def test_held_upload_expires_after_30_minutes(demo_app, admin, clock):
    client, csrf = admin
    token = held_token(demo_app, admin)
    clock.advance(minutes=31)
    response = client.post("/admin/people/import/confirm", data={"csrf_token": csrf, "token": token})
    assert response.status_code == 410 and people_count(demo_app) == 118


def test_exported_roster_imports_back_unchanged(demo_app, admin):
    client, csrf = admin
    export = client.get("/admin/people/export.xlsx")
    assert export.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content))["花名册"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["姓名", "手机号", "角色"] and sheet.max_row == 119
    preview = client.post("/admin/people/import", data={"csrf_token": csrf},
                          files={"file": ("花名册.xlsx", export.content, "application/octet-stream")})
    assert "将新增 <b>0</b> 人，修改 <b>0</b> 人，118 人不变" in preview.text


@pytest.mark.parametrize(
    ("name", "content", "status", "says"),
    [
        ("名单.pdf", b"%PDF-1.4", 400, "这里只能上传 .xlsx、.csv 文件，您选的是 .pdf"),
        ("名单.xlsx", b"name,mobile\n", 400, "不是有效的 .xlsx 文件"),
        ("名单.csv", b"", 400, "是空文件"),
        ("名单.csv", b"x" * (MAX_UPLOAD_BYTES + 200_000), 413, "文件太大"),
    ],
    ids=["type", "fake-xlsx", "empty", "too-big"],
)
def test_uploads_are_limited_in_type_and_size(demo_app, admin, name, content, status, says):
    client, csrf = admin
    before = fingerprint(demo_app)
    response = client.post("/admin/people/import", data={"csrf_token": csrf}, files={"file": (name, content, CSV)})
    assert response.status_code == status
    assert says in response.text
    assert fingerprint(demo_app) == before


# --- people: one person --------------------------------------------------------------------------


def test_person_edit_follows_the_roster_rules(demo_app, admin):
    client, csrf = admin
    with demo_app.sessions() as s:
        zhang = s.scalar(select(Person).where(Person.name == CADRE))
        other = s.scalar(select(Person).where(Person.id != zhang.id, Person.wecom_userid.is_not(None)))
    form = {"csrf_token": csrf, "role": "cadre", "unit": str(zhang.unit_id), "grid": "", "mobile": "1391234", "wecom_userid": other.wecom_userid,
            "active": "1", "liaison": str(zhang.unit_id)}
    before = fingerprint(demo_app)
    refused = client.post(f"/admin/people/{zhang.id}", data=form)
    assert refused.status_code == 400
    assert "“1391234”不是11位手机号" in refused.text and f"已属于{other.name}" in refused.text and "只有领导可以有包联单位" in refused.text
    assert fingerprint(demo_app) == before
    form.update(mobile="13912345678", wecom_userid="zhangwei", liaison="")
    saved = client.post(f"/admin/people/{zhang.id}", data=form)
    assert saved.status_code == 200 and "已保存" in saved.text and "手机号" in saved.text
    with demo_app.sessions() as s:
        assert s.get(Person, zhang.id).wecom_userid == "zhangwei"
        entry = s.scalar(select(AuditEntry).where(AuditEntry.entity == "person", AuditEntry.action == "update"))
    assert entry.actor.startswith(f"{ADMIN}#") and entry.detail["mobile"]["after"] == "13912345678"


def test_admin_cannot_lock_themselves_out(demo_app, admin):
    client, csrf = admin
    with demo_app.sessions() as s:
        me = s.scalar(select(Person).where(Person.name == ADMIN))
    response = client.post(f"/admin/people/{me.id}", data={"csrf_token": csrf, "role": "admin", "unit": str(me.unit_id), "active": "0"})
    assert response.status_code == 400 and "不能停用自己" in response.text


def test_people_list_filters(demo_app, admin):
    client, _ = admin
    leaders = client.get("/admin/people?role=leader").text
    assert LEADER in leaders and CADRE not in leaders
    assert CADRE in client.get(f"/admin/people?q={CADRE}").text


# --- groups and bind codes -----------------------------------------------------------------------


def test_groups_add_disable_and_bind_code(demo_app, admin):
    client, csrf = admin
    refused = client.post("/admin/groups/add", data={"csrf_token": csrf, "name": "值班群", "channel": "wecom_appchat", "roles": "cadre"})
    assert refused.status_code == 400 and "wecom_appchat 群需要填写“地址”" in refused.text
    added = client.post("/admin/groups/add", data={"csrf_token": csrf, "name": "值班群", "channel": "people", "people": f"{CADRE} {LEADER}"})
    assert added.status_code == 200 and "已添加群组「值班群」" in added.text
    with demo_app.sessions() as s:
        group = s.scalar(select(Group).where(Group.name == "值班群"))
    assert len(group.audience["people"]) == 2
    assert "已停用" in client.post(f"/admin/groups/{group.id}/disable", data={"csrf_token": csrf}).text
    code_page = client.post("/admin/bind-code", data={"csrf_token": csrf, "person": CADRE})
    code = re.search(r'<p class="code">(\d{6})</p>', code_page.text).group(1)
    with demo_app.sessions() as s:
        row = s.scalar(select(BindCode).where(BindCode.code == code))
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.actor.like(f"{ADMIN}#%"))).all()
    assert row is not None and row.used_at is None
    assert {"create", "disable", "bind_code_issued"} <= set(actions)


# --- rules -----------------------------------------------------------------------------------------


def test_rules_upload_ask_replace_remove(demo_app, admin):
    client, csrf = admin
    text = "第一条 为规范值班工作，制定本办法。\n第二条 值班人员不得擅自离岗，夜间值班可以在值班室休息。\n".encode()
    done = client.post("/admin/rules/upload", data={"csrf_token": csrf, "title": "街道值班管理办法"},
                       files={"file": ("值班.md", text, "text/markdown")})
    assert done.status_code == 200 and "已导入《街道值班管理办法》：2条" in done.text
    asked = client.get("/admin/rules?q=值班人员可以擅自离岗吗").text
    assert "依据《街道值班管理办法》第二条" in asked and "候选" in asked
    replaced = client.post("/admin/rules/upload", data={"csrf_token": csrf, "title": "街道值班管理办法"},
                           files={"file": ("值班.txt", "第一条 值班须登记。".encode(), "text/plain")})
    assert "已替换" in replaced.text
    with demo_app.sessions() as s:
        document = s.scalar(select(RuleDocument).where(RuleDocument.title == "街道值班管理办法"))
    removed = client.post(f"/admin/rules/{document.id}/remove", data={"csrf_token": csrf})
    assert "已删除《街道值班管理办法》" in removed.text
    bad = client.post("/admin/rules/upload", data={"csrf_token": csrf, "title": "空"}, files={"file": ("空.txt", b"   \n", "text/plain")})
    assert bad.status_code == 400 and "没有找到任何条文" in bad.text


# --- lessons and questions --------------------------------------------------------------------------


def test_lesson_and_quiz_uploads(demo_app, admin):
    client, csrf = admin
    with demo_app.sessions() as s:
        lessons_before = s.scalar(select(func.count()).select_from(Lesson))
    bad = "标题,正文,依据\n请假要报备,请假须提前报备。,\n,没有标题,《规定》\n".encode()
    refused = client.post("/admin/learning/lessons", data={"csrf_token": csrf}, files={"file": ("课.csv", bad, CSV)})
    assert refused.status_code == 422
    assert "第2行：缺少依据" in refused.text and "第3行：缺少标题" in refused.text
    good = "标题,正文,依据,标签\n请假要报备,请假须提前报备，经批准后方可离岗。,《干部请假制度》,纪律\n".encode()
    assert "新增 1 课" in client.post("/admin/learning/lessons", data={"csrf_token": csrf}, files={"file": ("课.csv", good, CSV)}).text
    quiz = "题型,题目,A,B,答案,解析\n单选,公车能否私用,能,不能,B,公车不得私用。\n".encode()
    assert "新增 1 题" in client.post("/admin/learning/quiz", data={"csrf_token": csrf}, files={"file": ("题.csv", quiz, CSV)}).text
    page = client.get("/admin/learning").text
    assert "请假要报备" in page and "公车能否私用" in page and "下一课" in page
    with demo_app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Lesson)) == lessons_before + 1
        assert s.scalar(select(Question).where(Question.stem == "公车能否私用")) is not None
        actors = s.scalars(select(AuditEntry.actor).where(AuditEntry.action.in_(["lessons_imported", "quiz_imported"]))).all()
    assert len(actors) >= 2 and all(a.startswith(f"{ADMIN}#") for a in actors[-2:])


# --- jobs ------------------------------------------------------------------------------------------


def test_job_run_now_shows_the_result_and_sends_once(demo_app, admin):
    client, csrf = admin
    page = client.get("/admin/jobs").text
    assert "作风微课堂" in page and "每个工作日 07:50" in page and "每月25日 09:00" in page
    first = client.post("/admin/jobs/morning_lesson/run", data={"csrf_token": csrf})
    assert first.status_code == 200
    sent = int(re.search(r"新发送(\d+)条", first.text).group(1))
    assert sent > 0
    again = client.post("/admin/jobs/morning_lesson/run", data={"csrf_token": csrf})
    assert "新发送0条" in again.text and f"{sent}条此前已发不再重发" in again.text
    paused = client.post("/admin/jobs/morning_lesson/pause", data={"csrf_token": csrf})
    assert "已暂停定时任务 morning_lesson" in paused.text and "已暂停</span>" in paused.text
    assert "已恢复" in client.post("/admin/jobs/morning_lesson/resume", data={"csrf_token": csrf}).text
    assert client.post("/admin/jobs/no_such_job/run", data={"csrf_token": csrf}).status_code == 404
    with demo_app.sessions() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "schedule_job", AuditEntry.actor.like(f"{ADMIN}#%"))).all()
    assert actions == ["run", "run", "pause", "resume"]


# --- deliveries and audit ----------------------------------------------------------------------------


def test_failed_delivery_is_explained_and_retried_once(demo_app, admin):
    client, csrf = admin
    row_id = failed_row(demo_app)
    page = client.get("/admin/deliveries?status=failed").text
    assert "企业微信里找不到账号 demo052" in page and f'/admin/deliveries/{row_id}/retry' in page
    retried = client.post(f"/admin/deliveries/{row_id}/retry", data={"csrf_token": csrf})
    assert retried.status_code == 200 and "已重新排队" in retried.text
    with demo_app.sessions() as s:
        row = s.get(OutboundMessage, row_id)
        assert (row.status, row.attempts) == ("pending", 0)
        assert s.scalar(select(AuditEntry).where(AuditEntry.entity == "outbox", AuditEntry.entity_id == str(row_id))).actor.startswith(ADMIN)
    assert client.post(f"/admin/deliveries/{row_id}/retry", data={"csrf_token": csrf}).status_code == 409


def test_deliveries_search_by_person_and_time(demo_app, admin, clock):
    client, _ = admin
    TestBot(demo_app).send(CADRE, "服务 2小时 入户走访")
    today = demo_app.local_now().date()
    found = client.get(f"/admin/deliveries?person={CADRE}&since={today}&until={today}").text
    assert "已登记" in found
    tomorrow = today + timedelta(days=1)
    assert "已登记" not in client.get(f"/admin/deliveries?person={CADRE}&since={tomorrow}").text


def test_audit_page_searches_by_actor_and_entity(demo_app, admin):
    client, csrf = admin
    client.post("/admin/groups/add", data={"csrf_token": csrf, "name": "值班群", "channel": "people", "roles": "cadre"})
    page = client.get(f"/admin/audit?actor={ADMIN}&entity=group").text
    assert "值班群" in page and "新建" in page
    assert "值班群" not in client.get("/admin/audit?entity=person").text


def test_login_link_works_for_the_console(demo_app, site):
    client = TestClient(site, base_url=BASE)
    response = client.post(login_path(demo_app, ADMIN), follow_redirects=False)
    assert "Path=/;" in response.headers["set-cookie"]
    assert client.get("/admin/people").status_code == 200


def test_deliveries_hide_other_peoples_login_links(demo_app, admin):
    client, _ = admin
    token = login_path(demo_app, CADRE).rsplit("/", 1)[1]
    page = client.get(f"/admin/deliveries?person={CADRE}").text
    # The outbox never held the link: it is made when the reply is sent (issue 13).
    assert "看板登录链接" in page and "不保存" in page
    assert token[:12] not in page


@pytest.mark.parametrize(
    ("cron", "workdays_at", "words"),
    [
        ("", "07:50", "每个工作日 07:50（按国家调休安排）"),
        ("0 9 25 * *", "", "每月25日 09:00"),
        ("30 16 * * fri", "", "每周五 16:30"),
        ("0 8-20 * * *", "", "每天 8:00–20:00 每个整点"),
        ("0 9 * * 1-5", "", "每周一至周五 09:00"),
        ("*/5 * * * *", "", "cron */5 * * * *"),
    ],
)
def test_schedules_in_plain_words(cron, workdays_at, words):
    from handlers.admin.schedule_words import describe

    assert describe(cron, workdays_at) == words
