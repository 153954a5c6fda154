"""The command line as an operator uses it, on a real SQLite file."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from handlers.composition import cli


@pytest.fixture
def run(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"GRIDBOT_DATABASE__URL": f"sqlite:///{tmp_path / 'street.db'}"}

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def demo(run):
    result = run("init", "--demo")
    assert result.exit_code == 0, result.output
    return run


def tsv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def test_init_demo_creates_the_demo_street(demo):
    people = tsv(demo("people", "list", "--format", "tsv").output)
    assert list(people[0]) == ["id", "name", "role", "unit", "grid", "wecom_userid"]
    assert len(people) == 118
    assert sum(p["role"] == "leader" for p in people) == 22
    assert sum(p["role"] == "admin" for p in people) == 1
    assert all(p["wecom_userid"] for p in people)
    leaders = tsv(demo("people", "list", "--role", "leader", "--format", "tsv").output)
    assert len(leaders) == 22
    anju = tsv(demo("people", "list", "--unit", "安居社区", "--format", "tsv").output)
    assert anju and {p["unit"] for p in anju} == {"安居社区"}


def test_say_stores_hours_and_export_and_outbox_show_them(demo):
    said = demo("say", "--as", "张伟", "服务 两个半小时 入户走访 昨天")
    assert said.exit_code == 0
    yesterday = datetime.now(ZoneInfo("Asia/Shanghai")).date() - timedelta(days=1)
    assert f"{yesterday.month}月{yesterday.day}日（昨天） 服务 2.5 小时，入户走访" in said.output
    out = Path("hours.csv")
    month = f"{yesterday.year}-{yesterday.month:02d}"
    assert demo("hours", "export", "--month", month, "--out", str(out)).exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["date", "person_id", "name", "unit", "grid", "hours", "note"]
    mine = [r for r in rows if r["name"] == "张伟"]
    assert mine == [{"date": yesterday.isoformat(), "person_id": mine[0]["person_id"], "name": "张伟",
                     "unit": "安居社区", "grid": "第1网格", "hours": "2.5", "note": "入户走访"}]
    outbox = tsv(demo("outbox", "--format", "tsv").output)
    assert outbox[-1]["channel"] == "console" and "已登记" in outbox[-1]["text"] and outbox[-1]["status"] == "sent"


def test_xlsx_export_has_detail_and_unit_summary(demo):
    from openpyxl import load_workbook

    demo("say", "--as", "张伟", "服务 3小时 走访")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    demo("hours", "export", "--month", f"{today:%Y-%m}", "--format", "xlsx", "--out", "h.xlsx")
    book = load_workbook("h.xlsx")
    assert book.sheetnames == ["明细", "单位汇总"]
    units = [row[0] for row in book["单位汇总"].iter_rows(min_row=3, values_only=True)]
    assert "安居社区" in units and len(units) == 14


def test_person_by_id_userid_or_name(demo):
    for who in ("52", "demo052", "张伟"):
        assert "张伟，" in demo("say", "--as", who, "我的时长").output


def test_bad_month_for_export(demo):
    result = demo("hours", "export", "--month", "2026/11", "--out", "x.csv")
    assert result.exit_code == 1 and "YYYY-MM" in result.output


def test_people_import_bad_file_lists_rows_and_imports_nothing(demo, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,角色\n赵一,网格员\n钱二,队长\n", encoding="utf-8")
    result = demo("people", "import", str(bad))
    assert result.exit_code == 1
    assert "没有导入任何人" in result.output and "第3行 [角色]" in result.output
    assert len(tsv(demo("people", "list", "--format", "tsv").output)) == 118


def test_upgrade_keeps_data(demo):
    demo("say", "--as", "张伟", "服务 3小时 走访")
    assert demo("db", "upgrade").exit_code == 0
    assert "累计 3 小时" in demo("say", "--as", "张伟", "我的时长").output


def test_commands_refuse_an_unmigrated_database(run):
    result = run("people", "list")
    assert result.exit_code == 1 and "gridbot init" in result.output


def test_subprocess_say_exit_codes_and_config_errors(tmp_path: Path):
    """The installed console script itself: exit 0 with replies, exit 1 for an unknown person, 2 for bad config."""
    env = {**os.environ, "GRIDBOT_DATABASE__URL": f"sqlite:///{tmp_path / 's.db'}"}
    gridbot = [str(Path(sys.executable).with_name("gridbot"))]
    subprocess.run([*gridbot, "init", "--demo"], env=env, check=True, capture_output=True, cwd=tmp_path)
    ok = subprocess.run([*gridbot, "say", "--as", "张伟", "服务1.5小时"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert ok.returncode == 0 and "服务 1.5 小时" in ok.stdout
    unknown = subprocess.run([*gridbot, "say", "--as", "不存在的人", "你好"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert unknown.returncode == 1 and "找不到" in unknown.stderr and unknown.stdout == ""
    config = tmp_path / "site.toml"
    config.write_text("[hours]\ntarget = 3\n", encoding="utf-8")
    bad = subprocess.run([*gridbot, "--config", str(config), "people", "list"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 2 and "hours.target: unknown key" in bad.stderr


def test_chat_is_a_conversation_until_an_empty_line(demo):
    result = CliRunner().invoke(cli, ["chat", "--as", "张伟"], input="服务 1小时 走访\n我的时长\n\n",
                                env={"GRIDBOT_DATABASE__URL": f"sqlite:///{Path.cwd() / 'street.db'}"})
    assert result.exit_code == 0, result.output
    assert "以 张伟" in result.output and "已登记" in result.output and "累计 1 小时" in result.output


def test_audit_answers_who_changed_what(demo):
    demo("say", "--as", "张伟", "服务 3小时 走访")
    demo("say", "--as", "张伟", "撤销")
    rows = tsv(demo("audit", "--entity", "hour_entry", "--format", "tsv").output)
    assert [(r["actor"].split("#")[0], r["action"]) for r in rows] == [("张伟", "create"), ("张伟", "delete")]
    assert rows[0]["id"] == rows[1]["id"] and "hours=3" in rows[0]["detail"]
    assert tsv(demo("audit", "--actor", "林晓雯", "--format", "tsv").output) == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(demo):
    from bot.db import make_engine

    engine = make_engine(f"sqlite:///{Path.cwd() / 'street.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
