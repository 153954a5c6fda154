"""What every page of the web shell shares: templates and their filters, static files, the session
cookie's path, and the words that send a person back to chat for a new login link."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

DASH_FOLDER = Path(__file__).parent
STATIC_DIR = DASH_FOLDER / "static"
# The session cookie covers /admin/ too: the admin console signs in with the same one-time links.
COOKIE_PATH = "/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GET_NEW_LINK = "在企业微信里给助手发送「看板」，点开回复里的链接即可重新登录（链接10分钟内有效，只能用一次）。"


def _fmt_hours(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def build_env() -> Environment:
    env = Environment(loader=FileSystemLoader(DASH_FOLDER / "templates"), autoescape=select_autoescape(("html",)), trim_blocks=True, lstrip_blocks=True)
    env.filters["h"] = _fmt_hours
    env.filters["pct"] = _pct
    env.filters["dt"] = lambda value, tz: value.astimezone(tz).strftime("%m-%d %H:%M") if value else "—"
    env.filters["d"] = lambda value: f"{value.month}月{value.day}日" if value else "—"
    return env
