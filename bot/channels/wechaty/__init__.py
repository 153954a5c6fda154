"""Personal WeChat through a Wechaty puppet service (optional extra `gridbot[wechat]`).

Nothing here imports the WeChat client unless `[wechaty] enabled` is true, so the core runs
without the extra installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import App
    from bot.channels.wechaty.server_plugin import WechatyPlugin


def plugin(app: App) -> WechatyPlugin | None:
    """Server plugin factory (bot.server.PLUGINS): None unless `[wechaty] enabled`."""
    if not app.config.wechaty.enabled:
        return None
    from bot.channels.wechaty.server_plugin import WechatyPlugin

    return WechatyPlugin(app)
