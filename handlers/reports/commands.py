"""Chat commands for 随手拍 / 意见箱: report, add a photo or location, follow, handle, rate, reroute."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.message import Kind, Reply, ToAddress, ToPerson
from bot.models import Person
from bot.router import EVERYONE, LEADERS, Command, Context, Decline, Match
from bot.text import pack_lines
from handlers.reports import figures, render, service
from handlers.reports.models import Report, ReportStatus
from handlers.reports.routing import liaison_unit_ids
from handlers.reports.service import ReportError, Reporter
from handlers.reports.understand import (
    RATE_KEY,
    RATE_MINUTES,
    REASON_KEY,
    REASON_MINUTES,
    SHOWN_RATE_MINUTES,
    read_anonymous,
    read_category,
    read_mine,
    read_rating,
    read_report,
    read_show,
    read_stats,
    read_step,
    read_worklist,
    report_body,
    not_a_report,
    wants_anonymity,
)

_TICKET = re.compile(r"^#?\s*(\d+)\s*[:：,，]?\s*(.*)$", re.S)
_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})")


def who(ctx: Context) -> Reporter:
    return Reporter(ctx.person, ctx.message.channel, ctx.message.sender)


def ticket(match: Match, usage: str) -> tuple[int, str]:
    raw = match.args if match.alias else match.groups.get("rest", "")
    found = _TICKET.match(raw.strip())
    if not found:
        raise ReportError(f"请写上反映编号，例如：{usage}")
    return int(found.group(1)), found.group(2).strip()


def _fail(exc: Exception) -> Reply:
    return Reply(str(exc))


def _phone_sized(text: str) -> list[Reply]:
    """A long listing or history as consecutive replies of at most 500 characters, split between lines."""
    return [Reply(part) for part in pack_lines(text.split("\n"))]


# --- reporting -----------------------------------------------------------------------------


def _create(ctx: Context, match: Match, anonymous: bool) -> list[Reply]:
    reporter = who(ctx)
    # "反映个事 …", "我想反映一下 …": the complaint without the words that say it is one.
    body = report_body(match.text) if match.alias else (match.args or match.text)
    try:
        result = service.create_report(ctx.session, ctx.config, reporter, body, anonymous=anonymous, now=ctx.now)
    except ReportError as exc:
        return [_fail(exc)]
    report = result.report
    lines = [f"已收到您的反映，编号 #{report.id}。", f"分类：{report.category}（系统建议，承办人可调整）"]
    if report.unit_id is None:
        lines.append("去向：街道管理员正在分派到责任单位。")
    else:
        leaders = [p.name for p in service.handlers_of(ctx.session, report) if p.id != report.assignee_id]
        assignee = report.assignee.name if report.assignee else "包联领导"
        lines.append(f"去向：{render.place(report)}，承办人{assignee}" + (f"，包联领导{'、'.join(leaders)}" if leaders else "") + "。")
    if render.media_line(report):
        lines.append(f"已附：{render.media_line(report)}")
    if anonymous:
        lines.append("您选择了匿名：除街道管理员外，经办人看不到您的身份。")
    if ctx.person is not None:
        lines.append(f"每一步办理都会通知您，也可以发「查询 #{report.id}」查看。")
    else:
        lines.append(f"请记下编号，发「查询 #{report.id}」查看办理情况。")
    return [Reply("\n".join(lines)), *result.notices]


def create(ctx: Context, match: Match) -> list[Reply]:
    if match.alias and not_a_report(match.text):
        raise Decline  # "随手拍怎么用", "反映#5 列入整改台账", "随手拍办理情况统计": not a new report
    # "投诉 … 不要写我名字": asking not to be named anywhere in the report makes it anonymous, and so does
    # the reply that picked the report from numbered choices ("匿名反映吧 别写我名").
    asked = wants_anonymity(match.text) or wants_anonymity(str(match.groups.get("reply", "")))
    return _create(ctx, match, anonymous=asked)


def create_anonymous(ctx: Context, match: Match) -> list[Reply]:
    if match.alias and not_a_report(match.text):
        raise Decline
    return _create(ctx, match, anonymous=True)


def media(ctx: Context, match: Match) -> list[Reply]:
    message = ctx.message
    if message.kind == Kind.location and message.location is not None:
        kind, data = "location", {"lat": message.location.latitude, "lon": message.location.longitude, "label": message.location.label}
        noun = "位置"
    elif message.kind == Kind.image and message.attachments:
        first = message.attachments[0]
        # A file (the AI bot passes them on like photos) is kept as one, under its own word.
        kind = "file" if first.kind == "file" else "image"
        data = {"media_id": first.media_id, "url": first.url, "path": first.path}
        noun = "文件" if kind == "file" else "照片"
    else:
        return []
    result = service.add_media(ctx.session, ctx.config, who(ctx), kind, data, ctx.now)
    if result is not None:
        return [Reply(f"已把{noun}补充到反映 #{result.report.id}。")]
    minutes = ctx.config.reports.attach_minutes
    return [Reply(f"收到{noun}。如要反映问题，请在{minutes:g}分钟内发「随手拍 问题描述」，{noun}会一起提交。")]


# --- following -----------------------------------------------------------------------------


def my_reports(ctx: Context, match: Match) -> list[Reply] | str:
    reports = service.mine(ctx.session, who(ctx))
    if not reports:
        return "您还没有提交过反映。发「随手拍 问题描述」即可反映，也可以先发照片。"
    rating_days = ctx.config.reports.rating_days
    lines = [f"您的反映（最近{len(reports)}件）："]
    lines += [render.list_line(r, ctx.now, ctx.config.tz, rating_days) for r in reports]
    waiting = [r for r in reports if r.status == ReportStatus.closed.value]
    if len(waiting) == 1:
        # One ticket waits for a rating: a "满意" next rates it.
        lines.append(f"#{waiting[0].id} 已办结，满意请回复「满意」，不满意请回复「不满意 理由」。")
        ctx.remember(RATE_KEY, waiting[0].id, minutes=SHOWN_RATE_MINUTES)
    lines.append("发「查询 #编号」看办理经过。")
    return _phone_sized("\n".join(lines))


def show(ctx: Context, match: Match) -> list[Reply] | str:
    reporter = who(ctx)
    try:
        report_id = int(match.groups["id"]) if "id" in match.groups else ticket(match, "查询 #12")[0]
        report = service.get_visible(ctx.session, reporter, report_id)
    except ReportError as exc:
        return str(exc)
    ids = {e.actor_id for e in report.events if e.actor_id is not None}
    people = {p.id: p for p in ctx.session.scalars(select(Person).where(Person.id.in_(ids)))} if ids else {}
    text = render.detail(report, ctx.person, service.is_reporter(report, reporter), people, ctx.now, ctx.config.tz,
                         ctx.config.reports.rating_days)
    if service.is_reporter(report, reporter) and report.status == "closed":
        text += f"\n满意请回复「满意」，不满意请回复「不满意 理由」（或「评价 #{report.id} 满意」）。"
        ctx.remember(RATE_KEY, report.id, minutes=SHOWN_RATE_MINUTES)
    return _phone_sized(text)


def worklist(ctx: Context, match: Match) -> list[Reply] | str:
    reports = service.worklist(ctx.session, ctx.person)
    if not reports:
        return "目前没有待您办理的反映。"
    rating_days = ctx.config.reports.rating_days
    lines = [f"待办反映（{len(reports)}件）："]
    for report in reports:
        lines.append(render.list_line(report, ctx.now, ctx.config.tz, rating_days) + f"｜{render.place(report)}")
    lines.append("发「查询 #编号」看详情，「受理 #编号」接单。")
    return _phone_sized("\n".join(lines))


# --- handling ------------------------------------------------------------------------------


def _step(ctx: Context, match: Match, usage: str, action, done) -> list[Reply]:
    try:
        report_id, rest = ticket(match, usage)
        result = action(report_id, rest)
    except ReportError as exc:
        return [_fail(exc)]
    return [Reply(done(result.report, rest)), *result.notices]


def accept(ctx: Context, match: Match) -> list[Reply]:
    return _step(
        ctx, match, "受理 #12",
        lambda rid, rest: service.accept(ctx.session, ctx.config, ctx.person, rid, ctx.now),
        lambda r, rest: f"已受理 #{r.id}，已告知反映人。有进展发「进展 #{r.id} 内容」，办好后发「办结 #{r.id} 结果」。",
    )


def progress(ctx: Context, match: Match) -> list[Reply]:
    return _step(
        ctx, match, "进展 #12 已联系物业，明天清理",
        lambda rid, rest: service.add_progress(ctx.session, ctx.config, ctx.person, rid, rest, ctx.now),
        lambda r, rest: f"已记录 #{r.id} 的进展，已告知反映人。",
    )


def close(ctx: Context, match: Match) -> list[Reply]:
    replies = _step(
        ctx, match, "办结 #12 杂物已清理",
        lambda rid, rest: service.close(ctx.session, ctx.config, ctx.person, rid, rest, ctx.now),
        lambda r, rest: f"#{r.id} 已办结，已请反映人评价。",
    )
    closed = _closed_ticket(ctx, match)
    if closed is not None and (closed.reporter_id is None or closed.reporter_id != ctx.person.id):
        # The reporter's "满意" / "不满意" in reply to the closing notice rates this ticket.
        to = ToPerson(closed.reporter_id) if closed.reporter_id is not None else ToAddress(closed.reporter_channel, closed.reporter_sender)
        ctx.remember(RATE_KEY, closed.id, minutes=RATE_MINUTES, to=to)
    return replies


def _closed_ticket(ctx: Context, match: Match) -> Report | None:
    try:
        report_id, _ = ticket(match, "")
    except ReportError:
        return None
    report = ctx.session.get(Report, report_id)
    return report if report is not None and report.status == ReportStatus.closed.value else None


def _which_to_rate(ctx: Context, verdict: str) -> str:
    waiting = [r for r in service.mine(ctx.session, who(ctx)) if r.status == ReportStatus.closed.value]
    if not waiting:
        return "您没有待评价的反映。要评价哪一件，请发「评价 #编号 满意」或「评价 #编号 不满意 理由」。"
    listed = "、".join(f"#{r.id}" for r in waiting[:5])
    return f"要评价哪一件？您待评价的有：{listed}。请发「评价 #{waiting[0].id} {verdict}」这样，写上编号。"


def rate(ctx: Context, match: Match) -> list[Reply]:
    if match.groups.get("reason_for") is not None:
        return add_reason(ctx, Match(text=match.text, groups={"id": match.groups["reason_for"], "reason": match.groups["reason"]}))
    if match.groups.get("which"):
        return [Reply(_which_to_rate(ctx, match.groups.get("verdict", "满意")))]
    try:
        if "id" in match.groups and "satisfied" in match.groups:
            # "满意" right after the closing notice (or after looking at the closed ticket).
            report_id, satisfied, reason = int(match.groups["id"]), bool(match.groups["satisfied"]), match.groups.get("reason", "")
        else:
            report_id, rest = ticket(match, "评价 #12 满意")
            verdict = re.match(r"^(?:挺|很|非常|比较|还算|基本|十分|特别)?\s*(不太满意|不满意|满意|好评|差评)(?:的|了)?\s*[:：,，!！。]?\s*(.*)$", rest, re.S)
            if not verdict:
                raise ReportError(f"请说满意还是不满意，例如：评价 #{report_id} 满意，或 评价 #{report_id} 不满意 问题还在。")
            satisfied, reason = verdict.group(1) in ("满意", "好评"), verdict.group(2)
        result = service.rate(ctx.session, ctx.config, who(ctx), report_id, satisfied, reason, ctx.now)
    except ReportError as exc:
        return [_fail(exc)]
    ctx.forget(RATE_KEY)
    if satisfied:
        text = f"谢谢您的评价！#{result.report.id} 已完结。"
    elif reason.strip():
        text = f"收到，#{result.report.id} 已退回重办（回炉），包联领导和承办人已收到您的意见。"
    else:
        # A bare 不满意 is recorded at once; why is asked, and the next message carries it (read_rating).
        ctx.remember(REASON_KEY, result.report.id, minutes=REASON_MINUTES)
        text = f"收到，#{result.report.id} 已退回重办（回炉）。哪里没办好？直接回复一句，我转给承办人。"
    return [Reply(text), *result.notices]


def add_reason(ctx: Context, match: Match) -> list[Reply]:
    try:
        result = service.add_reason(ctx.session, who(ctx), int(match.groups["id"]), match.groups["reason"], ctx.now)
    except ReportError as exc:
        return [_fail(exc)]
    ctx.forget(REASON_KEY)
    return [Reply(f"已把理由转给 #{result.report.id} 的承办人和包联领导，谢谢您。"), *result.notices]


def reroute(ctx: Context, match: Match) -> list[Reply]:
    return _step(
        ctx, match, "转办 #12 安居社区",
        lambda rid, rest: service.reroute(ctx.session, ctx.config, ctx.person, rid, rest, ctx.now),
        lambda r, rest: f"#{r.id} 已转至{render.place(r)}，承办人{r.assignee.name if r.assignee else '待定'}。",
    )


def recategorize(ctx: Context, match: Match) -> list[Reply]:
    return _step(
        ctx, match, "分类 #12 服务群众",
        lambda rid, rest: service.recategorize(ctx.session, ctx.config, ctx.person, rid, rest, ctx.now),
        lambda r, rest: f"#{r.id} 的分类已改为：{r.category}。",
    )


def stats(ctx: Context, match: Match) -> list[Reply] | str:
    found = _MONTH.search(match.args or "")
    year, month = (int(found.group(1)), int(found.group(2))) if found else (ctx.now.year, ctx.now.month)
    if not 1 <= month <= 12:
        return "月份没看懂，请写成「反映统计 2026-11」。"
    units = None
    if not ctx.person.is_admin:
        units = liaison_unit_ids(ctx.session, ctx.person.id)
    rows = figures.monthly_figures(ctx.session, year, month, ctx.config.tz, units)
    if not rows:
        return f"{year}年{month}月{'您包联的单位' if units is not None else ''}没有收到反映。"

    def hours(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f}h"

    lines = [f"{year}年{month}月 随手拍响应（中位数/90%分位）："]
    for row in rows:
        lines.append(f"{row.unit_name}：{row.received}件，未结{row.still_open}；受理 {hours(row.accept_median_hours)}/"
                     f"{hours(row.accept_p90_hours)}；办结 {hours(row.close_median_hours)}/{hours(row.close_p90_hours)}")
    return _phone_sized("\n".join(lines))


REGISTERED = EVERYONE

# The heading this module's commands get in 帮助.
HELP_TITLE = "随手拍"

COMMANDS = (
    Command(
        name="匿名反映", aliases=("匿名随手拍", "匿名投诉", "匿名举报"), handler=create_anonymous, reader=read_anonymous,
        allow_unregistered=True, priority=6,
        summary="匿名反映：除管理员外，谁也看不到您是谁", example="匿名反映 窗口工作人员上班时间玩手机",
        choice_label="匿名提交随手拍",
    ),
    Command(name="反映统计", guessable=True, handler=stats, reader=read_stats, roles=LEADERS, priority=7, summary="反映统计：包联单位随手拍的受理、办结用时",
            example="反映统计 2026-11"),
    Command(name="反映列表", guessable=True, aliases=("待办反映", "随手拍列表", "投诉列表", "反映清单"), handler=worklist, reader=read_worklist, roles=REGISTERED, priority=7,
            summary="反映列表：待您办理的反映"),
    Command(
        name="随手拍", aliases=("反映", "投诉", "反应", "举报", "曝光", "吐槽", "意见箱", "随拍", "随手怕"), handler=create, reader=read_report,
        allow_unregistered=True, priority=5,
        summary="随手拍（或 反映、投诉）：反映作风问题或诉求，可先发照片、位置", example="随手拍 安居社区3栋楼道堆满杂物没人管",
        choice_label="提交随手拍", choice_words=r"随手拍|反映|投诉|举报|提交|报上去|上报",
    ),
    Command(name="我的反映", guessable=True, handler=my_reports, reader=read_mine, allow_unregistered=True, priority=6,
            summary="我的反映：自己反映的办理情况"),
    Command(name="查询反映", patterns=(r"^(?:查询|查看反映)\s*#?\s*(?P<id>\d+)\s*$",), handler=show, reader=read_show,
            allow_unregistered=True, priority=5, summary="查询：一件反映的办理经过", example="查询 #12"),
    Command(name="受理", handler=accept, reader=read_step("accept"), roles=REGISTERED, priority=5, summary="受理：承办人接单",
            example="受理 #12"),
    Command(name="进展", handler=progress, reader=read_step("progress"), roles=REGISTERED, priority=5,
            summary="进展：记录办理进展，反映人会收到", example="进展 #12 已联系物业，明天清理"),
    Command(name="办结", handler=close, reader=read_step("close"), roles=REGISTERED, priority=5,
            summary="办结：办好后办结，请反映人评价", example="办结 #12 杂物已清理"),
    Command(name="评价", handler=rate, reader=read_rating, allow_unregistered=True, priority=5,
            summary="评价：对办结的反映评价，不满意会退回重办", example="评价 #12 满意"),
    Command(name="转办", handler=reroute, reader=read_step("reroute"), roles=LEADERS, priority=5,
            summary="转办：把反映转给责任单位", example="转办 #12 幸福社区", refusal="转办只对领导和管理员开放。"),
    Command(name="分类", aliases=("改分类",), handler=recategorize, reader=read_category, words_need_reading=True, roles=REGISTERED, priority=5,
            summary="分类：调整反映的分类", example="分类 #12 服务群众"),
    Command(name="随手拍附件", handler=media, kinds=frozenset({Kind.image, Kind.location}), allow_unregistered=True,
            priority=-20, hidden=True),
)
