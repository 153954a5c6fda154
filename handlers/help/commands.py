from __future__ import annotations

from bot.message import Kind
from bot.router import Command, Context, Match
from handlers.help.talk import ANSWERS, GO_AHEAD, TOPICS, read_how_to, read_small_talk, small_talk


def show_help(ctx: Context, match: Match) -> str:
    if match.groups.get("go_ahead") in GO_AHEAD:
        return GO_AHEAD[match.groups["go_ahead"]]
    if match.groups.get("answer") in ANSWERS:
        return ANSWERS[match.groups["answer"]]
    topic = match.groups["topic"] if "topic" in match.groups else match.args
    if not topic and match.groups.get("guessed"):
        # Guessed from the phrasing ("随手拍可以发照片不"): the part of 帮助 the message names, if any.
        topic = next((name for name, pattern in TOPICS if pattern.search(match.text)), "")
    if topic:
        return ctx.help_for(topic=topic)
    name = ctx.person.name if ctx.person else ""
    return ctx.help_for(f"{name}您好，我是{ctx.config.street.name}网格作风助手。")


def welcome(ctx: Context, match: Match) -> str:
    name = ctx.person.name if ctx.person else ""
    return ctx.help_for(f"{name}您好，欢迎使用网格作风助手！")


# The heading this module's commands get in 帮助.
HELP_TITLE = "帮助"

COMMANDS = (
    Command(
        name="帮助", guessable=True,
        patterns=(r"^(帮助|help|菜单|功能|怎么用|使用说明|\?)$", r"^帮助\s*(?P<topic>\S.*)$"),
        handler=show_help,
        reader=read_how_to,
        allow_unregistered=False,
        priority=-10,
    ),
    Command(
        name="寒暄", guessable=True,
        handler=small_talk,
        reader=read_small_talk,
        small_talk=True,
        allow_unregistered=True,
        hidden=True,
        priority=-10,
    ),
    Command(
        name="进入应用",
        handler=welcome,
        kinds=frozenset({Kind.event}),
        events=("enter_agent", "subscribe", "enter_chat"),
        hidden=True,
    ),
)
