"""Admins control scheduled jobs from chat: 定时任务 (list), 暂停/恢复定时任务 N, 立即执行 N.

Every command word contains 定时任务 or is 立即执行, so none collides with the ledger's 任务 #N.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from bot.message import Reply
from bot.router import ADMINS, Command, Context, Match, Reading
from bot.text import normalize, pack_lines
from scheduler.control import find_job, job_views, set_paused
from scheduler.runner import JobError, Runner

HOW = "暂停：暂停定时任务 编号；恢复：恢复定时任务 编号；补发：立即执行 编号"
LISTED = "jobs.listed"  # the numbered list was just shown: "暂停第2个" picks from it
_PICKED_NUMBER = re.compile(r"第?\s*(?P<n>\d{1,2}|[一二三四五六七八九十])\s*(?:个|号|条)?")
_CN_NUMBER = {c: n for n, c in enumerate("一二三四五六七八九十", start=1)}


def _when(value) -> str:
    return f"{value:%m-%d} {value.hour}:{value:%M}" if value else "无"


def _line(v) -> str:
    if not v.enabled or v.paused:
        state = v.state
    else:
        state = f"下次{_when(v.next_run)}"
    last = f"上次{v.last_occurrence:%m-%d} {v.last_result}" if v.last_occurrence else "还没执行过"
    return f"{v.number}. {v.label}｜{v.schedule}｜{state}｜{last}"


def list_text(runner: Runner, session: Session) -> list[str]:
    """The jobs by their Chinese names and plain times, in as many phone-sized replies as it takes."""
    views = job_views(runner, session)
    if not views:
        return ["目前没有定时任务。"]
    lines = [f"定时任务（共{len(views)}个）：", *(_line(v) for v in views), HOW]
    return pack_lines(lines)


def _label(runner: Runner, name: str) -> str:
    """How people know a job: its kind's Chinese name, and its number when two jobs share one."""
    label = runner.label(runner.specs[name].kind)
    same = [n for n, spec in runner.specs.items() if runner.label(spec.kind) == label]
    return label if len(same) == 1 else f"{label}（{list(runner.specs).index(name) + 1}号）"


def _run(ctx: Context, runner: Runner, word: str) -> str:
    name = find_job(runner, word, chinese=True)
    result = runner.run_now(name)
    ctx.audit("run", "schedule_job", name, {"occurrence": result.occurrence.isoformat() if result.occurrence else None,
                                             "new": result.new})
    return f"已执行 {_label(runner, name)}：{result.summary()}。"


def _pause(ctx: Context, runner: Runner, word: str, paused: bool) -> str:
    name = find_job(runner, word, chinese=True)
    label = _label(runner, name)
    number = list(runner.specs).index(name) + 1
    changed = set_paused(ctx.session, runner, name, paused, ctx.person)
    if paused:
        return f"已暂停定时任务 {label}，到点不再发送。恢复请发：恢复定时任务 {number}" if changed else f"{label} 本来就是暂停的。"
    return f"已恢复定时任务 {label}，下次 {_when(runner.next_run(name))} 照常发送。" if changed else f"{label} 没有暂停，正常运行中。"


SUBCOMMANDS = {"暂停": "pause", "恢复": "resume", "执行": "run", "立即执行": "run", "补发": "run"}


_JOBS = r"(?:定时任务|定时|推送|提醒|催办|\d+\s*号任务)"
_READ = (
    ("pause", re.compile(rf"(?:暂停|停掉|停了|停一下|先停|关掉|关闭|停止).{{0,8}}{_JOBS}|{_JOBS}.{{0,8}}(?:暂停|停掉|停了|停一下|停一停|先停|关掉|关了|停止|别发了|先别发|不要发了|停(?:两|几|一|三)天|停一段)")),
    ("resume", re.compile(rf"(?:恢复|启用|重新开启|开启|打开).{{0,8}}{_JOBS}|{_JOBS}.{{0,8}}(?:恢复|启用|开启|开起来|重新开|打开)")),
    ("run", re.compile(rf"(?:立即|马上|现在)?(?:执行|运行|跑一下|补发|重发|重跑).{{0,8}}{_JOBS}|{_JOBS}.{{0,12}}(?:执行|补发|重发|跑一下|跑一次|跑一遍)"
                       rf"|定时任务.{{0,40}}(?:手动跑|手动执行|手动发|补发一下|重新推一下|重推一下)"
                       # "今早的早报推送没发出去 手动触发一下"
                       rf"|{_JOBS}.{{0,12}}(?:没发出去|没推出去|没发|漏发|没收到).{{0,8}}(?:手动|补发|重发|再发|触发|推一下)")),
    ("list", re.compile(rf"{_JOBS}.{{0,4}}(?:有哪些|列表|清单|情况|安排|时间表|计划|都有啥|有啥)|(?:看看|查看|查下|看下).{{0,4}}(?:定时任务|推送安排)"
                        # "现在都有哪些定时任务", "定时的那些活儿几点跑的 列出来我看看"
                        rf"|(?:哪些|啥|什么)(?:个)?(?:定时任务|推送)|{_JOBS}.{{0,8}}(?:几点(?:跑|发|推)|列出来|列一下)")),
)


