"""Service hours (下沉网格服务时长): log, undo, my month, and the leaders' summary."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from bot.message import Reply
from bot.router import LEADERS, Choice, Command, Context, Decline, Match
from bot.text import MAX_REPLY_CHARS, pack_lines
from handlers.hours import service
from handlers.hours.models import HourEntry
from handlers.hours.parse import moved_clock
from handlers.hours.service import HoursRuleError, fmt_hours
from handlers.hours.understand import (
    ASKED,
    ASKED_DAY,
    ASKED_MINUTES,
    LAST_CLOCK,
    LAST_ENTRY,
    LAST_MINUTES,
    SUMMARY_SHOWN,
    find_month,
    parsed_groups,
    read_edit,
    read_log,
    read_mine,
    read_team,
    read_undo,
)

WEEKDAY_NAMES = "一二三四五六日"
LOG_WORDS = ("时长登记", "登记时长", "补登", "登记", "服务", "下沉")
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


def _asked(ctx: Context, groups: dict, today: date) -> str:
    """A vague or missing amount: ask for the exact hours and remember what they are for."""
    ctx.remember(ASKED, {"day": groups.get("day"), "note": groups.get("note", "")}, minutes=ASKED_MINUTES)
    day = date.fromisoformat(groups["day"]) if groups.get("day") else today
    note = f"（{groups['note']}）" if groups.get("note") else ""
    if groups.get("lasted"):
        return (f"“{groups['lasted']}”看着不是您本人服务的时长。{day_label(day, today)}的服务{note}您本人做了几个小时？"
                "直接回复，如「2小时」，我再登记。")
    if groups.get("vague"):
        return (f"{day_label(day, today)}的服务{note}具体是几个小时？时长要写准，请回复准确时长，"
                "如「3小时」或「2.5」，我再登记。")
    return (f"没看出服务了多长时间。{day_label(day, today)}的服务{note}是几个小时？直接回复时长即可，"
            "例如：服务 2小时 入户走访")


def log_hours(ctx: Context, match: Match) -> str:
    today = ctx.now.date()
    config = ctx.config.hours
    groups = match.groups
    if "hours" not in groups and not groups.get("vague") and not groups.get("missing") and "bad_date" not in groups:
        groups = {**groups, **parsed_groups(match.text, today)}
    if groups.get("chosen") and groups.get("reply"):
        # "登记时长的 昨天入户" picking the hours from numbered choices: the day said in the reply is the day
        said = parsed_groups(str(groups["reply"]), today)
        if said.get("day") and said["day"] != today.isoformat() and "bad_date" not in said:
            groups = {**groups, "day": said["day"]}
        if "hours" not in groups and "hours" in said and not said.get("two_amounts") and not said.get("vague"):
            # "不用反映 我已经去调解了 一个钟头 记时长": the amount the first message lacked, said in the pick
            groups = {k: v for k, v in {**groups, "hours": said["hours"], "note": said.get("note") or groups.get("note", "")}.items()
                      if k != "missing"}
    if "bad_date" in groups:
        return f"日期“{groups['bad_date']}”不存在，请检查后再发，例如：11月20日 服务 3小时"
    if groups.get("counts") == "no":
        return ("服务时长记的是下沉到网格为群众服务的时间，比如入户走访、巡逻值守、调解纠纷、帮扶宣传。"
                "开会、培训、路上这类时间一般不算；拿不准的，请问社区或街道管理员。")
    if groups.get("counts"):
        return ("服务时长记的是下沉到网格为群众服务的时间，比如入户走访、巡逻值守、调解纠纷、帮扶宣传。"
                "某项工作算不算，拿不准的请问社区或街道管理员；算的话，发「服务 2小时 入户走访」这样一条就能登记。")
    if groups.get("for_someone_else"):
        return ("时长要本人登记，我只能记在发消息的人名下。请同事本人发一条，例如「服务 3小时 入户走访」；"
                "实在发不了，请联系街道管理员补登。")
    if groups.get("planned"):
        return "还没做完的服务先不登记。做完再发给我就行，例如：服务 2小时 巡河。"
    if groups.get("team_total"):
        ctx.remember(ASKED, {"day": groups.get("day"), "note": groups.get("note", "")}, minutes=ASKED_MINUTES)
        return "时长按人登记：大家加起来的总数不能记在一个人名下。您本人服务了几个小时？直接回复，如「2小时」。"
    if groups.get("two_days"):
        return "一条只能登记一天的服务。请按天分开发，每条写一天和那天的时长，例如：11月3日 入户走访 2小时。"
    too_old = groups.get("day") and date.fromisoformat(groups["day"]) < service.earliest_allowed(today, config.months_back)
    if groups.get("ask_day") and not too_old:  # a day too old is refused whichever day it was
        # The amount waits for the day: "上周三" or "11月15号" next completes the entry.
        ctx.remember(ASKED_DAY, {"hours": groups.get("hours"), "note": groups.get("note", "")}, minutes=ASKED_MINUTES)
        return ("是哪一天的服务？日子要写准才能登记，请回复日期，如「11月5日」或「上周三」，"
                "或带上日期再发一次，例如：11月5日 入户走访 2小时。")
    if groups.get("two_amounts"):
        return "一条里写了两个时长，不知道登记哪个。请只写一个总时长再发，例如：服务 2.5小时 巡逻值守。"
    if groups.get("vague") or groups.get("missing") or "hours" not in groups:
        if groups.get("day") and date.fromisoformat(groups["day"]) > today:
            return "还没做完的服务先不登记。做完再发给我就行，例如：服务 2小时 巡河。"  # a day to come: nothing to ask yet
        return _asked(ctx, groups, today)
    hours = float(groups["hours"])
    day = date.fromisoformat(groups["day"]) if groups.get("day") else today
    note = groups.get("note", "")
    try:
        month_before = service.check_entry(ctx.session, ctx.person, hours, day, today, config)
    except HoursRuleError as exc:
        if not 0 < hours <= config.max_per_entry:
            # Only the amount was wrong: "不对 是两个半钟头" next is that service's amount.
            ctx.remember(ASKED, {"day": day.isoformat(), "note": note, "amount_refused": True}, minutes=ASKED_MINUTES)
        return str(exc)
    if groups.get("may_i") and not groups.get("chosen"):
        # "…服务3小时 还能补登不": yes, and the entry is offered; a question stores nothing by itself.
        entry = {k: v for k, v in groups.items() if k != "may_i"}
        shown = f"（{note}）" if note else ""
        ctx.offer([Choice(f"登记 {day_label(day, today)} {fmt_hours(hours)} 小时", "服务", entry, match.text)])
        yes = "可以登记" if day == today else "能补登"
        return f"{yes}。要登记{day_label(day, today)}服务 {fmt_hours(hours)} 小时{shown}吗？回复「1」即可。"
    entry = service.add_entry(ctx.session, ctx.person, hours, day, note, ctx.now)
    ctx.audit("create", "hour_entry", entry.id, {"day": day.isoformat(), "hours": hours, "note": note})
    ctx.forget(ASKED)
    ctx.remember(LAST_ENTRY, entry.id, minutes=LAST_MINUTES)
    if groups.get("clock"):
        ctx.remember(LAST_CLOCK, {"entry": entry.id, "clock": groups["clock"]}, minutes=LAST_MINUTES)
    else:
        ctx.forget(LAST_CLOCK)
    total = month_before + hours
    figures = service.MonthFigures(day.year, day.month, total, float(config.monthly_target), service.points_for(total, config))
    shown = f"，{note}" if note else ""
    return (
        f"✅ 已登记：{day_label(day, today)} 服务 {fmt_hours(hours)} 小时{shown}。\n"
        f"{month_progress(figures)}\n记错了请发「撤销」，或「改成2小时」这样直接改。"
    )


def _entry_to_change(ctx: Context):
    """The entry a correction refers to: the one just logged here, else the last one still open to change."""
    entry_id = ctx.recall(LAST_ENTRY)
    entry = ctx.session.get(HourEntry, entry_id) if entry_id is not None else None
    if entry is None or entry.person_id != ctx.person.id:
        entry = service.last_entry(ctx.session, ctx.person.id)
    return entry


def edit(ctx: Context, match: Match) -> str:
    today = ctx.now.date()
    entry = _entry_to_change(ctx)
    if entry is None:
        return "您还没有登记过服务时长，没有可改的记录。登记请发：服务 2小时 入户走访"
    described = _described(entry, today)
    if not service.can_undo(entry, ctx.now, ctx.config.hours):
        return _too_late(ctx, described, "改")
    groups = dict(match.groups)
    if groups.get("several"):
        return (f"一次只能改最近一条（{described}）。要改它请发「改成2小时」这样一条；"
                "更早的记录请联系街道管理员修改。")
    if groups.get("someone_elses"):
        return ("时长要本人登记：别人的时长不能加到您这条上。请同事本人发一条，例如「服务 1小时 入户走访」；"
                "您这条（" + described + "）没有改动。")
    if groups.get("clock_vague"):
        return f"最近一条是{described}。几点开始、几点结束请写准到分钟，例如「是到5点半」或「9点半开始的」，我按它重算。"
    for which in ("start", "end"):
        if f"clock_{which}" in groups:
            last = ctx.recall(LAST_CLOCK)
            stretch = moved_clock(tuple(last["clock"]), which, float(groups[f"clock_{which}"])) \
                if last is not None and last.get("entry") == entry.id else None
            if stretch is None:
                return f"最近一条是{described}，按这个时间算不出时长。请直接发要改成多少，例如：改成2.5小时。"
            groups["hours"] = round(stretch[1] - stretch[0], 2)
            ctx.remember(LAST_CLOCK, {"entry": entry.id, "clock": list(stretch)}, minutes=LAST_MINUTES)
    if "delta" in groups:
        groups["hours"] = round(float(entry.hours) + float(groups["delta"]), 2)
        if groups["hours"] <= 0:
            return f"最近一条是{described}，减去{abs(float(groups['delta'])):g}小时就没有了。要删掉请发「撤销」。"
    if "hours" not in groups and "day" not in groups:
        return f"要把最近一条（{described}）改成多少？请这样发：改成2小时，或 写错了是昨天的。"
    hours = float(groups.get("hours", entry.hours))
    day = date.fromisoformat(groups["day"]) if groups.get("day") else entry.day
    if hours == float(entry.hours) and day == entry.day:
        return f"最近一条本来就是{described}，没有改动。"
    try:
        service.check_change(ctx.session, ctx.person, entry, hours, day, today, ctx.config.hours)
    except HoursRuleError as exc:
        return str(exc)
    before = {"day": entry.day.isoformat(), "hours": float(entry.hours)}
    old_day, old_hours = entry.day, float(entry.hours)
    entry.hours, entry.day = hours, day
    ctx.session.flush()
    ctx.audit("update", "hour_entry", entry.id, {"from": before, "to": {"day": day.isoformat(), "hours": hours}})
    ctx.remember(LAST_ENTRY, entry.id, minutes=LAST_MINUTES)
    changes = []
    if day != old_day:
        changes.append(f"日期 {day_label(old_day, today)} → {day_label(day, today)}")
    if hours != old_hours:
        changes.append(f"时长 {fmt_hours(old_hours)} → {fmt_hours(hours)} 小时")
    figures = service.month_figures(ctx.session, ctx.person.id, day.year, day.month, ctx.config.hours)
    note = f"（{entry.note}）" if entry.note else ""
    return f"✏️ 已更正最近一条{note}：{'；'.join(changes)}。\n{month_progress(figures)}"


def _described(entry: HourEntry, today: date) -> str:
    return f"{day_label(entry.day, today)} {fmt_hours(entry.hours)} 小时" + (f"，{entry.note}" if entry.note else "")


def _too_late(ctx: Context, described: str, verb: str) -> str:
    """The latest entry is past the window in which its author may still undo or change it."""
    hours = fmt_hours(ctx.config.hours.undo_window_hours)
    return f"最近一条记录（{described}）登记已超过{hours}小时，不能自己{verb}了。如需更正请联系管理员。"


def undo(ctx: Context, match: Match) -> str:
    if match.alias and re.search(r"[?？]|吗|怎么|咋|啥|什么|哪|如何|是发|该发", match.args or ""):
        raise Decline  # "撤销时长是发啥字": how to undo, not an undo
    entry = service.last_entry(ctx.session, ctx.person.id)
    if entry is None:
        return "您还没有登记过服务时长，没有可撤销的记录。"
    today = ctx.now.date()
    described = _described(entry, today)
    if not service.can_undo(entry, ctx.now, ctx.config.hours):
        return _too_late(ctx, described, "撤销")
    ctx.audit("delete", "hour_entry", entry.id, {"day": entry.day.isoformat(), "hours": entry.hours, "note": entry.note})
    ctx.session.delete(entry)
    ctx.session.flush()
    ctx.forget(LAST_ENTRY)
    ctx.forget(LAST_CLOCK)
    figures = service.month_figures(ctx.session, ctx.person.id, entry.day.year, entry.day.month, ctx.config.hours)
    return f"已撤销：{described}。\n{month_progress(figures)}"


def parse_month(args: str, today: date) -> tuple[int, int] | str:
    """'' → this month; '10月', '十月份', '2025年10月', '2025-10', '上月' → that month; else an error reply."""
    args = args.strip(" ：:的")
    # "我的时长统计", "我的时长 10月的明细呢": words around the month say nothing of which month.
    args = re.sub(r"统计|明细|记录|情况|汇总|多少|是多少|呢|吧|啊|[?？。.!！]", "", args).strip(" ：:的")
    if not args or args in ("本月", "这个月", "当月", "这月"):
        return today.year, today.month
    if args in ("上月", "上个月"):
        return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    found = _MONTH_ARG.fullmatch(args)
    if not found:
        named = find_month(args, today)
        if named is not None and len(args) <= 12:
            return _up_to_now(*named, today)
    if not found or not 1 <= int(found["m"]) <= 12:
        return "月份没看懂，请这样写：我的时长 10月"
    month = int(found["m"])
    year = int(found["y"]) if found["y"] else (today.year if month <= today.month else today.year - 1)
    return _up_to_now(year, month, today)


def _up_to_now(year: int, month: int, today: date) -> tuple[int, int] | str:
    """The month asked for, or the reply that it has not come yet."""
    if (year, month) > (today.year, today.month):
        return f"{year}年{month}月还没到，没有记录。"
    return year, month


def _month_asked(match: Match, today: date) -> tuple[int, int] | str:
    if match.groups.get("month"):
        year, month = (int(part) for part in match.groups["month"].split("-"))
        return _up_to_now(year, month, today)
    return parse_month(match.args if match.alias else "", today)


def my_hours(ctx: Context, match: Match) -> str:
    today = ctx.now.date()
    month = _month_asked(match, today)
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
        this_month = (year, number) == (today.year, today.month)
        lines.append(f"{'这个月' if this_month else f'{number}月'}还没有记录。" + ("登记请发：服务 2小时 入户走访" if this_month else ""))
    return "\n".join(lines)


_EVERYONE = re.compile(r"全部名单|全部|完整名单|所有人")


def team_hours(ctx: Context, match: Match) -> list[Reply] | str:
    """Each unit's completion and the five largest shortfalls; 「时长统计 全部」 lists everyone below target,
    over as many phone-sized replies as it takes."""
    today = ctx.now.date()
    args, everyone = _EVERYONE.subn("", match.args or "")
    everyone = everyone or match.groups.get("everyone") or bool(not match.alias and _EVERYONE.search(match.text or ""))
    month = _month_asked(replace(match, args=args), today)
    if isinstance(month, str):
        return month
    year, number = month
    unit_ids = service.visible_unit_ids(ctx.session, ctx.person)
    if unit_ids == []:
        return "您还没有包联的社区或部门，暂无可看的统计。"
    target = fmt_hours(ctx.config.hours.monthly_target)
    as_of = f"截至{today.month}月{today.day}日，" if (year, number) == (today.year, today.month) else ""
    lines = [f"{number}月服务时长（{as_of}目标{target}小时）"]
    named = service.people_named(ctx.session, match.text or match.args or "", unit_ids)
    if named:
        # "李娜和张伟这个月时长各多少": just those people
        for person in named[:10]:
            figures = service.month_figures(ctx.session, person.id, year, number, ctx.config.hours)
            state = "已达标" if figures.remaining <= 0 else f"还差 {fmt_hours(figures.remaining)} 小时"
            lines.append(f"{person.name}：{fmt_hours(figures.total)} 小时，{state}")
        return "\n".join(lines)
    units, short = service.unit_month_report(ctx.session, year, number, ctx.config.hours, unit_ids)
    lines += service.summary_lines(units, short, everyone=bool(everyone))
    if len(short) > service.TOP_SHORTFALLS and not everyone:
        lines.append(f"全部名单请发「时长统计 {'' if as_of else f'{number}月 '}全部」。")
    # A follow-up ("全部", "上个月的呢", "哪个社区最差") is read against the summary just shown.
    ctx.remember(SUMMARY_SHOWN, {"month": f"{year}-{number:02d}"}, minutes=ASKED_MINUTES)
    texts = pack_lines(lines, MAX_REPLY_CHARS - len("（10/10）"))
    if len(texts) > 1:
        texts = [f"（{i}/{len(texts)}）{t}" for i, t in enumerate(texts, start=1)]
    return [Reply(t) for t in texts]


# The heading this module's commands get in 帮助.
HELP_TITLE = "服务时长"

COMMANDS = (
    Command(
        name="我的时长", guessable=True,
        aliases=("我的服务时长", "查时长", "查询时长", "时长查询", "我的积分", "本月我的时长", "我的时间", "本月时长"),
        patterns=(r"^(时长|积分)$", r"^我(这个月|本月)?(服务|下沉)了?(多少|几)(个)?(小时|时长)?[?？]?$"),
        handler=my_hours,
        reader=read_mine,
        summary="我的时长：本月累计、还差多少、积分",
        example="我的时长 10月",
        priority=30,
        choice_label="查我的服务时长",
    ),
    Command(
        name="时长统计", guessable=True,
        aliases=("服务时长统计", "时长汇总"),
        handler=team_hours,
        reader=read_team,
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
        reader=read_undo,
        summary="撤销：删掉24小时内刚登记的一条",
        priority=30,
        choice_label="撤销刚登记的时长",
    ),
    Command(
        name="改时长",
        aliases=("修改时长", "更正时长"),
        handler=edit,
        reader=read_edit,
        summary="改时长：刚登记的记错了，直接发「改成2小时」或「写错了是昨天的」",
        example="改成2小时",
        priority=25,
        choice_label="改刚登记的时长",
    ),
    Command(
        name="服务",
        aliases=LOG_WORDS,
        handler=log_hours,
        reader=read_log,
        words_need_reading=True,
        summary="登记服务时长",
        example="服务 2.5小时 入户走访 昨天",
        priority=10,
        choice_label="登记服务时长",
        choice_words=r"时长|登记|服务|记上|记一下|下沉|巡逻|入户|走访|值班|值守|帮扶|宣传|调解|小时|钟头|个钟",
    ),
)
