"""Job kinds used only by the scheduler tests (passed to Runner(kinds=...), never registered)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

from sqlalchemy import select

from bot.message import Reply, ToPerson
from bot.models import Person
from bot.capability import JobKind
from handlers.jobs.notice import notice
from scheduler.jobs import JobRun

# People the bulk job addresses: the ones added by the test, with ids from here on.
BULK_FIRST_ID = 1001


def bulk(run: JobRun) -> Iterator[Reply]:
    """One push per bulk person. GRIDBOT_TEST_SLOW_AFTER=N makes replies after the N-th come slowly,
    so a test can kill the process while a push is half written."""
    slow_after = int(os.environ.get("GRIDBOT_TEST_SLOW_AFTER", "-1"))
    with run.app.sessions() as session:
        ids = list(session.scalars(select(Person.id).where(Person.id >= BULK_FIRST_ID).order_by(Person.id)))
    for index, person_id in enumerate(ids):
        if 0 <= slow_after <= index:
            time.sleep(0.05)
        yield Reply(f"第{index + 1}条：请查收本周工作安排。", to=ToPerson(person_id), dedupe_key=run.key(f"p{person_id}"))


TEST_KINDS = {
    "bulk": JobKind("bulk", bulk, "批量测试"),
    "notice": JobKind("notice", notice, "定时通知"),
}
