"""The demo street's ledger and reports, and the [reports]/[ledger] configuration checks."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from handlers.composition import build_app, config_from_dict
from bot.config import ConfigError
from bot.models import Liaison, Person
from handlers.ledger.models import LedgerTask
from handlers.reports.models import Report


def test_demo_ledger_has_the_streets_21_problems(demo_app):
    with demo_app.sessions() as session:
        tasks = list(session.scalars(select(LedgerTask)))
        assert len(tasks) == 21
        assert Counter(t.category for t in tasks) == {"形式主义官僚主义": 6, "享乐主义奢靡之风": 4, "服务群众": 7, "干部担当作为": 4}
        assert sum(t.status == "closed" for t in tasks) == 19
        assert [t.status for t in tasks if t.long_term] == ["open", "open"]
        for task in tasks:
            lead = session.get(Person, task.lead_leader_id)
            assert lead.role == "leader"
            units = set(session.scalars(select(Liaison.unit_id).where(Liaison.leader_id == lead.id)))
            assert task.unit_id in units
            assert task.progress, task.id
        assert "王建国" in {session.get(Person, t.lead_leader_id).name for t in tasks}
        statuses = Counter(r.status for r in session.scalars(select(Report)))
        assert statuses["pending"] >= 2 and statuses["in_progress"] >= 1 and statuses["rated"] >= 1
        assert any(r.anonymous for r in session.scalars(select(Report)))


def test_bad_report_and_ledger_settings_name_the_key():
    with pytest.raises(ConfigError, match="ledger.remind_days_before"):
        config_from_dict({"ledger": {"remind_days_before": [7, 0]}})
    with pytest.raises(ConfigError, match="reports.accept_hours"):
        config_from_dict({"reports": {"accept_hours": -1}})
    with pytest.raises(ConfigError, match="reports.colour: unknown key"):
        config_from_dict({"reports": {"colour": "red"}})
    config = config_from_dict({"reports": {"categories": {"环境卫生": ["垃圾", "污水"]}}, "ledger": {"remind_days_before": [1, 5, 5]}})
    assert config.ledger.remind_days_before == [5, 1]


def test_custom_keyword_rules_from_config(db_url, clock):
    from bot.app import App
    from bot.demo import load_demo
    from tests.conftest import make_config
    from tests.harness import TestBot

    app = build_app(make_config(db_url, reports={"categories": {"环境卫生": ["垃圾", "污水"]}, "other_category": "待定"}), clock=clock)
    load_demo(app)
    bot = TestBot(app)
    assert "分类：环境卫生" in bot.send("张伟", "随手拍 门口污水横流").text
    assert "分类：待定" in bot.send("张伟", "随手拍 有人上班时间打麻将").text
    app.engine.dispose()
