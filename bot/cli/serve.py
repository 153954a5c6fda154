from __future__ import annotations

import click

from bot.cli.common import CliState, pass_state


def register(cli: click.Group) -> None:
    cli.add_command(serve)
    cli.add_command(demo)


@click.command()
@click.option("--host", help="Override [server] host.")
@click.option("--port", type=int, help="Override [server] port.")
@pass_state
def serve(state: CliState, host: str | None, port: int | None) -> None:
    """Run the HTTP server, the channels and the scheduler until SIGINT/SIGTERM."""
    import logging

    from bot.server import serve as run

    logging.getLogger().setLevel(logging.INFO)
    run(state.app(), host=host, port=port)


@click.command()
@click.option("--port", type=int, default=None, help="Port for the try-it page (default [server] port).")
@click.option("--no-serve", is_flag=True, help="Only prepare the demo database, do not start the server.")
@pass_state
def demo(state: CliState, port: int | None, no_serve: bool) -> None:
    """Bring up the demo street on the embedded SQLite database and serve it."""
    from bot.app import App
    from bot.demo import load_demo
    from bot.models import Person
    from bot.server import serve as run

    server = state.config.server
    updates: dict = {"demo": True}
    if port is not None:
        updates["port"] = port
        if any(host in server.public_url for host in ("127.0.0.1", "localhost")):
            # Links the bot hands out (看板) must point where this demo actually listens.
            updates["public_url"] = f"http://127.0.0.1:{port}"
    config = state.config.model_copy(update={"server": server.model_copy(update=updates)})
    app = App.build(config, state.capabilities)
    app.upgrade()
    with app.sessions() as session:
        empty = session.query(Person).count() == 0
    if empty:
        load_demo(app)
        click.echo("演示街道已创建：7个社区、7个内设机构、118人。")
    else:
        click.echo("使用已有的演示数据库。")
    url = f"{config.server.public_url.rstrip('/')}"
    click.echo(
        "\n试一试：\n"
        f"  浏览器打开 {url}/try ，选一位演示人员和机器人对话；\n"
        "  或在另一个终端：gridbot chat --as 张伟   （干部）\n"
        "                  gridbot say --as 张伟 \"服务 两个半小时 入户走访 昨天\"\n"
        "                  gridbot chat --as 王建国 （领导）  gridbot chat --as 林晓雯 （管理员）\n"
    )
    if not no_serve:
        run(app)
