"""The scheduler inside `gridbot serve`: leader election around an APScheduler AsyncIOScheduler.

Every instance runs the election loop; only the leader has a running AsyncIOScheduler. On
becoming leader it schedules the enabled jobs and runs catch-up (the latest occurrence of each
job that the previous leader, or this instance before a restart, did not handle). APScheduler
fires a job at its time with coalescing and the same misfire grace; the job itself runs in a
worker thread, so database work never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.app import App
from bot.config import ConfigError
from scheduler.leader import Leadership, leadership_for
from scheduler.runner import Runner

log = logging.getLogger(__name__)


class SchedulerService:
    def __init__(self, app: App, runner: Runner, leadership: Leadership, retry_seconds: float) -> None:
        self.app = app
        self.runner = runner
        self.leadership = leadership
        self.retry_seconds = retry_seconds
        self.scheduler: AsyncIOScheduler | None = None
        self._task: asyncio.Task | None = None
        self._catch_up: asyncio.Task | None = None
        self.rounds = 0  # election rounds finished, won or lost

    @property
    def leader(self) -> bool:
        return self.scheduler is not None

    def routes(self) -> list[BaseRoute]:
        return [Route("/scheduler/status", self._status)]

    async def _status(self, request: Request) -> JSONResponse:
        jobs = []
        if self.scheduler is not None:
            for job in self.scheduler.get_jobs():
                jobs.append({"name": job.id, "next_run": job.next_run_time.isoformat() if job.next_run_time else None})
        return JSONResponse({"leader": self.leader, "instance": self.runner.instance, "jobs": jobs})

    async def start(self) -> None:
        self._task = asyncio.create_task(self._elect(), name="scheduler-election")

    async def _elect(self) -> None:
        while True:
            try:
                leading = await asyncio.to_thread(self.leadership.acquire)
                if leading and not self.leader:
                    self._lead()
                elif not leading and self.leader:
                    self._step_down()
            except Exception:  # noqa: BLE001 - the loop must outlive one bad round
                log.exception("scheduler election round failed")
            self.rounds += 1
            await asyncio.sleep(self.retry_seconds)

    def _lead(self) -> None:
        grace = int(self.runner.grace.total_seconds())
        scheduler = AsyncIOScheduler(
            timezone=self.runner.tz,
            # misfire_grace_time=None would mean "always run"; 0 minutes of grace means on time only.
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": max(grace, 1)},
        )
        for name, spec in self.runner.specs.items():
            if spec.enabled and spec.kind in self.runner.kinds:
                scheduler.add_job(self._fire, self.runner.triggers[name], args=[name], id=name, name=name)
        scheduler.start()
        self.scheduler = scheduler
        log.info("instance %s is now the scheduler leader (%d jobs)", self.runner.instance, len(scheduler.get_jobs()))
        self._catch_up = asyncio.create_task(asyncio.to_thread(self.runner.catch_up), name="scheduler-catch-up")

    def _step_down(self, why: str = "lost leadership") -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
            log.log(logging.INFO if why == "stopping" else logging.WARNING,
                    "instance %s stopped scheduling (%s)", self.runner.instance, why)

    async def _fire(self, name: str) -> None:
        if not self.leader:
            return
        try:
            await asyncio.to_thread(self.runner.run_due, name)
        except Exception:  # noqa: BLE001 - logged; the next fire time still comes
            log.exception("scheduled job %s failed", name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._step_down("stopping")
        if self._catch_up is not None:
            with contextlib.suppress(Exception):
                await self._catch_up
        await asyncio.to_thread(self.leadership.release)


def make_plugin(app: App) -> SchedulerService | None:
    """PLUGINS entry: None when [schedule] enabled = false."""
    if not app.config.schedule.enabled:
        return None
    runner = Runner(app)
    problems = runner.check()
    if problems:
        raise ConfigError("配置错误 / invalid configuration:\n  " + "\n  ".join(problems))
    leadership = leadership_for(app, runner.instance)
    return SchedulerService(app, runner, leadership, app.config.schedule.standby_retry_seconds)
