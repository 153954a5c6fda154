"""下沉网格服务时长: logging hours, the month's figures, reminders and the leaders' summary."""

from pathlib import Path

from bot.capability import Capability, JobKind
from bot.config import ScheduleJob
from handlers.hours import cli, models  # noqa: F401 - models: the tables belong to this capability
from handlers.hours.commands import COMMANDS
from handlers.hours.demo import load_demo_hours
from handlers.hours.jobs import hours_reminder, hours_summary
from handlers.hours.settings import HoursConfig

CAPABILITY = Capability(
    name="hours", phrasings=Path(__file__).parent / "phrasings.tsv",
    title="服务时长",
    commands=COMMANDS,
    jobs=(
        JobKind("hours_reminder", hours_reminder, "服务时长提醒",
                (ScheduleJob(name="hours_reminder", kind="hours_reminder", cron="0 9 25 * *"),)),
        JobKind("hours_summary", hours_summary, "上月时长汇总",
                (ScheduleJob(name="hours_summary", kind="hours_summary", cron="0 9 1 * *"),)),
    ),
    migrations=Path(__file__).parent / "migrations",
    settings=HoursConfig,
    cli=cli.register,
    demo=load_demo_hours,
)
