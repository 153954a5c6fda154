"""What people read: lesson pushes, reminders and the coverage summary (phone-sized Chinese)."""

from __future__ import annotations

from datetime import date

from handlers.lessons.models import Lesson
from handlers.lessons.service import PersonWeek, UnitCoverage

# Below this share a unit is named as lagging in the leaders' summary.
LAGGING_SHARE = 0.6


def lesson_text(lesson: Lesson, heading: str = "【作风微课堂】", confirm_hint: str = "学完请回复「已学」打卡。") -> str:
    lines = [f"{heading}第{lesson.id}课 {lesson.title}", lesson.body.strip()]
    if lesson.rule:
        lines.append(f"依据：{lesson.rule}")
    if confirm_hint:
        lines.append(confirm_hint)
    return "\n".join(lines)


def short_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def reminder_text(week: PersonWeek) -> str:
    missing = week.missing
    lines = [f"{week.person.name}您好，本周作风微课还有{len(missing)}课没有确认学习："]
    lines += [f"· 第{lesson.id}课《{lesson.title}》" for lesson in missing]
    first = missing[0].id
    lines.append(f"发「微课 {first}」再看一遍，学完回复「已学 {first}」。")
    return "\n".join(lines)


def percent(share: float) -> str:
    return f"{round(share * 100)}%"


def coverage_text(rows: list[UnitCoverage], start: date, end: date) -> str:
    head = f"📚 作风微课学习情况（{short_day(start)}—{short_day(end)}）"
    if not rows:
        return f"{head}\n本周还没有推送微课。"
    expected = sum(r.expected for r in rows)
    confirmed = sum(r.confirmed for r in rows)
    lines = [head, f"全街道：已学{confirmed}/{expected}人次，{percent(confirmed / expected if expected else 0)}", "各单位（从低到高）："]
    lines += [f"{r.unit} {percent(r.share)}（{r.confirmed}/{r.expected}）" for r in rows]
    lagging = [r.unit for r in rows if r.share < LAGGING_SHARE]
    if lagging:
        named = "、".join(lagging) if len(lagging) <= 4 else f"{len(lagging)}个单位"
        lines.append(f"低于{percent(LAGGING_SHARE)}：{named}。请包联领导督促，防止“以干代学”。")
    return "\n".join(lines)
