"""The one list of capabilities. Everything else (CLI, server, scheduler, dashboard, demo,
migrations, configuration, 帮助) reads it; adding a capability is its folder plus one line here.

The order matters in two places only: commands of equal priority are tried in this order, and
帮助 lists the capabilities in this order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine

from bot.app import App
from bot.capability import Capability, migration_folders
from bot.cli import build_cli, run
from bot.clock import Clock
from bot.config import Config
from bot.config import config_from_dict as _config_from_dict
from bot.config import load_config as _load_config
from bot.db import upgrade
from handlers.admin.capability import CAPABILITY as ADMIN
from handlers.dashboard.capability import CAPABILITY as DASHBOARD
from handlers.help.capability import CAPABILITY as HELP
from handlers.hours.capability import CAPABILITY as HOURS
from handlers.jobs.capability import CAPABILITY as JOBS
from handlers.ledger.capability import CAPABILITY as LEDGER
from handlers.lessons.capability import CAPABILITY as LESSONS
from handlers.people.capability import CAPABILITY as PEOPLE
from handlers.quiz.capability import CAPABILITY as QUIZ
from handlers.reports.capability import CAPABILITY as REPORTS
from handlers.rules.capability import CAPABILITY as RULES
from handlers.wechat.capability import CAPABILITY as WECHAT

CAPABILITIES: tuple[Capability, ...] = (
    HELP,
    PEOPLE,
    HOURS,
    LESSONS,
    QUIZ,
    JOBS,
    DASHBOARD,
    ADMIN,
    WECHAT,
    REPORTS,
    LEDGER,
    RULES,
)


def load_config(path=None, environ=None, capabilities: Sequence[Capability] = CAPABILITIES) -> Config:
    return _load_config(path, environ, capabilities)


def config_from_dict(data: dict[str, Any], capabilities: Sequence[Capability] = CAPABILITIES) -> Config:
    return _config_from_dict(data, capabilities)


def build_app(config: Config, clock: Clock | None = None, capabilities: Sequence[Capability] = CAPABILITIES, **kwargs) -> App:
    return App.build(config, capabilities, clock=clock, **kwargs)


def upgrade_schema(engine: Engine) -> None:
    """Migrate a database to the schema of every capability in the list (for tests and benchmarks)."""
    upgrade(engine, migration_folders(CAPABILITIES))


cli = build_cli(CAPABILITIES)


def main() -> None:
    run(cli)


if __name__ == "__main__":
    main()
