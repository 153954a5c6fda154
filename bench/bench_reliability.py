"""Benchmark: nothing twice, nothing lost, nothing stuck — two real `gridbot serve` on one PostgreSQL database.

Prints duplicates, lost and stuck for each scenario (issue 13):

  D  a poison message (a row an earlier version stored, CreateTime "²") among 30 good callbacks: how soon
     the 30 are answered, whether the poison is set aside, how many times an admin is told;
  A  400 callbacks alternating between the two instances, at 0 s, 0.1 s and 2 s API latency;
  B  kill -9 of one instance right after 200 acknowledgements, then a restart (five runs);
  C  both instances running the scheduler at 2 s API latency: the leader's run of one occurrence and a
     manual `gridbot jobs run` of the same occurrence, to 100 people, 2 app chats and 2 robots.

    .venv/bin/python bench/bench_reliability.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
        [--runs 5] [--kill-latency 0.1] [--scenarios DABC] [--root PATH]

Processes, as in production: this one (the load generator and the counting), the fake WeCom API in its own
process with settable latency, two `gridbot serve` (the real CLI, as `python -m handlers.composition serve`), and
for C a `gridbot jobs run`.
A scratch database is created on the given PostgreSQL server (bot.db.scratch_database) and dropped afterwards.
`--root` runs the servers and the CLI from another checkout (e.g. /work/main, to compare with before).

Counting is done at the fake API, on every request it accepted: a copy counts as a duplicate whether or
not it carried enable_duplicate_check (WeCom's own check would drop such a copy; the count does not rely
on it — the column "w/check" says how many did). The fake applies WeCom's duplicate check as documented
(same content to the same recipient within duplicate_check_interval is answered errcode 0 and not shown):
the column "shown 2x" counts the copies beyond the first that WeCom would still deliver. A reply is identified by its recipient and
the unique note its callback asked to log. Lost: an acknowledged callback whose reply never reached the
fake. Stuck: inbox or outbox rows still pending when the scenario's time is up.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text  # noqa: E402

from bot.db import make_engine, scratch_database  # noqa: E402
from tests.fakes.wecom_server import FakeWecom, WecomCallbacks  # noqa: E402

USERS = 700
ADMIN = "benchadmin"
STREET_TZ = ZoneInfo("Asia/Shanghai")
APPCHATS = ("benchchat1", "benchchat2")
PUSH_TEXT = "本周六上午九点在社区广场开展环境整治，请准时参加。"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# The `gridbot` command of the checkout it is run in (its working directory comes first on sys.path).
GRIDBOT = (sys.executable, "-m", "handlers.composition")


# --- the fake WeCom API, in its own process ----------------------------------------------------


def fake_main() -> None:
    """Serve the fake API; commands on stdin: `latency S`, `reset`, `dump` (accepted sends as JSON), `quit`.

    WeCom's duplicate check is on (`FakeWecom.duplicate_check`): each dumped send says whom it reached."""
    with FakeWecom(duplicate_check=True) as fake:
        print(fake.port, flush=True)
        for line in sys.stdin:
            command, _, argument = line.strip().partition(" ")
            if command == "latency":
                fake.latency = float(argument)
                print("ok", flush=True)
            elif command == "reset":
                fake.reset()
                print("ok", flush=True)
            elif command == "dump":
                print(json.dumps(_sends(fake), ensure_ascii=False), flush=True)
            elif command == "quit":
                break


def _sends(fake: FakeWecom) -> list[dict]:
    out = []
    for call in list(fake.calls):
        if not call.ok or call.api not in ("message/send", "appchat/send", "webhook/send"):
            continue
        body = call.body or {}
        part = body.get(body.get("msgtype", ""), {})
        out.append({
            "api": call.api,
            "touser": str(body.get("touser", "")),
            "chatid": str(body.get("chatid", "")),
            "key": call.params.get("key", ""),
            "content": part.get("content", "") if isinstance(part, dict) else "",
            "check": bool(body.get("enable_duplicate_check")),
            "delivered": list(call.delivered),
        })
    return out


