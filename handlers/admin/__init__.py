"""The admin console at /admin/: the office clerk's browser pages over the same services the CLI uses.

`admin_routes(app)` is the one entry point: the dashboard's plugin mounts what it returns, so the
console shares the dashboard's sign-in (one-time link, session cookie) and look.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from bot.app import App


def admin_routes(app: App) -> list[BaseRoute]:
    from handlers.admin.web import AdminSite

    return AdminSite(app).routes()
