"""绑定: link a chat contact to a roster person with a one-time code, and a chat room to a group.

A contact that is not bound yet is an unregistered sender, so `绑定 123456` must work without a
person. The contact id and room id come from the message itself, whatever channel carried it.
"""

from __future__ import annotations

import difflib
import re

from sqlalchemy import select

from bot.models import Group
from bot.router import ADMINS, Command, Context, Match, Reading
from bot.text import normalize
from handlers.wechat.binding import MAX_FAILURES, bind_room, recent_failures, redeem

CODE = re.compile(r"^\d{6}$")

HOW_TO = "绑定码是6位数字，请这样发：绑定 123456"


# "我的绑定码是 123456", "网格员给了我一个码620458 咋用 绑上": six digits, and binding named around them.
_CODE_IN_TEXT = re.compile(r"(?:绑定码|验证码|邀请码|激活码).{0,6}?(?P<code>\d{6})|(?P<code2>\d{6}).{0,4}绑定|(?<!\d)(?P<code3>\d{6})(?!\d).{0,12}绑(?:定|上|一下)"
                           r"|绑定(?!群)[:：]?(?P<code4>\d{6})(?!\d)")
# "…我把机器人拉进来了然后绑定群": the group binding asked for at the end, with its name if given.
_GROUP_AT_END = re.compile(r"(?:然后|那就|帮我|给我|麻烦)?绑定(?:一下)?(?:这个|本)?群\s*(?P<group>[^，。,.!！?？\s]{0,20})[。.!！]*$"
                            # "@助手 把这个群绑定一下以后推送发这"
                            r"|把(?:这个|本|咱这个)?群绑(?:定)?(?:一下|上)(?P<after>.{0,16})$")


def read_code(text: str, ctx: Context) -> Reading | None:
    """"我的绑定码是 123456": a code sent without the command word in front."""
    found = _CODE_IN_TEXT.search(normalize(text).replace(" ", ""))
    if not found:
        return None
    return Reading(0.9, args=found["code"] or found["code2"] or found["code3"] or found["code4"])


def read_group(text: str, ctx: Context) -> Reading | None:
    found = _GROUP_AT_END.search(normalize(text))
    return Reading(0.9, groups={"group": found["group"] or ""}) if found else None


def bind_contact(ctx: Context, match: Match) -> str:
    if ctx.person is not None:
        return f"您已经是{ctx.person.name}，不用再绑定。发「帮助」看我能做什么。"
    # The command's name is also a prefix word, so the code arrives as args or as the pattern's group.
    code = (match.args or match.groups.get("code", "")).replace(" ", "")
    if not CODE.match(code):
        return HOW_TO
    message = ctx.message
    if recent_failures(ctx.session, message.channel, message.sender, ctx.now) >= MAX_FAILURES:
        return "绑定码错了太多次，请1小时后再试，或请管理员重新生成绑定码。"
    bound = redeem(ctx.session, code, message.channel, message.sender, ctx.now)
    if bound is None:
        return "绑定码不对或已失效（24小时内有效，只能用一次）。请核对后重发，或请管理员重新生成。"
    return f"绑定成功！{bound.person.name}您好，以后可以直接在这里找我。发「帮助」看我能做什么。"


def bind_group(ctx: Context, match: Match) -> str:
    name = (match.args or match.groups.get("group", "")).strip()
    if not ctx.message.chat_id:
        return "请在要绑定的群里发：绑定群 群组名称"
    if not name:
        return "请写上群组名称，例如：绑定群 安居社区工作群"
    group = ctx.session.scalar(select(Group).where(Group.name == name, Group.active.is_(True)))
    if group is None:
        names = list(ctx.session.scalars(select(Group.name).where(Group.active.is_(True))))
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.3)
        hint = f"您是想说：{'、'.join(close)}？" if close else "请核对群组名称。"
        return f"没有叫“{name}”的群组。{hint}"
    bind_room(ctx.session, group, ctx.message.channel, ctx.message.chat_id, ctx.person, ctx.now)
    return f"已把本群绑定为「{group.name}」，以后发给这个群组的通知会发到这里。"


# The heading this module's commands get in 帮助.
HELP_TITLE = "绑定微信"

COMMANDS = (
    Command(
        name="绑定群",
        patterns=(r"^绑定群\s*(?P<group>.*)$",),
        handler=bind_group,
        reader=read_group,
        summary="在群里发「绑定群 群组名称」，把这个群设为该群组的通知群",
        example="绑定群 安居社区工作群",
        roles=ADMINS,
        priority=6,  # before 绑定, whose name is a prefix of this one
    ),
    Command(
        name="绑定",
        patterns=(r"^绑定(?!群)\s*(?P<code>.*)$",),
        handler=bind_contact,
        reader=read_code,
        summary="发「绑定 六位绑定码」把微信绑定到花名册（绑定码向管理员索取）",
        example="绑定 123456",
        allow_unregistered=True,
        # Only people not yet bound need it, and they get told by the channel; keep help short.
        hidden=True,
        priority=5,
    ),
)
