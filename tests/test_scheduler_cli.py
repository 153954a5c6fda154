"""`gridbot jobs …` and `gridbot groups …` as an operator uses them, on a real SQLite file."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner

from handlers.composition import cli
from tests.conftest import SHANGHAI

CONFIG = """
[[schedule.jobs]]
name = "morning_notice"
kind = "notice"
workdays_at = "07:50"
targets = ["*"]
text = "晨会十分钟：今天学一条纪律规定。"
"""


@pytest.fixture
def gridbot(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gridbot.toml").write_text(CONFIG, encoding="utf-8")
    env = {"GRIDBOT_DATABASE__URL": f"sqlite:///{tmp_path / 'street.db'}"}

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--config", str(tmp_path / "gridbot.toml"), *args], env=env, catch_exceptions=False)

    assert invoke("init", "--demo").exit_code == 0
    return invoke


def tsv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def test_jobs_run_twice_on_the_same_day_sends_once_and_list_shows_it(gridbot):
    with time_machine.travel(datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI), tick=False) as traveller:
        first = gridbot("jobs", "run", "morning_notice")
        assert first.exit_code == 0 and "11-26 07:50 这一次：新发送15条" in first.output
        traveller.move_to(datetime(2026, 11, 26, 16, 0, tzinfo=SHANGHAI))
        second = gridbot("jobs", "run", "morning_notice")
        assert "新发送0条，15条此前已发不再重发" in second.output
        [row] = tsv(gridbot("jobs", "list", "--format", "tsv").output)
        assert row["name"] == "morning_notice" and row["next_run"] == "2026-11-27 07:50"
        assert row["last_occurrence"] == "2026-11-26 07:50" and row["last_run"] == "2026-11-26 16:00"
        assert row["last_result"] == "完成，共15条" and row["state"] == "运行"


def test_pause_resume_and_unknown_names(gridbot):
    with time_machine.travel(datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI), tick=False):
        assert "已暂停定时任务 morning_notice" in gridbot("jobs", "pause", "morning_notice").output
        assert tsv(gridbot("jobs", "list", "--format", "tsv").output)[0]["state"] == "已暂停"
        assert "已恢复定时任务 morning_notice" in gridbot("jobs", "resume", "1").output
        wrong = gridbot("jobs", "run", "morning")
        assert wrong.exit_code == 1 and "没有找到定时任务“morning”。现有：1.morning_notice" in wrong.output


def test_groups_list_add_and_disable(gridbot):
    groups = tsv(gridbot("groups", "list", "--format", "tsv").output)
    assert len(groups) == 15
    anju = next(g for g in groups if g["name"] == "安居社区工作群")
    assert (anju["channel"], anju["address"], anju["audience"], anju["active"]) == ("console", "group:安居社区", "单位:安居社区", "yes")
    added = gridbot("groups", "add", "青年干部", "--channel", "people", "--role", "leader", "--person", "24")
    assert added.exit_code == 0 and "已添加群 #16 青年干部" in added.output
    bad = gridbot("groups", "add", "某群", "--unit", "火星社区")
    assert bad.exit_code == 1 and "没有添加：没有这些单位：火星社区" in bad.output
    assert "群 青年干部 已停用" in gridbot("groups", "disable", "青年干部").output
    rows = {g["name"]: g for g in tsv(gridbot("groups", "list", "--format", "tsv").output)}
    assert rows["青年干部"]["active"] == "no" and rows["青年干部"]["people"] == "23" and "某群" not in rows
