"""Importing rule documents: numbering kept as printed, re-import replaces, bad files store nothing."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from handlers.composition import cli
from bot.db import transaction
from bot.models import AuditEntry
from handlers.rules.importer import RulesImportError, parse_text, read_file
from handlers.rules.models import RuleArticle, RuleDocument
from handlers.rules.service import current_revision, find_document, import_document, list_documents, remove_document

REGULATION = """关于规范公务用车的规定

第一章 总则
第一条 为加强公务用车管理，制定本规定。
第二条 公务用车集中管理。
（一）统一调度；
（二）统一停放。
第二章 使用
第十二条 严禁公车私用。
"""

OUTLINE = """社区小微权力清单
一、民生事项
（一）低保申请须入户核查，并公示7天。
（二）临时救助应当民主评议。
二、不准在工作日午间饮酒。
三、资金管理
1. 5万元以上工程须招标。
2. 报销须两人签字。
"""


def test_regulation_articles_keep_their_chinese_numbers_and_chapters():
    articles = parse_text(REGULATION)
    assert [a.label for a in articles] == ["第一条", "第二条", "第十二条"]
    assert articles[1].text == "公务用车集中管理。\n（一）统一调度；\n（二）统一停放。"
    assert articles[2].section == "第二章 使用"
    assert "关于规范" not in "".join(a.text for a in articles)  # the title line is not an article


def test_outline_numbering_becomes_the_label_and_short_headings_become_sections():
    articles = parse_text(OUTLINE)
    assert [(a.label, a.section) for a in articles] == [
        ("一、（一）", "民生事项"),
        ("一、（二）", "民生事项"),
        ("二、", ""),
        ("三、1.", "资金管理"),
        ("三、2.", "资金管理"),
    ]
    assert articles[2].text == "不准在工作日午间饮酒。"


def test_unnumbered_text_is_split_into_paragraphs():
    articles = parse_text("干部要廉洁。\n\n网格员要勤走访。\n群众的事要快办。")
    assert [(a.label, a.text) for a in articles] == [
        ("第1段", "干部要廉洁。"),
        ("第2段", "网格员要勤走访。"),
        ("第3段", "群众的事要快办。"),
    ]


def test_markdown_headings_and_markup_are_stripped(tmp_path: Path):
    path = tmp_path / "rule.md"
    path.write_text("# 标题\n\n## 第一章 总则\n\n**第一条** 不得收受红包。\n\n- 第二条 不得公车私用。\n", encoding="utf-8")
    articles = read_file(path)
    assert [(a.label, a.section, a.text) for a in articles] == [
        ("第一条", "第一章 总则", "不得收受红包。"),
        ("第二条", "第一章 总则", "不得公车私用。"),
    ]


def test_gbk_text_files_from_office_pcs_are_read(tmp_path: Path):
    path = tmp_path / "old.txt"
    path.write_bytes("第一条 工作日午间不得饮酒。\n第二条 不得脱岗。".encode("gbk"))
    assert [a.text for a in read_file(path)] == ["工作日午间不得饮酒。", "不得脱岗。"]


def test_docx_with_typed_numbering_keeps_it(tmp_path: Path):
    document = docx.Document()
    document.add_heading("公务接待办法", level=1)
    document.add_paragraph("第一条 接待须有公函。")
    document.add_paragraph("第二条 工作餐不得提供酒水。")
    document.add_paragraph("包括白酒、啤酒。")
    document.add_paragraph("第十条 违者追责。")
    path = tmp_path / "reception.docx"
    document.save(path)
    articles = read_file(path)
    assert [(a.label, a.text) for a in articles] == [
        ("第一条", "接待须有公函。"),
        ("第二条", "工作餐不得提供酒水。\n包括白酒、啤酒。"),
        ("第十条", "违者追责。"),
    ]


def test_docx_automatic_word_numbering_is_rendered(tmp_path: Path):
    # Word's own list numbering is not in the paragraph text; the importer renders it from numbering.xml.
    document = docx.Document()
    document.add_paragraph("负面清单")
    document.add_paragraph("不准吃拿卡要。", style="List Number")
    document.add_paragraph("不准优亲厚友。", style="List Number")
    document.add_paragraph("不准上班炒股。", style="List Number")
    path = tmp_path / "list.docx"
    document.save(path)
    assert [(a.label, a.text) for a in read_file(path)] == [
        ("1.", "不准吃拿卡要。"),
        ("2.", "不准优亲厚友。"),
        ("3.", "不准上班炒股。"),
    ]


def test_docx_table_rows_become_numbered_items(tmp_path: Path):
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(table.rows, [("序号", "事项", "要求"), ("1", "公章使用", "须登记"), ("2", "出具证明", "不得收费")]):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    path = tmp_path / "table.docx"
    document.save(path)
    assert [(a.label, a.text) for a in read_file(path)] == [("1.", "公章使用：须登记"), ("2.", "出具证明：不得收费")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rule.pdf", b"%PDF", "不支持.pdf文件"),
        ("empty.txt", b"\n\n   \n", "没有找到任何条文"),
        ("broken.docx", b"not a zip", "不是有效的 Word"),
    ],
)
def test_bad_files_are_refused_with_what_to_do(tmp_path: Path, name: str, content: bytes, message: str):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(RulesImportError, match=message):
        read_file(path)


def test_import_again_replaces_and_remove_deletes_with_audit(app, clock):
    at = clock.now()
    with transaction(app.sessions) as session:
        before = current_revision(session)
        first = import_document(session, "《车辆规定》", parse_text(REGULATION), at=at, actor="cli", issuer="街道")
    with transaction(app.sessions) as session:
        second = import_document(session, "车辆规定", parse_text("第一条 只剩一条。"), at=at, actor="cli")
    assert not first.replaced and second.replaced
    with transaction(app.sessions) as session:
        assert [(d.title, d.articles) for d in list_documents(session)] == [("车辆规定", 1)]
        assert session.scalar(select(func.count()).select_from(RuleArticle)) == 1
        assert current_revision(session) == before + 2
        remove_document(session, find_document(session, "车辆规定"), at=at, actor="cli")
    with transaction(app.sessions) as session:
        assert session.scalar(select(func.count()).select_from(RuleDocument)) == 0
        assert session.scalar(select(func.count()).select_from(RuleArticle)) == 0
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "rule_document").order_by(AuditEntry.id)).all()
        assert actions == ["rules.import", "rules.replace", "rules.remove"]


@pytest.fixture
def run(tmp_path: Path, sqlite_url: str, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # The test suite's own variable would read as an unknown config key to the CLI.
    monkeypatch.delenv("GRIDBOT_TEST_DATABASE_URL", raising=False)
    env = {"GRIDBOT_DATABASE__URL": sqlite_url}

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)

    return invoke


def test_cli_import_list_replace_remove(run, tmp_path: Path):
    document = docx.Document()
    document.add_paragraph("第一条 工作餐不得饮酒。")
    document.add_paragraph("第二条 陪餐不超过3人。")
    path = tmp_path / "接待.docx"
    document.save(path)

    done = run("rules", "import", str(path), "--title", "公务接待办法", "--issuer", "街道党工委", "--date", "2025-03-01")
    assert done.exit_code == 0, done.output
    assert "已导入《公务接待办法》" in done.output and "2条，第一条 … 第二条" in done.output
    listed = run("rules", "list", "--format", "tsv").output.splitlines()
    assert listed[0].split("\t") == ["id", "title", "articles", "issuer", "date", "source"]
    assert listed[1].split("\t")[1:5] == ["公务接待办法", "2", "街道党工委", "2025-03-01"]

    again = run("rules", "import", str(path), "--title", "公务接待办法")
    assert "已替换《公务接待办法》" in again.output
    assert len(run("rules", "list", "--format", "tsv").output.splitlines()) == 2

    asked = run("rules", "ask", "工作餐能喝酒吗")
    assert "依据《公务接待办法》第一条" in asked.output

    assert "已删除《公务接待办法》" in run("rules", "remove", "公务接待办法").output
    assert "规定知识库是空的" in run("rules", "list").output


def test_cli_refuses_bad_input_and_stores_nothing(run, tmp_path: Path):
    path = tmp_path / "rule.txt"
    path.write_text("第一条 不得饮酒。", encoding="utf-8")
    bad_date = run("rules", "import", str(path), "--date", "2025/3/1")
    assert bad_date.exit_code != 0 and "--date 格式不对" in bad_date.output
    missing = run("rules", "import", str(tmp_path / "nope.txt"))
    assert missing.exit_code != 0 and "找不到文件" in missing.output
    unknown = run("rules", "remove", "不存在的规定")
    assert unknown.exit_code != 0 and "找不到规定“不存在的规定”" in unknown.output
    assert "规定知识库是空的" in run("rules", "list").output


def test_cli_known_questions_import_list_remove_and_what_they_change(run, tmp_path: Path):
    rules = tmp_path / "车辆.txt"
    rules.write_text("第一条 公务用车由综合办统一调度。\n第二条 严禁公车私用，不得开回家。\n", encoding="utf-8")
    assert run("rules", "import", str(rules), "--title", "用车规定").exit_code == 0
    question = "面包车周末能借去拉家具不"
    assert "没有找到明确的条文" in run("rules", "ask", question).output  # no word of it is in the rules
    known = tmp_path / "问法.toml"
    known.write_text('[[q]]\ntext = "周末搬家想借单位面包车拉家具"\narticle = "《用车规定》第二条"\n', encoding="utf-8")
    done = run("rules", "questions", "import", str(known))
    assert done.exit_code == 0 and "已导入1条问法" in done.output, done.output
    assert "已导入0条问法（1条已有）" in run("rules", "questions", "import", str(known)).output
    rows = run("rules", "questions", "list", "--format", "tsv").output.splitlines()
    assert rows[0].split("\t") == ["id", "source", "article", "question"]
    assert rows[1].split("\t")[1:] == ["import", "《用车规定》第二条", "周末搬家想借单位面包车拉家具"]
    # Put like the known question, it is offered that article (never quoted on likeness alone).
    after = run("rules", "ask", question).output.splitlines()
    assert after[:2] == ["没找到正好对上的条文。您是想问：", "1 《用车规定》第二条：严禁公车私用，不得开回家。"]
    question_id = rows[1].split("\t")[0]
    assert f"已删除问法{question_id}" in run("rules", "questions", "remove", question_id).output
    assert "还没有已知问法" in run("rules", "questions", "list").output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[[q]]\ntext = "能借车吗"\narticle = "《用车规定》第九条"\n', "第1条的条文“《用车规定》第九条”不在知识库里"),
        ('[[q]]\ntext = "能借车吗"\n', "第1条缺 text 或 article"),
        ("text = 能借车吗", "不是 UTF-8 的 TOML"),
        ('title = "x"\n', "文件里没有 [[q]] 条目"),
    ],
)
def test_cli_refuses_a_bad_questions_file_and_stores_nothing(run, tmp_path: Path, content: str, message: str):
    rules = tmp_path / "车辆.txt"
    rules.write_text("第一条 公务用车由综合办统一调度。\n", encoding="utf-8")
    run("rules", "import", str(rules), "--title", "用车规定")
    known = tmp_path / "问法.toml"
    known.write_text(content, encoding="utf-8")
    refused = run("rules", "questions", "import", str(known))
    assert refused.exit_code != 0 and message in refused.output, refused.output
    assert "还没有已知问法" in run("rules", "questions", "list").output
