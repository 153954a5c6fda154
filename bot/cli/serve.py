from __future__ import annotations

import click

from bot.cli.common import CliState, fail, pass_state


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

    listener = _listen(state, host, port)
    app = state.app()
    logging.getLogger().setLevel(logging.INFO)
    click.echo(f"gridbot 已启动 / serving: {app.config.server.link_base}  （健康检查 /healthz；Ctrl-C 停止）")
    run(app, listener)


def _listen(state: CliState, host: str | None, port: int | None):
    """Bind first; then the configuration carries the address really listened on (port 0 = any)."""
    from bot.server import PortBusy, open_listener

    server = state.config.server
    host = host or server.host
    try:
        listener = open_listener(host, server.port if port is None else port)
    except PortBusy as exc:
        fail(str(exc))
    actual = listener.getsockname()[1]
    state.config = state.config.model_copy(update={"server": server.model_copy(update={"host": host, "port": actual})})
    return listener


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

    listener = None if no_serve else _listen(state, None, port)
    config = state.config.model_copy(update={"server": state.config.server.model_copy(update={"demo": True})})
    app = App.build(config, state.capabilities)
    app.upgrade()
    with app.sessions() as session:
        empty = session.query(Person).count() == 0
    if empty:
        load_demo(app)
        click.echo("演示街道已创建：7个社区、7个内设机构、118人。")
    else:
        click.echo("使用已有的演示数据库。")
    url = config.server.link_base
    click.echo(
        "\n试一试：\n"
        f"  浏览器打开 {url}/try ，选一位演示人员和机器人对话；\n"
        "  或在另一个终端：gridbot chat --as 张伟   （干部）\n"
        "                  gridbot say --as 张伟 \"服务 两个半小时 入户走访 昨天\"\n"
        "                  gridbot chat --as 王建国 （领导）  gridbot chat --as 林晓雯 （管理员）\n"
    )
    if listener is not None:
        click.echo(f"gridbot 已启动 / serving: {url}  （Ctrl-C 停止）")
        run(app, listener)
