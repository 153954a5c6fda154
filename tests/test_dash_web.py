"""The dashboard over HTTP: one-time links, sessions, what each person's pages show, exports, and /try."""

from __future__ import annotations

import asyncio
import io
import re

import httpx
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from handlers.composition import build_app
from bot.app import App
from bot.message import Reply, ToGroup
from bot.models import AuditEntry, Group, Person
from bot.server import build_asgi
from handlers.dashboard.web import DashSite
from tests.conftest import make_config
from tests.harness import TestBot
from tests.test_dash_pages import seed_street

BASE = "http://127.0.0.1:8080"


class TestClient:
    """A synchronous httpx client over ASGITransport: the Starlette app, no sockets, cookies kept."""

    __test__ = False

    def __init__(self, app, base_url: str = BASE) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        return self.loop.run_until_complete(self.http.request(method, url, **kwargs))

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.loop.run_until_complete(self.http.aclose())
        self.loop.close()


@pytest.fixture
def street(app):
    return seed_street(app)


@pytest.fixture
def client(app):
    client = TestClient(build_asgi(app, [DashSite(app)]))
    yield client
    client.close()


def link_for(app: App, name: str) -> str:
    said = TestBot(app).send(name, "看板")
    found = re.search(r"http://\S+", said.text)
    assert found, said.text
    return found.group(0).removeprefix(BASE)


def login(app: App, client: TestClient, name: str) -> TestClient:
    response = client.post(link_for(app, name), follow_redirects=False)
    assert response.status_code == 303
    return client


def test_chat_command_answers_a_link_built_from_public_url(app, street):
    said = TestBot(app).send("书记", "看板")
    assert re.search(r"^http://127\.0\.0\.1:8080/dash/login/[\w-]{20,}$", said.text, re.M)
    assert "10分钟" in said.text and "安居社区、幸福社区" in said.text
    with app.sessions() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "dash_link")).all()
    assert [(a.action, a.actor_id) for a in audit] == [("issue", street.people["书记"])]


def test_link_asked_in_a_group_is_sent_privately(app, street):
    said = TestBot(app).send("书记", "看板", chat_id="group:安居")
    assert "私信" in said.text and "/dash/login/" not in said.text
    private = said.to_person(street.people["书记"])
    assert len(private) == 1 and "/dash/login/" in private[0]


def test_link_works_once_and_sets_a_12_hour_cookie(app, street, client):
    path = link_for(app, "书记")
    # Opening the link only shows a button, so a chat app's link preview does not use it up.
    assert client.get(path).status_code == 200
    assert "进入看板" in client.get(path).text
    response = client.post(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/dash/"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=43200" in cookie and "Path=/;" in cookie
    assert client.get("/dash/").status_code == 200
    again = TestClient(client.app).post(path, follow_redirects=False)
    assert again.status_code == 410
    assert "已经用过" in again.text and "发送「看板」" in again.text


def test_expired_and_unknown_links_say_how_to_get_a_new_one(app, clock, street, client):
    path = link_for(app, "书记")
    clock.advance(minutes=10, seconds=1)
    expired = client.post(path, follow_redirects=False)
    assert expired.status_code == 410 and "已过期" in expired.text and "发送「看板」" in expired.text
    assert client.get("/dash/").status_code == 401
    unknown = client.get("/dash/login/not-a-real-token")
    assert unknown.status_code == 404 and "发送「看板」" in unknown.text


def test_session_ends_after_12_hours_and_on_logout(app, clock, street, client):
    login(app, client, "书记")
    clock.advance(hours=11, minutes=59)
    assert client.get("/dash/").status_code == 200
    clock.advance(minutes=2)
    assert client.get("/dash/").status_code == 401
    login(app, client, "书记")
    assert client.post("/dash/logout").status_code == 200
    assert client.get("/dash/").status_code == 401


def test_deactivated_person_loses_access(app, street, client):
    login(app, client, "李四")
    with app.sessions() as s, s.begin():
        s.get(Person, street.people["李四"]).active = False
    assert client.get("/dash/").status_code == 401


def overview_as(app: App, name: str) -> str:
    client = TestClient(build_asgi(app, [DashSite(app)]))
    try:
        return login(app, client, name).get("/dash/").text
    finally:
        client.close()


def test_overview_shows_each_person_their_own_scope(app, street):
    admin, leader, cadre = (overview_as(app, name) for name in ("管理员", "书记", "李四"))
    assert "党建办" in admin and "全街道" in admin
    assert "安居社区" in leader and "党建办" not in leader
    assert "还差 14 小时" in cadre and "安居社区" not in cadre
    # Charts are drawn from JSON the page carries.
    assert 'id="chart-hours"' in leader and "65.0" in leader


def test_reports_page_hides_anonymous_reporters_except_from_admins(app, street):
    site = build_asgi(app, [DashSite(app)])
    admin = login(app, TestClient(site), "管理员").get("/dash/reports").text
    leader_client = login(app, TestClient(site), "书记")
    leader = leader_client.get("/dash/reports").text
    assert "李四（匿名）" in admin
    assert "匿名" in leader and "李四" not in leader
    filtered = leader_client.get(f"/dash/reports?status=pending&unit={street.units['C']}").text
    # 党建办 is outside the leader's units: the filter is ignored rather than widening the view.
    assert "形式主义" not in filtered.split("<tbody>")[-1]


def test_ledger_board_and_task_history(app, street, client):
    login(app, client, "书记")
    board = client.get("/dash/ledger").text
    assert "会议过多" in board and 'class="st-overdue"' in board and "超期6天" in board
    history = client.get(f"/dash/ledger/{street.tasks['t1']}.json").json()
    assert [h["text"] for h in history["history"]] == ["已精简两个例会", "督导检查"]
    assert client.get(f"/dash/ledger/{street.tasks['t3']}.json").status_code == 404
    assert TestClient(client.app).get(f"/dash/ledger/{street.tasks['t1']}.json").status_code == 401


def test_people_page_sorts_and_stays_in_scope(app, street, client):
    login(app, client, "书记")
    page = client.get("/dash/people?sort=hours&order=desc").text
    names = re.findall(r"<td>(\S+)<br><small>", page)
    assert names == ["张三", "赵六", "李四", "王五"]
    assert "钱七" not in page


def sheet_rows(content: bytes, sheet: str) -> list[tuple]:
    book = load_workbook(io.BytesIO(content))
    return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]


