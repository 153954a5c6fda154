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
from pathlib import Path
from urllib.parse import urlencode

import httptools
import httpx
import uvloop

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

# noqa: E402
from handlers.composition import build_app, config_from_dict, load_config, upgrade_schema
from bot.db import make_engine, make_sessionmaker, scratch_database, transaction, upgrade  # noqa: E402
from bot.models import Person  # noqa: E402
from tests.fakes.wecom_server import FakeWecom, WecomCallbacks  # noqa: E402

USERS = 600


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def bench_database(workdir: Path, base_url: str | None):
    """A fresh database URL: a SQLite file in workdir, or a new PostgreSQL database dropped at the end."""
    if not base_url or make_url(base_url).get_backend_name() == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    with scratch_database(base_url, "gridbot_bench") as url:
        yield url


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


def prepare(workdir: Path, fake: FakeWecom, port: int, url: str, workers: int) -> Path:
    engine = make_engine(url)
    upgrade_schema(engine)
    with transaction(make_sessionmaker(engine)) as session:
        session.execute(insert(Person), [dict(name=f"测试{i}", role="cadre", active=True, wecom_userid=f"bench{i:04d}")
                                         for i in range(USERS)])
    engine.dispose()
    section = fake.config_section(data_dir=str(workdir / "wecom"), workers=workers)
    lines = [f'[database]\nurl = "{url}"\n', f'[server]\nhost = "127.0.0.1"\nport = {port}\n', "[wecom]"]
    robots = section.pop("robots")
    for key, value in section.items():
        shown = str(value).lower() if isinstance(value, bool) else repr(value).replace("'", '"')
        lines.append(f"{key} = {shown}")
    for robot in robots:
        lines.append(f'\n[[wecom.robots]]\nname = "{robot["name"]}"\nkey = "{robot["key"]}"')
    path = workdir / "gridbot.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config_from_dict(__import__("tomllib").loads(path.read_text(encoding="utf-8")))  # fail early if invalid
    return path


def replied(fake: FakeWecom) -> int:
    return sum(len(body["touser"].split("|")) for body in fake.sent("message/send"))


def raw_post(port: int, path: str, signed) -> bytes:
    """The callback as bytes on the wire, encoded before the clock starts."""
    head = (f"POST {path}?{urlencode(signed.params)} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: text/xml\r\nContent-Length: {len(signed.body)}\r\n\r\n")
    return head.encode() + signed.body


class _Answer:
    """httptools callbacks: only the end of the message matters (the status comes from the parser)."""

    def __init__(self) -> None:
        self.complete = False

    def on_message_complete(self) -> None:
        self.complete = True


class Connection:
    """One keep-alive HTTP/1.1 connection, one request at a time.

    The load generator shares two cores with the server it measures; httpx spends about 3 ms of CPU
    per request, which would make the generator, not the server, the bottleneck. Responses are parsed
    by httptools (the parser uvicorn uses).
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, raw: bytes) -> int:
        try:
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            self.writer.write(raw)
            answer = _Answer()
            parser = httptools.HttpResponseParser(answer)
            while not answer.complete:
                data = await self.reader.read(65536)
                if not data:
                    raise ConnectionError("closed by the server")
                parser.feed_data(data)
            return parser.get_status_code()
        except (OSError, httptools.HttpParserError):
            self.close()
            return -1

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def closed_loop(port: int, requests: list[bytes], concurrency: int) -> tuple[float, list[int]]:
    statuses: list[int] = []
    queue = list(reversed(requests))
    connections = [Connection(port) for _ in range(concurrency)]

    async def worker(connection: Connection) -> None:
        while queue:
            statuses.append(await connection.post(queue.pop()))

    start = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in connections))
    elapsed = time.perf_counter() - start
    for connection in connections:
        connection.close()
    return elapsed, statuses


async def open_loop(port: int, requests: list[bytes], rate: float) -> tuple[list[float], list[int]]:
    latencies: list[float] = []
    statuses: list[int] = []
    idle: list[Connection] = []

    async def one(raw: bytes) -> None:
        connection = idle.pop() if idle else Connection(port)
        t0 = time.perf_counter()
        statuses.append(await connection.post(raw))
        latencies.append(time.perf_counter() - t0)
        idle.append(connection)

    start = time.perf_counter()
    tasks = []
    for i, raw in enumerate(requests):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(raw)))
    await asyncio.gather(*tasks)
    for connection in idle:
        connection.close()
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
    parser.add_argument("--workers", type=int, default=2, help="[wecom] workers of the server")
    parser.add_argument("--fake-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fake_server:
        fake_main()
        return

    remote = RemoteFake()
    fake = remote.fake
    with contextlib.closing(remote), tempfile.TemporaryDirectory() as tmp, bench_database(Path(tmp), args.database_url) as db_url:
        workdir = Path(tmp)
        port = free_port()
        config = prepare(workdir, fake, port, db_url, args.workers)
        cb = WecomCallbacks.for_fake(fake)
        texts = ("帮助", "我的时长", "服务 1小时 入户走访")
        path = "/wecom/callback"
        throughput = [raw_post(port, path, cb.text(f"bench{i % USERS:04d}", texts[i % len(texts)]))
                      for i in range(args.count)]
        paced = [raw_post(port, path, cb.text(f"bench{i % USERS:04d}", "帮助"))
                 for i in range(int(args.rate * args.seconds))]
        env = dict(os.environ, GRIDBOT_CONFIG=str(config))
        # What `gridbot serve` runs, minus the CLI's schema check (which misreads branches with depends_on).
        serve = ("import sys; sys.path.insert(0, %r)\n"
                 "from handlers.composition import build_app, load_config\nfrom bot.server import open_listener, serve\n"
                 "app = build_app(load_config(%r))\n"
                 "serve(app, open_listener(app.config.server.host, app.config.server.port))" % (str(ROOT), str(config)))
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

            pids = {"gridbot serve": server.pid, "fake WeCom": remote.process.pid, "load generator": os.getpid()}
            cpu0 = {name: cpu_seconds(pid) for name, pid in pids.items()}
            start = time.perf_counter()
            elapsed, statuses = uvloop.run(closed_loop(port, throughput, args.concurrency))
            ok = statuses.count(200)
            while remote.replied() < ok and time.perf_counter() - start < 300:
                time.sleep(0.05)
            processed_elapsed = time.perf_counter() - start
            done = remote.replied()
            cpu = {name: cpu_seconds(pid) - cpu0[name] for name, pid in pids.items()}

            latencies, paced_statuses = uvloop.run(open_loop(port, paced, args.rate))
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()

    print(f"database: {make_url(db_url).get_backend_name()}")
    print(f"[wecom] workers: {args.workers}")
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
