"""Binding's public functions, for other capabilities (the admin console issues binding codes)."""

from handlers.wechat.binding import CODE_VALID, issue_code  # noqa: F401
