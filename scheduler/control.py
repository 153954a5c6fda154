"""What admins see and change about jobs, shared by the CLI and the chat commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.audit import record
from bot.models import Person
from scheduler import state
from scheduler.models import RunStatus
from scheduler.runner import JobError, Runner

STATUS_LABELS = {
    RunStatus.running: "执行中",
    RunStatus.done: "完成",
    RunStatus.failed: "出错",
    RunStatus.missed: "错过",
    RunStatus.paused: "暂停未发",
}
@dataclass(frozen=True)
class JobView:
    number: int
    name: str
    kind: str
    schedule: str
    targets: str
    enabled: bool
    paused: bool
    next_run: datetime | None
    last_run: datetime | None
    last_occurrence: datetime | None
    last_result: str
    label: str  # the kind's Chinese name, as its capability declares it

    @property
    def state(self) -> str:
        if not self.enabled:
            return "停用"
        return "已暂停" if self.paused else "运行"


# Crontab weekday names and numbers (0 and 7 are Sunday) → Monday-first index for the Chinese names.
_DAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_DAY_NAMES = "一二三四五六日"
# What a schedule that these rules cannot put into words shows; the next run beside it still says when.
CUSTOM = "自定义时间"


def _clock(hour: int, minute: int) -> str:
    return f"{hour}:{minute:02d}"


def _number(field: str, low: int, high: int) -> int | None:
    return int(field) if field.isdigit() and low <= int(field) <= high else None


def _weekday(token: str) -> int | None:
    token = token.strip().lower()
    if token in _DAY_INDEX:
        return _DAY_INDEX[token]
    if token.isdigit() and 0 <= int(token) <= 7:
        return (int(token) - 1) % 7
    return None


def _weekdays(field: str) -> str | None:
    """"fri" → 每周五, "mon-fri" → 每周一至周五, "1,3" → 每周一、周三; None when not that simple."""
    days: list[int] = []
    spans: list[str] = []
    for token in field.split(","):
        first, dash, last = token.partition("-")
        start, end = _weekday(first), _weekday(last) if dash else _weekday(first)
        if start is None or end is None or end < start:
            return None
        days += range(start, end + 1)
        spans.append(f"周{_DAY_NAMES[start]}" + (f"至周{_DAY_NAMES[end]}" if end > start else ""))
    return "每" + "、".join(spans) if days else None


def _days_of_month(field: str) -> str | None:
    days = [_number(t, 1, 31) for t in field.split(",")]
    return "每月" + "、".join(f"{d}日" for d in days) if days and None not in days else None


def _months(field: str) -> str | None:
    months = [_number(t, 1, 12) for t in field.split(",")]
    return "每年" + "、".join(f"{m}月" for m in months) if months and None not in months else None


def _times(minute: int, field: str) -> str | None:
    """The hour field with its minute: "9" → 9:00, "9,14" → 9:00、14:00, "8-20" → 8:00–20:00 每小时."""
    hour = _number(field, 0, 23)
    if hour is not None:
        return _clock(hour, minute)
    span, slash, step = field.partition("/")
    every = "每小时" if not slash else (f"每{step}小时" if step.isdigit() and int(step) > 0 else None)
    if every is None:
        return None
    if span == "*":
        return every if minute == 0 else f"{every}第{minute}分"
    first, dash, last = span.partition("-")
    if dash:
        start, end = _number(first, 0, 23), _number(last, 0, 23)
        if start is None or end is None or end < start:
            return None
        return f"{_clock(start, minute)}–{_clock(end, minute)} {every}"
    if slash:
        return None
    hours = [_number(t, 0, 23) for t in field.split(",")]
    return "、".join(_clock(h, minute) for h in hours) if None not in hours else None


def schedule_text(cron: str, workdays_at: str) -> str:
    """A schedule as people say it: "工作日 7:50", "每月25日 9:00", "每周五 16:00", "每天 8:00–20:00 每小时"."""
    if workdays_at:
        hour, _, minute = workdays_at.strip().partition(":")
        return f"工作日 {_clock(int(hour), int(minute))}"
    fields = cron.split()
    if len(fields) != 5:
        return CUSTOM
    minute_field, hour_field, day_field, month_field, weekday_field = fields
    if (minute_field, hour_field) == ("*", "*"):
        times = "每分钟"
    else:
        minute = _number(minute_field, 0, 59)
        times = _times(minute, hour_field) if minute is not None else None
    if day_field != "*" and weekday_field != "*":
        return CUSTOM  # crontab fires on either: too easy to misread as both
    days = _days_of_month(day_field) if day_field != "*" else _weekdays(weekday_field) if weekday_field != "*" else "每天"
    months = _months(month_field) if month_field != "*" else ""
    if times is None or days is None or months is None:
        return CUSTOM
    if months:
        days = f"{months}的{days.removeprefix('每月')}"
    elif days == "每天" and times.startswith("每"):
        return times  # "每2小时", not "每天 每2小时"
    return f"{days} {times}"


def job_views(runner: Runner, session: Session) -> list[JobView]:
    names = list(runner.specs)
    states = state.ensure_states(session, names, runner.app.clock.now())
    runs = state.last_runs(session, names)
    now = runner.now()
    views = []
    for number, (name, spec) in enumerate(runner.specs.items(), start=1):
        run = runs.get(name)
        result = ""
        if run is not None:
            result = STATUS_LABELS.get(run.status, run.status)
            if run.status in (RunStatus.done, RunStatus.running):
                result += f"，共{run.written}条" + (f"（{run.unreachable}条无渠道）" if run.unreachable else "")
            if run.detail:
                result += f"（{run.detail}）"
        views.append(
            JobView(
                number=number,
                name=name,
                kind=spec.kind,
                schedule=schedule_text(spec.cron, spec.workdays_at),
                targets="、".join(spec.targets) if spec.targets else "（按人发送）",
                enabled=spec.enabled,
                paused=states[name].paused,
                next_run=runner.next_run(name, now) if spec.enabled else None,
                last_run=run.started_at.astimezone(runner.tz) if run else None,
                last_occurrence=run.occurrence.astimezone(runner.tz) if run else None,
                last_result=result,
                label=runner.label(spec.kind),
            )
        )
    return views


def find_job(runner: Runner, word: str, chinese: bool = False) -> str:
    """A job by its name, its Chinese label or its number in the list; JobError with a readable reply otherwise.

    `chinese`: the reply lists the jobs by their Chinese labels (chat), not their configuration names (CLI).
    """
    word = word.strip()
    names = list(runner.specs)
    if word.isdigit() and 1 <= int(word) <= len(names):
        return names[int(word) - 1]
    if word in runner.specs:
        return word
    for name, spec in runner.specs.items():
        if word and word == runner.label(spec.kind):
            return name
    shown = [runner.label(runner.specs[n].kind) for n in names] if chinese else names
    listing = "、".join(f"{i}.{n}" for i, n in enumerate(shown, start=1)) or "（无）"
    if not word:
        raise JobError(f"请写上任务名或编号。现有定时任务：{listing}")
    raise JobError(f"没有找到定时任务“{word}”。现有：{listing}")


def set_paused(session: Session, runner: Runner, name: str, paused: bool, actor: Person | str) -> bool:
    """Pause or resume a job (audited); False when it already was so."""
    now = runner.app.clock.now()
    who = actor if isinstance(actor, str) else f"{actor.name}#{actor.id}"
    changed = state.set_paused(session, name, paused, now, who)
    if changed:
        record(session, actor, "pause" if paused else "resume", "schedule_job", name, None, at=now)
    return changed
