"""What a capability contributes, declared once.

A capability (hours, reports, rules …) lives in one package under handlers/ and describes itself
with one `Capability` value. The composition module (handlers/composition.py) lists those values;
the CLI, the server, the scheduler, the dashboard, the demo loader, the migrations, the
configuration and 帮助 all read that list. The core never names a capability: it only walks the
list it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from bot.config import ScheduleJob, Section
from bot.message import Reply
from bot.router import Command

if TYPE_CHECKING:
    from datetime import date

    import click
    from sqlalchemy.orm import Session
    from starlette.routing import BaseRoute

    from bot.app import App


class ServerPlugin(Protocol):
    """Something `gridbot serve` runs: routes to mount, and work started and stopped with the server."""

    def routes(self) -> list[BaseRoute]: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True)
class JobKind:
    """A kind of scheduled job: `run(job_run)` yields the pushes of one occurrence.

    `label` is what admins read in 定时任务 and `gridbot jobs list`; `defaults` are the jobs of this
    kind scheduled when the configuration declares no [[schedule.jobs]].
    """

    name: str
    run: Callable[[Any], Iterable[Reply]]
    label: str
    defaults: tuple[ScheduleJob, ...] = ()


@dataclass(frozen=True)
class SectionView:
    """One capability's block on the dashboard overview: a few figures and an optional chart."""

    tiles: Sequence[tuple[str, str]]
    note: str = ""
    chart: dict | None = None


@dataclass(frozen=True)
class DashQuery:
    """What a dashboard section is asked for: whose figures (scope), which month, as of when."""

    session: Session
    scope: Any  # dash.scope.Scope: which units and people the signed-in person may see
    first_day: date
    last_day: date
    now: Any  # aware datetime in the street's time zone
    config: Any


@dataclass(frozen=True)
class DashSection:
    """A block on the dashboard overview; `figures` returns None when there is nothing to show."""

    key: str
    title: str
    figures: Callable[[DashQuery], SectionView | None]


DemoLoader = Callable[["Session", "App", "date"], None]


@dataclass(frozen=True)
class Capability:
    name: str  # also the name of its configuration section, when it has settings
    title: str  # its heading in 帮助
    commands: tuple[Command, ...] = ()
    jobs: tuple[JobKind, ...] = ()
    # Its Alembic versions folder (one branch, labelled with its name); None = no tables of its own.
    migrations: Path | None = None
    settings: type[Section] | None = None
    cli: Callable[[click.Group], None] | None = None
    dash: tuple[DashSection, ...] = ()
    # Demo data in two rounds: `demo` after the roster, `demo_history` after every capability's `demo`.
    demo: DemoLoader | None = None
    demo_history: DemoLoader | None = None
    # Work inside `gridbot serve` (a channel, the scheduler, the dashboard): None when not configured.
    server: Callable[[App], ServerPlugin | None] | None = None
    # Labelled messages as cadres type them (command<TAB>message) for the router's second opinion
    # (bot/guess.py); None = the capability's commands are recognised by their words and readers only.
    phrasings: Path | None = None
    extras: dict[str, Any] = field(default_factory=dict)


def job_kinds(capabilities: Iterable[Capability]) -> dict[str, JobKind]:
    kinds: dict[str, JobKind] = {}
    for capability in capabilities:
        for kind in capability.jobs:
            if kind.name in kinds:
                raise ValueError(f"job kind {kind.name!r} is declared twice")
            kinds[kind.name] = kind
    return kinds


def default_jobs(capabilities: Iterable[Capability]) -> tuple[ScheduleJob, ...]:
    return tuple(job for kind in job_kinds(capabilities).values() for job in kind.defaults)


def migration_folders(capabilities: Iterable[Capability]) -> list[Path]:
    return [c.migrations for c in capabilities if c.migrations is not None]


def check_unique(capabilities: Sequence[Capability]) -> None:
    names = [c.name for c in capabilities]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"capabilities listed twice: {', '.join(repeated)}")
