"""The router's phrasing model (bot/guess.py): what a cadre notices when no command word and no reader
claimed the message. Nothing is stored on its word alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.guess import IntentGuesser, PhrasingError, read_phrasings
from bot.router import Router
from handlers.hours.models import HourEntry
from handlers.reports.models import Report
from tests.reports_support import CADRE, GRID_WORKER


def count(bot, model) -> int:
    with bot.app.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_asking_for_the_list_of_functions_in_own_words_gets_the_menu(bot):
    said = bot.send(CADRE, "功能列表发一下")
    assert "随手拍" in said.text and "没看懂" not in said.text and "规定" in said.text


def test_a_leaders_goodnight_gets_a_friendly_line_not_a_puzzle(bot):
    said = bot.send(CADRE, "大家伙都辛苦了 早点歇着")
    assert "没看懂" not in said.text and "帮助" in said.text


def test_a_problem_without_a_report_word_is_offered_as_a_report_and_filed_only_on_the_number(bot):
    reports, hours = count(bot, Report), count(bot, HourEntry)
    said = bot.send(CADRE, "4号楼电梯又停了 第三天了")
    assert "1" in said.text and "随手拍" in said.text
    assert count(bot, Report) == reports and count(bot, HourEntry) == hours
    filed = bot.send(CADRE, "1")
    assert count(bot, Report) == reports + 1 and "#" in filed.text


def test_a_rules_question_that_names_a_report_word_does_not_file_a_ticket(bot):
    reports = count(bot, Report)
    said = bot.send(GRID_WORKER, "群众打电话找网格员反映诉求 多长时间内必须回个话")
    assert count(bot, Report) == reports
    assert "依据" in said.text or "回复数字" in said.text


def test_a_stranger_saying_hello_is_greeted_and_told_how_to_register(bot):
    said = bot.send(None, "谢谢你啊", sender="visitor-9")
    assert said.text.startswith("不客气") and "花名册" in said.text and "匿名反映" in said.text


def test_a_phrasings_file_with_a_bad_line_names_the_line(tmp_path: Path):
    path = tmp_path / "phrasings.tsv"
    path.write_text("# header\n服务\t巡逻2小时\n没有制表符的一行\n", encoding="utf-8")
    with pytest.raises(PhrasingError, match="line 3"):
        read_phrasings(path)


def test_without_phrasings_the_router_makes_no_guess():
    assert not IntentGuesser([])
    assert Router().guesser.guesses("功能列表发一下") == []


def test_the_model_orders_commands_by_what_the_phrasings_taught_it():
    guesser = IntentGuesser([("甲", "巡逻两小时"), ("甲", "值班三小时"), ("乙", "路灯坏了"), ("乙", "井盖没了")] * 3)
    assert guesser.guesses("巡逻了两个钟")[0].command == "甲"
    assert guesser.guesses("路灯又坏了")[0].command == "乙"
