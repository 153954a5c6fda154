"""The job interface: what a job kind receives, what it returns, and the registry of kinds.

A job kind is a plain function `(run: JobRun) -> Iterable[Reply]`. It reads what it needs
through `run.app` (open its own short sessions with `run.app.sessions()`), and returns the
pushes for this occurrence. Every Reply MUST carry `dedupe_key=run.key(target)`: the outbox
refuses a second row with the same key, which is what makes a push exactly-once whatever
happens — a restart, `gridbot jobs run`, a second instance, or a crash half-way through.

Rules for a job function:
- Same occurrence in, same pushes out: it may be run again for an occurrence it already ran
  (after a crash, by hand); the keys make the repeat send nothing, so it must not keep other
  side effects that are not themselves keyed by the occurrence.
- It may be a generator: the runner writes replies in batches as they come.
- Group pushes: `Reply(text, to=ToGroup(group.id), dedupe_key=run.key(f"g{group.id}"))` for each
  group in `run.groups`. Person pushes: `Reply(text, to=ToPerson(pid), dedupe_key=run.key(f"p{pid}"))`.
  `audience_people()` expands a group's audience to its people.

To add a kind: write the function in your module and add one line to JOB_KINDS; to schedule it
by default, add a ScheduleJob to DEFAULT_JOBS (used only when the config has no [[schedule.jobs]]).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.config import ScheduleJob
from bot.message import Reply
from bot.models import Group, Person

if TYPE_CHECKING:
    from bot.app import App


@dataclass(frozen=True)
class JobRun:
    """One run of one job at one scheduled time."""

    app: App
    name: str  # job name from config
    kind: str
    occurrence: datetime  # the scheduled fire time, aware, street tz: the identity of this run
    groups: tuple[Group, ...]  # resolved target groups (() if the job targets people, not groups)

    def key(self, target: str) -> str:
        """The dedupe key of this run's push to one target (e.g. "g3" for group 3, "p17" for person 17)."""
        return f"{self.name}:{self.occurrence:%Y%m%dT%H%M}:{target}"

    def spec(self) -> ScheduleJob:
        """This job's declaration (config [[schedule.jobs]] or DEFAULT_JOBS), for kind-specific options."""
        return job_specs(self.app.config).get(self.name) or ScheduleJob(name=self.name, kind=self.kind)

    @property
    def day(self):
        return self.occurrence.date()


JobFunction = Callable[[JobRun], Iterable[Reply]]

# kind name -> "module:function". Other capabilities add one line each.
JOB_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "notice": "scheduler.builtin_jobs:notice",
        "hours_reminder": "scheduler.hours_jobs:hours_reminder",
        "hours_summary": "scheduler.hours_jobs:hours_summary",
        "morning_lesson": "domain.lessons.jobs:morning_lesson",
        "lesson_reminder": "domain.lessons.jobs:lesson_reminder",
        "lesson_coverage": "domain.lessons.jobs:lesson_coverage",
        "quiz_push": "domain.quiz.jobs:quiz_push",
        "reports_overdue": "domain.reports.jobs:reports_overdue",
        "ledger_reminders": "domain.ledger.jobs:ledger_reminders",
    }
)

# Used when the config declares no [[schedule.jobs]]. targets: group names, "*" = every active
# group, empty = the job addresses people itself.
DEFAULT_JOBS: tuple[ScheduleJob, ...] = (
    ScheduleJob(name="hours_reminder", kind="hours_reminder", cron="0 9 25 * *"),
    ScheduleJob(name="hours_summary", kind="hours_summary", cron="0 9 1 * *"),
    ScheduleJob(name="morning_lesson", kind="morning_lesson", workdays_at="07:50", targets=["*"]),
    ScheduleJob(name="daily_quiz", kind="quiz_push", workdays_at="09:00", targets=["*"]),
    ScheduleJob(name="lesson_reminder", kind="lesson_reminder", cron="0 16 * * fri", targets=["*"]),
    ScheduleJob(name="lesson_coverage", kind="lesson_coverage", cron="30 16 * * fri", targets=["领导班子群"]),
    ScheduleJob(name="reports_overdue", kind="reports_overdue", cron="0 8-20 * * *"),
    ScheduleJob(name="ledger_reminders", kind="ledger_reminders", cron="0 9 * * *"),
)

ALL_GROUPS = "*"


def job_specs(config) -> dict[str, ScheduleJob]:
    """The declared jobs by name: the config's, or DEFAULT_JOBS when it declares none."""
    jobs = config.schedule.jobs or DEFAULT_JOBS
    return {job.name: job for job in jobs}


def load_kind(kind: str, kinds: Mapping[str, str] = JOB_KINDS) -> JobFunction:
    try:
        spec = kinds[kind]
    except KeyError:
        raise LookupError(f"unknown job kind {kind!r}; known: {', '.join(sorted(kinds))}") from None
    module, function = spec.split(":")
    return getattr(importlib.import_module(module), function)


def resolve_groups(session: Session, targets: Iterable[str]) -> tuple[tuple[Group, ...], tuple[str, ...]]:
    """The active groups named by `targets` (in the order given) and the names that matched none."""
    names = list(targets)
    if not names:
        return (), ()
    if ALL_GROUPS in names:
        groups = session.scalars(select(Group).where(Group.active.is_(True)).order_by(Group.id)).all()
        return tuple(groups), ()
    found = {g.name: g for g in session.scalars(select(Group).where(Group.name.in_(names), Group.active.is_(True)))}
    missing = tuple(n for n in names if n not in found)
    return tuple(found[n] for n in names if n in found), missing


def audience_people(session: Session, group: Group) -> list[Person]:
    """The active people a group stands for: its audience {"units": [ids], "roles": [names], "people": [ids]}.

    The sets are united (a person in a listed unit OR with a listed role OR listed by id).
    An empty audience stands for nobody.
    """
    audience = group.audience or {}
    conditions = []
    if audience.get("units"):
        conditions.append(Person.unit_id.in_([int(u) for u in audience["units"]]))
    if audience.get("roles"):
        conditions.append(Person.role.in_([str(r) for r in audience["roles"]]))
    if audience.get("people"):
        conditions.append(Person.id.in_([int(p) for p in audience["people"]]))
    if not conditions:
        return []
    query = select(Person).where(Person.active.is_(True), or_(*conditions)).order_by(Person.id)
    return list(session.scalars(query))
