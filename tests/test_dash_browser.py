"""The dashboard in a real browser: headless Chromium (Debian's package) driven by Playwright, against uvicorn.

Needs /usr/bin/chromium (`apt-get install chromium`) and the Python package playwright (the `test`
extra); no browser is downloaded. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import importlib.util
import re
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn

from handlers.composition import build_app
from bot.app import App
from bot.clock import ManualClock
from bot.db import transaction
from bot.server import build_asgi
from tests.conftest import DEFAULT_NOW, make_config
from tests.harness import TestBot

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

if not Path(CHROMIUM).exists():
    pytest.skip(f"browser test needs Debian's chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)
if importlib.util.find_spec("playwright") is None:
    pytest.skip("browser test needs the playwright package (pip install -e '.[test]')", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """uvicorn serving the dashboard on 127.0.0.1 in a background thread."""

    def __init__(self, app: App, port: int) -> None:
        from handlers.admin.capability import AdminConsole
        from handlers.dashboard.web import DashSite

        config = uvicorn.Config(build_asgi(app, [DashSite(app), AdminConsole(app)]), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="dash-live-server", daemon=True)
        self.base_url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def add_ledger_tasks(app: App) -> None:
    """A few rectification tasks on the demo street, one of them overdue, so the board has rows to click."""
    from handlers.ledger.models import LedgerTask, TaskProgress

    now = app.clock.now()
    today = now.astimezone(app.config.tz).date()
    with transaction(app.sessions) as s:
        for index, (category, days, problem) in enumerate(
            (("形式主义官僚主义", -6, "村居台账材料重复报送"), ("服务群众", 12, "便民服务中心午间无人值守"), ("干部担当作为", 30, "搬迁户就业跟踪不及时"))
        ):
            task = LedgerTask(
                created_at=now - timedelta(days=40),
                category=category,
                problem=problem,
                lead_leader_id=2,
                unit_id=1 + index,
                measures="建立清单，限期整改",
                deadline=today + timedelta(days=days),
                status="open",
            )
            s.add(task)
            s.flush()
            s.add(TaskProgress(task_id=task.id, at=now - timedelta(days=3), author_id=2, kind="progress", text="已召开专题会部署整改"))


def non_blank_pixels(page, selector: str) -> int:
    """Pixels of the chart's canvas that are neither transparent nor white."""
    return page.evaluate(
        """(selector) => {
            const canvas = document.querySelector(selector + ' canvas');
            if (!canvas) return -1;
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let count = 0;
            for (let i = 0; i < data.length; i += 4) {
                if (data[i + 3] > 0 && (data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245)) count++;
            }
            return count;
        }""",
        selector,
    )


@pytest.fixture
def live(sqlite_url):
    from bot.demo import load_demo

    port = free_port()
    app = build_app(make_config(sqlite_url, server={"public_url": f"http://127.0.0.1:{port}"}), clock=ManualClock(DEFAULT_NOW))
    load_demo(app)
    add_ledger_tasks(app)
    with LiveServer(app, port) as server:
        yield app, server
    app.engine.dispose()


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}], ids=["phone", "desktop"])
def test_login_link_overview_charts_and_ledger_board(live, viewport):
    app, server = live
    ARTIFACTS.mkdir(exist_ok=True)
    name = "phone" if viewport["width"] < 600 else "desktop"
    said = TestBot(app).send("林晓雯", "看板")
    link = re.search(r"http://\S+", said.text).group(0)
    assert link.startswith(server.base_url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport=viewport)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(link)
            page.wait_for_url(f"{server.base_url}/dash/")
            page.wait_for_selector("#chart-hours canvas")
            assert page.locator(".kpi").first.inner_text().startswith("服务时长完成")
            assert non_blank_pixels(page, "#chart-hours") > 2000
            page.screenshot(path=str(ARTIFACTS / f"dash-overview-{name}.png"), full_page=True)

            page.click("nav.tabs >> text=整改台账")
            page.wait_for_url(f"{server.base_url}/dash/ledger")
            page.wait_for_selector("#chart-timeline canvas")
            assert non_blank_pixels(page, "#chart-timeline") > 500
            overdue = page.locator("tr.st-overdue")
            assert overdue.count() >= 1 and "村居台账材料重复报送" in overdue.first.inner_text()
            page.screenshot(path=str(ARTIFACTS / f"dash-ledger-{name}.png"), full_page=True)
            overdue.first.click()
            page.wait_for_selector("#panel .history li")
            assert "已召开专题会部署整改" in page.locator("#panel").inner_text()
            page.screenshot(path=str(ARTIFACTS / f"dash-task-{name}.png"))
            assert errors == []
        finally:
            browser.close()
    # The link was used by the browser: opening it again says how to get a new one.
    assert "发送「看板」" in _get(link)


def _get(url: str) -> str:
    import httpx

    return httpx.get(url).text


@pytest.fixture
def live_try(sqlite_url):
    from bot.demo import load_demo

    port = free_port()
    app = build_app(make_config(sqlite_url, server={"public_url": f"http://127.0.0.1:{port}", "demo": True}),
                    clock=ManualClock(DEFAULT_NOW))
    load_demo(app)
    with LiveServer(app, port) as server:
        yield app, server
    app.engine.dispose()


def test_try_buttons_follow_the_chosen_person(live_try):
    """A cadre's 「本月时长」 sends 我的时长 and gets their own month; a leader also gets 时长统计."""
    app, server = live_try
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{server.base_url}/try")
            assert page.locator("#quick button").count() == 0
            page.select_option("#who", label="张伟（干部 · 安居社区）")
            page.wait_for_selector("#quick button >> text=本月时长")
            assert page.locator("#quick button").all_inner_texts() == ["帮助", "服务 2小时 入户走访", "本月时长", "看板"]
            page.click("#quick button >> text=本月时长")
            page.wait_for_selector("#log .msg.bot >> text=张伟，")
            assert page.locator("#log .msg.me").last.inner_text() == "我的时长"
            assert "只对领导" not in page.locator("#log").inner_text()
            page.select_option("#who", label="王建国（领导 · 党政综合办）")
            page.wait_for_selector("#quick button >> text=时长统计")
            assert "定时任务" not in page.locator("#quick").inner_text()
            page.screenshot(path=str(ARTIFACTS / "try-leader-phone.png"))
            assert errors == []
        finally:
            browser.close()
