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
# Chinese names of job kinds for people; a kind without one shows its code name.
KIND_LABELS = {
    "notice": "定时通知",
    "hours_reminder": "服务时长提醒",
    "hours_summary": "上月时长汇总",
    "morning_lesson": "作风微课堂",
    "lesson_reminder": "微课学习提醒",
    "lesson_coverage": "微课覆盖汇总",
    "quiz_push": "每日一题",
    "reports_overdue": "诉求超时提醒",
    "ledger_reminders": "整改台账提醒",
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

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def state(self) -> str:
        if not self.enabled:
            return "停用"
        return "已暂停" if self.paused else "运行"


def schedule_text(cron: str, workdays_at: str) -> str:
    return f"工作日 {workdays_at}" if workdays_at else f"cron {cron}"


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
            )
        )
    return views


def find_job(runner: Runner, word: str) -> str:
    """A job by its name or its number in the list; JobError with a readable reply otherwise."""
    word = word.strip()
    names = list(runner.specs)
    if word.isdigit() and 1 <= int(word) <= len(names):
        return names[int(word) - 1]
    if word in runner.specs:
        return word
    for name, spec in runner.specs.items():
        if word and word == KIND_LABELS.get(spec.kind):
            return name
    listing = "、".join(f"{i}.{n}" for i, n in enumerate(names, start=1)) or "（无）"
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