_VERB_ONLY = (
    ("pause", re.compile(r"暂停|停掉|停了|停一下|先停|关掉|关了|停止|别发了|不要发了|先别发")),
    ("resume", re.compile(r"恢复|启用|重新开启|开启|打开|重新发|接着发")),
    ("run", re.compile(r"立即执行|马上执行|立马执行|执行一下|补发|重发|现在发|马上发|立即发|跑一次|跑一下|跑一遍|手动跑|执行一次|运行一次")),
)


def read_jobs(text: str, ctx: Context) -> Reading | None:
    """"把2号推送停了", "恢复一下定时任务3", "把每日一题停了": the job controls however worded."""
    text = normalize(text)
    for action, pattern in _READ:
        if pattern.search(text):
            number = re.search(r"\d+", text)
            # "定时任务" said outright outweighs a report word in the story before it ("大家反映…推送太晚了").
            sure = 0.9 if "定时" in text else 0.85
            return Reading(sure, groups={"action": action, "target": number.group(0) if number else ""})
    if len(text) > 20 or re.search(r"[?？]|吗|么|怎么|咋", text):
        return None
    picked = _PICKED_NUMBER.search(text)
    if ctx.recall(LISTED) is not None and picked is not None and len(text) <= 12:
        # "暂停第2个" right after the list
        number = picked["n"] if picked["n"].isdigit() else str(_CN_NUMBER[picked["n"]])
        for action, pattern in _VERB_ONLY:
            if pattern.search(text):
                return Reading(0.9, groups={"action": action, "target": number})
    # A job by its own name with what to do: "把每日一题停了", "作风微课堂先别发了", "推微课的重新打开".
    runner = Runner(ctx.runtime)
    named = [str(n) for n, spec in enumerate(runner.specs.values(), start=1) if runner.label(spec.kind) in text]
    if not named and ctx.person is not None and ctx.person.role == "admin":
        # "推微课的重新打开": a job by a word of its name; when several share it, the handler lists them and asks
        named = _jobs_sharing_a_word(runner, text)
    if not named or len(named) > 1 and (ctx.person is None or ctx.person.role != "admin"):
        return None
    for action, pattern in _VERB_ONLY:
        if pattern.search(text):
            return Reading(0.85, groups={"action": action, "target": named[0] if len(named) == 1 else ""})
    return None


def _jobs_sharing_a_word(runner: Runner, text: str) -> list[str]:
    """The numbers of the jobs whose Chinese name shares a word with `text` ("暂停微课推送" → the lesson pushes)."""
    text = normalize(text)
    found = []
    for number, spec in enumerate(runner.specs.values(), start=1):
        label = runner.label(spec.kind)
        words = [label[i:i + 2] for i in range(len(label) - 1)]
        if any(w in text for w in words if w not in ("推送", "提醒", "定时", "任务")):
            found.append(str(number))
    return found


def _job_named_in(runner: Runner, text: str) -> str:
    """The number of the one job whose Chinese name shares a word with `text`, or ""."""
    found = _jobs_sharing_a_word(runner, text)
    return found[0] if len(found) == 1 else ""


def jobs_command(ctx: Context, match: Match) -> list[Reply] | str:
    runner = Runner(ctx.runtime)
    alias, args = match.alias, match.args.strip()
    if not alias and "action" in match.groups:
        if match.groups["action"] == "list":
            ctx.remember(LISTED, True, minutes=15)
            return list_text(runner, ctx.session)
        alias = {"pause": "暂停定时任务", "resume": "恢复定时任务", "run": "立即执行"}[match.groups["action"]]
        args = match.groups.get("target") or _job_named_in(runner, match.text)
        if not args:
            return [f"请写上任务编号，例如：{alias} 1", *list_text(runner, ctx.session)]
    action = {"暂停定时任务": "pause", "恢复定时任务": "resume", "立即执行": "run", "执行定时任务": "run"}.get(alias)
    if action is None:  # "定时任务" alone lists; "定时任务 暂停 3" also works
        word, _, rest = args.partition(" ")
        action = SUBCOMMANDS.get(word)
        if action is None:
            if args and re.search(r"格式|怎么用|咋用|怎么发|咋发|命令|用法|忘了", args):
                return f"定时任务的用法——{HOW}。发「定时任务」看编号。"  # "定时任务命令格式是啥 忘了"
            if args and args not in ("列表", "清单"):
                return f"没看懂“{args}”。{HOW}"
            ctx.remember(LISTED, True, minutes=15)
            return [Reply(text) for text in list_text(runner, ctx.session)]
        args = rest.strip()
    try:
        if action == "run":
            return _run(ctx, runner, args)
        return _pause(ctx, runner, args, paused=action == "pause")
    except JobError as exc:
        return str(exc)


# The heading this module's commands get in 帮助.
HELP_TITLE = "定时任务"

COMMANDS = (
    Command(
        name="定时任务",
        aliases=("定时任务列表", "暂停定时任务", "恢复定时任务", "执行定时任务", "立即执行"),
        handler=jobs_command,
        reader=read_jobs,
        roles=ADMINS,
        summary="定时任务：查看、暂停、恢复、立即执行（管理员）",
        example="暂停定时任务 1",
        refusal="定时任务只有管理员可以查看和调整。",
    ),
)
