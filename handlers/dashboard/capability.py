"""挂图作战: the leaders' dashboard (served by dash/) and the 看板 login link."""

from pathlib import Path

from bot.capability import Capability
from dash.auth import render_login_link
from handlers.dashboard.web import plugin
from handlers.dashboard import cli
from handlers.dashboard.commands import COMMANDS

# The login link is made when the reply is sent, never stored (bot/outbound_render.py).
CAPABILITY = Capability(name="dashboard", phrasings=Path(__file__).parent / "phrasings.tsv", title="看板", commands=COMMANDS, cli=cli.register, server=plugin,
                        extras={"outbox_renderers": {"dash_link": render_login_link}})
