"""挂图作战: the leaders' dashboard (served by dash/) and the 看板 login link."""

from bot.capability import Capability
from handlers.dashboard.web import plugin
from handlers.dashboard import cli
from handlers.dashboard.commands import COMMANDS

CAPABILITY = Capability(name="dashboard", title="看板", commands=COMMANDS, cli=cli.register, server=plugin)