def test_exports_hold_what_the_pages_show(app, street, client):
    login(app, client, "书记")
    overview = client.get("/dash/export/overview.xlsx?month=2026-11")
    assert overview.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(overview.content, "服务时长")
    assert [r[0] for r in rows[1:]] == ["安居社区", "幸福社区"] and rows[1][2] == 65.0
    reports = sheet_rows(client.get("/dash/export/reports.xlsx").content, "诉求")
    assert len(reports) == 4 and not any("李四" in str(cell) for row in reports for cell in row)
    people = sheet_rows(client.get("/dash/export/people.xlsx?month=2026-11").content, "人员2026-11")
    assert {r[0] for r in people[1:]} == {"张三", "李四", "王五", "赵六"}
    ledger = load_workbook(io.BytesIO(client.get("/dash/export/ledger.xlsx").content))["整改任务"]
    assert ledger["G2"].value == "已超期" and ledger["A2"].fill.fgColor.rgb.endswith("FFE3E3")


def test_pages_need_a_session(app, street, client):
    for path in ("/dash/", "/dash/ledger", "/dash/reports", "/dash/people", "/dash/export/people.xlsx"):
        response = client.get(path)
        assert response.status_code == 401 and "发送「看板」" in response.text, path


def test_cli_prints_a_link(app, street, monkeypatch, tmp_path):
    from handlers.composition import cli

    env = {
        "GRIDBOT_DATABASE__URL": app.config.database.url,
        "GRIDBOT_SERVER__PUBLIC_URL": "https://dash.example.org",
        # The test suite's own variable is not a config key.
        "GRIDBOT_TEST_DATABASE_URL": None,
    }
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["dash", "link", "书记"], env=env)
    assert result.exit_code == 0, result.output
    path = re.search(r"https://dash\.example\.org(/dash/login/\S+)", result.output).group(1)
    assert TestClient(build_asgi(app, [DashSite(app)])).get(path).status_code == 200
    missing = CliRunner().invoke(cli, ["dash", "link", "无此人"], env=env)
    assert missing.exit_code == 1 and "无此人" in missing.output


def test_try_page_is_off_unless_demo(app, street, client):
    assert client.get("/try").status_code == 404
    assert client.post("/try/say", json={"person": street.people["张三"], "text": "帮助"}).status_code == 404


@pytest.fixture
def demo_site(db_url, clock):
    application = build_app(make_config(db_url, server={"demo": True}), clock=clock)
    street = seed_street(application)
    client = TestClient(build_asgi(application, [DashSite(application)]))
    yield application, street, client
    client.close()
    application.engine.dispose()


