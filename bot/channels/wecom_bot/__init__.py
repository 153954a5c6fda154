"""The WeCom AI bot (智能机器人) over its long connection: single chats and @-mentions in groups.

Nothing here opens a connection unless `[wecom_bot] enabled` is true, and then only inside
`gridbot serve` (docs/wecom-aibot.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import App
    from bot.channels.wecom_bot.plugin import WecomBotPlugin


def make_plugin(app: App) -> WecomBotPlugin | None:
    """Server plugin factory (bot.server.PLUGINS): None unless `[wecom_bot] enabled`. Not named
    `plugin`: importing the submodule bot.channels.wecom_bot.plugin would replace that attribute."""
    if not app.config.wecom_bot.enabled:
        return None
    from bot.channels.wecom_bot.plugin import WecomBotPlugin

    return WecomBotPlugin(app)
