"""Handlers: one module per capability, each exporting COMMANDS, a tuple of bot.router.Command."""

from __future__ import annotations

import importlib

from bot.router import Command

# Order matters only for equal priorities: earlier modules are tried first.
HANDLER_MODULES: tuple[str, ...] = (
    "handlers.help",
    "handlers.hours",
    "handlers.lessons",
    "handlers.quiz",
    "handlers.jobs",
    "handlers.dash",
    "handlers.wechat_binding",
    "handlers.reports",
    "handlers.ledger",
    "handlers.rules",
)


def all_commands() -> list[Command]:
    commands: list[Command] = []
    for name in HANDLER_MODULES:
        commands.extend(importlib.import_module(name).COMMANDS)
    return commands


def help_titles() -> dict[str, str]:
    """Handler module → its heading in 帮助, in registration order."""
    return {name: getattr(importlib.import_module(name), "HELP_TITLE", "其他") for name in HANDLER_MODULES}
