"""The 随手拍 category suggestion, measured on complaints written the way people send them.

tests/data/report_categories.toml labels each complaint with the category a street office would file
it under. The floors are the figures measured when the rules were last changed
(`python -m bench.bench_report_categories` prints them and the misfiled complaints); a change to the
rules that files fewer complaints right fails here.
"""

from __future__ import annotations

import pytest

from bench.bench_report_categories import accuracy, load
from handlers.reports.categories import CATEGORIES, HEDONISM, SERVICE, suggest

# Right out of each part, as measured: 98 of 102 tuning complaints, 11 of 30 held back.
FLOORS = {"tune": (98, 102), "heldout": (11, 30)}


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_complaints_are_filed_where_a_street_office_would_file_them(split):
    rows = [r for r in load() if r["split"] == split]
    right_floor, size = FLOORS[split]
    assert len(rows) == size
    _, wrong = accuracy(rows)
    misfiled = "\n".join(f"{row['category']} → {got}: {row['text']}" for row, got in wrong)
    assert size - len(wrong) >= right_floor, misfiled


def test_the_labelled_complaints_cover_every_category():
    rows = load()
    assert len(rows) >= 40
    assert {r["category"] for r in rows} == set(CATEGORIES)
    assert all(r["split"] in FLOORS for r in rows)


@pytest.mark.parametrize("text", [
    "便民服务中心窗口工作人员上班时间玩手机，群众排队半小时没人理",
    "窗口的人上班时间玩手机，群众排队没人理",
    "上班时间看到两个工作人员在窗口后面刷抖音",
])
def test_playing_with_a_phone_at_the_window_is_a_service_matter(text):
    assert suggest(text) == SERVICE


def test_drinking_and_public_cars_stay_hedonism():
    assert suggest("有干部工作日中午喝酒，还用公车办私事") == HEDONISM


def test_configured_rules_take_weights_and_contexts():
    rules = {"窗口纪律": ["窗口+玩手机*3"], "个人作风": ["玩手机*2"]}
    assert suggest("窗口的人在玩手机", rules) == "窗口纪律"
    assert suggest("下班路上一直玩手机", rules) == "个人作风"
    assert suggest("今天天气不错", rules, other="待分类") == "待分类"
