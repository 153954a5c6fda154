"""The console channel's commands: chat, say, outbox."""

from __future__ import annotations

from datetime import datetime

import click
from sqlalchemy import or_, select

from bot.app import App
from bot.cli.common import FORMAT, CliState, fail, pass_state, print_rows
from bot.message import Incoming
from bot.models import Group, OutboundMessage, Person


def register(cli: click.Group) -> None:
    cli.add_command(say)
    cli.add_command(chat)
    cli.add_command(outbox)


def find_person(app: App, who: str) -> Person:
    """PERSON is a roster id, a WeCom UserID, or a unique name."""
    with app.sessions() as session:
        if who.isdigit():
            person = session.get(Person, int(who))
            if person is not None:
                return person
        matches = session.scalars(select(Person).where(or_(Person.wecom_userid == who, Person.name == who))).all()
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        fail(f"“{who}”对应多个人，请改用编号：" + "、".join(f"{p.name}#{p.id}" for p in matches))
    fail(f"花名册里找不到“{who}”。用 gridbot people list 查看编号或姓名。")


def _printer(app: App, me: Person):
    def show(row: OutboundMessage) -> None:
        if row.target == str(me.id) and row.group_id is None:
            click.echo(row.text)
            click.echo()
        elif row.group_id is not None:
            with app.sessions() as session:
                group = session.get(Group, row.group_id)
            click.secho(f"[推送到 {group.name if group else row.target}]", fg="cyan")
            click.echo(row.text)
            click.echo()
        elif row.person_id is not None:
            with app.sessions() as session:
                other = session.get(Person, row.person_id)
            first = row.text.splitlines()[0] if row.text else ""
            click.secho(f"（已通知 {other.name if other else row.target}：{first}）", fg="cyan")
    return show


def _message(app: App, me: Person, text: str, number: int) -> Incoming:
    return Incoming(channel="console", sender=str(me.id), timestamp=app.clock.now(), text=text, message_id=f"console-{number}")


@click.command()
@click.option("--as", "who", required=True, metavar="PERSON", help="Roster id, WeCom UserID or unique name.")
@click.argument("text")
@pass_state
def say(state: CliState, who: str, text: str) -> None:
    """Send one message as PERSON and print the replies."""
    app = state.app()
    me = find_person(app, who)
    app.console.attach(_printer(app, me))
    app.handle(_message(app, me, text, 1))


@click.command()
@click.option("--as", "who", required=True, metavar="PERSON", help="Roster id, WeCom UserID or unique name.")
@pass_state
def chat(state: CliState, who: str) -> None:
    """Talk to the bot as PERSON (empty line or Ctrl-D to leave)."""
    app = state.app()
    me = find_person(app, who)
    app.console.attach(_printer(app, me))
    click.echo(f"以 {me.name}（#{me.id}）的身份对话。发「帮助」看能做什么，空行或 Ctrl-D 退出。")
    number = 0
    while True:
        try:
            text = input("> ")
        except EOFError:
            break
        if not text.strip():
            break
        number += 1
        app.handle(_message(app, me, text, number))


@click.command()
@click.option("--since", metavar="ISO-DATETIME", help="Only messages from this time on (street time zone if none given).")
@FORMAT
@click.option("--limit", type=int, default=200, show_default=True)
@pass_state
def outbox(state: CliState, since: str | None, fmt: str, limit: int) -> None:
    """List what the bot sent: replies and pushes, on every channel."""
    app = state.app()
    tz = app.config.tz
    query = select(OutboundMessage).order_by(OutboundMessage.id.desc()).limit(limit)
    if since:
        try:
            moment = datetime.fromisoformat(since)
        except ValueError:
            fail(f"--since 格式不对：{since}（例：2026-11-25T08:00）")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=tz)
        query = query.where(OutboundMessage.created_at >= moment)
    with app.sessions() as session:
        rows = list(reversed(session.scalars(query).all()))
    print_rows(
        ["time", "channel", "target", "status", "text"],
        [[r.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), r.channel, r.target, r.status, r.text if fmt == "tsv" else r.text[:60]] for r in rows],
        fmt,
    )
