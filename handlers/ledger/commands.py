"""Chat commands for the 整改台账: my tasks, a task and its progress, 销号, 台账 overview, 立项, 反弹, 巩固."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.message import Reply
from bot.models import Person, Unit
from bot.router import LEADERS, Command, Context, Match
from bot.text import pack_lines
from handlers.ledger import service
from handlers.ledger.models import LedgerTask
from handlers.ledger.service import LedgerError
from handlers.ledger.understand import (
    read_board,
    read_close,
    read_from_report,
    read_mine,
    read_recheck,
    read_reopen,
    read_task,
)
from handlers.reports.service import CATEGORIES

_NUMBER = re.compile(r"^#?\s*(\d+)\s*[:：,，]?\s*(.*)$", re.S)
_TASK = re.compile(r"^任务\s*#?\s*(?P<id>\d+)\s*(?:(?P<verb>进展|进度|更新)\s*[:：,，]?\s*(?P<note>.*))?$", re.S)


def _phone_sized(text: str) -> list[Reply]:
    """A long list or task history as consecutive replies of at most 500 characters, split between lines."""
    return [Reply(part) for part in pack_lines(text.split("\n"))]


def number(match: Match, usage: str) -> tuple[int, str]:
    found = _NUMBER.match((match.args or "").strip())
    if not found:
        raise LedgerError(f"请写上任务编号，例如：{usage}")
    return int(found.group(1)), found.group(2).strip()


def _deadline_text(task: LedgerTask, today) -> str:
    if task.long_term:
        return "长期坚持"
    if task.deadline is None:
        return "未定时限"
    if not task.is_open:
        return f"{task.deadline:%Y-%m-%d}"
    state = service.state(task, today)
    if state == "overdue":
        return f"{task.deadline:%m-%d}到期，已逾期{(today - task.deadline).days}天"
    return f"{task.deadline:%Y-%m-%d}前"


def _line(task: LedgerTask, today) -> str:
    state = service.STATE_LABELS[service.state(task, today)]
    return f"#{task.id} {state}｜{_deadline_text(task, today) if task.is_open else '已销号'}｜{service.one_line(task.problem)[:28]}"


def my_tasks(ctx: Context, match: Match) -> list[Reply] | str:
    tasks = service.my_tasks(ctx.session, ctx.person)
    if not tasks:
        return "您名下和本单位目前没有整改任务。"
    today = ctx.now.date()
    open_tasks = [t for t in tasks if t.is_open]
    closed = len(tasks) - len(open_tasks)
    lines = [f"您牵头或本单位的整改任务：在办{len(open_tasks)}项，已销号{closed}项。"]
    lines += [_line(t, today) for t in open_tasks[:20]]
    lines.append("发「任务 #编号」看详情和进展。")
    return _phone_sized("\n".join(lines))


def task(ctx: Context, match: Match) -> list[Reply] | str:
    if "id" not in match.groups:  # "任务详情 #3"
        found = _TASK.match("任务" + (match.args or ""))
        if not found:
            return "请写上任务编号，例如：任务 #3"
        match = Match(text=match.text, groups={k: v for k, v in found.groupdict().items() if v is not None})
    task_id = int(match.groups["id"])
    if match.groups.get("verb"):
        try:
            result = service.add_progress(ctx.session, ctx.config, ctx.person, task_id, match.groups.get("note", ""), ctx.now)
        except LedgerError as exc:
            return str(exc)
        return [Reply(f"已记入任务 #{task_id} 的整改进展。"), *result.notices]
    try:
        found = service.get_visible(ctx.session, ctx.person, task_id)
    except LedgerError as exc:
        return str(exc)
    return _phone_sized(detail(ctx, found))


def detail(ctx: Context, task: LedgerTask) -> str:
    today = ctx.now.date()
    lead = ctx.session.get(Person, task.lead_leader_id)
    unit = ctx.session.get(Unit, task.unit_id)
    lines = [
        f"整改任务 #{task.id}｜{task.category}｜{service.STATE_LABELS[service.state(task, today)]}",
        f"问题：{task.problem}",
        f"牵头领导：{lead.name if lead else '未指定'}；责任单位：{unit.name if unit else '未指定'}",
        f"措施：{task.measures or '（未填）'}",
        f"时限：{_deadline_text(task, today)}",
    ]
    if task.report_id:
        lines.append(f"来源：随手拍 #{task.report_id}")
    if not task.is_open:
        lines.append(f"销号：{task.closed_at.astimezone(ctx.config.tz):%Y-%m-%d}，{task.close_note}")
    entries = task.progress[-8:]
    if entries:
        lines.append("进展：")
        for entry in entries:
            label = service.KIND_LABELS.get(entry.kind, "")
            who = entry.author_name or "系统"
            lines.append(f"· {entry.at.astimezone(ctx.config.tz):%m-%d} {who}{'【' + label + '】' if label else ''}：{entry.text}")
    if task.is_open:
        lines.append(f"更新进展发「任务 #{task.id} 进展 内容」。")
    return "\n".join(lines)


def _step(ctx: Context, match: Match, usage: str, action, done) -> list[Reply] | str:
    try:
        task_id, rest = number(match, usage)
        result = action(task_id, rest)
    except LedgerError as exc:
        return str(exc)
    return [Reply(done(result.task)), *result.notices]


def close(ctx: Context, match: Match):
    try:
        task_id, rest = number(match, "销号 #3 已建立周例会制度，连续两月无反复")
        result = service.close_task(ctx.session, ctx.config, ctx.person, task_id, rest, ctx.now)
    except LedgerError as exc:
        return str(exc)
    text = f"任务 #{result.task.id} 已销号。"
    if result.reports_closed:
        numbers = "、".join(f"#{n}" for n in result.reports_closed)
        text += f"来源随手拍 {numbers} 一并办结，已告知反映人。"
    text += f"{ctx.config.ledger.recheck_after_days}天后会请牵头领导回头看。"
    return [Reply(text), *result.notices]


def reopen(ctx: Context, match: Match):
    def action(tid: int, rest: str):
        deadline, note = service.take_deadline(rest, ctx.now.date())
        return service.reopen_task(ctx.session, ctx.config, ctx.person, tid, note, deadline, ctx.now)

    return _step(
        ctx, match, "反弹 #3 近期又出现午间脱岗", action,
        lambda t: f"任务 #{t.id} 已重新打开（反弹），时限 {_deadline_text(t, ctx.now.date())}。",
    )


def recheck(ctx: Context, match: Match):
    return _step(
        ctx, match, "巩固 #3",
        lambda tid, rest: service.confirm_recheck(ctx.session, ctx.config, ctx.person, tid, rest, ctx.now),
        lambda t: f"已记录：任务 #{t.id} 回头看未反弹，整改成果巩固。",
    )


def from_report(ctx: Context, match: Match):
    def action(report_id: int, rest: str):
        deadline, measures = service.take_deadline(rest, ctx.now.date())
        return service.from_report(ctx.session, ctx.config, ctx.person, report_id, measures, deadline, ctx.now)

    def done(t: LedgerTask) -> str:
        lead = ctx.session.get(Person, t.lead_leader_id)
        return (f"已把随手拍 #{t.report_id} 列入整改台账：任务 #{t.id}，牵头领导{lead.name}，"
                f"完成时限 {t.deadline:%Y-%m-%d}。补充措施可发「任务 #{t.id} 进展 内容」。")

    return _step(ctx, match, "立项 #12 截止12月31日 建立楼道巡查制度", action, done)


def overview(ctx: Context, match: Match) -> list[Reply] | str:
    tasks = service.scope(ctx.session, ctx.person)
    if not tasks:
        return "您包联的单位目前没有整改任务。"
    today = ctx.now.date()
    counts = service.by_category(tasks, today, CATEGORIES)
    whose = "全街道" if ctx.person.is_admin else "您包联和牵头的"
    closed = sum(c.closed for c in counts)
    lines = [f"{whose}整改台账：共{len(tasks)}项，已销号{closed}项，在办{len(tasks) - closed}项。"]
    for count in counts:
        late = f"，逾期{count.overdue}" if count.overdue else ""
        lines.append(f"· {count.category}：销号{count.closed}，在办{count.open}{late}")
    overdue = [t for t in tasks if service.state(t, today) == "overdue"]
    if overdue:
        lines.append("逾期：")
        names = {p.id: p.name for p in ctx.session.scalars(select(Person).where(Person.id.in_({t.lead_leader_id for t in overdue})))}
        for t in overdue[:10]:
            lines.append(f"#{t.id} {names.get(t.lead_leader_id, '')}牵头，逾期{(today - t.deadline).days}天：{service.one_line(t.problem)[:20]}")
    lines.append("发「任务 #编号」看详情。")
    return _phone_sized("\n".join(lines))


# The heading this module's commands get in 帮助.
HELP_TITLE = "整改台账"

COMMANDS = (
    Command(name="我的任务", guessable=True, handler=my_tasks, reader=read_mine, priority=6, summary="我的任务：自己牵头或本单位的整改任务"),
    Command(name="任务详情", patterns=(_TASK.pattern,), handler=task, reader=read_task, priority=5, summary="任务：看整改任务，或填写进展",
            example="任务 #3 进展 已完成第一轮排查"),
    Command(name="销号", handler=close, reader=read_close, priority=5, summary="销号：牵头领导对完成的整改任务销号",
            example="销号 #3 已建立周例会制度"),
    Command(name="台账", guessable=True, aliases=("整改台账",), handler=overview, reader=read_board, roles=LEADERS, priority=5,
            summary="台账：各类问题销号、在办、逾期情况",
            refusal="台账只对领导和管理员开放；您可以发「我的任务」看本单位的整改任务。"),
    Command(name="立项", handler=from_report, reader=read_from_report, roles=LEADERS, priority=5, summary="立项：把一件反映列入整改台账",
            example="立项 #12 截止12月31日 建立楼道巡查制度", refusal="立项只对领导和管理员开放。"),
    Command(name="反弹", handler=reopen, reader=read_reopen, priority=5, summary="反弹：回头看发现问题反弹，重新打开任务",
            example="反弹 #3 近期又出现午间脱岗"),
    Command(name="巩固", aliases=("未反弹",), handler=recheck, reader=read_recheck, priority=5, summary="巩固：回头看确认没有反弹",
            example="巩固 #3"),
)
