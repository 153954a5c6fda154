"""管理后台: the office clerk's console at /admin/, signed in like the dashboard."""

from __future__ import annotations

from starlette.routing import BaseRoute

from bot.app import App
from bot.capability import Capability
from handlers.admin import admin_routes


class AdminConsole:
    """Only routes: the console's work happens in the request that asks for it."""

    def __init__(self, app: App) -> None:
        self.app = app

    def routes(self) -> list[BaseRoute]:
        return admin_routes(self.app)

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass


CAPABILITY = Capability(name="admin", title="管理后台", server=AdminConsole)
