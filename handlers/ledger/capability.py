"""整改台账: rectification tasks, reminders and escalation, 回头看, and the xlsx round trip."""

from pathlib import Path

from bot.capability import Capability, JobKind
from bot.config import ScheduleJob
from handlers.ledger import cli, models  # noqa: F401 - models: the tables belong to this capability
from handlers.ledger.commands import COMMANDS
from handlers.ledger.demo import load_demo_ledger
from handlers.ledger.jobs import ledger_reminders
from handlers.ledger.settings import LedgerConfig

CAPABILITY = Capability(
    name="ledger", phrasings=Path(__file__).parent / "phrasings.tsv",
    title="整改台账",
    commands=COMMANDS,
    jobs=(
        JobKind("ledger_reminders", ledger_reminders, "整改任务提醒",
                (ScheduleJob(name="ledger_reminders", kind="ledger_reminders", cron="0 9 * * *"),)),
    ),
    migrations=Path(__file__).parent / "migrations",
    settings=LedgerConfig,
    cli=cli.register,
    demo=load_demo_ledger,
)