class RemoteFake:
    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, __file__, "--fake-server"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        self.fake = FakeWecom()  # only for its config_section() and robots: the real one runs in the child
        self.fake.port = int(self.process.stdout.readline())

    def command(self, line: str) -> str:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline()

    def sends(self) -> list[dict]:
        return json.loads(self.command("dump"))

    def close(self) -> None:
        try:
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


# --- the servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(config: Path) -> dict[str, str]:
    # GRIDBOT_* variables are config overrides: only this bench's configuration file counts.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDBOT_")}
    env["GRIDBOT_CONFIG"] = str(config)
    return env


class Server:
    """One `gridbot serve` (the real CLI), restartable on the same port."""

    def __init__(self, name: str, root: Path, config: Path, workdir: Path) -> None:
        self.name = name
        self.root = root
        self.config = config
        self.port = free_port()
        self.log = workdir / f"serve-{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def callback_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/wecom/callback"

    def start(self) -> None:
        with self.log.open("a") as log:
            log.write(f"\n--- start {datetime.now():%H:%M:%S}\n")
        self.process = subprocess.Popen([*GRIDBOT, "serve", "--port", str(self.port)],
                                        cwd=self.root, env=child_env(self.config), stdout=subprocess.DEVNULL,
                                        stderr=self.log.open("a"))

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise SystemExit(f"gridbot serve {self.name} exited; see {self.log}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gridbot serve {self.name} did not come up; see {self.log}")

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def scheduler_status(self) -> dict | None:
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/scheduler/status", timeout=2).json()
        except (httpx.HTTPError, ValueError):
            return None


# --- preparing the street ----------------------------------------------------------------------


def userid(i: int) -> str:
    return f"bench{i:04d}"


def write_config(path: Path, db_url: str, fake: FakeWecom, workdir: Path, schedule: str = "") -> None:
    section = fake.config_section(data_dir=str(workdir / "wecom"), workers=2)
    robots = section.pop("robots")
    lines = [f'[database]\nurl = "{db_url}"\n', '[server]\nhost = "127.0.0.1"\n', "[wecom]"]
    for key, value in section.items():
        shown = str(value).lower() if isinstance(value, bool) else json.dumps(value, ensure_ascii=False)
        lines.append(f"{key} = {shown}")
    for robot in robots:
        lines.append(f'\n[[wecom.robots]]\nname = "{robot["name"]}"\nkey = "{robot["key"]}"')
    lines.append(schedule or "\n[schedule]\nenabled = false")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def prepare(root: Path, config: Path, db_url: str, fake: FakeWecom) -> None:
    done = subprocess.run([*GRIDBOT, "init"], cwd=root, env=child_env(config),
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"gridbot init failed: {done.stderr[-2000:]}")
    from bot.models import Group, Person

    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(insert(Person.__table__), [dict(name=f"测试{i}", role="cadre", active=True, wecom_userid=userid(i))
                                                 for i in range(USERS)])
        conn.execute(insert(Person.__table__), [dict(name="值班管理员", role="admin", active=True, wecom_userid=ADMIN)])
        people = [r.id for r in conn.execute(select(Person.__table__.c.id).where(
            Person.__table__.c.wecom_userid.in_([userid(i) for i in range(600, 700)])))]
        robots = list(fake.robots)
        groups = [dict(name="bench全体", channel="people", address="", audience={"people": people}, active=True)]
        groups += [dict(name=f"bench群{i + 1}", channel="wecom_appchat", address=chat, audience={}, active=True)
                   for i, chat in enumerate(APPCHATS)]
        groups += [dict(name=f"bench机器人{i + 1}", channel="wecom_robot", address=name, audience={}, active=True)
                   for i, name in enumerate(robots)]
        conn.execute(insert(Group.__table__), groups)
    engine.dispose()


# --- sending and counting ------------------------------------------------------------------------


# Like WeCom: no answer within 5 s, or any status but 200, and the callback is delivered again, three more times.
RETRIES = 3
FIRST_TRY_FAILURES: Counter = Counter()


