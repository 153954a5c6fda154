"""帮助: the menu, generated from every capability's commands."""

from pathlib import Path

from bot.capability import Capability
from handlers.help.commands import COMMANDS

CAPABILITY = Capability(name="help", phrasings=Path(__file__).parent / "phrasings.tsv", title="帮助", commands=COMMANDS)
