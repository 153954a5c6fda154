"""The WeCom (企业微信) self-built app channel: callbacks in, the server API out, group robots for pushes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import App
    from bot.channels.wecom.plugin import WecomPlugin


def make_plugin(app: App) -> WecomPlugin | None:
    """Server plugin factory (bot.server.PLUGINS): None unless [wecom] enabled = true.

    The channel's modules (HTTP client, AES, XML) are imported only then: a server without WeCom
    (the demo street, a WeChat-only street) does not carry them (about 7 MB). Not named `plugin`:
    importing the submodule bot.channels.wecom.plugin would replace that attribute.
    """
    if not app.config.wecom.enabled:
        return None
    from bot.channels.wecom.plugin import WecomPlugin

    return WecomPlugin(app)
