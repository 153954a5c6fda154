"""「看板」: a one-time login link to the leaders' dashboard (挂图作战)."""

from __future__ import annotations

import re

from bot.message import Reply, ToPerson
from bot.router import Command, Context, Match, Reading
from bot.text import normalize
from dash import auth
from dash.scope import scope_for


def dashboard_link(ctx: Context, match: Match) -> list[Reply]:
    person = ctx.person
    # The link itself is made when the reply is sent, so the outbox never holds a usable token.
    payload = auth.link_payload(ctx.config, person, "chat")
    scope = scope_for(ctx.session, person)
    text = (
        f"📊 看板登录链接（10分钟内有效，只能打开一次）：\n{auth.LINK_PLACEHOLDER}\n"
        f"可见范围：{scope.label}。链接等同于您的身份，请勿转发。"
    )
    if ctx.message.chat_id:
        # Whoever clicks the link signs in as this person, so it never goes to a group.
        return [Reply(text, to=ToPerson(person.id), payload=payload), Reply(f"{person.name}，看板登录链接已私信发给您。")]
    return [Reply(text, payload=payload)]


_ASK_LINK = re.compile(r"(?:看板|驾驶舱|挂图作战|数据大屏|后台|管理后台).{0,6}(?:链接|地址|网址|登录|打开|发我|发一下|再发)|(?:打开|登录|进|发我|给我|发一下).{0,4}(?:看板|驾驶舱|数据大屏|后台)")


_ASK_LINK_AT_END = re.compile(r"(?:发|给)(?:我)?(?:一下)?(?:看板|驾驶舱|数据大屏)(?:的)?(?:链接|地址|网址)(?:吧|呗|啊)?[。.!！]*$|(?:看板|驾驶舱)(?:的)?(?:链接|地址|网址)(?:发我|发一下|给我)(?:吧|呗)?[。.!！]*$")


def read_link(text: str, ctx: Context) -> Reading | None:
    """"给我看板链接", "打开看板": asked for, however worded."""
    text = normalize(text)
    if len(text) <= 16 and _ASK_LINK.search(text):
        return Reading(0.9)
    # "…收藏的那个链接也打不开了 你重新发一下看板地址": asked for at the end of a longer message
    if _ASK_LINK_AT_END.search(text) or re.search(r"(?:看板|驾驶舱|数据大屏)(?:的)?(?:链接|地址|网址)(?:再|重新)(?:发|给)", text) \
            or re.search(r"(?:看板|驾驶舱|数据大屏).{0,10}(?:再|重新)(?:发|给)(?:我)?(?:个|一个|一下)?(?:链接|地址|网址)", text):
        return Reading(0.9)  # "那个看板网址再发一遍 上次的找不着了": sent again
    return None


# The heading this module's commands get in 帮助.
HELP_TITLE = "看板"

COMMANDS = (
    Command(
        name="看板", guessable=True,
        patterns=(r"^(看板|数据看板|挂图作战|驾驶舱|dashboard)$",),
        handler=dashboard_link,
        reader=read_link,
        summary="发「看板」获取数据看板的登录链接",
        example="看板",
    ),
)
