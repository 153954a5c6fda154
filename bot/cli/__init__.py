"""The `gridbot` command line: the core's commands, then each capability's (its descriptor's `cli`).

`build_cli(capabilities)` makes the command group; handlers/composition.py calls it with the list.
"""

from __future__ import annotations

import logging
import sys

from collections.abc import Sequence

import click

from bot.capability import Capability
from bot.cli import audit, backup, console, core, serve
from bot.cli.common import CliState, fail
from bot.config import ConfigError, load_config, resolve_config_path

CORE_COMMANDS = (core.register, backup.register, console.register, audit.register, serve.register)


def build_cli(capabilities: Sequence[Capability]) -> click.Group:
    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.option("--config", "config_path", metavar="PATH", help="TOML config file (default: $GRIDBOT_CONFIG or ./gridbot.toml)")
    @click.option("-v", "--verbose", is_flag=True, help="Log more.")
    @click.pass_context
    def cli(ctx: click.Context, config_path: str | None, verbose: bool) -> None:
        """网格作风助手 gridbot."""
        logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        path = resolve_config_path(config_path)
        try:
            config = load_config(path, capabilities=capabilities)
        except ConfigError as exc:
            fail(str(exc), code=2)
        ctx.obj = CliState(config=config, config_path=path, capabilities=tuple(capabilities))
        ctx.call_on_close(ctx.obj.close)

    for register in CORE_COMMANDS:
        register(cli)
    for capability in capabilities:
        if capability.cli is not None:
            capability.cli(cli)
    return cli


def run(cli: click.Group) -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