def test_try_chats_through_the_router_and_shows_group_pushes(demo_site):
    application, street, client = demo_site
    page = client.get("/try")
    assert page.status_code == 200 and "李四" in page.text
    assert client.get("/").headers["location"] == "/try"
    zhang = street.people["张三"]
    said = client.post("/try/say", json={"person": zhang, "text": "服务 2小时 入户走访"})
    assert said.status_code == 200
    feed = client.get(f"/try/feed?person={zhang}").json()
    assert feed["items"][-1]["kind"] == "reply" and "已登记" in feed["items"][-1]["text"]
    assert "安居群" in feed["groups"] and "领导群" not in feed["groups"]
    with application.sessions() as s:
        groups = {g.name: g.id for g in s.scalars(select(Group))}
    application.push([Reply("明早八点例会", to=ToGroup(groups["安居群"])), Reply("班子会改期", to=ToGroup(groups["领导群"]))])
    after = feed["items"][-1]["id"]
    newer = client.get(f"/try/feed?person={zhang}&after={after}").json()["items"]
    assert [(i["kind"], i["group"], i["text"]) for i in newer] == [("group", "安居群", "明早八点例会")]
    # The reply was recorded as sent on the web channel.
    assert [r.status for r in TestBot(application).outbox(channel="web")] == ["sent"]


def test_try_asks_for_the_dashboard_link(demo_site):
    application, street, client = demo_site
    leader = street.people["书记"]
    client.post("/try/say", json={"person": leader, "text": "看板"})
    reply = client.get(f"/try/feed?person={leader}").json()["items"][-1]["text"]
    path = re.search(r"http://\S+", reply).group(0).removeprefix(BASE)
    assert client.post(path, follow_redirects=False).status_code == 303
    assert "安居社区" in client.get("/dash/").text


def test_try_refuses_bad_input_with_a_clear_reason(demo_site):
    _, street, client = demo_site
    assert client.post("/try/say", json={"person": 999, "text": "帮助"}).json()["error"] == "请先选择一位演示人员"
    assert "请先输入" in client.post("/try/say", json={"person": street.people["张三"], "text": "  "}).json()["error"]
    assert "500" in client.post("/try/say", json={"person": street.people["张三"], "text": "长" * 501}).json()["error"]
    assert client.post("/try/say", content=b"not json").status_code == 400


def test_try_offers_each_person_only_the_buttons_they_may_use(demo_site):
    """A cadre's 「本月时长」 asks for their own month (我的时长); 时长统计 and 台账 are leaders' buttons,
    定时任务 the admin's. Every offered button, tapped, is answered, never refused."""
    application, street, client = demo_site

    def quick(name: str) -> dict[str, str]:
        return {q["label"]: q["text"] for q in client.get(f"/try/feed?person={street.people[name]}").json()["quick"]}

    cadre, worker, leader, admin = quick("张三"), quick("赵六"), quick("书记"), quick("管理员")
    assert cadre["本月时长"] == "我的时长" and worker["本月时长"] == "我的时长"
    assert "时长统计" not in cadre.values() and "时长统计" not in worker.values()
    assert {"时长统计", "台账"} <= set(leader.values()) and "定时任务" not in leader.values()
    assert {"时长统计", "台账", "定时任务"} <= set(admin.values())
    for name, buttons in (("张三", cadre), ("赵六", worker), ("书记", leader), ("管理员", admin)):
        person = street.people[name]
        for text in buttons.values():
            before = client.get(f"/try/feed?person={person}").json()["items"]
            after = before[-1]["id"] if before else 0
            assert client.post("/try/say", json={"person": person, "text": text}).status_code == 200
            replies = [i["text"] for i in client.get(f"/try/feed?person={person}&after={after}").json()["items"]
                       if i["kind"] == "reply"]
            assert replies, (name, text)
            for reply in replies:
                assert "只对" not in reply and "只有管理员" not in reply and "没看懂" not in reply, (name, text, reply)
    # 本月时长 from a cadre is their own total, not the leaders' summary.
    zhang = street.people["张三"]
    client.post("/try/say", json={"person": zhang, "text": cadre["本月时长"]})
    own = client.get(f"/try/feed?person={zhang}").json()["items"][-1]["text"]
    assert own.startswith("张三，") and "累计" in own


def test_try_page_has_no_buttons_before_a_person_is_chosen(demo_site):
    _, _, client = demo_site
    page = client.get("/try").text
    assert '<div class="quick" id="quick"></div>' in page and "时长统计" not in page
