"""A push to 500 people is killed half-way (a real SIGKILL of a real process); after the restart
every person has it exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from handlers.composition import build_app
from bot.clock import ManualClock
from bot.db import transaction
from bot.models import OutboundMessage, Person
from scheduler.models import ScheduleRun
from scheduler.runner import Runner
from tests.conftest import SHANGHAI
from tests.scheduler_jobs import BULK_FIRST_ID, TEST_KINDS
from tests.scheduler_support import street

ROOT = Path(__file__).resolve().parent.parent
JOB = {"name": "bulk", "kind": "bulk", "cron": "0 9 * * *"}
TARGETS = 500
BATCH = 100

CHILD = textwrap.dedent(
    """
    import sys
    from datetime import datetime
    from zoneinfo import ZoneInfo
    from handlers.composition import build_app
    from bot.clock import ManualClock
    from scheduler.runner import Runner
    from tests.conftest import make_config
    from tests.scheduler_jobs import TEST_KINDS

    config = make_config(sys.argv[1], schedule={"batch_size": %d, "jobs": [%r]})
    app = build_app(config, clock=ManualClock(datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))))
    Runner(app, kinds=TEST_KINDS, instance="doomed").run_due("bulk")
    """
) % (BATCH, JOB)


def outbox_count(app) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(OutboundMessage).where(OutboundMessage.dedupe_key.like("bulk:%")))


def test_restart_in_the_middle_of_a_500_target_push_sends_each_target_once(db_url):
    clock = ManualClock(datetime(2026, 11, 26, 8, 0, tzinfo=SHANGHAI))
    app = street(db_url, clock, [JOB], batch_size=BATCH)
    with transaction(app.sessions) as session:
        session.add_all(Person(id=BULK_FIRST_ID + i, name=f"测试{i:03d}", role="cadre") for i in range(TARGETS))
    Runner(app, kinds=TEST_KINDS).catch_up()  # the job is known before its first fire time

    env = {**os.environ, "GRIDBOT_TEST_SLOW_AFTER": str(2 * BATCH)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, db_url], cwd=ROOT, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while outbox_count(app) < 2 * BATCH:
            assert child.poll() is None, f"the push process ended early: {child.stderr.read()}"
            assert time.monotonic() < deadline, "the push never got half-way"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    written = outbox_count(app)
    assert 2 * BATCH <= written < TARGETS, "the kill must land in the middle of the push"
    with app.sessions() as session:
        assert session.scalar(select(ScheduleRun.status).where(ScheduleRun.job == "bulk")) == "running"

    clock.set(datetime(2026, 11, 26, 9, 4, tzinfo=SHANGHAI))  # restarted four minutes later
    results = Runner(app, kinds=TEST_KINDS).catch_up()
    assert [(r.status, r.new, r.duplicates) for r in results] == [("done", TARGETS - written, written)]
    with app.sessions() as session:
        people = Counter(session.scalars(select(OutboundMessage.person_id).where(OutboundMessage.dedupe_key.like("bulk:%"))))
        run = session.scalar(select(ScheduleRun).where(ScheduleRun.job == "bulk"))
    assert people == Counter({BULK_FIRST_ID + i: 1 for i in range(TARGETS)})
    assert (run.status, run.written, run.reason) == ("done", TARGETS, "catch-up")
