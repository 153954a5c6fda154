"""Admins list, pause, resume and run jobs from chat; others are refused."""

from __future__ import annotations

from datetime import datetime

import pytest

from sqlalchemy import select

from bot.clock import ManualClock
from bot.models import AuditEntry
from scheduler.control import schedule_text
from tests.conftest import SHANGHAI
from tests.harness import TestBot
from tests.scheduler_support import MORNING, rows, street


def make_bot(db_url: str, clock: ManualClock) -> TestBot:
    jobs = [MORNING, {"name": "hours_reminder", "kind": "hours_reminder", "cron": "0 9 25 * *"}]
    return TestBot(street(db_url, clock, jobs))


def test_admin_lists_pauses_resumes_and_runs_jobs(db_url):
    clock = ManualClock(datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI))
    bot = make_bot(db_url, clock)
    listing = bot.send("林晓雯", "定时任务").text
    assert "1. 定时通知｜工作日 7:50｜下次11-27 7:50｜还没执行过" in listing
    assert "2. 服务时长提醒｜每月25日 9:00｜下次12-25 9:00" in listing and "暂停定时任务" in listing
    # Chinese names and plain times only: no configuration names, no crontab.
    assert "morning_notice" not in listing and "hours_reminder" not in listing and "cron" not in listing

    said = bot.send("林晓雯", "暂停定时任务 1").text
    assert said.startswith("已暂停定时任务 定时通知") and "恢复定时任务 1" in said
    assert "已暂停" in bot.send("林晓雯", "定时任务列表").text
    assert "本来就是暂停的" in bot.send("林晓雯", "暂停定时任务 morning_notice").text
    assert "定时通知 本来就是暂停的" in bot.send("林晓雯", "暂停定时任务 定时通知").text
    assert "下次 11-27 7:50 照常发送" in bot.send("林晓雯", "定时任务 恢复 1").text

    first = bot.send("林晓雯", "立即执行 morning_notice").text
    assert first == "已执行 定时通知：11-26 07:50 这一次：新发送15条。"
    again = bot.send("林晓雯", "立即执行 1").text
    assert "新发送0条，15条此前已发不再重发" in again
    assert len(rows(bot.app)) == 15
    assert "上次11-26 完成，共15条" in bot.send("林晓雯", "定时任务").text
    with bot.app.sessions() as session:
        actions = [a.action for a in session.scalars(select(AuditEntry).where(AuditEntry.entity == "schedule_job"))]
    assert actions == ["pause", "resume", "run", "run"]


def test_unclear_job_words_get_a_reply_that_says_what_to_write(db_url):
    bot = make_bot(db_url, ManualClock(datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)))
    assert "没有找到定时任务“9”。现有：1.定时通知、2.服务时长提醒" in bot.send("林晓雯", "立即执行 9").text
    assert "请写上任务名或编号" in bot.send("林晓雯", "暂停定时任务").text
    assert "没看懂“乱写”" in bot.send("林晓雯", "定时任务 乱写").text
    assert rows(bot.app) == []


def test_people_who_are_not_admins_are_refused(db_url):
    bot = make_bot(db_url, ManualClock(datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)))
    assert bot.send("王建国", "立即执行 1").text == "定时任务只有管理员可以查看和调整。"
    assert bot.send("张伟", "定时任务").text == "定时任务只有管理员可以查看和调整。"
    assert rows(bot.app) == []


@pytest.mark.parametrize("cron, workdays_at, said", [
    ("", "07:50", "工作日 7:50"),
    ("0 9 25 * *", "", "每月25日 9:00"),
    ("0 16 * * fri", "", "每周五 16:00"),
    ("30 16 * * 5", "", "每周五 16:30"),
    ("0 8-20 * * *", "", "每天 8:00–20:00 每小时"),
    ("0 9 * * mon-fri", "", "每周一至周五 9:00"),
    ("0 9,14 * * *", "", "每天 9:00、14:00"),
    ("0 */2 * * *", "", "每2小时"),
    ("0 9 1 1,7 *", "", "每年1月、7月的1日 9:00"),
    # Forms with no plain wording say so rather than show the crontab; the next run shows when.
    ("*/5 * * * *", "", "自定义时间"),
    ("0 9 1 * mon", "", "自定义时间"),
])
def test_schedules_read_as_people_say_them(cron, workdays_at, said):
    assert schedule_text(cron, workdays_at) == said
