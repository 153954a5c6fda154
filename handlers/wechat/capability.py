"""Personal WeChat: binding people and rooms, and the puppet-service channel inside `gridbot serve`."""

from pathlib import Path

from bot.capability import Capability
from bot.channels.wechaty import plugin
from handlers.wechat import cli, models  # noqa: F401 - models: the tables belong to this capability
from handlers.wechat.commands import COMMANDS

CAPABILITY = Capability(
    name="wechat", phrasings=Path(__file__).parent / "phrasings.tsv",
    title="绑定微信",
    commands=COMMANDS,
    migrations=Path(__file__).parent / "migrations",
    cli=cli.register,
    server=plugin,
)
