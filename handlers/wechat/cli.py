"""`gridbot people bind-code PERSON` and `gridbot groups bind-room GROUP --topic …` (personal WeChat)."""

from __future__ import annotations

import asyncio
import difflib

import click
from sqlalchemy import select

from bot.cli.common import CliState, fail, pass_state
from bot.config import WechatyConfig
from bot.db import transaction
from bot.models import Group, Person

CHANNEL = "wechaty"


def register(cli: click.Group) -> None:
    # `people` and `groups` belong to other modules; add to them when they exist.
    people = cli.commands.get("people")
    if not isinstance(people, click.Group):
        people = click.Group("people", help="The roster.")
        cli.add_command(people)
    people.add_command(bind_code)
    groups = cli.commands.get("groups")
    if not isinstance(groups, click.Group):
        groups = click.Group("groups", help="Groups: the named audiences pushes go to.")
        cli.add_command(groups)
    groups.add_command(bind_room)


@click.command("bind-code")
@click.argument("person")
@pass_state
def bind_code(state: CliState, person: str) -> None:
    """Print a one-time 6-digit code (valid 24 h) that binds PERSON's WeChat when they send it to the bot."""
    from bot.cli.console import find_person
    from handlers.wechat.binding import CODE_VALID, issue_code

    app = state.app()
    found = find_person(app, person)
    if not found.active:
        fail(f"{found.name}#{found.id} 已停用，不能绑定。")
    with transaction(app.sessions) as session:
        row = issue_code(session, session.get(Person, found.id), CHANNEL, app.clock.now(), actor="cli")
        code = row.code
    hours = int(CODE_VALID.total_seconds() // 3600)
    click.echo(f"{found.name}#{found.id} 的微信绑定码：{code}（{hours}小时内有效，只能用一次；之前的绑定码作废）")
    click.echo(f"请本人用微信把「绑定 {code}」发给机器人。")


@click.command("bind-room")
@click.argument("group")
@click.option("--topic", required=True, help="The WeChat room's name (群聊名称), exactly as shown in WeChat.")
@pass_state
def bind_room(state: CliState, group: str, topic: str) -> None:
    """Send GROUP's pushes to the WeChat room with this topic (found through the puppet service)."""
    from handlers.wechat.binding import bind_room as bind

    app = state.app()
    settings = app.config.wechaty
    if not settings.endpoint or not settings.token.get_secret_value():
        fail("需要先在配置 [wechaty] 里填写 endpoint 和 token。")
    with app.sessions() as session:
        target = session.scalar(select(Group).where(Group.name == group))
    if target is None:
        fail(f"没有叫“{group}”的群组。用 gridbot groups list 查看。")
    try:
        rooms = asyncio.run(room_topics(settings))
    except Exception as exc:  # noqa: BLE001 - any failure here is reported, with the token masked
        fail(f"连不上微信服务（{settings.endpoint}）：{_safe(exc, settings)}")
    matches = [room_id for room_id, name in rooms.items() if name == topic]
    if not matches:
        close = difflib.get_close_matches(topic, list(rooms.values()), n=3, cutoff=0.3)
        hint = f"相近的群：{'、'.join(close)}" if close else f"机器人所在的群共 {len(rooms)} 个，请核对群名，或先把机器人拉进群。"
        fail(f"机器人所在的群里没有叫“{topic}”的。{hint}")
    if len(matches) > 1:
        fail(f"有 {len(matches)} 个群都叫“{topic}”，请先在微信里改成不同的名字，或在群里发「绑定群 {group}」。")
    with transaction(app.sessions) as session:
        bind(session, session.get(Group, target.id), CHANNEL, matches[0], "cli", app.clock.now())
    click.echo(f"已把群组「{group}」绑定到微信群「{topic}」（{matches[0]}）。")


async def room_topics(settings: WechatyConfig) -> dict[str, str]:
    """Every room the bot is in, id → topic, asked of the puppet service without opening the event stream."""
    from bot.channels.wechaty.loader import load_client, mask_tokens

    client = load_client(settings.cache_dir or None)
    token = settings.token.get_secret_value()
    mask_tokens(token)
    puppet = client.PuppetService(client.PuppetOptions(token=token, end_point=settings.endpoint))
    # Start/Stop would restart the account the running server is using: only open the channel.
    puppet._init_puppet()  # noqa: SLF001 - the client's own way to build the authenticated stub
    timeout = settings.rpc_timeout_seconds
    try:
        ids = await asyncio.wait_for(puppet.room_list(), timeout)
        topics = {}
        for room_id in ids:
            payload = await asyncio.wait_for(puppet.room_payload(room_id), timeout)
            topics[room_id] = payload.topic
        return topics
    finally:
        puppet.channel.close()


def _safe(exc: BaseException, settings: WechatyConfig) -> str:
    from grpclib.const import Status
    from grpclib.exceptions import GRPCError

    if isinstance(exc, GRPCError) and exc.status == Status.UNAUTHENTICATED:
        return "token 不被接受，请核对 [wechaty] token"
    text = f"{type(exc).__name__}: {exc}"
    token = settings.token.get_secret_value()
    return text.replace(token, "***") if token else text
