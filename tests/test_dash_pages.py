"""The figures behind each dashboard page, and who may see which, on a small street with known numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.db import transaction
from bot.models import Group, Liaison, Person, Role, Unit
from handlers.dashboard import pages
from handlers.hours import dashboard as hours
from handlers.ledger import dashboard as ledger
from handlers.lessons import dashboard as lessons
from handlers.quiz import dashboard as quiz
from handlers.reports import dashboard as reports
from dash.month import Month
from dash.scope import Level, scope_for
from handlers.hours.models import HourEntry

SH = ZoneInfo("Asia/Shanghai")
NOV = Month(2026, 11)


def at(day: int, hour: int = 9, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SH)


@dataclass(frozen=True)
class Street:
    units: dict[str, int]
    people: dict[str, int]
    tasks: dict[str, int]
    reports: dict[str, int]


def seed_street(app: App) -> Street:
    """Three units, seven active people and one who left; a month of hours, lessons, quiz, reports and ledger.

    安居社区 (A) and 幸福社区 (B) are the leader's liaison units; 党建办 (C) is not.
    """
    from handlers.ledger.models import LedgerTask, TaskProgress
    from handlers.lessons.models import Lesson, LessonConfirmation, LessonDelivery
    from handlers.quiz.models import Question, QuizAnswer
    from handlers.reports.models import Report

    now = app.clock.now()
    with transaction(app.sessions) as s:
        a, b, c = Unit(name="安居社区", kind="community"), Unit(name="幸福社区", kind="community"), Unit(name="党建办", kind="department")
        s.add_all([a, b, c])
        s.flush()
        roster = [
            ("管理员", Role.admin, c, True),
            ("书记", Role.leader, c, True),
            ("张三", Role.cadre, a, True),
            ("李四", Role.cadre, a, True),
            ("王五", Role.cadre, b, True),
            ("赵六", Role.grid_worker, b, True),
            ("钱七", Role.cadre, c, True),
            ("孙八", Role.cadre, a, False),
        ]
        people = {}
        for name, role, unit, active in roster:
            person = Person(name=name, role=role.value, unit_id=unit.id, active=active)
            s.add(person)
            s.flush()
            people[name] = person.id
        s.add_all([Liaison(leader_id=people["书记"], unit_id=a.id), Liaison(leader_id=people["书记"], unit_id=b.id)])

        def log(name: str, day: date, amount: float) -> None:
            s.add(HourEntry(person_id=people[name], day=day, hours=amount, note="", created_at=now, source="test"))

        log("张三", date(2026, 11, 3), 20)
        log("张三", date(2026, 11, 20), 4)
        log("张三", date(2026, 10, 30), 5)  # last month: not counted in November
        log("李四", date(2026, 11, 5), 6)
        log("赵六", date(2026, 11, 6), 12)
        log("钱七", date(2026, 11, 7), 25)
        log("孙八", date(2026, 11, 8), 30)  # left the street: not counted

        ga = Group(name="安居群", channel="console", address="a", audience={"units": [a.id]})
        gb = Group(name="幸福群", channel="console", address="b", audience={"units": [b.id]})
        gl = Group(name="领导群", channel="console", address="l", audience={"roles": ["leader", "admin"]})
        s.add_all([ga, gb, gl])
        s.flush()
        lesson_ids = []
        for title in ("L1", "L2", "L3"):
            lesson = Lesson(title=title, body="正文", tags=[], rule="规定", active=True, created_at=now, updated_at=now)
            s.add(lesson)
            s.flush()
            lesson_ids.append(lesson.id)
        l1, l2, l3 = lesson_ids
        for group, lesson, day in ((ga, l1, date(2026, 11, 2)), (ga, l2, date(2026, 11, 3)), (gb, l1, date(2026, 11, 2)),
                                   (gl, l3, date(2026, 11, 4)), (ga, l3, date(2026, 10, 30))):
            s.add(LessonDelivery(group_id=group.id, lesson_id=lesson, day=day, job="test", created_at=now))
        for name, lesson in (("张三", l1), ("张三", l2), ("张三", l3), ("李四", l1), ("赵六", l1), ("书记", l3)):
            s.add(LessonConfirmation(person_id=people[name], lesson_id=lesson, confirmed_at=now))

        questions = []
        for index in range(3):
            q = Question(kind="judge", stem=f"题{index}", options=[], answer="T", explanation="", tags=[], active=True,
                         created_at=now, updated_at=now)
            s.add(q)
            s.flush()
            questions.append(q.id)
        for name, question, correct, when in (("张三", questions[0], True, at(10)), ("张三", questions[1], False, at(11)),
                                               ("赵六", questions[0], True, at(12)), ("李四", questions[2], True, at(20, month=10))):
            s.add(QuizAnswer(person_id=people[name], question_id=question, unit_id=None, choice="T", correct=correct,
                             answered_at=when, via="text"))

        def report(**values) -> int:
            row = Report(reporter_channel="console", reporter_sender=str(values.get("reporter_id") or "resident"),
                         text=values.pop("text", "问题描述"), routed_at=values["created_at"], due_from=values["created_at"], **values)
            s.add(row)
            s.flush()
            return row.id

        reports_ids = {
            "r1": report(created_at=at(10), reporter_id=people["李四"], anonymous=True, category="服务群众", unit_id=a.id,
                         status="closed", accepted_at=at(10, 11), closed_at=at(12, 11), text="楼道堆物无人管"),
            "r2": report(created_at=at(20), reporter_id=None, anonymous=False, category="服务群众", unit_id=b.id,
                         status="in_progress", accepted_at=at(21, 8)),
            "r3": report(created_at=at(24), reporter_id=people["张三"], anonymous=False, category="形式主义", unit_id=c.id,
                         status="pending"),
            "r4": report(created_at=at(5, month=10), reporter_id=people["赵六"], anonymous=False, category="服务群众",
                         unit_id=a.id, status="rated", accepted_at=at(5, 13, month=10), closed_at=at(6, 11, month=10)),
        }

        def task(**values) -> int:
            row = LedgerTask(created_at=now - timedelta(days=30), problem=values.pop("problem", "问题"), measures="措施", **values)
            s.add(row)
            s.flush()
            return row.id

        tasks = {
            "t1": task(category="形式主义", unit_id=a.id, lead_leader_id=people["书记"], deadline=date(2026, 11, 20), status="open",
                       problem="会议过多"),
            "t2": task(category="服务群众", unit_id=b.id, lead_leader_id=people["书记"], deadline=date(2026, 12, 10), status="open"),
            "t3": task(category="服务群众", unit_id=c.id, lead_leader_id=people["管理员"], deadline=date(2026, 11, 1),
                       status="closed", closed_at=at(1)),
            "t4": task(category="干部担当", unit_id=c.id, lead_leader_id=people["管理员"], deadline=None, long_term=True, status="open"),
        }
        s.add(TaskProgress(task_id=tasks["t1"], at=at(5), author_id=people["书记"], kind="progress", text="已精简两个例会"))
        s.add(TaskProgress(task_id=tasks["t1"], at=at(15), author_id=None, author_name="专班", kind="progress", text="督导检查"))
        return Street({"A": a.id, "B": b.id, "C": c.id}, people, tasks, reports_ids)


@pytest.fixture
def street(app: App) -> Street:
    return seed_street(app)


def scope_of(app: App, name: str):
    with app.sessions() as s:
        person = s.query(Person).filter_by(name=name).one()
        return scope_for(s, person)


def test_scopes_follow_chat_permissions(app, street):
    assert scope_of(app, "管理员").level == Level.street
    leader = scope_of(app, "书记")
    assert leader.level == Level.units and set(leader.unit_ids) == {street.units["A"], street.units["B"]}
    assert "安居社区" in leader.label and "党建办" not in leader.label
    assert scope_of(app, "李四").level == Level.self


def test_hours_per_unit_against_the_target(app, street):
    with app.sessions() as s:
        summary = hours.unit_summary(s, scope_of(app, "管理员"), NOV, 20.0)
    by_unit = {u.unit: u for u in summary.units}
    a, b, c = by_unit["安居社区"], by_unit["幸福社区"], by_unit["党建办"]
    # 安居: 张三 24 h (reached), 李四 6 h; 孙八 has left and does not count.
    assert (a.people, a.reached, a.hours) == (2, 1, 30.0)
    # Surplus does not cover someone else's gap: (20 + 6) / 40.
    assert a.completion == pytest.approx(0.65)
    assert (b.people, b.reached, b.hours, b.completion) == (2, 0, 12.0, pytest.approx(0.3))
    assert (c.people, c.reached, c.hours) == (3, 1, 25.0)
    assert (summary.people, summary.reached) == (7, 2)


def test_leader_sees_liaison_units_only_and_cadre_only_self(app, street):
    with app.sessions() as s:
        leader = hours.unit_summary(s, scope_of(app, "书记"), NOV, 20.0)
        cadre = hours.people_hours(s, scope_of(app, "李四"), NOV, 20.0)
    assert [u.unit for u in leader.units] == ["安居社区", "幸福社区"]
    assert [(p.name, p.hours, p.shortfall) for p in cadre] == [("李四", 6.0, 14.0)]


def test_people_sorted_by_shortfall_then_by_name(app, street):
    with app.sessions() as s:
        scope = scope_of(app, "管理员")
        by_gap = hours.people_hours(s, scope, NOV, 20.0)
        by_hours = hours.people_hours(s, scope, NOV, 20.0, sort="hours", descending=True)
        in_a = hours.people_hours(s, scope, NOV, 20.0, unit_id=street.units["A"])
    assert [(p.name, p.shortfall) for p in by_gap[:3]] == [("管理员", 20.0), ("书记", 20.0), ("王五", 20.0)]
    assert by_gap[-1].shortfall == 0
    assert [p.name for p in by_hours[:2]] == ["钱七", "张三"]
    assert {p.name for p in in_a} == {"张三", "李四"}


def test_lesson_coverage_counts_this_months_lessons_of_each_persons_group(app, street):
    with app.sessions() as s:
        summary = lessons.unit_summary(s, scope_of(app, "管理员"), NOV)
        per_person = lessons.people_lessons(s, scope_of(app, "管理员"), NOV)
    by_unit = {u.unit: (u.people, u.expected, u.confirmed) for u in summary.units}
    # 安居 got L1 and L2 this month (L3 came in October): 张三 2 + 李四 1 of 2 × 2.
    assert by_unit["安居社区"] == (2, 4, 3)
    assert by_unit["幸福社区"] == (2, 2, 1)
    # 党建办 has no group of its own: its admin and leader study with the leaders' group; 钱七 has none.
    assert by_unit["党建办"] == (3, 2, 1)
    assert summary.delivered == 3
    assert per_person[street.people["张三"]] == (2, 2)
    assert per_person[street.people["钱七"]] == (0, 0)


def test_quiz_participation_this_month(app, street):
    with app.sessions() as s:
        summary = quiz.unit_summary(s, scope_of(app, "管理员"), NOV, SH)
    by_unit = {u.unit: (u.people, u.participants, u.answers, u.correct) for u in summary.units}
    assert by_unit == {"安居社区": (2, 1, 2, 1), "幸福社区": (2, 1, 1, 1), "党建办": (3, 0, 0, 0)}
    assert summary.rate == pytest.approx(2 / 7)


def test_reports_open_overdue_and_time_to_acceptance(app, street):
    now = app.clock.now()
    with app.sessions() as s:
        admin = reports.overview(s, scope_of(app, "管理员"), NOV, now, SH, app.config.reports)
        leader = reports.overview(s, scope_of(app, "书记"), NOV, now, SH, app.config.reports)
    # Open: r2 (in progress, within 7 days) and r3 (pending for two days: past the 24-hour limit).
    assert (admin.created, admin.open, admin.overdue) == (3, 2, 1)
    # Accepted this month: r1 after 2 h, r2 after 23 h; nearest-rank median 2, p90 23.
    assert (admin.accept.count, admin.accept.median, admin.accept.p90) == (2, 2.0, 23.0)
    assert (leader.created, leader.open, leader.overdue) == (2, 1, 0)


def test_report_list_filters_and_anonymity(app, street):
    now = app.clock.now()
    cfg = app.config.reports
    with app.sessions() as s:
        admin = reports.page(s, scope_of(app, "管理员"), reports.Filters(), now, SH, cfg)
        leader = reports.page(s, scope_of(app, "书记"), reports.Filters(), now, SH, cfg)
        reporter = reports.page(s, scope_of(app, "李四"), reports.Filters(), now, SH, cfg)
        november_a = reports.page(s, scope_of(app, "管理员"), reports.Filters(unit_id=street.units["A"], month=NOV), now, SH, cfg)
        pending = reports.page(s, scope_of(app, "管理员"), reports.Filters(status="pending"), now, SH, cfg)
        service = reports.page(s, scope_of(app, "管理员"), reports.Filters(category="服务群众"), now, SH, cfg)
    r1 = street.reports["r1"]
    assert {r.id: r.reporter for r in admin.rows}[r1] == "李四（匿名）"
    assert {r.id: r.reporter for r in leader.rows}[r1] == "匿名"
    assert "李四" not in " ".join(r.reporter for r in leader.rows)
    assert {r.id for r in leader.rows} == {street.reports[k] for k in ("r1", "r2", "r4")}
    assert [r.id for r in reporter.rows] == [r1]
    assert [r.id for r in november_a.rows] == [r1]
    assert [(r.id, r.overdue) for r in pending.rows] == [(street.reports["r3"], True)]
    assert service.total == 3
    # Closure: r1 after 50 h, r4 after 26 h.
    assert (admin.close.count, admin.close.median, admin.close.p90) == (2, 26.0, 50.0)
    assert admin.categories == ["形式主义", "服务群众"]


def test_ledger_states_by_category_and_scope(app, street):
    today = date(2026, 11, 26)
    with app.sessions() as s:
        admin = {c.category: c.counts for c in ledger.by_category(s, scope_of(app, "管理员"), today)}
        leader_rows = ledger.tasks(s, scope_of(app, "书记"), today)
        cadre_rows = ledger.tasks(s, scope_of(app, "李四"), today)
        overdue = ledger.tasks(s, scope_of(app, "管理员"), today, state="overdue")
    assert admin["形式主义"]["overdue"] == 1
    assert admin["服务群众"] == {"overdue": 0, "open": 1, "long_term": 0, "closed": 1}
    assert admin["干部担当"]["long_term"] == 1
    # Overdue first, with its progress log counted.
    assert [(t.id, t.state, t.progress) for t in leader_rows] == [(street.tasks["t1"], "overdue", 2), (street.tasks["t2"], "open", 0)]
    assert cadre_rows == []
    assert [t.id for t in overdue] == [street.tasks["t1"]]


def test_task_history_only_within_scope(app, street):
    with app.sessions() as s:
        found = ledger.history(s, scope_of(app, "书记"), street.tasks["t1"])
        hidden = ledger.history(s, scope_of(app, "书记"), street.tasks["t3"])
    assert found is not None and [(e.author, e.text) for e in found[1]] == [("书记", "已精简两个例会"), ("专班", "督导检查")]
    assert hidden is None


def test_overview_brings_every_capability_together(app, street):
    caps = pages.Capabilities.of(app)
    assert {"lessons", "quiz", "reports", "ledger"} <= caps.present and not caps.missing_labels
    with app.sessions() as s:
        data = pages.overview(s, scope_of(app, "书记"), app.config, caps, NOV, app.clock.now())
    assert [u.unit for u in data.hours.units] == ["安居社区", "幸福社区"]
    assert data.ledger_totals == {"overdue": 1, "open": 1, "long_term": 0, "closed": 0}
    assert set(data.charts) == {"hours", "lessons", "quiz", "reports", "ledger"}
    hours_bars = data.charts["hours"]["series"][0]["data"]
    assert [bar["value"] for bar in hours_bars] == [65.0, 30.0]


def test_month_parsing_falls_back_to_this_month():
    today = date(2026, 11, 26)
    assert Month.parse("2026-10", today) == Month(2026, 10)
    assert Month.parse("2026-13", today) == Month(2026, 11)
    assert Month.parse("<script>", today) == Month(2026, 11)
    assert Month(2026, 1).previous == Month(2025, 12) and Month(2026, 12).next == Month(2027, 1)
    start, end = Month(2026, 11).bounds_utc(SH)
    assert start == datetime(2026, 10, 31, 16, tzinfo=timezone.utc) and end == datetime(2026, 11, 30, 16, tzinfo=timezone.utc)
