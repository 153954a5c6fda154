"""作风微课堂: the lesson library, the morning push, confirmations and coverage."""

from pathlib import Path

from bot.capability import Capability, JobKind
from bot.config import ScheduleJob
from handlers.lessons import cli, models  # noqa: F401 - models: the tables belong to this capability
from handlers.lessons.commands import COMMANDS
from handlers.lessons.demo import load_demo_lesson_history, load_demo_lessons
from handlers.lessons.jobs import lesson_coverage, lesson_reminder, morning_lesson
from handlers.lessons.settings import LessonsConfig

CAPABILITY = Capability(
    name="lessons", phrasings=Path(__file__).parent / "phrasings.tsv",
    title="微课",
    commands=COMMANDS,
    jobs=(
        JobKind("morning_lesson", morning_lesson, "作风微课堂",
                (ScheduleJob(name="morning_lesson", kind="morning_lesson", workdays_at="07:50", targets=["*"]),)),
        JobKind("lesson_reminder", lesson_reminder, "微课学习提醒",
                (ScheduleJob(name="lesson_reminder", kind="lesson_reminder", cron="0 16 * * fri", targets=["*"]),)),
        JobKind("lesson_coverage", lesson_coverage, "微课覆盖汇总",
                (ScheduleJob(name="lesson_coverage", kind="lesson_coverage", cron="30 16 * * fri", targets=["领导班子群"]),)),
    ),
    migrations=Path(__file__).parent / "migrations",
    settings=LessonsConfig,
    cli=cli.register,
    demo=load_demo_lessons,
    demo_history=load_demo_lesson_history,
)
