"""定时任务: the scheduler inside `gridbot serve`, its chat and CLI control, and plain notices."""

from pathlib import Path

from bot.capability import Capability, JobKind
from handlers.jobs import cli
from handlers.jobs.commands import COMMANDS
from handlers.jobs.notice import notice
from scheduler.service import make_plugin

CAPABILITY = Capability(
    name="jobs", phrasings=Path(__file__).parent / "phrasings.tsv",
    title="定时任务",
    commands=COMMANDS,
    jobs=(JobKind("notice", notice, "定时通知"),),
    cli=cli.register,
    server=make_plugin,
)