async def _post_all(items: list[tuple[str, object]], concurrency: int = 16) -> list[int]:
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=5, limits=limits) as client:
        async def one(url: str, signed) -> int:
            status = -1
            for attempt in range(1 + RETRIES):
                if attempt:
                    await asyncio.sleep(1)
                async with gate:
                    try:
                        status = (await client.post(url, params=signed.params, content=signed.body)).status_code
                    except httpx.HTTPError as exc:
                        status = -1
                        if attempt == 0:
                            FIRST_TRY_FAILURES[type(exc).__name__] += 1
                if status == 200 or 400 <= status < 500:
                    break
                if attempt == 0 and status != -1:
                    FIRST_TRY_FAILURES[f"HTTP {status}"] += 1
            return status

        return list(await asyncio.gather(*(one(url, signed) for url, signed in items)))


def post_all(items: list[tuple[str, object]]) -> list[int]:
    return asyncio.run(_post_all(items))


def pending(engine) -> int:
    with engine.connect() as conn:
        outbox = conn.execute(text("SELECT count(*) FROM outbox WHERE status = 'pending'")).scalar_one()
        inbox = conn.execute(text("SELECT count(*) FROM wecom_inbox WHERE status = 'pending'")).scalar_one()
    return outbox + inbox


@dataclass
class Tally:
    sent: int  # requests accepted by the fake in this scenario
    replies: int  # expected replies that arrived at least once
    duplicates: int  # copies beyond the first
    with_check: int  # of those copies, how many carried enable_duplicate_check
    shown_twice: int  # copies beyond the first that WeCom would deliver (its duplicate check applied)
    lost: int
    stuck: int
    seconds: float


def count_replies(sends: list[dict], expected: list[tuple[str, str]]) -> tuple[Counter, Counter, Counter]:
    """(copies per expected (user, note), copies that carried the duplicate check per expected,
    copies WeCom would deliver per expected)."""
    notes: dict[str, list[str]] = {}
    for user, note in expected:
        notes.setdefault(user, []).append(note)
    copies: Counter = Counter()
    checked: Counter = Counter()
    shown: Counter = Counter()
    for send in sends:
        if send["api"] != "message/send":
            continue
        for user in send["touser"].split("|"):
            for note in notes.get(user, ()):
                if note in send["content"]:
                    copies[(user, note)] += 1
                    if copies[(user, note)] > 1 and send["check"]:
                        checked[(user, note)] += 1
                    shown[(user, note)] += user in send.get("delivered", ())
    return copies, checked, shown


