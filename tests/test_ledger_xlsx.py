"""The ledger as a spreadsheet: export writes the four lists as columns, openpyxl and LibreOffice read
it, importing it reproduces the ledger exactly, and a bad file imports nothing and says why."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from sqlalchemy import delete, func, select

from handlers.composition import cli
from bot.db import transaction
from handlers.ledger.models import LedgerTask, ReminderStep, TaskProgress
from handlers.ledger.xlsx import COLUMNS, export_ledger, import_ledger
from tests.reports_support import CADRE, SECRETARY, cli_env, make_task, ticket_of

FOUR_LISTS = ("问题清单", "责任清单", "任务清单", "时限清单")


def snapshot(app) -> list[tuple]:
    tz = app.config.tz

    def minute(value):
        return None if value is None else value.astimezone(tz).replace(second=0, microsecond=0)

    with app.sessions() as session:
        rows = []
        for task in session.scalars(select(LedgerTask).order_by(LedgerTask.id)):
            rows.append((
                task.id, task.category, task.problem, task.lead_leader_id, task.unit_id, task.measures, task.deadline,
                task.long_term, task.status, minute(task.closed_at), task.close_note, minute(task.rechecked_at),
                task.reopen_count, task.report_id, minute(task.created_at),
                tuple((minute(p.at), p.author_id, p.author_name, p.kind, p.text) for p in task.progress),
            ))
        return rows


def cells(path: Path) -> list[tuple]:
    return [tuple(row) for row in load_workbook(path).active.iter_rows(values_only=True)]


def wipe_ledger(app) -> None:
    with transaction(app.sessions) as session:
        for model in (TaskProgress, ReminderStep, LedgerTask):
            session.execute(delete(model))


def run_cli(db_url: str, *args: str):
    return CliRunner().invoke(cli, list(args), env=cli_env(db_url), catch_exceptions=False)


@pytest.fixture
def varied(bot, clock):
    """The demo ledger plus an open task with progress, one from a report, and one reopened."""
    app = bot.app
    open_task = make_task(app, SECRETARY, "安居社区", date(2026, 12, 20))
    bot.send(CADRE, f"任务 #{open_task} 进展 已排出轮值表，第一周执行")
    number = ticket_of(bot.send(CADRE, "随手拍 第1网格楼道堆满杂物"))
    bot.send(SECRETARY, f"立项 #{number} 截止12月31日 建立楼道巡查制度")
    reopened = make_task(app, SECRETARY, "幸福社区", date(2026, 11, 30), category="干部担当作为", problem="遇事推诿")
    bot.send(SECRETARY, f"销号 #{reopened} 已建立首问负责制")
    clock.advance(hours=2)
    bot.send(SECRETARY, f"反弹 #{reopened} 又有群众反映被推来推去 截止2027-01-15")
    return app


def test_export_then_import_reproduces_the_ledger(varied, db_url, tmp_path: Path):
    app = varied
    first = tmp_path / "a.xlsx"
    result = run_cli(db_url, "ledger", "export", "--out", str(first))
    assert result.exit_code == 0 and "已导出 24 项" in result.output
    before = snapshot(app)
    assert len(before) == 24

    rows = cells(first)
    assert set(FOUR_LISTS) <= set(rows[1])
    assert rows[2] == tuple(header for _, header, _, _ in COLUMNS)
    assert sum(1 for r in rows[3:] if r[8] == "已销号") == 19  # the reopened one is open again

    wipe_ledger(app)
    result = run_cli(db_url, "ledger", "import", str(first))
    assert result.exit_code == 0, result.output
    assert "新增 24 项" in result.output
    assert snapshot(app) == before

    second = tmp_path / "b.xlsx"
    with app.sessions() as session:
        export_ledger(session, app.config, second, app.clock.now())
    assert cells(second)[1:] == rows[1:]

    # Importing the same file again changes nothing and duplicates no progress.
    result = run_cli(db_url, "ledger", "import", str(first))
    assert "新增 0 项，更新 24 项" in result.output
    assert snapshot(app) == before

    # New tasks after an import with explicit ids get fresh numbers (the sequence moved past them).
    fresh = make_task(app, SECRETARY, "新城社区", date(2027, 2, 1))
    assert fresh == 25


def test_libreoffice_reads_the_export(varied, tmp_path: Path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    path = tmp_path / "ledger.xlsx"
    with varied.sessions() as session:
        export_ledger(session, varied.config, path, varied.clock.now())
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
         "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180,
    )
    with open(tmp_path / "ledger.csv", encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert set(FOUR_LISTS) <= set(table[1])
    assert table[2][:7] == ["编号", "问题类别", "问题表现", "牵头领导", "责任单位", "整改措施", "完成时限"]
    data = table[3:]
    assert len(data) == 24
    first = data[0]
    assert first[0] == "1" and first[1] == "形式主义官僚主义" and first[8] == "已销号"
    assert len(first[6]) == 10 and first[6].count("-") == 2  # a real date cell, shown as yyyy-mm-dd
    assert any("已排出轮值表" in row[9] for row in data)


def _sheet(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "类别", "问题", "责任领导", "责任部门", "措施", "时限", "长期坚持"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_hand_made_sheet_imports_and_a_bad_one_imports_nothing(demo_app, db_url, tmp_path: Path):
    app = demo_app
    good = _sheet(tmp_path / "good.xlsx", [
        ["", "服务", "入户走访记录不全", "王建国", "安居社区", "每周抽查走访记录", "2027-03-31", "否"],
        ["", "干部担当作为", "跨部门事项久拖", "王建国", "幸福社区", "两周会商一次", None, "是"],
    ])
    result = run_cli(db_url, "ledger", "import", str(good))
    assert result.exit_code == 0 and "新增 2 项" in result.output
    with app.sessions() as session:
        task = session.scalars(select(LedgerTask).where(LedgerTask.problem == "入户走访记录不全")).one()
        assert (task.category, task.deadline, task.long_term) == ("服务群众", date(2027, 3, 31), False)

    bad = _sheet(tmp_path / "bad.xlsx", [
        ["", "服务群众", "路灯不亮", "查无此人", "安居社区", "报修", "2027-01-01", "否"],
        ["", "服务群众", "", "王建国", "安居社区", "报修", "2027-13-01", "否"],
        ["", "天气", "排队太久", "张伟", "月亮社区", "", "", "否"],
        ["", "服务群众", "这一行本身没问题", "王建国", "安居社区", "", "2027-01-01", "否"],
    ])
    with app.sessions() as session:
        count = session.scalar(select(func.count()).select_from(LedgerTask))
    result = run_cli(db_url, "ledger", "import", str(bad))
    assert result.exit_code == 1
    for expected in ("没有导入任何任务", "第2行 牵头领导：花名册里没有“查无此人”", "第3行 问题表现：不能为空",
                     "第3行 完成时限", "第4行 问题类别：“天气”不认识", "第4行 牵头领导：张伟不是领导",
                     "第4行 责任单位：没有“月亮社区”这个单位", "第4行 完成时限：不能为空"):
        assert expected in result.output, expected
    with app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(LedgerTask)) == count

    not_xlsx = tmp_path / "notes.xlsx"
    not_xlsx.write_text("not a spreadsheet", encoding="utf-8")
    result = run_cli(db_url, "ledger", "import", str(not_xlsx))
    assert result.exit_code == 1 and "不是有效的 xlsx 文件" in result.output
    assert run_cli(db_url, "ledger", "export", "--out", str(tmp_path / "x.csv")).exit_code == 1


def test_dry_run_changes_nothing(demo_app, tmp_path: Path):
    path = tmp_path / "l.xlsx"
    with demo_app.sessions() as session:
        export_ledger(session, demo_app.config, path, demo_app.clock.now())
    wipe_ledger(demo_app)
    with demo_app.sessions() as session:
        result = import_ledger(session, demo_app.config, path, demo_app.clock.now(), dry_run=True)
        session.commit()
    assert (result.created, result.updated, result.errors) == (21, 0, [])
    with demo_app.sessions() as session:
        assert session.scalar(select(func.count()).select_from(LedgerTask)) == 0
