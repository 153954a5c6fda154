"""每日一题 / 知识竞赛: the question bank, group pushes, answers, practice and the leaderboard."""

from pathlib import Path

from bot.capability import Capability, JobKind
from bot.config import ScheduleJob
from handlers.quiz import cli, models  # noqa: F401 - models: the tables belong to this capability
from handlers.quiz.commands import COMMANDS
from handlers.quiz.demo import load_demo_questions, load_demo_quiz_history
from handlers.quiz.jobs import quiz_push
from handlers.quiz.settings import QuizConfig

CAPABILITY = Capability(
    name="quiz", phrasings=Path(__file__).parent / "phrasings.tsv",
    title="答题",
    commands=COMMANDS,
    jobs=(
        JobKind("quiz_push", quiz_push, "每日一题",
                (ScheduleJob(name="daily_quiz", kind="quiz_push", workdays_at="09:00", targets=["*"]),)),
    ),
    migrations=Path(__file__).parent / "migrations",
    settings=QuizConfig,
    cli=cli.register,
    demo=load_demo_questions,
    demo_history=load_demo_quiz_history,
)
