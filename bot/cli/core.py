from __future__ import annotations

import click

from bot.app import App
from bot.cli.common import CliState, fail, pass_state



def register(cli: click.Group) -> None:
    cli.add_command(init)
    cli.add_command(db)


@click.command()
@click.option("--demo", is_flag=True, help="Also create the demo street (into an empty database).")
@pass_state
def init(state: CliState, demo: bool) -> None:
    """Create or upgrade the database schema; with --demo, load the demo street."""
    app = state.app(require_schema=False)
    app.upgrade()
    click.echo(f"数据库已就绪：{_safe_url(app)}")
    if demo:
        from bot.demo import load_demo

        try:
            load_demo(app)
        except RuntimeError as exc:
            fail(f"演示街道未加载：{exc}")
        click.echo("演示街道已加载：7个社区、7个内设机构、118人（22名领导）。")


@click.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@pass_state
def db_upgrade(state: CliState) -> None:
    """Apply all migrations (keeps data)."""
    app = state.app(require_schema=False)
    app.upgrade()
    click.echo(f"数据库已升级到最新：{app.database_status()}")


def _safe_url(app: App) -> str:
    return app.engine.url.render_as_string(hide_password=True)
