"""Dashboard server time with a year of a large street's data, on SQLite and PostgreSQL.

One year for 5,000 people in 50 units: about a million hour entries, lesson deliveries and
confirmations, weekly quiz answers, reports and ledger tasks with their progress logs. Data is
written with bulk inserts (executemany on SQLite, COPY on PostgreSQL). Then the overview and the
ledger board are requested through the ASGI app (query + render, no network), as an admin (the
whole street) and as a leader (three units), and p50/p95 are printed. Target: p95 ≤ 300 ms.

    python -m bench.bench_dash [--db sqlite|postgresql|both] [--people 5000] [--units 50] [--runs 30]
    (PostgreSQL: --pg-url, default postgresql+psycopg://postgres@127.0.0.1:5432/test; a scratch
    database is created and dropped.)
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import text

from handlers.composition import build_app, config_from_dict
from bot.app import App
from bot.clock import ManualClock

from bot.db import Base, scratch_database, upgrade
from bot.server import build_asgi

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=SH)
CATEGORIES = ("形式主义官僚主义", "享乐主义奢靡之风", "服务群众", "干部担当作为")
REPORT_STATUSES = ("pending", "accepted", "in_progress", "closed", "rated")


def _utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


class Loader:
    """Bulk writes: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.pg = engine.dialect.name == "postgresql"

    def rows(self, table: str, columns: list[str], rows: list[tuple]) -> int:
        if not rows:
            return 0
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if self.pg:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                sqlite_rows = [tuple(_sqlite_value(v) for v in row) for row in rows]
                marks = ", ".join("?" for _ in columns)
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", sqlite_rows)
            raw.commit()
        finally:
            raw.close()
        return len(rows)

    def fix_sequences(self) -> None:
        if not self.pg:
            return
        with self.engine.begin() as conn:
            for table in Base.metadata.sorted_tables:
                if "id" in table.c and table.c.id.primary_key:
                    conn.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)")
                    )


def _sqlite_value(value):
    # The app stores UTC timestamps as naive text on SQLite (bot.db.UtcDateTime); match it.
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return value


def _json(value):
    import json

    return json.dumps(value, ensure_ascii=False)


