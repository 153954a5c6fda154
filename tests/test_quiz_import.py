"""Importing the question bank from CSV and XLSX: all or nothing, bad rows named by number."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from handlers.composition import cli
from tests.conftest import PG_ENV
from handlers.quiz.demo import DEMO_FILE


@pytest.fixture
def run(db_url: str, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    # The test database variable shares the GRIDBOT_ prefix; the CLI would read it as a config key.
    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), env={"GRIDBOT_DATABASE__URL": db_url, PG_ENV: None}, catch_exceptions=False)

    return invoke


def listed(run) -> list[dict[str, str]]:
    result = run("quiz", "list", "--format", "tsv")
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output), delimiter="\t"))


def test_the_demo_bank_imports(run):
    result = run("quiz", "import", str(DEMO_FILE))
    assert result.exit_code == 0 and "导入完成：新增 50 题，更新 0 题。" in result.output
    bank = listed(run)
    assert len(bank) == 50
    kinds = {q["kind"] for q in bank}
    assert kinds == {"single", "multiple", "judge"}
    assert all(q["tags"] for q in bank)
    assert bank[2]["answer"] == "ABCD" and bank[3]["answer"] == "错"
    assert "新增 0 题，更新 0 题" in run("quiz", "import", str(DEMO_FILE)).output


def test_bad_rows_are_reported_by_row_number_and_nothing_is_imported(run, tmp_path):
    rows = [
        ["题型", "题目", "A", "B", "C", "D", "答案", "解析", "标签"],
        ["单选", "好题一", "甲", "乙", "", "", "B", "因为乙。", ""],
        ["单选", "答案不在选项里", "甲", "乙", "", "", "E", "解析。", ""],
        ["单选", "单选两个答案", "甲", "乙", "丙", "", "AB", "解析。", ""],
        ["判断", "判断题答了是", "", "", "", "", "是", "解析。", ""],
        ["问答", "不认识的题型", "", "", "", "", "A", "解析。", ""],
        ["多选", "没有解析", "甲", "乙", "丙", "", "AC", "", ""],
        ["单选", "选项断开", "甲", "", "丙", "", "A", "解析。", ""],
    ]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path = tmp_path / "bank.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    result = run("quiz", "import", str(path))
    assert result.exit_code == 1
    for line in [
        "第3行：答案“E”不在选项里（只有A、B）",
        "第4行：单选题只能有一个答案，现在是“AB”",
        "第5行：判断题答案应是“对”或“错”，现在是“是”",
        "第6行：题型“问答”不认识，请填 单选、多选 或 判断",
        "第7行：缺少解析",
        "第8行：选项B是空的，选项要从A起连续填写",
    ]:
        assert line in result.output
    assert "第2行" not in result.output
    assert listed(run) == []


def test_xlsx_with_english_headers_imports(run, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["type", "question", "option_a", "option_b", "option_c", "answer", "explanation", "tags"])
    sheet.append(["多选", "哪些属于“四风”？", "形式主义", "官僚主义", "勤俭节约", "A,B", "四风之二。", "四风"])
    sheet.append(["判断", "公车可以私用。", None, None, None, "F", "只能用于公务。", "公务用车"])
    path = tmp_path / "bank.xlsx"
    book.save(path)
    assert "新增 2 题" in run("quiz", "import", str(path)).output
    bank = listed(run)
    assert [(q["kind"], q["answer"]) for q in bank] == [("multiple", "AB"), ("judge", "错")]
