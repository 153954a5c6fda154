"""The ledger in chat: my tasks, a task and its progress, 销号 only by the lead leader or an admin,
the 台账 overview per category, 立项 from a report, 反弹 and 巩固 — and who is refused."""

from __future__ import annotations

from datetime import date

import cn2an
import pytest
from sqlalchemy import func, select

from bot.models import AuditEntry, Person
from handlers.ledger.models import LedgerTask, TaskProgress
from tests.reports_support import (
    ADMIN, CADRE, GRID_WORKER, SECRETARY, liaisons_of, make_task, not_liaison_leader, person_id, ticket_of,
)


def _cadre_of(app, unit: str) -> str:
    from bot.models import Unit

    with app.sessions() as session:
        return session.scalars(select(Person.name).join(Unit, Unit.id == Person.unit_id)
                               .where(Person.role == "cadre", Unit.name == unit).order_by(Person.id)).first()


def test_progress_and_close_out_by_the_lead_leader(bot):
    app = bot.app
    task = make_task(app, SECRETARY, "安居社区", date(2026, 12, 20))
    assert f"#{task} 推进中" in bot.send(SECRETARY, "我的任务").text
    assert f"#{task}" in bot.send(CADRE, "我的任务").text  # 张伟 works in 安居社区

    said = bot.send(CADRE, f"任务 #{task} 进展 已排出午间轮值表")
    assert "已记入" in said.text
    assert said.to_person(person_id(app, SECRETARY)) == [f"任务 #{task} 有新进展（张伟）：已排出午间轮值表"]
    text = bot.send(SECRETARY, f"任务 #{task}").text
    assert "已排出午间轮值表" in text and "牵头领导：王建国" in text and "2026-12-20前" in text

    # Close-out: a liaison leader who is not the lead, a unit member: refused, and told who may.
    other_liaison = next(p for p in liaisons_of(app, "安居社区") if p != person_id(app, SECRETARY))
    for who in (other_liaison, CADRE, GRID_WORKER):
        said = bot.send(who, f"销号 #{task} 已完成")
        assert said.text == f"只有牵头领导（王建国）或管理员可以销号任务 #{task}。"
    with app.sessions() as session:
        assert session.get(LedgerTask, task).status == "open"
    assert "要写明整改结果" in bot.send(SECRETARY, f"销号 #{task}").text
    said = bot.send(SECRETARY, f"销号 #{task} 午间轮值已执行一个月，群众无投诉")
    assert "已销号" in said.text
    assert "已经销号" in bot.send(SECRETARY, f"销号 #{task} 再来一次").text
    assert "已销号" in bot.send(CADRE, f"任务 #{task} 进展 补充").text

    with app.sessions() as session:
        row = session.get(LedgerTask, task)
        assert row.status == "closed" and row.close_note.startswith("午间轮值")
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "ledger_task",
                                                                  AuditEntry.entity_id == str(task)).order_by(AuditEntry.id)).all()
    assert actions == ["create", "progress", "close"]


def test_an_admin_may_close_and_the_lead_is_told(bot):
    task = make_task(bot.app, SECRETARY, "安居社区", date(2026, 12, 20))
    said = bot.send(ADMIN, f"销号 #{task} 经核查已整改到位")
    assert said.to_person(person_id(bot.app, SECRETARY)) == [f"任务 #{task} 已由林晓雯销号：经核查已整改到位"]


def test_tasks_are_hidden_from_people_outside_them(bot):
    app = bot.app
    task = make_task(app, SECRETARY, "安居社区", date(2026, 12, 20))
    outsider_leader = not_liaison_leader(app, "安居社区")
    outsider_cadre = _cadre_of(app, "碧水社区")
    for who in (outsider_leader, outsider_cadre):
        assert "无权查看" in bot.send(who, f"任务 #{task}").text, who
        said = bot.send(who, f"任务 #{task} 进展 我来写一笔")
        assert "不能填写进展" in said.text and len(said.rows) == 1
        assert f"#{task} " not in bot.send(who, "我的任务").text
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(TaskProgress).where(TaskProgress.task_id == task)) == 0
    assert "台账里没有任务 #999" in bot.send(SECRETARY, "任务 #999").text


def test_overview_groups_by_category_for_each_viewer(bot, clock):
    app = bot.app
    overdue = make_task(app, SECRETARY, "安居社区", date(2026, 11, 20), problem="楼栋长制度没有落实")
    make_task(app, SECRETARY, "幸福社区", date(2026, 12, 20), category="干部担当作为", problem="推诿扯皮")
    text = bot.send(ADMIN, "台账").text
    assert text.startswith("全街道整改台账：共23项，已销号19项，在办4项。")
    assert "服务群众：销号6，在办2，逾期1" in text and "干部担当作为：销号3，在办2" in text
    assert f"#{overdue} 王建国牵头，逾期6天" in text
    text = bot.send(SECRETARY, "台账").text
    assert "全街道" not in text and f"#{overdue}" in text
    outsider = not_liaison_leader(app, "安居社区")
    assert f"#{overdue} " not in bot.send(outsider, "台账").text
    assert "台账只对领导和管理员开放" in bot.send(CADRE, "台账").text


