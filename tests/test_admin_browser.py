"""The admin console in a real browser: headless Chromium (Debian's package) driven by Playwright, against uvicorn.

Same setup as tests/test_dash_browser.py (no browser is downloaded). Screenshots of every page,
phone (390×844) and desktop (1366×768), go to test-artifacts/admin/.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from handlers.composition import build_app
from bot.app import App
from bot.clock import ManualClock
from bot.db import transaction
from bot.models import OutboundMessage, Person
from tests.conftest import DEFAULT_NOW, make_config
from tests.harness import TestBot
from tests.test_dash_browser import ARGS, CHROMIUM, LiveServer, free_port  # skips the module when Chromium is missing
from tests.admin_support import ADMIN, BAD_ROWS, GOOD_ROWS, LEADER, roster_csv

from playwright.sync_api import Page, sync_playwright  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "admin"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture(autouse=True)
def private_tmp(tmp_path, monkeypatch):
    """Held uploads go to this test's own folder, not the machine's /tmp."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


@pytest.fixture
def live(sqlite_url):
    from bot.demo import load_demo

    port = free_port()
    app = build_app(make_config(sqlite_url, server={"public_url": f"http://127.0.0.1:{port}"}), clock=ManualClock(DEFAULT_NOW))
    load_demo(app)
    with transaction(app.sessions) as s:
        # One delivery WeCom refused, so the deliveries page has an error to explain.
        s.add(OutboundMessage(created_at=app.clock.now(), channel="wecom", target="demo052", person_id=52,
                              text="明早八点例会，请准时参加", status="failed", attempts=10, error="invaliduser: demo052"))
    with LiveServer(app, port) as server:
        yield app, server
    app.engine.dispose()


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def signed_in_page(browser, app: App, server: LiveServer, name: str, viewport: dict) -> Page:
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    link = re.search(r"http://\S+", TestBot(app).send(name, "看板").text).group(0)
    page.goto(link)
    page.wait_for_url(f"{server.base_url}/dash/")
    return page


def upload(page: Page, filename: str, content: bytes) -> None:
    page.set_input_files("form.upload input[name=file]", files=[{"name": filename, "mimeType": "text/csv", "buffer": content}])
    page.click("form.upload button[type=submit]")


def people_count(app: App) -> int:
    with app.sessions() as s:
        return s.scalar(select(func.count()).select_from(Person))


def shot(page: Page, name: str, viewport: dict) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = "phone" if viewport["width"] < 600 else "desktop"
    page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"), full_page=True)


def test_admin_fixes_a_roster_imports_it_and_runs_a_job_on_a_phone(live, browser):
    app, server = live
    page = signed_in_page(browser, app, server, ADMIN, PHONE)
    page.click("nav.tabs >> text=管理后台")
    page.wait_for_url(f"{server.base_url}/admin/")
    page.click("text=导入花名册")
    page.wait_for_url(f"{server.base_url}/admin/people/import")

    upload(page, "花名册.csv", roster_csv(BAD_ROWS))
    page.wait_for_selector("#import-problems")
    rows = page.locator("#import-problems tbody tr").all_inner_texts()
    assert [re.sub(r"\s+", " ", r).strip() for r in rows] == [
        "第3行 手机号 “1391111000”不是11位手机号",
        "第4行 角色 “局长”不是网格员/干部/领导/管理员之一",
    ]
    assert people_count(app) == 118
    shot(page, "import-problems", PHONE)

    upload(page, "花名册.csv", roster_csv(GOOD_ROWS))
    page.wait_for_selector("#import-preview")
    assert "将新增 3 人" in page.inner_text("#import-preview")
    assert people_count(app) == 118
    shot(page, "import-preview", PHONE)
    page.click("form.confirm button[type=submit]")
    page.wait_for_selector("#import-done")
    assert "新增 3 人" in page.inner_text("#import-done")
    assert people_count(app) == 121
    shot(page, "import-done", PHONE)
    # The new people can talk to the bot at once.
    bot = TestBot(app)
    assert "已登记" in bot.send("陈新来", "服务 2小时 入户走访").text
    assert "还不在本街道的花名册里" not in bot.send("吴志强", "帮助").text

    page.click("nav.tabs >> text=定时任务")
    page.wait_for_url(f"{server.base_url}/admin/jobs")
    page.click("#job-morning_lesson >> text=立即执行")
    page.wait_for_selector("#run-result")
    result = page.inner_text("#run-result")
    assert "已执行作风微课堂" in result and re.search(r"新发送[1-9]\d*条", result), result
    shot(page, "job-run", PHONE)
    # Run again: exactly once is kept, the page says nothing more was sent.
    page.click("#job-morning_lesson >> text=立即执行")
    page.wait_for_selector("#run-result >> text=新发送0条")


def test_a_leader_gets_403(live, browser):
    app, server = live
    page = signed_in_page(browser, app, server, LEADER, DESKTOP)
    assert page.locator("nav.tabs >> text=管理后台").count() == 0
    response = page.goto(f"{server.base_url}/admin/")
    assert response.status == 403
    assert "只有管理员可以进入管理后台" in page.inner_text("body")
    shot(page, "leader-403", DESKTOP)


PAGES = (
    ("home", "/admin/"),
    ("people", "/admin/people"),
    ("person", "/admin/people/3"),
    ("import", "/admin/people/import"),
    ("groups", "/admin/groups"),
    ("rules", "/admin/rules?q=公务接待可以喝酒吗"),
    ("learning", "/admin/learning"),
    ("jobs", "/admin/jobs"),
    ("deliveries", "/admin/deliveries"),
    ("audit", "/admin/audit"),
)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_page_fits_the_screen(live, browser, viewport):
    app, server = live
    page = signed_in_page(browser, app, server, ADMIN, viewport)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for name, path in PAGES:
        response = page.goto(f"{server.base_url}{path}")
        assert response.status == 200, path
        # Wide tables scroll inside their card; the page itself never scrolls sideways.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{path} is {width}px wide"
        shot(page, name, viewport)
    page.goto(f"{server.base_url}/admin/deliveries?status=failed")
    assert "企业微信里找不到账号 demo052" in page.inner_text("main")
    assert errors == []