def settle(remote: RemoteFake, engine, expected: list[tuple[str, str]], started: float, timeout: float,
           grace: float) -> Tally:
    """Wait until every expected reply arrived and nothing is pending (or the time is up), then a little more."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        copies, _, _ = count_replies(remote.sends(), expected)
        if all(copies[e] for e in expected) and pending(engine) == 0:
            break
        time.sleep(0.5)
    finished = time.monotonic() - started
    time.sleep(grace)  # a late second copy would show now
    sends = remote.sends()
    copies, checked, shown = count_replies(sends, expected)
    return Tally(
        sent=len(sends),
        replies=sum(1 for e in expected if copies[e]),
        duplicates=sum(max(0, copies[e] - 1) for e in expected),
        with_check=sum(checked.values()),
        shown_twice=sum(max(0, shown[e] - 1) for e in expected),
        lost=sum(1 for e in expected if not copies[e]),
        stuck=pending(engine),
        seconds=finished,
    )


def callbacks(cb: WecomCallbacks, servers: list[Server], users: range, tag: str) -> tuple[list, list[tuple[str, str]]]:
    items, expected = [], []
    for n, i in enumerate(users):
        note = f"巡查{tag}{n:03d}"
        items.append((servers[n % len(servers)].callback_url, cb.text(userid(i), f"服务 1小时 {note}")))
        expected.append((userid(i), note))
    return items, expected


def row(label: str, offered: int, acked: int, tally: Tally) -> str:
    return (f"{label:<44} {offered:>5} {acked:>5} {tally.replies:>7} {tally.duplicates:>10} {tally.with_check:>8} "
            f"{tally.shown_twice:>8} {tally.lost:>5} {tally.stuck:>5} {tally.seconds:>7.1f} s")


HEADER = (f"{'scenario':<44} {'sent':>5} {'acked':>5} {'replies':>7} {'duplicates':>10} {'w/check':>8} "
          f"{'shown 2x':>8} {'lost':>5} {'stuck':>5} {'time':>9}")
LEGEND = ("duplicates: copies beyond the first reaching the API; w/check: of those, carrying enable_duplicate_check; "
          "shown 2x: copies beyond the first WeCom would deliver (the fake applies its duplicate check)")


# --- the scenarios -------------------------------------------------------------------------------


def scenario_poison(remote: RemoteFake, servers: list[Server], cb: WecomCallbacks, engine, booted: float) -> list[str]:
    """`booted`: when the servers were started — they find the stored poison row as they start."""
    started = time.monotonic()
    door = post_all([(servers[0].callback_url,
                      cb.message(userid(650), "text", {"Content": "帮助"}, create_time="²"))])[0]  # type: ignore[arg-type]
    items, expected = callbacks(cb, servers, range(0, 30), "d")
    statuses = post_all(items)
    acked = [e for e, status in zip(expected, statuses) if status == 200]
    answered_in = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        copies, _, _ = count_replies(remote.sends(), acked)
        if all(copies[e] for e in acked):
            answered_in = time.monotonic() - started
            break
        time.sleep(0.1)
    set_aside_in = None
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            status = conn.execute(text("SELECT status FROM wecom_inbox WHERE dedupe_key = 'msg:4242424242'")).scalar()
        told = [s for s in remote.sends() if ADMIN in s["touser"].split("|")]
        if status == "failed" and set_aside_in is None:
            set_aside_in = time.monotonic() - booted
        if status == "failed" and told:
            break
        time.sleep(0.2)
    time.sleep(3)  # a second notice would show now
    tally = settle(remote, engine, acked, started, 5, 0)
    told = [s for s in remote.sends() if ADMIN in s["touser"].split("|")]
    with engine.connect() as conn:
        status = conn.execute(text("SELECT status FROM wecom_inbox WHERE dedupe_key = 'msg:4242424242'")).scalar()
    return [
        row("D  poison among 30 good (latency 0 s)", len(items), len(acked), tally),
        f"   the poison callback at the door (CreateTime ²): HTTP {door}",
        f"   the stored poison row: {status}"
        + (f" within {set_aside_in:.1f} s of the servers' start" if set_aside_in is not None else "")
        + f"; admin told {len(told)} time(s)",
        "   the 30 good ones all answered "
        + (f"within {answered_in:.1f} s of the first one's POST" if answered_in is not None else "NOT within 60 s"),
    ]


def scenario_alternating(remote: RemoteFake, servers: list[Server], cb: WecomCallbacks, engine,
                         latency: float, users: range, tag: str) -> str:
    remote.command(f"latency {latency}")
    remote.command("reset")
    started = time.monotonic()
    items, expected = callbacks(cb, servers, users, tag)
    statuses = post_all(items)
    acked = [e for e, status in zip(expected, statuses) if status == 200]
    tally = settle(remote, engine, acked, started, timeout=120 + 200 * latency, grace=2 + 2 * latency)
    return row(f"A  {len(items)} alternating, API latency {latency:g} s", len(items), len(acked), tally)


def scenario_kill(remote: RemoteFake, servers: list[Server], cb: WecomCallbacks, engine, latency: float,
                  run: int, runs: int) -> str:
    remote.command(f"latency {latency}")
    remote.command("reset")
    started = time.monotonic()
    items, expected = callbacks(cb, servers, range(400, 600), f"k{run}")
    statuses = post_all(items)
    servers[0].kill9()  # right after the 200th acknowledgement
    acked = [e for e, status in zip(expected, statuses) if status == 200]
    servers[0].start()
    servers[0].wait_ready()
    tally = settle(remote, engine, acked, started, timeout=180, grace=2 + 2 * latency)
    return row(f"B  kill -9 after 200 acks, run {run}/{runs} ({latency:g} s)", len(items), len(acked), tally)


def scenario_scheduler(remote: RemoteFake, root: Path, workdir: Path, db_url: str, engine) -> list[str]:
    """Both instances schedule; one occurrence fires on the leader while `gridbot jobs run` runs it by hand."""
    now = datetime.now(STREET_TZ)
    at = (now + timedelta(seconds=40)).replace(second=0, microsecond=0) + timedelta(minutes=1)
    robots = list(remote.fake.robots)
    targets = ", ".join(json.dumps(n, ensure_ascii=False) for n in
                        ["bench全体", "bench群1", "bench群2", "bench机器人1", "bench机器人2"])
    schedule = (f"\n[schedule]\nstandby_retry_seconds = 1\n\n[[schedule.jobs]]\nname = \"bench_push\"\nkind = \"notice\"\n"
                f"cron = \"{at.minute} {at.hour} * * *\"\ntargets = [{targets}]\ntext = \"{PUSH_TEXT}\"\n")
    config = workdir / "gridbot-scheduler.toml"
    write_config(config, db_url, remote.fake, workdir, schedule)
    servers = [Server(f"s{i}", root, config, workdir) for i in (1, 2)]
    remote.command("latency 2")
    remote.command("reset")
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            states = [s.scheduler_status() for s in servers]
            if all(states) and sum(bool(s["leader"]) for s in states) == 1:
                break
            time.sleep(0.5)
        wait = (at - datetime.now(STREET_TZ)).total_seconds()
        if wait > 0:
            time.sleep(wait + 0.3)
        started = time.monotonic()
        manual = subprocess.run([*GRIDBOT, "jobs", "run", "bench_push"], cwd=root,
                                env=child_env(config), capture_output=True, text=True, timeout=120)
        people = [userid(i) for i in range(600, 700)]
        keys = [remote.fake.robots[name] for name in robots]

        def per_target() -> tuple[Counter, int, Counter]:
            copies: Counter = Counter()
            shown: Counter = Counter()  # app chats and robots have no duplicate check: every copy is shown
            checked = 0
            for send in remote.sends():
                if send["api"] == "message/send" and send["content"] == PUSH_TEXT:
                    for user in send["touser"].split("|"):
                        copies[("p", user)] += 1
                        checked += copies[("p", user)] > 1 and send["check"]
                        shown[("p", user)] += user in send["delivered"]
                elif send["api"] == "appchat/send" and send["content"] == PUSH_TEXT:
                    copies[("c", send["chatid"])] += 1
                    shown[("c", send["chatid"])] += 1
                elif send["api"] == "webhook/send" and send["content"] == PUSH_TEXT:
                    copies[("r", send["key"])] += 1
                    shown[("r", send["key"])] += 1
            return copies, checked, shown

        expected = [("p", u) for u in people] + [("c", c) for c in APPCHATS] + [("r", k) for k in keys]
        limit = time.monotonic() + 150
        while time.monotonic() < limit:
            copies, _, _ = per_target()
            if all(copies[e] for e in expected) and pending(engine) == 0:
                break
            time.sleep(0.5)
        finished = time.monotonic() - started
        time.sleep(6)  # three more API latencies: a second copy would show now
        copies, checked, shown = per_target()
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT count(*) FROM outbox WHERE dedupe_key LIKE 'bench_push:%'")).scalar_one()
            runs = conn.execute(text("SELECT reason, instance, status FROM schedule_runs WHERE job = 'bench_push'")).all()
        tally = Tally(sent=len(remote.sends()), replies=sum(1 for e in expected if copies[e]),
                      duplicates=sum(max(0, copies[e] - 1) for e in expected), with_check=checked,
                      shown_twice=sum(max(0, shown[e] - 1) for e in expected),
                      lost=sum(1 for e in expected if not copies[e]), stuck=pending(engine), seconds=finished)
        said = (manual.stdout.strip() or manual.stderr.strip()[-300:]).replace("\n", " ")
        return [
            row("C  scheduler on both + jobs run (2 s)", len(expected), len(expected), tally),
            f"   {len(expected)} targets (100 people, 2 app chats, 2 robots), {rows} outbox rows, "
            f"{tally.sent} API requests; runs recorded: {[tuple(r) for r in runs]}",
            f"   gridbot jobs run said: {said}",
        ]
    finally:
        for server in servers:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=DEFAULT_URL, help="PostgreSQL server (a scratch database is made there)")
    parser.add_argument("--runs", type=int, default=5, help="kill -9 runs")
    parser.add_argument("--kill-latency", type=float, default=0.1, help="API latency during the kill runs")
    parser.add_argument("--scenarios", default="DABC")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose `gridbot` is run")
    parser.add_argument("--keep", type=Path, help="keep the servers' logs and configs in this folder")
    parser.add_argument("--fake-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fake_server:
        fake_main()
        return

    remote = RemoteFake()
    lines: list[str] = []
    began = time.monotonic()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    folder = contextlib.nullcontext(str(args.keep)) if args.keep else tempfile.TemporaryDirectory()
    with contextlib.closing(remote), folder as tmp, scratch_database(args.database_url, "gridbot_reliab") as db_url:
        workdir = Path(tmp)
        config = workdir / "gridbot.toml"
        write_config(config, db_url, remote.fake, workdir)
        prepare(args.root, config, db_url, remote.fake)
        engine = make_engine(db_url)
        cb = WecomCallbacks.for_fake(remote.fake)
        servers = [Server(name, args.root, config, workdir) for name in ("one", "two")]
        try:
            if "D" in args.scenarios:
                # As an earlier version stored it: "²" passes str.isdigit(), so it got in.
                poison = cb.message(userid(650), "text", {"Content": "帮助"}, create_time="²",  # type: ignore[arg-type]
                                    msg_id="4242424242").plaintext
                with engine.begin() as conn:
                    conn.execute(text("INSERT INTO wecom_inbox (dedupe_key, received_at, from_user, msg_type, xml, status, "
                                      "attempts) VALUES ('msg:4242424242', now(), :user, 'text', :xml, 'pending', 0)"),
                                 {"user": userid(650), "xml": poison})
            remote.command("latency 0")
            remote.command("reset")
            booted = time.monotonic()
            for server in servers:
                server.start()
            for server in servers:
                server.wait_ready()
            if "D" in args.scenarios:
                lines += scenario_poison(remote, servers, cb, engine, booted)
                print("\n".join(lines[-4:]), flush=True)
            if "A" in args.scenarios:
                for n, latency in enumerate((0.0, 0.1, 2.0)):
                    lines.append(scenario_alternating(remote, servers, cb, engine, latency, range(0, 400), f"a{n}"))
                    print(lines[-1], flush=True)
            if "B" in args.scenarios:
                for run in range(1, args.runs + 1):
                    lines.append(scenario_kill(remote, servers, cb, engine, args.kill_latency, run, args.runs))
                    print(lines[-1], flush=True)
        finally:
            for server in servers:
                server.stop()
        if "C" in args.scenarios:
            lines += scenario_scheduler(remote, args.root, workdir, db_url, engine)
            print("\n".join(lines[-3:]), flush=True)
        engine.dispose()
        logs = {p.name: p.read_text(errors="replace") for p in workdir.glob("serve-*.log")}

    print()
    print(f"two `gridbot serve` ({args.root}) on one scratch PostgreSQL database, fake WeCom API in its own process; "
          f"{time.monotonic() - began:.0f} s in all")
    print(HEADER)
    for line in lines:
        print(line)
    print(LEGEND)
    if FIRST_TRY_FAILURES:
        print("callbacks that needed a redelivery (as WeCom would do): "
              + ", ".join(f"{reason} {count}" for reason, count in FIRST_TRY_FAILURES.items()))
    faults = sum(log.count("could not be handled") for log in logs.values())
    tracebacks = sum(log.count("Traceback") for log in logs.values())
    print(f"server logs: {faults} 'could not be handled', {tracebacks} tracebacks")
    resent = [int(m) for log in logs.values() for m in re.findall(r"sending (\d+) outbox rows again", log)]
    print(f"rows found in a call whose outcome was unknown (a killed instance's calls in flight), sent again with "
          f"the duplicate check: {sum(resent)} (in {len(resent)} round(s))")


if __name__ == "__main__":
    main()