def test_a_report_becomes_a_task(bot):
    app = bot.app
    number = ticket_of(bot.send(CADRE, "随手拍 第1网格楼道堆满杂物"))
    assert "只对领导和管理员开放" in bot.send(GRID_WORKER, f"立项 #{number}").text
    assert "只有管理员或" in bot.send(not_liaison_leader(app, "安居社区"), f"立项 #{number}").text
    assert "时限没看懂" in bot.send(SECRETARY, f"立项 #{number} 截止下个月").text
    assert "已经过去了" in bot.send(SECRETARY, f"立项 #{number} 截止2026-01-01").text
    said = bot.send(SECRETARY, f"立项 #{number} 截止12月31日 建立楼道巡查制度")
    assert "完成时限 2026-12-31" in said.text
    assert said.to_person(person_id(app, CADRE)) and "列入整改台账" in said.to_person(person_id(app, CADRE))[0]
    assert "已列入台账" in bot.send(SECRETARY, f"立项 #{number}").text
    with app.sessions() as session:
        task = session.scalars(select(LedgerTask).where(LedgerTask.report_id == number)).one()
        assert (task.lead_leader_id, task.measures, task.category) == (person_id(app, SECRETARY), "建立楼道巡查制度", "服务群众")
    assert "整改任务 #" in bot.send(CADRE, f"查询 #{number}").text


def test_rebound_reopens_and_confirm_records_the_recheck(bot, clock):
    app = bot.app
    task = make_task(app, SECRETARY, "安居社区", date(2026, 11, 30))
    bot.send(SECRETARY, f"销号 #{task} 已落实")
    assert "只有牵头领导" in bot.send(CADRE, f"反弹 #{task} 又出现了").text
    assert "只有牵头领导" in bot.send(CADRE, f"巩固 #{task}").text
    clock.advance(days=30)
    said = bot.send(SECRETARY, f"反弹 #{task} 午间又没人了")
    assert "重新打开" in said.text
    with app.sessions() as session:
        row = session.get(LedgerTask, task)
        # The old deadline had passed: a fresh one, 30 days on.
        assert (row.status, row.reopen_count, row.deadline) == ("open", 1, date(2027, 1, 25))
    bot.send(SECRETARY, f"销号 #{task} 重新整改到位")
    said = bot.send(SECRETARY, f"巩固 #{task}")
    assert "未反弹" in said.text
    with app.sessions() as session:
        row = session.get(LedgerTask, task)
        assert row.rechecked_at is not None
        assert [p.kind for p in row.progress] == ["close", "reopen", "close", "recheck"]


def test_task_steps_typed_loosely_reach_the_right_step(bot, clock):
    """Round 37: 任务 第4号 进展…, 任务#5 <a note>, 任务5可以销号了, 任务6反弹了, 任务 2 巩固 — the number however typed."""
    app = bot.app
    task = make_task(app, SECRETARY, "安居社区", date(2026, 12, 20))
    said = bot.send(CADRE, f"任务 第{task}号 进展：清了一半 还剩楼后那堆")
    assert said.text == f"已记入任务 #{task} 的整改进展。"
    assert "已记入" in bot.send(CADRE, f"任务#{task} 已完成80% 预计周五完").text
    assert f"只有牵头领导（王建国）或管理员可以销号任务 #{task}" in bot.send(CADRE, f"任务{task}可以销号了 帮我销了").text
    assert "已销号" in bot.send(SECRETARY, f"任务{task}可以销号了 楼后杂物已清完").text
    clock.advance(days=30)
    assert "重新打开" in bot.send(SECRETARY, f"任务{task}反弹了 垃圾又堆起来了").text
    bot.send(SECRETARY, f"销号 #{task} 重新清理到位")
    assert "未反弹" in bot.send(SECRETARY, f"任务 {task} 巩固 复查没反弹").text
    with app.sessions() as session:
        kinds = [p.kind for p in session.get(LedgerTask, task).progress]
    assert kinds == ["progress", "progress", "close", "reopen", "close", "recheck"]


