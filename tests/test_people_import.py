from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from bot.db import transaction
from bot.models import Liaison, Person, Unit
from handlers.people.roster import import_roster, list_people


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8-sig")
    return path


def count_people(app) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(Person))


def test_csv_with_chinese_headers_imports_people_units_grids_and_liaisons(app, tmp_path):
    path = write_csv(
        tmp_path / "roster.csv",
        "姓名,手机号,角色,单位,网格,企业微信账号,包联单位\n"
        "赵一,13900001111,网格员,东风社区,第1网格,zhaoyi,\n"
        "钱二,13900002222,干部,党建办,,qianer,\n"
        "孙三,13900003333,领导,党建办,,sunsan,东风社区；党建办\n",
    )
    with transaction(app.sessions) as session:
        result = import_roster(session, path)
    assert result.problems == [] and result.created == 3 and result.units_created == 2
    with app.sessions() as session:
        rows = {p.name: (p.role, u, g, p.wecom_userid) for p, u, g in list_people(session)}
        assert rows["赵一"] == ("grid_worker", "东风社区", "第1网格", "zhaoyi")
        assert rows["孙三"][0] == "leader"
        assert session.scalar(select(func.count()).select_from(Liaison)) == 2
        kinds = dict(session.execute(select(Unit.name, Unit.kind)).all())
        assert kinds == {"东风社区": "community", "党建办": "department"}


def test_any_bad_row_imports_nothing_and_lists_every_problem(app, tmp_path):
    path = write_csv(
        tmp_path / "roster.csv",
        "姓名,手机号,角色,单位\n"
        "赵一,13900001111,网格员,东风社区\n"
        ",13900002222,干部,党建办\n"
        "孙三,12345,队长,党建办\n"
        "李四,13900001111,干部,党建办\n",
    )
    with transaction(app.sessions) as session:
        result = import_roster(session, path)
    text = "\n".join(str(p) for p in result.problems)
    assert "第3行 [姓名]：不能为空" in text
    assert "第4行 [手机号]" in text and "第4行 [角色]" in text and "队长" in text
    assert "第5行 [手机号]：与第2行重复" in text
    assert count_people(app) == 0


def test_unknown_column_is_reported(app, tmp_path):
    path = write_csv(tmp_path / "roster.csv", "姓名,职务\n赵一,主任\n")
    with transaction(app.sessions) as session:
        result = import_roster(session, path)
    assert [str(p) for p in result.problems] == ["第1行 [职务]：不认识的列名"]


def test_xlsx_import_and_reimport_updates_by_userid(app, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "mobile", "role", "unit", "wecom_userid"])
    sheet.append(["周五", 13900005555, "cadre", "便民服务中心", "zhouwu"])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    with transaction(app.sessions) as session:
        assert import_roster(session, path).created == 1
    sheet["A2"] = "周武"
    book.save(path)
    with transaction(app.sessions) as session:
        result = import_roster(session, path)
    assert (result.created, result.updated) == (0, 1)
    with app.sessions() as session:
        assert [p.name for p, _, _ in list_people(session)] == ["周武"]
        assert session.scalars(select(Person.mobile)).one() == "13900005555"
