"""The live wiring: APScheduler inside the server plugin fires on time, under a travelled clock."""

from __future__ import annotations

import asyncio
from datetime import datetime

import time_machine

from bot.clock import SystemClock
from handlers.composition import build_app
from scheduler.service import make_plugin
from tests.conftest import SHANGHAI
from tests.scheduler_support import MORNING, rows, street


async def until(condition, seconds: float = 10.0) -> None:
    """Wait for work on other threads (real time; the scheduled times themselves are travelled to)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_the_leader_fires_the_morning_push_at_its_time_and_plans_the_next_workday(sqlite_url):
    async def scenario() -> None:
        with time_machine.travel(datetime(2026, 11, 27, 7, 49, tzinfo=SHANGHAI), tick=False) as traveller:
            app = street(sqlite_url, SystemClock(), [MORNING], standby_retry_seconds=0.05)
            service = make_plugin(app)
            await service.start()
            try:
                await until(lambda: service.leader)
                job = service.scheduler.get_job("morning_notice")
                assert job.next_run_time == datetime(2026, 11, 27, 7, 50, tzinfo=SHANGHAI)
                assert rows(app) == []
                traveller.move_to(datetime(2026, 11, 27, 7, 50, 0, 300_000, tzinfo=SHANGHAI))
                service.scheduler.wakeup()
                await until(lambda: len(rows(app)) == 15)
                # Friday's push done; Saturday 28 Nov 2026 is no working day, so Monday comes next.
                await until(lambda: job.next_run_time != datetime(2026, 11, 27, 7, 50, tzinfo=SHANGHAI))
                assert service.scheduler.get_job("morning_notice").next_run_time == datetime(
                    2026, 11, 30, 7, 50, tzinfo=SHANGHAI
                )
            finally:
                await service.stop()
            assert not service.leader
            app.engine.dispose()

    asyncio.run(scenario())


def test_a_second_instance_on_the_same_sqlite_file_stays_standby(sqlite_url):
    async def scenario() -> None:
        first_app = street(sqlite_url, SystemClock(), [MORNING], standby_retry_seconds=0.05)
        first, second = make_plugin(first_app), make_plugin(build_app(first_app.config))
        await first.start()
        await until(lambda: first.leader)
        await second.start()
        await until(lambda: second.rounds >= 3)  # several election rounds of the standby
        assert not second.leader
        await first.stop()  # a clean stop hands the lease over
        await until(lambda: second.leader)
        await second.stop()

    asyncio.run(scenario())


def test_scheduling_can_be_switched_off(sqlite_url):
    app = street(sqlite_url, SystemClock(), [MORNING], enabled=False)
    assert make_plugin(app) is None
