"""随手拍: reports with their lifecycle, anonymity, routing and late nudges."""

from pathlib import Path

from bot.capability import Capability, JobKind
from bot.config import ScheduleJob
from handlers.reports import cli, models  # noqa: F401 - models: the tables belong to this capability
from handlers.reports.commands import COMMANDS
from handlers.reports.demo import load_demo_reports
from handlers.reports.jobs import reports_overdue
from handlers.reports.settings import ReportsConfig

CAPABILITY = Capability(
    name="reports", phrasings=Path(__file__).parent / "phrasings.tsv",
    title="随手拍",
    commands=COMMANDS,
    jobs=(
        JobKind("reports_overdue", reports_overdue, "随手拍超时提醒",
                (ScheduleJob(name="reports_overdue", kind="reports_overdue", cron="0 8-20 * * *"),)),
    ),
    migrations=Path(__file__).parent / "migrations",
    settings=ReportsConfig,
    cli=cli.register,
    demo=load_demo_reports,
)
