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

To add a kind: write the function in the capability's package and declare it as a
bot.capability.JobKind (with its Chinese label and, if it should run by default, its default
ScheduleJob) in that capability's descriptor. The scheduler finds kinds only there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.capability import JobKind, default_jobs
from bot.capability import job_kinds as capability_job_kinds
from bot.config import ScheduleJob
from bot.message import Reply
from bot.groups import audience_people  # noqa: F401 - part of the job interface
from bot.models import Group

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
        """This job's declaration (config [[schedule.jobs]] or the defaults), for kind-specific options."""
        return job_specs(self.app).get(self.name) or ScheduleJob(name=self.name, kind=self.kind)

    @property
    def day(self):
        return self.occurrence.date()


JobFunction = Callable[[JobRun], Iterable[Reply]]

ALL_GROUPS = "*"


def job_kinds(app: App) -> dict[str, JobKind]:
    """Every job kind the capabilities declare, by name."""
    return capability_job_kinds(app.capabilities)


def job_specs(app: App) -> dict[str, ScheduleJob]:
    """The declared jobs by name: the config's, or the capabilities' defaults when it declares none."""
    jobs = app.config.schedule.jobs or default_jobs(app.capabilities)
    return {job.name: job for job in jobs}


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
