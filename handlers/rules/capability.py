"""问规定: the conduct rules knowledge base, answered with the article cited."""

from pathlib import Path

from bot.capability import Capability
from handlers.rules import cli, models  # noqa: F401 - models: the tables belong to this capability
from handlers.rules.commands import COMMANDS
from handlers.rules.demo import load_samples
from handlers.rules.settings import RulesConfig
from handlers.rules.warmup import plugin

CAPABILITY = Capability(
    name="rules", phrasings=Path(__file__).parent / "phrasings.tsv",
    title="问规定",
    commands=COMMANDS,
    migrations=Path(__file__).parent / "migrations",
    settings=RulesConfig,
    cli=cli.register,
    demo=load_samples,
    server=plugin,
)
