"""帮助: the menu, generated from every capability's commands."""

from bot.capability import Capability
from handlers.help.commands import COMMANDS

CAPABILITY = Capability(name="help", title="帮助", commands=COMMANDS)
