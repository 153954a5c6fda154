"""Benchmark: encrypted WeCom callbacks POSTed to a real `gridbot serve` on loopback, fake WeCom API.

Prints acknowledged callbacks/s (closed loop, as fast as the server answers), the acknowledgement
latency p50/p99 at a fixed offered rate (open loop, default 200/s), and fully processed messages/s
(callback → router → reply accepted by the fake message/send).

    /work/venv/bin/python bench/bench_wecom_callbacks.py [--count 3000] [--rate 200] [--seconds 10]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Three processes, as in production where WeCom is remote: this one (the load generator), the fake
WeCom API, and `gridbot serve`. With --database-url (PostgreSQL) a scratch database is created next
to the given one and dropped afterwards, so the database named in the URL is not touched.
CPU seconds used by each process are printed, to see what the figures are bounded by.

Targets: >= 500 callbacks/s end to end; p99 acknowledgement <= 50 ms at 200/s offered.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.config import config_from_dict  # noqa: E402
from bot.db import make_engine, transaction, make_sessionmaker, upgrade  # noqa: E402
from bot.models import Person  # noqa: E402
from tests.fakes.wecom_server import FakeWecom, WecomCallbacks  # noqa: E402

USERS = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def scratch_database(workdir: Path, base_url: str | None):
    """A fresh database URL: a SQLite file in workdir, or a new PostgreSQL database dropped at the end."""
    if not base_url or make_url(base_url).get_backend_name() == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    name = f"gridbot_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fake_main() -> None:
    """The fake WeCom API in its own process; answers "replied" on stdin with the recipients served."""
    with FakeWecom() as fake:
        print(fake.port, flush=True)
        for line in sys.stdin:
            if line.strip() == "replied":
                print(replied(fake), flush=True)
            elif line.strip() == "quit":
                break


class RemoteFake:
    """Drives fake_main() in a child process."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, __file__, "--fake-server"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        self.port = int(self.process.stdout.readline())
        self.corp_id = FakeWecom().corp_id
        self.fake = FakeWecom()
        self.fake.port = self.port

    def replied(self) -> int:
        self.process.stdin.write("replied\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def close(self) -> None:
        try:
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def prepare(workdir: Path, fake: FakeWecom, port: int, url: str) -> Path:
    engine = make_engine(url)
    upgrade(engine)
    with transaction(make_sessionmaker(engine)) as session:
        session.execute(insert(Person), [dict(name=f"测试{i}", role="cadre", active=True, wecom_userid=f"bench{i:04d}")
                                         for i in range(USERS)])
    engine.dispose()
    section = fake.config_section(data_dir=str(workdir / "wecom"))
    lines = [f'[database]\nurl = "{url}"\n', f'[server]\nhost = "127.0.0.1"\nport = {port}\n', "[wecom]"]
    robots = section.pop("robots")
    for key, value in section.items():
        lines.append(f"{key} = {value!r}".replace("True", "true").replace("'", '"'))
    for robot in robots:
        lines.append(f'\n[[wecom.robots]]\nname = "{robot["name"]}"\nkey = "{robot["key"]}"')
    path = workdir / "gridbot.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config_from_dict(__import__("tomllib").loads(path.read_text(encoding="utf-8")))  # fail early if invalid
    return path


def replied(fake: FakeWecom) -> int:
    return sum(len(body["touser"].split("|")) for body in fake.sent("message/send"))


async def closed_loop(url: str, callbacks: list, concurrency: int) -> tuple[float, list[int]]:
    statuses: list[int] = []
    queue = list(reversed(callbacks))
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=concurrency)) as client:
        async def worker() -> None:
            while queue:
                signed = queue.pop()
                try:
                    answer = await client.post(url, params=signed.params, content=signed.body)
                    statuses.append(answer.status_code)
                except httpx.HTTPError:
                    statuses.append(-1)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start, statuses


