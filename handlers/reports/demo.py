"""A handful of demo reports in every state, so 「反映列表」「查询 #N」「反映统计」 show something at once."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Person, Role
from handlers.reports import service
from handlers.reports.service import Reporter


def _person(session: Session, name: str) -> Person:
    return session.scalars(select(Person).where(Person.name == name)).one()


def load_demo_reports(session: Session, app, today: date) -> None:
    config = app.config
    tz = config.tz
    cadres = list(session.scalars(select(Person).where(Person.role == Role.cadre.value).order_by(Person.id)))
    grid_worker = _person(session, "李娜")
    admin = session.scalars(select(Person).where(Person.role == Role.admin.value).order_by(Person.id)).first()

    def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(hour, minute), tzinfo=tz)

    def as_person(person: Person) -> Reporter:
        return Reporter(person, "console", str(person.id))

    def new(reporter: Reporter, text: str, when: datetime, anonymous: bool = False):
        return service.create_report(session, config, reporter, text, anonymous=anonymous, now=when).report

    def handler(report) -> Person:
        return report.assignee or admin

    # Rated: a grid's problem, accepted the same morning, closed next day.
    r = new(as_person(cadres[3]), "安居社区第2网格5栋楼道堆放杂物，晚上走路容易绊倒", at(12, 9))
    service.accept(session, config, handler(r), r.id, at(12, 10, 30))
    service.close(session, config, handler(r), r.id, "已联系物业清理，并在楼道张贴提示", at(11, 15))
    service.rate(session, config, as_person(cadres[3]), r.id, True, "", at(11, 18))
    # Closed, waiting for the reporter's rating.
    r = new(as_person(cadres[8]), "幸福社区路灯坏了一个多星期，晚上一片黑", at(6, 20))
    service.accept(session, config, handler(r), r.id, at(6, 22))
    service.add_progress(session, config, handler(r), r.id, "已报修，等待供电所排期", at(4, 10))
    service.close(session, config, handler(r), r.id, "路灯已修复", at(2, 16))
    # In progress.
    r = new(as_person(cadres[10]), "新城社区服务站办低保复核要跑三趟，材料一次说不清", at(3, 11))
    service.accept(session, config, handler(r), r.id, at(3, 15))
    service.add_progress(session, config, handler(r), r.id, "已整理一次性告知清单，正在印发", at(1, 10))
    # Anonymous, accepted.
    r = new(as_person(cadres[5]), "便民服务中心窗口工作人员上班时间玩手机，群众排队没人理", at(2, 14), anonymous=True)
    service.accept(session, config, handler(r), r.id, at(1, 9))
    # Pending, from a grid worker's own grid.
    new(as_person(grid_worker), "第1网格有搬迁户反映就业补贴申请后一直没有回音", at(0, 8, 30))
    # Unregistered resident, no unit named: waits in the admins' triage queue.
    new(Reporter(None, "console", "resident-01"), "小区门口的临时摊点占道，车辆进出困难", at(1, 19))
    session.flush()