def generate(engine, people: int, units: int, seed: int = 8) -> dict[str, int]:
    rng = random.Random(seed)
    load = Loader(engine)
    counts: dict[str, int] = {}
    today = NOW.date()
    start = today - timedelta(days=365)
    now = _utc(NOW)

    counts["units"] = load.rows("units", ["id", "name", "kind"], [(u, f"单位{u:02d}", "community" if u <= units * 0.7 else "department") for u in range(1, units + 1)])
    roles = []
    rows = []
    for pid in range(1, people + 1):
        role = "admin" if pid == 1 else "leader" if pid <= max(2, people // 200) else "grid_worker" if pid % 4 == 0 else "cadre"
        roles.append(role)
        rows.append((pid, f"人员{pid:05d}", f"139{pid:08d}", role, (pid % units) + 1, None, True, f"u{pid:05d}"))
    counts["people"] = load.rows("people", ["id", "name", "mobile", "role", "unit_id", "grid_id", "active", "wecom_userid"], rows)
    leaders = [pid for pid, role in zip(range(1, people + 1), roles) if role == "leader"]
    liaisons = []
    for index, leader in enumerate(leaders):
        for offset in range(3):
            liaisons.append((leader, ((index * 3 + offset) % units) + 1))
    counts["liaisons"] = load.rows("liaisons", ["leader_id", "unit_id"], sorted(set(liaisons)))
    groups = [(u, f"单位{u:02d}工作群", "console", f"g{u}", _json({"units": [u]}), True) for u in range(1, units + 1)]
    groups.append((units + 1, "领导班子群", "console", "leaders", _json({"roles": ["leader", "admin"]}), True))
    counts["groups"] = load.rows("groups", ["id", "name", "channel", "address", "audience", "active"], groups)

    # Hours: about 200 entries per person over the year (a million for 5,000 people), day order.
    hour_rows = []
    entry_id = 0
    days = [start + timedelta(days=d) for d in range(366)]
    for day in days:
        for pid in rng.sample(range(1, people + 1), k=min(people, int(people * 0.55))):
            entry_id += 1
            hour_rows.append((entry_id, pid, day, rng.choice((1, 1.5, 2, 2.5, 3, 4)), "入户走访", now, "bench"))
    counts["hour_entries"] = load.rows("hour_entries", ["id", "person_id", "day", "hours", "note", "created_at", "source"], hour_rows)
    del hour_rows

    tables = set(Base.metadata.tables)
    workdays = [d for d in days if d.weekday() < 5]
    if "lesson_confirmations" in tables:
        lessons = [(i, f"微课{i:03d}", "正文", _json([]), "规定", True, now, now) for i in range(1, len(workdays) + 1)]
        counts["lessons"] = load.rows("lessons", ["id", "title", "body", "tags", "rule", "active", "created_at", "updated_at"], lessons)
        deliveries = []
        for index, day in enumerate(workdays, start=1):
            for group_id in range(1, units + 2):
                deliveries.append((group_id, index, day, "bench", now))
        counts["lesson_deliveries"] = load.rows("lesson_deliveries", ["group_id", "lesson_id", "day", "job", "created_at"], deliveries)
        confirmations = []
        for pid in range(1, people + 1):
            diligence = rng.random()
            for lesson_id in range(1, len(workdays) + 1):
                if rng.random() < diligence:
                    confirmations.append((pid, lesson_id, now))
        counts["lesson_confirmations"] = load.rows("lesson_confirmations", ["person_id", "lesson_id", "confirmed_at"], confirmations)
        del confirmations

    if "quiz_answers" in tables:
        weeks = workdays[::5]
        questions = [(i, "judge", f"题目{i}", _json([]), "T", "解析", _json([]), True, now, now) for i in range(1, len(weeks) + 1)]
        counts["quiz_questions"] = load.rows(
            "quiz_questions", ["id", "kind", "stem", "options", "answer", "explanation", "tags", "active", "created_at", "updated_at"], questions
        )
        answers = []
        for qid, day in enumerate(weeks, start=1):
            when = _utc(datetime.combine(day, dtime(9, 30), tzinfo=SH))
            for pid in range(1, people + 1):
                if rng.random() < 0.6:
                    answers.append((pid, qid, (pid % units) + 1, "T", rng.random() < 0.8, when, "text"))
        counts["quiz_answers"] = load.rows("quiz_answers", ["person_id", "question_id", "unit_id", "choice", "correct", "answered_at", "via"], answers)

    if "reports" in tables:
        reports = []
        for rid in range(1, people * 4 + 1):
            created = _utc(datetime.combine(start + timedelta(days=rng.randrange(365)), dtime(rng.randrange(8, 20)), tzinfo=SH))
            status = rng.choices(REPORT_STATUSES, weights=(1, 1, 2, 4, 4))[0]
            accepted = created + timedelta(hours=rng.uniform(0.2, 48)) if status != "pending" else None
            closed = accepted + timedelta(hours=rng.uniform(2, 240)) if status in ("closed", "rated") else None
            reporter = rng.randrange(1, people + 1)
            reports.append(
                (rid, created, reporter, "console", str(reporter), rng.random() < 0.2, "反映的问题", rng.choice(CATEGORIES),
                 rng.randrange(1, units + 1), None, None, status, created, created, accepted, closed, None, None, 0, None, None, "")
            )
        counts["reports"] = load.rows(
            "reports",
            ["id", "created_at", "reporter_id", "reporter_channel", "reporter_sender", "anonymous", "text", "category", "unit_id",
             "grid_id", "assignee_id", "status", "routed_at", "due_from", "accepted_at", "closed_at", "rated_at", "rating",
             "reopen_count", "latitude", "longitude", "location_label"],
            reports,
        )

    if "ledger_tasks" in tables:
        tasks, progress = [], []
        for tid in range(1, max(100, people // 2) + 1):
            deadline = start + timedelta(days=rng.randrange(30, 420))
            closed = rng.random() < 0.6 and deadline < today + timedelta(days=30)
            tasks.append(
                (tid, now, rng.choice(CATEGORIES), f"整改问题{tid}", rng.choice(leaders), rng.randrange(1, units + 1), "措施",
                 deadline, rng.random() < 0.05, "closed" if closed else "open", now if closed else None, "", None, 0, None)
            )
            for step in range(rng.randrange(1, 9)):
                progress.append((tid, now - timedelta(days=step * 7), rng.choice(leaders), "", "progress", "推进情况", None))
        counts["ledger_tasks"] = load.rows(
            "ledger_tasks",
            ["id", "created_at", "category", "problem", "lead_leader_id", "unit_id", "measures", "deadline", "long_term", "status",
             "closed_at", "close_note", "rechecked_at", "reopen_count", "report_id"],
            tasks,
        )
        counts["ledger_progress"] = load.rows("ledger_progress", ["task_id", "at", "author_id", "author_name", "kind", "text", "key"], progress)
    load.fix_sequences()
    if load.pg:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return counts


def login_cookie(app: App, person_id: int) -> str:
    from bot.db import transaction
    from bot.models import Person
    from dash import auth

    with transaction(app.sessions) as session:
        token = auth.issue_link(session, session.get(Person, person_id), app.clock.now(), "cli", "bench")
        return auth.redeem_link(session, token, app.clock.now()).session_token


async def time_pages(app: App, runs: int, who: dict[str, int]) -> dict[tuple[str, str], list[float]]:
    from dash.auth import COOKIE_NAME
    from handlers.dashboard.web import DashSite

    asgi = build_asgi(app, [DashSite(app)])
    results: dict[tuple[str, str], list[float]] = {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi), base_url="http://127.0.0.1") as client:
        for label, person_id in who.items():
            cookies = {COOKIE_NAME: login_cookie(app, person_id)}
            for page in ("/dash/", "/dash/ledger"):
                samples = []
                for attempt in range(runs + 2):
                    started = time.perf_counter()
                    response = await client.get(page, cookies=cookies)
                    elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200, (page, response.status_code, response.text[:200])
                    if attempt >= 2:  # the first two warm caches
                        samples.append(elapsed)
                results[(label, page)] = samples
    return results


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(0.95 * len(ordered))) - 1))]


def run(url: str, args) -> None:
    engine_url = url
    app = build_app(config_from_dict({"database": {"url": engine_url}}), clock=ManualClock(NOW))
    app.upgrade()
    started = time.perf_counter()
    counts = generate(app.engine, args.people, args.units)
    generated = time.perf_counter() - started
    print(f"\n== {app.engine.dialect.name}: generated in {generated:.0f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    leader = 2
    results = asyncio.run(time_pages(app, args.runs, {"admin (whole street)": 1, "leader (3 units)": leader}))
    print(f"{'viewer':22} {'page':14} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for (label, page), samples in results.items():
        verdict = "ok" if p95(samples) <= 300 else "OVER 300 ms"
        print(f"{label:22} {page:14} {statistics.median(samples):8.1f} {p95(samples):8.1f} {max(samples):8.1f}  {verdict}")
    app.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as workdir:
            run(f"sqlite:///{Path(workdir) / 'bench.db'}", args)
    if args.db in ("postgresql", "both"):
        with scratch_database(args.pg_url, "gridbot_bench") as url:
            run(url, args)

if __name__ == "__main__":
    main()
