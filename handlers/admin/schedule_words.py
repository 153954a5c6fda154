"""A job's schedule in plain Chinese: "每月25日 09:00", "每周五 16:30", "每天 8:00–20:00 每个整点".

Only the shapes people write are put into words; anything else is shown as its cron text.
"""

from __future__ import annotations

import re

WEEKDAYS = {"0": "日", "7": "日", "sun": "日", "1": "一", "mon": "一", "2": "二", "tue": "二", "3": "三", "wed": "三",
            "4": "四", "thu": "四", "5": "五", "fri": "五", "6": "六", "sat": "六"}
_NUMBER = re.compile(r"^\d{1,2}$")
_RANGE = re.compile(r"^(\d{1,2})-(\d{1,2})$")


def describe(cron: str, workdays_at: str) -> str:
    if workdays_at:
        return f"每个工作日 {workdays_at}（按国家调休安排）"
    fields = cron.split()
    if len(fields) != 5:
        return f"cron {cron}"
    minute, hour, day, month, weekday = fields
    if month != "*" or not _NUMBER.match(minute):
        return f"cron {cron}"
    if _NUMBER.match(hour):
        time = f"{int(hour):02d}:{int(minute):02d}"
    elif (found := _RANGE.match(hour)) and int(minute) == 0:
        time = f"{int(found.group(1))}:00–{int(found.group(2))}:00 每个整点"
    elif hour == "*":
        time = f"每小时第{int(minute)}分"
    else:
        return f"cron {cron}"
    if day == "*" and weekday == "*":
        return f"每天 {time}"
    if weekday == "*" and _NUMBER.match(day):
        return f"每月{int(day)}日 {time}"
    if day == "*":
        names = [WEEKDAYS.get(w.lower()) for w in weekday.split(",")]
        if all(names):
            return f"每周{'、'.join(names)} {time}"
        if (found := _RANGE.match(weekday)) and found.group(1) == "1" and found.group(2) == "5":
            return f"每周一至周五 {time}"
    return f"cron {cron}"
