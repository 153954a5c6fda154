"""Response-time figures per unit and month: counts, median and 90th percentile to acceptance and closure."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.db import transaction
from handlers.reports import service
from handlers.reports.figures import monthly_figures, percentile
from handlers.reports.service import Reporter
from tests.conftest import SHANGHAI
from tests.reports_support import CADRE, GRID_WORKER


def test_percentile_is_nearest_rank():
    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([float(i) for i in range(1, 11)], 0.9) == 9.0
    assert percentile([float(i) for i in range(1, 21)], 0.5) == 10.0


def test_monthly_figures_per_unit(demo_app):
    app = demo_app
    config = app.config
    base = datetime(2026, 10, 5, 9, 0, tzinfo=SHANGHAI)  # October: the demo's reports are all in November
    accept_hours = [1, 2, 3, 4, 30]
    with transaction(app.sessions) as session:
        from sqlalchemy import select

        from bot.models import Person

        cadre = session.scalars(select(Person).where(Person.name == CADRE)).one()
        worker = session.scalars(select(Person).where(Person.name == GRID_WORKER)).one()
        reporter = Reporter(cadre, "console", str(cadre.id))
        for index, hours in enumerate(accept_hours):
            created = base + timedelta(days=index)
            report = service.create_report(session, config, reporter, f"第{index}件：楼道杂物", anonymous=False, now=created).report
            service.accept(session, config, worker, report.id, created + timedelta(hours=hours))
            if index < 3:
                service.close(session, config, worker, report.id, "已处理", created + timedelta(hours=24 * (index + 1)))
        # Created on 31 Oct at 23:30 Shanghai time (15:30 UTC): still October for the street.
        late = datetime(2026, 10, 31, 23, 30, tzinfo=SHANGHAI)
        service.create_report(session, config, reporter, "月底最后一件", anonymous=False, now=late)
        # 1 Nov 00:10 Shanghai is 31 Oct UTC, but November for the street.
        service.create_report(session, config, reporter, "十一月第一件", anonymous=False, now=datetime(2026, 11, 1, 0, 10, tzinfo=SHANGHAI))
    with app.sessions() as session:
        rows = monthly_figures(session, 2026, 10, config.tz)
    assert [r.unit_name for r in rows] == ["安居社区"]
    row = rows[0]
    assert (row.received, row.accepted, row.closed, row.still_open) == (6, 5, 3, 3)
    assert row.accept_median_hours == 3.0
    assert row.accept_p90_hours == 30.0
    assert row.close_median_hours == 48.0
    assert row.close_p90_hours == 72.0
    with app.sessions() as session:
        assert monthly_figures(session, 2026, 10, config.tz, unit_ids=[999]) == []
