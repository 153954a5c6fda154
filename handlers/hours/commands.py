"""Service hours (下沉网格服务时长): log, undo, my month, and the leaders' summary."""

from __future__ import annotations

import re
from datetime import date

from bot.message import Incoming, Reply
from bot.router import LEADERS, Command, Context, Match
from bot.text import MAX_REPLY_CHARS, pack_lines
from handlers.hours import service
from handlers.hours.parse import DateError, has_amount, parse_hours
from handlers.hours.service import HoursRuleError, fmt_hours

WEEKDAY_NAMES = "一二三四五六日"
LOG_WORDS = ("时长登记", "登记时长", "补登", "登记", "服务", "下沉")
# Without a command word, an amount plus one of these words is still a log ("昨天下沉网格2.5h 政策宣传").
WORK_WORDS = re.compile(r"下沉|网格|走访|入户|服务|登记|宣传|巡查|调解|整治|帮办|代办")
QUESTION = re.compile(r"[?？]$|吗|能不能|可不可以|可以不|是否|怎么|多少")
_MONTH_ARG = re.compile(r"(?:(?P<y>20\d{2})\s*[年\-/.]\s*)?(?P<m>\d{1,2})\s*月?$")


def day_label(day: date, today: date) -> str:
    delta = (today - day).days
    relative = {0: "今天", 1: "昨天", 2: "前天"}.get(delta, f"周{WEEKDAY_NAMES[day.weekday()]}")
    year = f"{day.year}年" if day.year != today.year else ""
    return f"{year}{day.month}月{day.day}日（{relative}）"


def month_progress(figures: service.MonthFigures) -> str:
    head = f"{figures.month}月累计 {fmt_hours(figures.total)} 小时"
    if figures.remaining <= 0:
        return f"{head}，已完成 {fmt_hours(figures.target)} 小时目标；积分 {fmt_hours(figures.points)}。"
    return f"{head}，距 {fmt_hours(figures.target)} 小时目标还差 {fmt_hours(figures.remaining)} 小时；积分 {fmt_hours(figures.points)}。"


def looks_like_log(text: str, message: Incoming) -> dict | None:
    if QUESTION.search(text) or not has_amount(text):
        return None
    return {} if WORK_WORDS.search(text) else None


def log_hours(ctx: Context, match: Match) -> str:
    today = ctx.now.date()
    config = ctx.config.hours
    try:
        parsed = parse_hours(match.text, today)
    except DateError as exc:
        return f"日期“{exc}”不存在，请检查后再发，例如：11月20日 服务 3小时"
    day = parsed.day or today
    try:
        month_before = service.check_entry(ctx.session, ctx.person, parsed.hours, day, today, config)
    except HoursRuleError as exc:
        return str(exc)
    entry = service.add_entry(ctx.session, ctx.person, parsed.hours, day, parsed.note, ctx.now)
    ctx.audit("create", "hour_entry", entry.id, {"day": day.isoformat(), "hours": parsed.hours, "note": parsed.note})
    total = month_before + parsed.hours
    figures = service.MonthFigures(day.year, day.month, total, float(config.monthly_target), service.points_for(total, config))
    note = f"，{parsed.note}" if parsed.note else ""
    return (
        f"✅ 已登记：{day_label(day, today)} 服务 {fmt_hours(parsed.hours)} 小时{note}。\n"
        f"{month_progress(figures)}\n记错了请发「撤销」。"
    )


def undo(ctx: Context, match: Match) -> str:
    entry = service.last_entry(ctx.session, ctx.person.id)
    if entry is None:
        return "您还没有登记过服务时长，没有可撤销的记录。"
    today = ctx.now.date()
    described = f"{day_label(entry.day, today)} {fmt_hours(entry.hours)} 小时" + (f"，{entry.note}" if entry.note else "")
    if not service.can_undo(entry, ctx.now, ctx.config.hours):
        hours = fmt_hours(ctx.config.hours.undo_window_hours)
        return f"最近一条记录（{described}）登记已超过{hours}小时，不能自己撤销了。如需更正请联系管理员。"
    ctx.audit("delete", "hour_entry", entry.id, {"day": entry.day.isoformat(), "hours": entry.hours, "note": entry.note})
    ctx.session.delete(entry)
    ctx.session.flush()
    figures = service.month_figures(ctx.session, ctx.person.id, entry.day.year, entry.day.month, ctx.config.hours)
    return f"已撤销：{described}。\n{month_progress(figures)}"


