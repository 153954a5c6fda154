from __future__ import annotations

import click
from sqlalchemy import or_, select

from bot.cli.common import CliState, fail, pass_state
from bot.db import transaction
from bot.models import Person


def register(cli: click.Group) -> None:
    cli.add_command(dash)


@click.group()
def dash() -> None:
    """Leaders' dashboard (看板)."""


@dash.command("link")
@click.argument("person")
@pass_state
def link(state: CliState, person: str) -> None:
    """Print a one-time login link (valid 10 minutes) for PERSON: roster id, name or WeCom UserID."""
    from dash import auth

    app = state.app()
    now = app.clock.now()
    with transaction(app.sessions) as session:
        query = select(Person).where(Person.active.is_(True))
        if person.isdigit():
            query = query.where(or_(Person.id == int(person), Person.wecom_userid == person))
        else:
            query = query.where(or_(Person.name == person, Person.wecom_userid == person))
        found = session.scalars(query.order_by(Person.id)).all()
        if not found:
            fail(f"花名册里没有在职人员“{person}”。请用编号、姓名或企业微信账号。")
        if len(found) > 1:
            ids = "、".join(f"{p.name}#{p.id}" for p in found)
            fail(f"“{person}”对应多人（{ids}），请改用编号。")
        token = auth.issue_link(session, found[0], now, "cli", "cli")
        name = found[0].name
    click.echo(f"{name}的看板登录链接（10分钟内有效，只能打开一次）：")
    click.echo(auth.link_url(app.config, token))
