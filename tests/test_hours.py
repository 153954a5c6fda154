"""Service-hours logging as cadres type it, every rule's reply, and that bad input stores nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.models import AuditEntry, Person
from handlers.hours.models import HourEntry
from tests.conftest import SHANGHAI


def entries(bot, name: str = "张伟") -> list[tuple[date, float, str]]:
    person = bot.person(name)
    with bot.app.sessions() as session:
        rows = session.scalars(select(HourEntry).where(HourEntry.person_id == person.id).order_by(HourEntry.id))
        return [(r.day, float(r.hours), r.note) for r in rows]


# Today in the fixture clock: Thursday 2026-11-26.
@pytest.mark.parametrize(
    "text, day, hours, note",
    [
        ("服务 3小时 走访搬迁户", date(2026, 11, 26), 3.0, "走访搬迁户"),
        ("登记 两个半小时 入户走访 昨天", date(2026, 11, 25), 2.5, "入户走访"),
        ("昨天下沉网格2.5h 政策宣传", date(2026, 11, 25), 2.5, "政策宣传"),
        ("11月20日 服务4个小时 环境整治", date(2026, 11, 20), 4.0, "环境整治"),
        ("服务1.5小时", date(2026, 11, 26), 1.5, ""),
        ("服务 一个半小时 前天", date(2026, 11, 24), 1.5, ""),
        ("服务 半小时 帮办", date(2026, 11, 26), 0.5, "帮办"),
        ("3个钟 环境整治 11.20", date(2026, 11, 20), 3.0, "环境整治"),
        ("上周五 服务2小时 矛盾调解", date(2026, 11, 20), 2.0, "矛盾调解"),
        ("2026-11-02 服务 2钟头 安全巡查", date(2026, 11, 2), 2.0, "安全巡查"),
        ("服务９０分钟 就业信息收集", date(2026, 11, 26), 1.5, "就业信息收集"),
        ("今天服务了两个小时，入户走访搬迁户", date(2026, 11, 26), 2.0, "入户走访搬迁户"),
        ("10月31日 服务3小时", date(2026, 10, 31), 3.0, ""),
    ],
)
def test_logging_what_cadres_type(bot, text, day, hours, note):
    said = bot.send("张伟", text)
    assert entries(bot) == [(day, hours, note)]
    assert "已登记" in said.text
    assert f"{day.month}月{day.day}日" in said.text
    assert f"服务 {hours:g} 小时" in said.text


def test_reply_confirms_month_total_and_remaining(bot):
    bot.send("张伟", "服务 3小时 走访")
    said = bot.send("张伟", "登记 两个半小时 入户走访 昨天")
    assert "11月累计 5.5 小时" in said.text
    assert "还差 14.5 小时" in said.text
    assert "积分 5.5" in said.text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("服务 13小时", "一次最多登记12小时"),
        ("服务 0小时", "要大于0"),
        ("服务 -2小时", "要大于0"),
        ("服务 负3小时", "要大于0"),
        ("明天 服务2小时", "还没到"),
        ("11月30日 服务2小时", "还没到"),
        ("9月30日 服务2小时", "只能登记10月1日以后"),
        ("服务 走访搬迁户", "例如：服务 2小时"),
        ("服务 2月30日 3小时", "日期“2月30日”不存在"),
    ],
)
def test_each_rule_has_a_clear_reply_and_stores_nothing(bot, text, expected):
    said = bot.send("张伟", text)
    assert expected in said.text
    assert entries(bot) == []


def test_one_day_may_not_exceed_24_hours(bot):
    for _ in range(2):
        bot.send("张伟", "昨天 服务 10小时 防汛值守")
    said = bot.send("张伟", "昨天 服务 5小时 防汛值守")
    assert "已登记20小时" in said.text and "超过一天24小时" in said.text
    assert [h for _, h, _ in entries(bot)] == [10.0, 10.0]


def test_undo_removes_the_last_entry_within_24_hours(bot, clock):
    bot.send("张伟", "服务 2小时 走访")
    bot.send("张伟", "服务 3小时 宣传")
    clock.advance(hours=23)
    said = bot.send("张伟", "撤销")
    assert "已撤销" in said.text and "3 小时" in said.text and "宣传" in said.text
    assert entries(bot) == [(date(2026, 11, 26), 2.0, "走访")]


def test_undo_refuses_after_24_hours(bot, clock):
    bot.send("张伟", "服务 2小时 走访")
    clock.advance(hours=25)
    said = bot.send("张伟", "撤销")
    assert "不能自己撤销" in said.text
    assert len(entries(bot)) == 1


def test_undo_with_nothing_logged(bot):
    assert "没有可撤销" in bot.send("张伟", "撤销").text


def test_my_hours_shows_total_target_points_and_recent_entries(bot):
    bot.send("张伟", "服务 3小时 走访")
    bot.send("张伟", "10月20日 服务 4小时 宣传")
    said = bot.send("张伟", "我的时长")
    assert "11月累计 3 小时" in said.text and "还差 17 小时" in said.text and "积分 3" in said.text
    assert "11月26日 3小时 走访" in said.text
    october = bot.send("张伟", "我的时长 10月")
    assert "10月累计 4 小时" in october.text and "10月20日 4小时 宣传" in october.text


def test_points_are_capped_per_month(bot):
    for day in range(1, 5):
        bot.send("张伟", f"11月{day}日 服务 10小时 防汛")
    said = bot.send("张伟", "我的时长")
    assert "11月累计 40 小时" in said.text and "已完成 20 小时目标" in said.text and "积分 30" in said.text


def test_leaders_see_their_units_below_target_sorted_by_shortfall(bot):
    # 王建国 (#2) is liaison of the first units (安居社区 …) in the demo street.
    said = bot.send("王建国", "时长统计")
    assert "11月服务时长" in said.text and "达标" in said.text
    assert "安居社区" in said.text
    lines = [l for l in said.text.splitlines() if "，差" in l]
    shortfalls = [float(l.rsplit("差", 1)[1]) for l in lines]
    assert shortfalls == sorted(shortfalls, reverse=True) and shortfalls


def test_leader_summary_counts_reached_target(bot):
    bot.send("李娜", "11月2日 服务 12小时 防汛")
    bot.send("李娜", "11月3日 服务 12小时 防汛")
    said = bot.send("王建国", "时长统计")
    assert "安居社区" in said.text and "达标" in said.text
    assert "李娜" not in said.text  # reached the target, so not listed as short


def test_admin_sees_the_whole_street(bot):
    said = bot.send("林晓雯", "时长统计")
    for unit in ("安居社区", "碧水社区", "纪工委"):
        assert unit in said.text


def test_others_get_a_polite_refusal(bot):
    said = bot.send("张伟", "时长统计")
    assert "只对领导和管理员开放" in said.text


def test_every_change_is_audited(bot):
    bot.send("张伟", "服务 2小时 走访")
    bot.send("张伟", "撤销")
    with bot.app.sessions() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "hour_entry").order_by(AuditEntry.id)).all()
    assert actions == ["create", "delete"]


def test_questions_about_hours_are_not_logged(bot):
    said = bot.send("张伟", "入户走访3小时算不算服务时长？")
    assert entries(bot) == []
    assert said.replies and "已登记" not in said.text


@pytest.mark.parametrize("text", ["我服务了多少", "时长", "我这个月服务了几个小时？", "查时长"])
def test_sloppy_ways_of_asking_for_my_hours(bot, text):
    assert "11月累计" in bot.send("张伟", text).text


def test_undo_with_a_common_misspelling(bot):
    bot.send("张伟", "服务 2小时 走访")
    assert "已撤销" in bot.send("张伟", "撤消").text
    assert entries(bot) == []
