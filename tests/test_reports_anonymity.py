"""匿名反映: the reporter is hidden from everyone but admins and the audit log — in the notices, the
replies to handlers, the listings, the late nudges, the CLI listing and the ledger export."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from handlers.composition import cli
from bot.db import transaction
from bot.models import AuditEntry, OutboundMessage
from handlers.reports.reminders import overdue_notices
from tests.reports_support import ADMIN, CADRE, GRID_WORKER, SECRETARY, cli_env, person_id, ticket_of


def test_anonymity_holds_everywhere_but_for_admins_and_the_audit_log(bot, clock, db_url, tmp_path: Path):
    app = bot.app
    cadre = person_id(app, CADRE)
    said = bot.send(CADRE, "匿名反映 窗口的人上班时间玩手机，群众排队没人理")
    number = ticket_of(said)
    assert "匿名" in said.text
    handler_texts = [r.text for r in said.rows if r.person_id != cadre]
    assert handler_texts, "handlers were told"
    for text in handler_texts:
        assert "反映人：匿名" in text and CADRE not in text

    for viewer in (GRID_WORKER, SECRETARY):
        text = bot.send(viewer, f"查询 #{number}").text
        assert "反映人：匿名" in text and CADRE not in text and "安居社区）" not in text
        assert CADRE not in bot.send(viewer, "反映列表").text
    assert "您（匿名）" in bot.send(CADRE, f"查询 #{number}").text
    assert f"实为{CADRE}" in bot.send(ADMIN, f"查询 #{number}").text

    # Steps and the reporter's rating never name them to the handlers either.
    bot.send(GRID_WORKER, f"受理 #{number}")
    bot.send(GRID_WORKER, f"办结 #{number} 已约谈提醒")
    said = bot.send(CADRE, f"评价 #{number} 不满意 第二天又在玩")
    assert all(CADRE not in r.text for r in said.rows if r.person_id != cadre)
    text = bot.send(SECRETARY, f"查询 #{number}").text
    assert CADRE not in text and "匿名 评价：不满意" in text

    # Late nudges.
    clock.advance(days=8)
    with transaction(app.sessions) as session:
        nudges = overdue_notices(session, app.config, clock.now())
    mine = [r for r in nudges if f"#{number}" in r.text]
    assert mine and all(CADRE not in r.text for r in mine)

    # 立项 and the ledger export carry the problem, not the reporter.
    said = bot.send(SECRETARY, f"立项 #{number} 截止2026-12-31 窗口岗位在岗公示")
    assert "任务 #" in said.text
    env = cli_env(db_url)
    out = tmp_path / "ledger.xlsx"
    result = CliRunner().invoke(cli, ["ledger", "export", "--out", str(out)], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    cells = [str(c) for row in load_workbook(out).active.iter_rows(values_only=True) for c in row if c is not None]
    assert any("玩手机" in c for c in cells) and not any(CADRE in c for c in cells)

    listing = CliRunner().invoke(cli, ["reports", "list", "--format", "tsv"], env=env, catch_exceptions=False).output
    line = next(l for l in listing.splitlines() if l.startswith(f"{number}\t"))
    assert "匿名" in line and CADRE not in line

    # Nothing the bot sent to anyone but the reporter or an admin names the reporter.
    admin = person_id(app, ADMIN)
    with app.sessions() as session:
        sent = session.scalars(select(OutboundMessage).where(OutboundMessage.text.like(f"%#{number}%"))).all()
        leaked = [r.text for r in sent if r.person_id not in (cadre, admin) and CADRE in r.text]
        assert leaked == []
        created = session.scalars(select(AuditEntry).where(AuditEntry.entity == "report", AuditEntry.entity_id == str(number),
                                                           AuditEntry.action == "create")).one()
        assert created.detail["reporter_id"] == cadre and created.detail["anonymous"] is True
