"""Two `gridbot serve` processes on one PostgreSQL database: one scheduler, one push per group per
occurrence, and the standby takes over within a minute after the leader is SIGKILLed.

Real processes and real time (a job firing every minute): this is the one scheduler test that
waits for the wall clock, because it checks what two live servers do. About a minute.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from handlers.composition import build_app, config_from_dict, upgrade_schema
from bot.app import App

from bot.db import make_engine, scratch_database, upgrade
from bot.demo import load_demo
from bot.models import Group, OutboundMessage
from scheduler.models import ScheduleRun
from tests.conftest import PG_ENV
from tests.test_serve import free_port

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ("领导班子群", "安居社区工作群", "幸福社区工作群")
CONFIG = """
[schedule]
standby_retry_seconds = 1
misfire_grace_minutes = 2

[[schedule.jobs]]
name = "tick"
kind = "notice"
cron = "* * * * *"
targets = [{targets}]
text = "整点巡查提醒：请按网格巡查一遍。"
"""


@pytest.fixture
def fresh_pg() -> str:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"needs {PG_ENV}")
    with scratch_database(base, "gridbot_failover") as url:
        yield url


def status(port: int) -> dict | None:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/scheduler/status", timeout=1).json()
    except httpx.HTTPError:
        return None


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_two_servers_push_once_and_the_standby_takes_over(fresh_pg: str, tmp_path: Path):
    config = tmp_path / "gridbot.toml"
    config.write_text(CONFIG.format(targets=", ".join(f'"{t}"' for t in TARGETS)), encoding="utf-8")
    # GRIDBOT_* variables are config overrides; the test's own database variable is not one.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDBOT_")}
    env.update(GRIDBOT_DATABASE__URL=fresh_pg, GRIDBOT_CONFIG=str(config))
    engine = make_engine(fresh_pg)
    demo = build_app(config_from_dict({"database": {"url": fresh_pg}}))
    upgrade_schema(demo.engine)
    load_demo(demo)
    demo.engine.dispose()
    ports = [free_port(), free_port()]
    logs = [tmp_path / f"serve{i}.log" for i in range(2)]
    servers = [
        subprocess.Popen([str(Path(sys.executable).with_name("gridbot")), "serve", "--port", str(port)], env=env, cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=log.open("w"))
        for port, log in zip(ports, logs)
    ]
    try:
        states = wait_for(lambda: (s := [status(p) for p in ports]) and all(s) and sum(x["leader"] for x in s) == 1 and s,
                          60, "both servers up, exactly one leading")
        leader = 0 if states[0]["leader"] else 1
        standby = 1 - leader

        def occurrences() -> list[ScheduleRun]:
            with engine.connect() as conn:
                return conn.execute(select(ScheduleRun.occurrence, ScheduleRun.instance, ScheduleRun.status)
                                    .where(ScheduleRun.job == "tick").order_by(ScheduleRun.occurrence)).all()

        wait_for(lambda: any(r.status == "done" for r in occurrences()), 75, "the leader's first push")
        assert all(r.instance == states[leader]["instance"] for r in occurrences())

        servers[leader].send_signal(signal.SIGKILL)
        servers[leader].wait(timeout=10)
        killed = time.monotonic()
        wait_for(lambda: (s := status(ports[standby])) and s["leader"], 60, "the standby to take over")
        takeover = time.monotonic() - killed
        assert takeover < 60
        print(f"standby took over {takeover:.1f} s after the leader was killed")

        wait_for(lambda: any(r.instance == states[standby]["instance"] and r.status == "done" for r in occurrences()),
                 75, "a push by the new leader")
    except AssertionError:
        for log in logs:
            print(f"--- {log.name}", log.read_text()[-3000:], sep="\n")
        raise
    finally:
        for server in servers:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()

    with engine.connect() as conn:
        groups = dict(conn.execute(select(Group.id, Group.name).where(Group.name.in_(TARGETS))).all())
        pushes = conn.execute(select(OutboundMessage.group_id, OutboundMessage.dedupe_key)
                              .where(OutboundMessage.dedupe_key.like("tick:%"))).all()
    engine.dispose()
    per_minute = Counter(key.split(":")[1] for _, key in pushes)
    per_group_minute = Counter((group_id, key.split(":")[1]) for group_id, key in pushes)
    assert len(per_minute) >= 2
    assert set(per_minute.values()) == {len(TARGETS)}, "every occurrence reaches every group"
    assert set(per_group_minute.values()) == {1}, "never two pushes to one group for one occurrence"
    assert {group_id for group_id, _ in pushes} == set(groups)
