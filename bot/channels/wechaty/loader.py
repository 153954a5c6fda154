"""Importing the puppet-service client safely: only when WeChat is enabled, outside the project tree, quietly.

`wechaty_puppet.config` creates a `.wechaty/` folder in the current directory when it is imported
and reads no setting for where; its loggers print on their own handlers, and the client logs the
token when given both a token and an endpoint. So the import runs from a cache directory, and
its loggers are made to go through ours with the token masked.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WECHATY_LOGGERS = (
    "PuppetService",
    "WechatyPuppetServiceConfig",
    "WechatyPuppet.Schemas.Event",
    "WechatyPuppet.Schema.Base",
    "FileBox",
)
MISSING = "个人微信通道需要可选依赖：pip install 'gridbot[wechat]'（wechaty-puppet-service 等）"


class WechatNotInstalled(RuntimeError):
    pass


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gridbot"


@dataclass(frozen=True)
class Client:
    PuppetService: Any
    PuppetOptions: Any


def load_client(cache_dir: str | Path | None = None) -> Client:
    """Import the client, creating its `.wechaty/` folder under `cache_dir`, never in the project."""
    if "wechaty_puppet_service" not in sys.modules:
        _import_from(Path(cache_dir) if cache_dir else default_cache_dir())
    _route_logs()
    from wechaty_puppet import PuppetOptions
    from wechaty_puppet_service import PuppetService

    return Client(PuppetService, PuppetOptions)


def _import_from(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    previous = os.getcwd()
    # The working directory is process-wide: this runs once, at start-up, before any other work.
    os.chdir(target)
    try:
        importlib.import_module("wechaty_puppet_service")
        # The module that makes the folder; loaded here so that no later import makes it elsewhere.
        importlib.import_module("wechaty_puppet.config")
    except ImportError as exc:
        raise WechatNotInstalled(MISSING) from exc
    finally:
        os.chdir(previous)


def _route_logs() -> None:
    # hpack logs every HTTP/2 header at DEBUG, and the token travels as the :authority header.
    logging.getLogger("hpack").setLevel(logging.INFO)
    for name in WECHATY_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
        # Its warnings are configuration chatter; what matters, the channel logs itself.
        logger.setLevel(logging.ERROR)


class MaskSecret(logging.Filter):
    """Replaces a secret in a log record's message; the client formats its messages itself."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret:
            message = record.getMessage()
            if self.secret in message:
                record.msg = message.replace(self.secret, "***")
                record.args = None
        return True


# The client also reads tokens from these variables, and logs them when it finds two.
TOKEN_VARIABLES = ("WECHATY_PUPPET_SERVICE_TOKEN", "TOKEN", "token")


def mask_tokens(token: str) -> None:
    for secret in (token, *(os.environ.get(name, "") for name in TOKEN_VARIABLES)):
        if secret:
            mask_token(secret)


def mask_token(token: str) -> MaskSecret:
    """Install (once per token) a filter that keeps the token out of the client's log lines."""
    logger = logging.getLogger("PuppetService")
    for existing in logger.filters:
        if isinstance(existing, MaskSecret) and existing.secret == token:
            return existing
    mask = MaskSecret(token)
    logger.addFilter(mask)
    return mask
