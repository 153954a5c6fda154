"""Running one occurrence of one job, exactly once in effect.

The runner calls the job function, writes its replies through `app.push()` in batches, and
records the run. Exactly-once comes from the outbox: every reply carries the dedupe key
job:occurrence:target, and a key already written writes nothing. So running an occurrence
again — after a crash half-way, by `gridbot jobs run`, or on a second instance — only writes
the targets not yet written.

Misfire policy: at a fire time, or at start-up (catch-up), only the most recent occurrence of
a job is considered (runs coalesce). It runs if it is at most `misfire_grace_minutes` late and
has not been handled; a later one is recorded as missed and logged. Catch-up ignores
occurrences from before the scheduler first saw the job, so a new job does not count as missed.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import islice

from apscheduler.triggers.base import BaseTrigger

from bot.app import App
from bot.config import ScheduleJob
from bot.db import transaction
from bot.message import Reply, ToGroup, ToPerson
from bot.models import Group
from scheduler import state
from bot.capability import JobKind
from scheduler.jobs import JobRun, audience_people, job_kinds, job_specs, resolve_groups
from scheduler.models import RunStatus
from scheduler.triggers import build_trigger, next_occurrence, previous_occurrence
from scheduler.workdays import WorkdayCalendar

log = logging.getLogger(__name__)

# A group bound to this channel name is a set of people: its pushes go to each of them.
PEOPLE_CHANNEL = "people"


class JobError(Exception):
    """A job cannot be run as asked (unknown name, bad declaration); the message is for people."""


@dataclass(frozen=True)
class RunResult:
    job: str
    occurrence: datetime | None
    status: str
    new: int = 0  # outbox rows this run wrote
    duplicates: int = 0  # replies whose key was already written: not sent again
    unreachable: int = 0  # rows recorded as skipped (no channel reaches the target)
    total: int = 0  # rows of this occurrence in all
    missing_groups: tuple[str, ...] = ()
    detail: str = ""

    def summary(self) -> str:
        """Short Chinese line for people (chat and CLI)."""
        when = f"{self.occurrence:%m-%d %H:%M}" if self.occurrence else "-"
        if self.status == RunStatus.missed:
            return f"{when} 这一次已错过（{self.detail}），未发送"
        if self.status == RunStatus.paused:
            return f"{when} 这一次因任务暂停未发送"
        if self.status == RunStatus.failed:
            return f"{when} 这一次执行出错：{self.detail}"
        text = f"{when} 这一次：新发送{self.new}条"
        if self.duplicates:
            text += f"，{self.duplicates}条此前已发不再重发"
        if self.unreachable:
            text += f"，{self.unreachable}条无可用渠道"
        if self.missing_groups:
            text += f"；找不到群：{'、'.join(self.missing_groups)}"
        return text


def default_instance() -> str:
    # The random part tells apart two Apps in one process, and a restart that got the same pid.
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _batches(items: Iterable[Reply], size: int) -> Iterator[list[Reply]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class Runner:
    def __init__(
        self,
        app: App,
        kinds: Mapping[str, JobKind] | None = None,
        instance: str | None = None,
        calendar: WorkdayCalendar | None = None,
    ) -> None:
        self.app = app
        self.kinds = job_kinds(app) if kinds is None else kinds
        self.instance = instance or default_instance()
        self.calendar = calendar or WorkdayCalendar.from_config(app.config)
        self.tz = app.config.tz
        self.specs: dict[str, ScheduleJob] = job_specs(app)
        self.triggers: dict[str, BaseTrigger] = {
            name: build_trigger(spec.cron, spec.workdays_at, self.calendar, self.tz) for name, spec in self.specs.items()
        }
        self.grace = timedelta(minutes=app.config.schedule.misfire_grace_minutes)

    # --- declarations --------------------------------------------------------------------

    def check(self) -> list[str]:
        """Problems with the declared jobs, each naming the config key (empty when all is well)."""
        problems = []
        for index, spec in enumerate(self.app.config.schedule.jobs):
            if spec.kind not in self.kinds:
                problems.append(
                    f"schedule.jobs.{index}.kind: unknown job kind {spec.kind!r} (known: {', '.join(sorted(self.kinds))})"
                )
        return problems

    def spec(self, name: str) -> ScheduleJob:
        try:
            return self.specs[name]
        except KeyError:
            known = "、".join(self.specs) or "（无）"
            raise JobError(f"没有名为 {name} 的定时任务。现有：{known}") from None

    def kind(self, kind: str) -> JobKind:
        try:
            return self.kinds[kind]
        except KeyError:
            raise LookupError(f"unknown job kind {kind!r}; known: {', '.join(sorted(self.kinds))}") from None

    def label(self, kind: str) -> str:
        found = self.kinds.get(kind)
        return found.label if found else kind

    def now(self) -> datetime:
        return self.app.clock.now().astimezone(self.tz)

    def next_run(self, name: str, now: datetime | None = None) -> datetime | None:
        fire = next_occurrence(self.triggers[name], now or self.now())
        return fire.astimezone(self.tz) if fire else None

    def latest_occurrence(self, name: str, now: datetime | None = None) -> datetime | None:
        fire = previous_occurrence(self.triggers[self.spec(name).name], now or self.now())
        return fire.astimezone(self.tz) if fire else None

    # --- running -------------------------------------------------------------------------

    def run(self, name: str, occurrence: datetime, reason: str = "manual") -> RunResult:
        """Run one occurrence now (whatever its lateness or pause: callers decide that)."""
        spec = self.spec(name)
        occurrence = occurrence.astimezone(self.tz).replace(second=0, microsecond=0)
        function = self.kind(spec.kind).run
        with transaction(self.app.sessions) as session:
            groups, missing = resolve_groups(session, spec.targets)
            state.ensure_states(session, [name], self.app.clock.now())
            state.start_run(session, name, occurrence, reason, self.instance, self.app.clock.now())
            session.expunge_all()
        if missing:
            log.warning("job %s: no active group named %s", name, ", ".join(missing))
        run = JobRun(self.app, name, spec.kind, occurrence, groups)
        prefix = run.key("")
        new = duplicates = 0
        try:
            replies = self._expand(self._checked(function(run) or (), prefix, spec.kind), groups)
            for batch in _batches(replies, self.app.config.schedule.batch_size):
                rows = self.app.push(batch)
                new += len(rows)
                duplicates += len(batch) - len(rows)
        except Exception as exc:
            log.exception("job %s (%s) failed for %s", name, spec.kind, occurrence)
            detail = f"{type(exc).__name__}: {exc}"[:500]
            return self._finish(name, occurrence, RunStatus.failed, reason, new, duplicates, missing, detail)
        result = self._finish(name, occurrence, RunStatus.done, reason, new, duplicates, missing, "")
        log.info("job %s ran for %s (%s): %s", name, occurrence, reason, result.summary())
        return result

    @staticmethod
    def _checked(replies: Iterable[Reply], prefix: str, kind: str) -> Iterator[Reply]:
        for reply in replies:
            if not (reply.dedupe_key or "").startswith(prefix):
                raise ValueError(f"job kind {kind!r} returned a reply without a key from run.key()")
            yield reply

    def _expand(self, replies: Iterable[Reply], groups: tuple[Group, ...]) -> Iterator[Reply]:
        """A push to a group of channel "people" goes to each person of its audience instead.

        Each person's key extends the group's (…:g3:p17), so the expansion is exactly-once too.
        """
        known = {g.id: g for g in groups}
        for reply in replies:
            if not isinstance(reply.to, ToGroup):
                yield reply
                continue
            with self.app.sessions() as session:
                group = known.get(reply.to.group_id) or session.get(Group, reply.to.group_id)
                people = audience_people(session, group) if group is not None and group.channel == PEOPLE_CHANNEL else None
            if people is None:
                yield reply
                continue
            for person in people:
                yield replace(reply, to=ToPerson(person.id), dedupe_key=f"{reply.dedupe_key}:p{person.id}")

    def _finish(self, name, occurrence, status, reason, new, duplicates, missing, detail) -> RunResult:
        if missing and not detail:
            detail = "找不到群：" + "、".join(missing)
        with transaction(self.app.sessions) as session:
            row = state.finish_run(
                session, name, occurrence, status, self.app.clock.now(),
                duplicates=duplicates, detail=detail or None, reason=reason, instance=self.instance,
            )
            total, unreachable = row.written, row.unreachable
        return RunResult(name, occurrence, status, new, duplicates, unreachable, total, missing, detail)

    def run_now(self, name: str) -> RunResult:
        """`jobs run NAME`: the most recent scheduled occurrence (or this minute if it never fired).

        Running it twice sends once: the second run finds every key already written.
        """
        self.spec(name)
        occurrence = self.latest_occurrence(name) or self.now()
        return self.run(name, occurrence, reason="manual")

    def run_due(self, name: str, reason: str = "schedule") -> RunResult | None:
        """Called at a fire time: run the latest occurrence unless paused or too late."""
        now = self.now()
        occurrence = self.latest_occurrence(name, now)
        if occurrence is None:
            return None
        with transaction(self.app.sessions) as session:
            paused = state.ensure_states(session, [name], self.app.clock.now())[name].paused
        if paused:
            log.info("job %s is paused; %s not sent", name, occurrence)
            return self._record(name, occurrence, RunStatus.paused, reason, "任务已暂停")
        late = now - occurrence
        if late > self.grace:
            return self._missed(name, occurrence, late, reason)
        return self.run(name, occurrence, reason=reason)

    def _missed(self, name: str, occurrence: datetime, late: timedelta, reason: str) -> RunResult:
        minutes = int(late.total_seconds() // 60)
        log.warning(
            "job %s: occurrence %s is %d min late, beyond the %d min misfire grace; skipped",
            name, occurrence, minutes, int(self.grace.total_seconds() // 60),
        )
        return self._record(name, occurrence, RunStatus.missed, reason, f"晚了{minutes}分钟")

    def _record(self, name: str, occurrence: datetime, status: str, reason: str, detail: str) -> RunResult:
        with transaction(self.app.sessions) as session:
            existing = state.get_run(session, name, occurrence)
            if existing is None or existing.status not in RunStatus.HANDLED:
                state.finish_run(session, name, occurrence, status, self.app.clock.now(),
                                 detail=detail, reason=reason, instance=self.instance)
        return RunResult(name, occurrence, status, detail=detail)

    def catch_up(self) -> list[RunResult]:
        """At start (or on taking over): the latest occurrence of each enabled job, if not yet handled.

        Within the grace it runs (a crashed or half-done run resumes: only unwritten targets are
        sent); beyond it, it is recorded as missed. Occurrences before the job was first seen
        are not "missed" — the bot did not have the job then.
        """
        now = self.now()
        results: list[RunResult] = []
        enabled = [name for name, spec in self.specs.items() if spec.enabled and spec.kind in self.kinds]
        with transaction(self.app.sessions) as session:
            states = state.ensure_states(session, enabled, self.app.clock.now())
            first_seen = {name: s.first_seen_at for name, s in states.items()}
        for name in enabled:
            occurrence = self.latest_occurrence(name, now)
            if occurrence is None:
                continue
            with self.app.sessions() as session:
                run = state.get_run(session, name, occurrence)
            if run is not None and run.status in RunStatus.HANDLED:
                continue
            if run is None and occurrence < first_seen[name] and now - occurrence > self.grace:
                continue
            results.append(self.run_due(name, reason="catch-up"))
        return [r for r in results if r is not None]