async def open_loop(url: str, callbacks: list, rate: float) -> tuple[list[float], list[int]]:
    latencies: list[float] = []
    statuses: list[int] = []
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=500)) as client:
        async def one(signed) -> None:
            t0 = time.perf_counter()
            try:
                answer = await client.post(url, params=signed.params, content=signed.body)
                statuses.append(answer.status_code)
            except httpx.HTTPError:
                statuses.append(-1)
            latencies.append(time.perf_counter() - t0)

        start = time.perf_counter()
        tasks = []
        for i, signed in enumerate(callbacks):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(signed)))
        await asyncio.gather(*tasks)
    return latencies, statuses


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=3000, help="callbacks in the throughput run")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rate", type=float, default=200.0, help="offered callbacks/s in the latency run")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--database-url", help="PostgreSQL server to bench on (a scratch database is made there)")
    parser.add_argument("--fake-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fake_server:
        fake_main()
        return

    remote = RemoteFake()
    fake = remote.fake
    with contextlib.closing(remote), tempfile.TemporaryDirectory() as tmp, scratch_database(Path(tmp), args.database_url) as db_url:
        workdir = Path(tmp)
        port = free_port()
        config = prepare(workdir, fake, port, db_url)
        cb = WecomCallbacks.for_fake(fake)
        texts = ("帮助", "我的时长", "服务 1小时 入户走访")
        throughput = [cb.text(f"bench{i % USERS:04d}", texts[i % len(texts)]) for i in range(args.count)]
        paced = [cb.text(f"bench{i % USERS:04d}", "帮助") for i in range(int(args.rate * args.seconds))]
        env = dict(os.environ, GRIDBOT_CONFIG=str(config))
        # What `gridbot serve` runs, minus the CLI's schema check (which misreads branches with depends_on).
        serve = ("import sys; sys.path.insert(0, %r)\n"
                 "from bot.app import App\nfrom bot.config import load_config\nfrom bot.server import serve\n"
                 "serve(App.build(load_config(%r)))" % (str(ROOT), str(config)))
        server = subprocess.Popen([sys.executable, "-c", serve], cwd=workdir, env=env,
                                  stdout=subprocess.DEVNULL, stderr=open("/tmp/bench_wecom_server.log", "wb"))
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gridbot serve did not start: " + "see /tmp/bench_wecom_server.log")
                time.sleep(0.2)
            url = base + "/wecom/callback"

            pids = {"gridbot serve": server.pid, "fake WeCom": remote.process.pid, "load generator": os.getpid()}
            cpu0 = {name: cpu_seconds(pid) for name, pid in pids.items()}
            start = time.perf_counter()
            elapsed, statuses = asyncio.run(closed_loop(url, throughput, args.concurrency))
            ok = statuses.count(200)
            while remote.replied() < ok and time.perf_counter() - start < 300:
                time.sleep(0.05)
            processed_elapsed = time.perf_counter() - start
            done = remote.replied()
            cpu = {name: cpu_seconds(pid) - cpu0[name] for name, pid in pids.items()}

            latencies, paced_statuses = asyncio.run(open_loop(url, paced, args.rate))
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()

    print(f"database: {make_url(db_url).get_backend_name()}")
    print(f"callbacks sent: {args.count} (distinct MsgIds, {USERS} users), concurrency {args.concurrency}")
    print(f"acknowledged: {ok}/{args.count} with 200 in {elapsed:.2f} s -> {ok / elapsed:.0f} callbacks/s")
    print(f"fully processed (reply accepted by message/send): {done}/{ok} in {processed_elapsed:.2f} s "
          f"-> {done / processed_elapsed:.0f} messages/s")
    print("CPU during the throughput run: " + ", ".join(
        f"{name} {seconds:.1f} s ({seconds / processed_elapsed:.0%})" for name, seconds in cpu.items()))
    print(f"ack latency at {args.rate:.0f}/s offered for {args.seconds:.0f} s ({len(latencies)} callbacks, "
          f"{paced_statuses.count(200)} acknowledged): p50 {pct(latencies, 0.50) * 1000:.1f} ms, "
          f"p99 {pct(latencies, 0.99) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms, "
          f"mean {statistics.mean(latencies) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
