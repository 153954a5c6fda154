"""Shared by the admin console's tests: signing in through the chat link, the database's fingerprint, files to upload."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from bot.app import App
from bot.db import Base
from handlers.admin.security import csrf_token
from tests.harness import TestBot

BASE = "http://127.0.0.1:8080"
ADMIN = "林晓雯"
LEADER = "王建国"
CADRE = "张伟"
ROSTER_HEADER = ["姓名", "手机号", "角色", "单位", "网格", "企业微信账号", "在岗", "包联单位"]


def login_path(app: App, name: str) -> str:
    said = TestBot(app).send(name, "看板")
    found = re.search(r"http://\S+", said.text)
    assert found, said.text
    return found.group(0).removeprefix(BASE)


def sign_in(app: App, client, name: str) -> str:
    """Sign the client in as NAME with a one-time link from chat; return the form token of that session."""
    response = client.post(login_path(app, name), follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_token(client.cookies.get("gridbot_dash"))


def fingerprint(app: App) -> dict[str, list[tuple]]:
    """Every row of every table: equal before and after means the request changed nothing at all."""
    with app.sessions() as session:
        return {
            table.name: sorted((tuple(map(repr, row)) for row in session.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
        }


def roster_csv(rows: list[list[str]], header: list[str] = ROSTER_HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


# Two new people for 安居社区; rows 3 and 4 (spreadsheet numbering) carry one mistake each.
GOOD_ROWS = [
    ["陈新来", "13911110001", "网格员", "安居社区", "第1网格", "xinlai", "是", ""],
    ["周晓晴", "13911110002", "干部", "安居社区", "", "xiaoqing", "是", ""],
    ["吴志强", "13911110003", "领导", "党政综合办", "", "", "是", "安居社区"],
]
BAD_ROWS = [
    GOOD_ROWS[0],
    ["周晓晴", "1391111000", "干部", "安居社区", "", "xiaoqing", "是", ""],
    ["吴志强", "13911110003", "局长", "党政综合办", "", "", "是", ""],
]