def parse_month(args: str, today: date) -> tuple[int, int] | str:
    """'' → this month; '10月', '2025年10月', '2025-10', '上月' → that month; else an error reply."""
    args = args.strip(" ：:")
    if not args or args in ("本月", "这个月", "当月"):
        return today.year, today.month
    if args in ("上月", "上个月"):
        return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    found = _MONTH_ARG.fullmatch(args)
    if not found or not 1 <= int(found["m"]) <= 12:
        return "月份没看懂，请这样写：我的时长 10月"
    month = int(found["m"])
    year = int(found["y"]) if found["y"] else (today.year if month <= today.month else today.year - 1)
    if (year, month) > (today.year, today.month):
        return f"{year}年{month}月还没到，没有记录。"
    return year, month


def my_hours(ctx: Context, match: Match) -> str:
    today = ctx.now.date()
    month = parse_month(match.args, today)
    if isinstance(month, str):
        return month
    year, number = month
    figures = service.month_figures(ctx.session, ctx.person.id, year, number, ctx.config.hours)
    lines = [f"{ctx.person.name}，{month_progress(figures)}"]
    entries = service.recent_entries(ctx.session, ctx.person.id, year, number)
    if entries:
        lines.append("最近记录：")
        lines += [f"{e.day.month}月{e.day.day}日 {fmt_hours(e.hours)}小时" + (f" {e.note}" if e.note else "") for e in entries]
    else:
        lines.append("这个月还没有记录。登记请发：服务 2小时 入户走访")
    return "\n".join(lines)


_EVERYONE = re.compile(r"全部名单|全部|完整名单|所有人")


def team_hours(ctx: Context, match: Match) -> list[Reply] | str:
    """Each unit's completion and the five largest shortfalls; 「时长统计 全部」 lists everyone below target,
    over as many phone-sized replies as it takes."""
    today = ctx.now.date()
    args, everyone = _EVERYONE.subn("", match.args or "")
    month = parse_month(args, today)
    if isinstance(month, str):
        return month
    year, number = month
    unit_ids = service.visible_unit_ids(ctx.session, ctx.person)
    if unit_ids == []:
        return "您还没有包联的社区或部门，暂无可看的统计。"
    units, short = service.unit_month_report(ctx.session, year, number, ctx.config.hours, unit_ids)
    target = fmt_hours(ctx.config.hours.monthly_target)
    as_of = f"截至{today.month}月{today.day}日，" if (year, number) == (today.year, today.month) else ""
    lines = [f"{number}月服务时长（{as_of}目标{target}小时）"]
    lines += service.summary_lines(units, short, everyone=bool(everyone))
    if len(short) > service.TOP_SHORTFALLS and not everyone:
        lines.append(f"全部名单请发「时长统计 {'' if as_of else f'{number}月 '}全部」。")
    texts = pack_lines(lines, MAX_REPLY_CHARS - len("（10/10）"))
    if len(texts) > 1:
        texts = [f"（{i}/{len(texts)}）{t}" for i, t in enumerate(texts, start=1)]
    return [Reply(t) for t in texts]


# The heading this module's commands get in 帮助.
HELP_TITLE = "服务时长"

COMMANDS = (
    Command(
        name="我的时长",
        aliases=("我的服务时长", "查时长", "查询时长", "时长查询", "我的积分", "本月我的时长", "我的时间"),
        patterns=(r"^(时长|积分)$", r"^我(这个月|本月)?(服务|下沉)了?(多少|几)(个)?(小时|时长)?[?？]?$"),
        handler=my_hours,
        summary="我的时长：本月累计、还差多少、积分",
        example="我的时长 10月",
        priority=30,
    ),
    Command(
        name="时长统计",
        aliases=("本月时长", "服务时长统计", "时长汇总"),
        handler=team_hours,
        roles=LEADERS,
        summary="时长统计：包联单位谁没达标（领导）",
        example="时长统计 10月",
        priority=30,
        refusal="时长统计只对领导和管理员开放。查自己的请发「我的时长」。",
    ),
    Command(
        name="撤销",
        aliases=("撤回", "撤销登记", "删除上一条", "撤消"),
        patterns=(r"^(撤销|撤回|撤消|删掉)(上一条|刚才的|登记|那条)?$",),
        handler=undo,
        summary="撤销：删掉24小时内刚登记的一条",
        priority=30,
    ),
    Command(
        name="服务",
        aliases=LOG_WORDS,
        matcher=looks_like_log,
        handler=log_hours,
        summary="登记服务时长",
        example="服务 2.5小时 入户走访 昨天",
        priority=10,
    ),
)
