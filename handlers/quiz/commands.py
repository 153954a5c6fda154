"""Quiz in chat: answers (text and vote card), 答题 practice and 排行榜.

A bare "A" or "对" is a quiz answer only while the person has an open question; otherwise the
message goes on to the other commands as if this one did not exist, so quiz answers never
swallow someone else's short replies.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from bot.message import Incoming, Kind
from bot.router import Command, Context, Decline, Match
from handlers.quiz import service
from handlers.quiz.answers import parse_answer
from handlers.quiz.jobs import cards_enabled
from handlers.quiz.texts import leaderboard_text, question_id_from_key, question_reply
from handlers.quiz.understand import read_board, read_practice


def _looks_like_answer(text: str, message: Incoming) -> dict | None:
    choice = parse_answer(text)
    return {"choice": choice} if choice is not None else None


def answer_text(ctx: Context, match: Match):
    candidates = service.open_questions(ctx.session, ctx.person, ctx.now)
    target = service.pick_open(ctx.session, ctx.person, candidates)
    if target is None:
        raise Decline  # not an answer after all: the other commands and the not-understood reply get it
    return service.score(ctx.session, ctx.person, target, match.groups["choice"], ctx.now).text


def _card_choice(message: Incoming) -> tuple[int | None, str]:
    """The quiz question a vote card answers and the chosen option ids ("AC", "T").

    WeCom reports the vote under its question key; the event key is the submit button's key,
    which carries the question key after a "submit:" prefix.
    """
    selected = (message.event_data or {}).get("selected") or {}
    for key, ids in selected.items():
        question_id = question_id_from_key(key)
        if question_id is not None:
            ids = [ids] if isinstance(ids, str) else ids
            return question_id, "".join(sorted({str(i).strip().upper() for i in ids if str(i).strip()}))
    key = (message.event_key or "").removeprefix("submit:")
    return question_id_from_key(key), ""


def answer_card(ctx: Context, match: Match):
    question_id, choice = _card_choice(ctx.message)
    if question_id is None:
        raise Decline  # not an answer after all: the other commands and the not-understood reply get it
    candidates = service.open_questions(ctx.session, ctx.person, ctx.now, question_id=question_id)
    target = service.pick_open(ctx.session, ctx.person, candidates)
    if target is None:
        return "这道题的作答时间已过，本次不计分。发「答题」可以练习新题。"
    if not choice:
        return "没有收到您选的选项，请在卡片上选好后再提交。"
    return service.score(ctx.session, ctx.person, target, choice, ctx.now, via="card").text


# Asking how the quiz works rather than for a question.
_ASKS_HOW = re.compile(r"怎么玩|咋玩|怎么答|咋答|怎么弄|咋弄|怎么用|咋用|规则|说明一下|介绍一下|是啥|是什么|怎么回事|有什么用|有啥用"
                       r"|怎么算|咋算|怎么计|在哪看|在哪儿看|哪里看|去哪看")


def practice(ctx: Context, match: Match):
    if _ASKS_HOW.search(match.text):
        raise Decline  # "答题是怎么玩的 说明一下": how it works is 帮助's to tell
    if re.search(r"正确率|参与率|情况|成绩|统计|咋样|怎么样", match.args or ""):
        return leaderboard(ctx, Match(text=match.text, groups={"period": ""}))  # "答题正确率咋样 整体的": the figures
    window = timedelta(minutes=ctx.config.quiz.practice_window_minutes)
    item, new = service.start_practice(ctx.session, ctx.person, ctx.now, window)
    if item is None:
        return "题库里的题您都答过了，真棒！新题入库后再来。"
    heading = "【练习题】" if new else "【练习题】还没答完这道："
    return question_reply(
        item.question,
        heading=heading,
        task_id=f"quiz_x{item.id}",
        cards=cards_enabled(ctx.config),
        closes_at=item.closes_at,
        tz=ctx.config.tz,
    )


WEEK_WORDS = frozenset({"", "本周", "这周", "周", "周榜", "本星期"})
MONTH_WORDS = frozenset({"本月", "这个月", "月", "月榜"})


def leaderboard(ctx: Context, match: Match) -> str:
    args = match.args.strip() if match.alias else match.groups.get("period", "")
    if args not in MONTH_WORDS and args not in WEEK_WORDS:
        # "排行榜 这个月的", "排名 看看本月": the period is what counts, the filler is not.
        args = "本月" if re.search(r"本月|这个?月|月榜|当月", args) else "本周" if re.search(r"本周|这周|这星期|这礼拜|周榜", args) else args
    local = ctx.now
    if args in MONTH_WORDS:
        start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        end = (start + timedelta(days=32)).replace(day=1)
        title = f"{start.month}月答题排行榜"
    elif args in WEEK_WORDS:
        start = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
        end = start + timedelta(days=7)
        title = f"本周答题排行榜（{start.month}月{start.day}日起）"
    else:
        return "排行榜可以看本周或本月：发「排行榜」或「排行榜 本月」。"
    people = service.person_scores(ctx.session, _utc(start), _utc(end))
    units = service.unit_scores(ctx.session, _utc(start), _utc(end))
    return leaderboard_text(title, people, units, ctx.person.id, ctx.config.quiz.leaderboard_size)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


# The heading this module's commands get in 帮助.
HELP_TITLE = "答题"

COMMANDS = (
    Command(
        name="quiz-answer",
        handler=answer_text,
        matcher=_looks_like_answer,
        priority=20,
        hidden=True,
    ),
    Command(
        name="quiz-card",
        handler=answer_card,
        kinds=frozenset({Kind.event}),
        events=("card",),
        priority=20,
        hidden=True,
    ),
    Command(
        name="答题",
        aliases=("练习", "做题", "刷题", "来道题", "来一道题"),
        handler=practice,
        reader=read_practice,
        summary="做一道练习题（每题答一次计分）",
        example="答题",
    ),
    Command(
        name="排行榜", guessable=True,
        aliases=("排名", "积分榜", "答题排行榜", "答题排行", "答题排名", "答题榜"),
        handler=leaderboard,
        reader=read_board,
        summary="看本周答题排行（「排行榜 本月」看本月）",
        example="排行榜",
    ),
)
