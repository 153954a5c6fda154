"""The `gridbot` command line. Each capability adds its commands from its own module (CLI_MODULES)."""

from __future__ import annotations

import importlib
import logging
import sys

import click

from bot.cli.common import CliState, fail
from bot.config import ConfigError, load_config, resolve_config_path

# Modules that define a `register(group: click.Group)` function.
CLI_MODULES: tuple[str, ...] = (
    "bot.cli.core",
    "bot.cli.backup",
    "bot.cli.people",
    "bot.cli.console",
    "bot.cli.hours",
    "bot.cli.audit",
    "bot.cli.learning",
    "bot.cli.serve",
    "bot.cli.dash",
    "bot.cli.jobs",
    "bot.cli.rules",
    "bot.cli.ledger",
    "bot.cli.wechat",  # after people and jobs: it adds to their `people` and `groups` groups
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", metavar="PATH", help="TOML config file (default: $GRIDBOT_CONFIG or ./gridbot.toml)")
@click.option("-v", "--verbose", is_flag=True, help="Log more.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: bool) -> None:
    """网格作风助手 gridbot."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    path = resolve_config_path(config_path)
    try:
        config = load_config(path)
    except ConfigError as exc:
        fail(str(exc), code=2)
    ctx.obj = CliState(config=config, config_path=path)
    ctx.call_on_close(ctx.obj.close)


for _name in CLI_MODULES:
    importlib.import_module(_name).register(cli)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
