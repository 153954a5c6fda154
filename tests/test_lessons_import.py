"""Importing the lesson library from Markdown, CSV and XLSX: all or nothing, bad rows named by number."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from handlers.composition import cli
from tests.conftest import PG_ENV
from handlers.lessons.demo import DEMO_FILE


@pytest.fixture
def run(db_url: str, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    # The test database variable shares the GRIDBOT_ prefix; the CLI would read it as a config key.
    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), env={"GRIDBOT_DATABASE__URL": db_url, PG_ENV: None}, catch_exceptions=False)

    return invoke


def listed(run) -> list[dict[str, str]]:
    result = run("lessons", "list", "--format", "tsv")
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output), delimiter="\t"))


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def test_the_demo_library_imports_from_markdown_and_again_changes_nothing(run):
    result = run("lessons", "import", str(DEMO_FILE))
    assert result.exit_code == 0 and "导入完成：新增 30 课，更新 0 课。" in result.output
    lessons = listed(run)
    assert len(lessons) == 30
    assert all(int(l["chars"]) <= 300 and l["rule"] and l["tags"] for l in lessons)
    assert lessons[4]["title"] == "公务接待要有公函" and lessons[4]["rule"] == "《党政机关国内公务接待管理规定》"
    assert "新增 0 课，更新 0 课" in run("lessons", "import", str(DEMO_FILE)).output


def test_csv_with_bad_rows_reports_each_by_row_number_and_imports_nothing(run, tmp_path):
    path = write_csv(tmp_path / "lessons.csv", [
        ["标题", "正文", "标签", "依据"],
        ["守住接待标准", "工作餐不上高档酒水。", "公务接待", "《党政机关国内公务接待管理规定》"],
        ["没有正文的课", "", "", "中央八项规定精神"],
        ["守住接待标准", "同名的另一课。", "", "中央八项规定精神"],
        ["太长的一课", "长" * 401, "", "中央八项规定精神"],
        ["没写依据", "正文在这里。", "", ""],
    ])
    result = run("lessons", "import", str(path))
    assert result.exit_code == 1
    assert "没有导入任何内容：lessons.csv 有 4 处问题" in result.output
    assert "第3行：缺少正文" in result.output
    assert "第4行：标题“守住接待标准”与第2行重复" in result.output
    assert "第5行：正文太长（401字，最多400字）" in result.output
    assert "第6行：缺少依据" in result.output
    assert listed(run) == []


def test_csv_saved_by_excel_in_gbk_imports(run, tmp_path):
    path = write_csv(tmp_path / "gbk.csv", [
        ["title", "body", "tags", "rule"],
        ["首问负责", "第一个接待的人负责到底。", "服务群众、首问负责", "街道便民服务制度"],
    ], encoding="gb18030")
    assert "新增 1 课" in run("lessons", "import", str(path)).output
    (lesson,) = listed(run)
    assert (lesson["title"], lesson["tags"]) == ("首问负责", "服务群众、首问负责")


def test_xlsx_imports_and_a_bad_row_blocks_the_whole_file(run, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["标题", "正文", "依据", "标签"])
    sheet.append(["公车不私用", "公务用车只能用于公务。", "中央八项规定精神", "公务用车"])
    sheet.append(["礼品礼金要拒收", "当场婉拒，无法退回的登记上交。", "《中国共产党纪律处分条例》", "廉洁自律"])
    good = tmp_path / "good.xlsx"
    book.save(good)
    sheet.append([None, "缺了标题的一课。", "中央八项规定精神", None])
    bad = tmp_path / "bad.xlsx"
    book.save(bad)

    result = run("lessons", "import", str(bad))
    assert result.exit_code == 1 and "第4行：缺少标题" in result.output
    assert listed(run) == []
    assert "新增 2 课" in run("lessons", "import", str(good)).output
    assert [l["title"] for l in listed(run)] == ["公车不私用", "礼品礼金要拒收"]


def test_markdown_problems_name_the_heading_line(run, tmp_path):
    path = tmp_path / "lessons.md"
    path.write_text("# 课程\n\n## 第一课\n依据：中央八项规定精神\n正文。\n\n## 第二课\n标签：廉洁\n只有正文没有依据。\n", encoding="utf-8")
    result = run("lessons", "import", str(path))
    assert result.exit_code == 1 and "第7行：缺少依据" in result.output
    assert listed(run) == []


def test_an_unknown_file_type_is_refused_clearly(run, tmp_path):
    path = tmp_path / "lessons.docx"
    path.write_bytes(b"PK")
    result = run("lessons", "import", str(path))
    assert result.exit_code == 1 and "不支持的文件类型“.docx”，请用 .csv 或 .xlsx" in result.output