def test_a_task_number_said_without_the_word_task_reaches_its_step(bot, clock):
    """Round 44: 第N个任务可以销了, N号那个…反弹, N号复查 未反弹, 二十一号 立项: leaders in a hurry."""
    app = bot.app
    task = make_task(app, SECRETARY, "安居社区", date(2026, 12, 20))
    ordinal = cn2an.an2cn(task)
    assert "已销号" in bot.send(SECRETARY, f"第{ordinal}个任务可以销了 现场看过了👌").text
    clock.advance(days=30)
    assert "重新打开" in bot.send(SECRETARY, f"{task}号那个垃圾堆又堆起来了 反弹").text
    bot.send(SECRETARY, f"销号 #{task} 重新清理到位")
    assert "未反弹" in bot.send(SECRETARY, f"{task}号复查 未反弹").text
    with app.sessions() as session:
        kinds = [p.kind for p in session.get(LedgerTask, task).progress]
    assert kinds == ["close", "reopen", "close", "recheck"]

    number = ticket_of(bot.send(CADRE, "随手拍 小区东门井盖松了 踩上去咣当响"))
    said = bot.send(SECRETARY, f"{cn2an.an2cn(number)}号 立项")
    assert "列入整改台账" in said.text
    with app.sessions() as session:
        assert session.scalars(select(LedgerTask).where(LedgerTask.report_id == number)).one() is not None


def test_a_task_said_by_its_place_in_a_list_reaches_its_step(bot, clock):
    """Round 58: 第N个任务 with a note, 销了吧, 没有回潮; #N …立个整改任务; 分给俺的任务."""
    app = bot.app
    task = make_task(app, SECRETARY, "安居社区", date(2026, 12, 20))
    ordinal = cn2an.an2cn(task)
    assert "进展" in bot.send(SECRETARY, f"第{ordinal}个任务 占道的摊贩已经劝走六家了 还剩俩").text
    assert "已销号" in bot.send(SECRETARY, f"第{ordinal}个任务销了吧 居民都说好了").text
    clock.advance(days=30)
    assert "未反弹" in bot.send(SECRETARY, f"第{ordinal}个任务今儿去看了 干干净净 没有回潮").text
    with app.sessions() as session:
        kinds = [p.kind for p in session.get(LedgerTask, task).progress]
    assert kinds == ["progress", "close", "recheck"]

    number = ticket_of(bot.send(CADRE, "随手拍 小区西门路灯又不亮了 这是第三回了"))
    assert "列入整改台账" in bot.send(SECRETARY, f"#{number} 这个问题反反复复的 立个整改任务").text
    assert "台账只对领导" not in bot.send(CADRE, "分给俺的任务都有啥").text


def test_tasks_asked_for_loosely_and_a_mistyped_close_out_word(bot):
    app = bot.app
    task = make_task(app, SECRETARY, "安居社区", date(2026, 12, 20))
    assert f"#{task}" in bot.send(CADRE, "俺手上还有几个整改没弄完").text
    assert "牵头领导：王建国" in bot.send(SECRETARY, f"任务 #{task} 现在谁在跟").text
    refused = bot.send(CADRE, f"消号 {task} 辛苦各位了")  # 消号 typed for 销号: the cadre is not the lead leader
    assert "只有牵头领导" in refused.text
    with app.sessions() as session:
        assert session.get(LedgerTask, task).is_open


def test_a_close_out_asked_with_a_reason_after_and_a_reopen_after_a_filler(bot):
    app = bot.app
    task = make_task(app, SECRETARY, "安居社区", date(2026, 12, 20))
    said = bot.send(SECRETARY, f"任务#{task}已经整改完了那个嗯楼道里的东西全清走了照片我也拍了你直接给我销号吧省得领导再跑一趟看")
    assert "销号" in said.text and "没看懂" not in said.text
    with app.sessions() as session:
        assert not session.get(LedgerTask, task).is_open
    said = bot.send(SECRETARY, f"那个任务#{task}嗯就是楼道堆物的又反弹了 今天去看又堆满了纸箱子和旧沙发")
    assert "没看懂" not in said.text
    with app.sessions() as session:
        assert session.get(LedgerTask, task).is_open


def test_the_board_asked_for_with_a_mistyped_character(bot):
    said = bot.send(SECRETARY, "@网格助手 调一下整改台帐 王书记让俺盯着")
    assert "台账" in said.text and "没看懂" not in said.text


def test_task_steps_as_leaders_type_them(bot):
    app = bot.app
    task = make_task(app, SECRETARY, "安居社区", date(2026, 12, 20))
    assert "牵头领导：王建国" in bot.send(SECRETARY, f"任务 #{task} 咋整的了 拖了俩礼拜了").text
    said = bot.send(GRID_WORKER, f"#{task}号任务 今天又去盯了俩钟头 进展 围挡已拆")
    assert "没看懂" not in said.text and "一条只能登记一天" not in said.text
    bot.send(SECRETARY, f"＃{task}验收过了可以销了👌")
    with app.sessions() as session:
        assert not session.get(LedgerTask, task).is_open
    bot.send(SECRETARY, f"#{task}那个占道经营又回来了 按反弹处理")
    with app.sessions() as session:
        assert session.get(LedgerTask, task).is_open


@pytest.mark.parametrize("text", ["把整改台账导给我 我做个表", "全街道的整改台账俺能看不"])
def test_a_cadre_asking_for_the_board_is_told_it_is_for_leaders(bot, text):
    assert "台账只对领导和管理员开放" in bot.send(CADRE, text).text
