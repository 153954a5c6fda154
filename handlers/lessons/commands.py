"""作风微课堂 in chat: 今日微课, 微课 N, 已学 (and its synonyms), and coverage for leaders."""

from __future__ import annotations

import re

from bot.router import LEADERS, Command, Context, Decline, Match
from handlers.lessons import service
from handlers.lessons.models import Lesson
from handlers.lessons.texts import coverage_text, lesson_text
from handlers.lessons.understand import SHOWN, SHOWN_MINUTES, lesson_number, read_done, read_stats, read_today

NO_GROUP = "您还没有加入接收微课的工作群，请联系管理员把您加到本单位的群里。"


def today_lesson(ctx: Context, match: Match) -> str:
    if "num" in match.groups:
        number = match.groups["num"]
    else:
        number = match.args.strip().lstrip("第").rstrip("课").strip()
        if match.alias == "微课" and len(number) > 3 and re.search(r"情况|覆盖|统计|学得|学的|没学|率|多少|几个|哪些|谁|打卡|推送|执行|暂停|恢复|补发", number):
            raise Decline  # "微课学习覆盖情况", "微课打卡统计一下": the leaders' figures, not a lesson
        if match.alias == "微课" and read_done(match.text, ctx) is not None:
            raise Decline  # "微课学好了": the lesson confirmed, not asked for
        if not re.search(r"\d|[一二三四五六七八九十百]", number):
            number = ""  # "今日微课堂", "今天微课是啥": today's
    if number:
        if lesson_number(number) is None:
            return "想看哪一课？请发「微课 课号」，如「微课 3」；发「今日微课」看今天的。"
        lesson = ctx.session.get(Lesson, lesson_number(number))
        if lesson is None or not lesson.active:
            return f"没有第{number}课。发「今日微课」看今天的一课。"
        ctx.remember(SHOWN, lesson.id, minutes=SHOWN_MINUTES)
        return lesson_text(lesson, confirm_hint=f"学完请回复「已学 {lesson.id}」。")
    group_id = service.lesson_group_id(ctx.session, ctx.person)
    if group_id is None:
        return NO_GROUP
    today = ctx.now.date()
    delivery = service.delivery_on(ctx.session, group_id, today)
    if delivery is not None:
        ctx.remember(SHOWN, delivery.lesson.id, minutes=SHOWN_MINUTES)
        return lesson_text(delivery.lesson, heading="【今日微课】")
    latest = service.latest_delivery(ctx.session, group_id, today)
    if latest is None:
        return "还没有推送过微课，工作日早上会推送到您所在的工作群。"
    ctx.remember(SHOWN, latest.lesson.id, minutes=SHOWN_MINUTES)
    return "今天还没有新的微课，这是最近一课：\n" + lesson_text(
        latest.lesson, heading="", confirm_hint=f"学完请回复「已学 {latest.lesson.id}」。"
    )


def studied(ctx: Context, match: Match) -> str:
    group_id = service.lesson_group_id(ctx.session, ctx.person)
    if group_id is None:
        return NO_GROUP
    number = lesson_number(match.groups.get("num"))
    shown = match.groups.get("lesson")
    if number is None and shown is not None:
        # "已阅" / "好的 学习了" right after the lesson was shown: that lesson.
        number = int(shown)
    if number:
        lesson = ctx.session.get(Lesson, int(number))
        if lesson is None or not service.was_delivered(ctx.session, group_id, lesson.id):
            return f"第{number}课还没有推送到您的工作群，请核对课号（发「今日微课」看今天的）。"
    else:
        delivery = service.delivery_on(ctx.session, group_id, ctx.now.date())
        if delivery is None:
            return "今天还没有推送微课。补学以前的课，请回复「已学 课号」，如「已学 3」。"
        lesson = delivery.lesson
    row, created = service.confirm(ctx.session, ctx.person, lesson, ctx.now)
    ctx.forget(SHOWN)
    if not created:
        when = row.confirmed_at.astimezone(ctx.config.tz)
        return f"第{lesson.id}课《{lesson.title}》您已在{when.month}月{when.day}日打过卡了，不用重复。"
    start, end = service.week_of(ctx.now.date())
    week = service.week_status(ctx.session, start, end, [ctx.person])[0]
    tail = f"本周还差{len(week.missing)}课。" if week.missing else "本周的微课都学完了，真棒！"
    return f"已记录：您学习了第{lesson.id}课《{lesson.title}》。{tail}"


def coverage(ctx: Context, match: Match) -> str:
    start, end = service.week_of(ctx.now.date())
    return coverage_text(service.coverage(ctx.session, start, ctx.now.date()), start, end)


# The heading this module's commands get in 帮助.
HELP_TITLE = "微课"

COMMANDS = (
    Command(
        name="学习情况", guessable=True,
        aliases=("微课覆盖", "学习覆盖", "微课统计"),
        handler=coverage,
        reader=read_stats,
        roles=LEADERS,
        summary="看本周各单位微课学习覆盖率",
        example="学习情况",
        priority=1,
    ),
    Command(
        name="今日微课", guessable=True,
        aliases=("今天微课", "今日微课堂", "微课"),
        handler=today_lesson,
        reader=read_today,
        summary="看今天的作风微课（「微课 3」看第3课）",
        example="今日微课",
    ),
    Command(
        # The name is matched as a prefix too; this one is also a fine thing to say.
        name="学习打卡",
        patterns=(r"^(?:已学习?|已学完|学习了|学了|打卡)\s*(?:第?\s*(?P<num>\d{1,5})\s*课?)?\s*[。.!！]?$",),
        handler=studied,
        reader=read_done,
        summary="学完微课后打卡（补学：「已学 3」）",
        example="已学",
    ),
)
