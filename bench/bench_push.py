"""Benchmark: one lesson pushed by the scheduler to 5,000 people in 200 groups, through the fake
WeCom API on loopback with 50 ms added to every call.

The whole production path runs: job run (runner → job kind → app.push in batches → outbox rows,
exactly-once keys) → Outbound.deliver → WeCom channels → real HTTP to the fake server.

Two ways a street can bind its 200 groups, both measured:
  appchat  each group is a WeCom app group chat: one appchat/send per group is the minimum;
  people   each group is a set of 25 people (channel "people"): the runner expands it to 5,000
           person pushes, and the app channel sends one text to up to 1,000 UserIDs per call,
           so ceil(5000 / 1000) = 5 message/send calls is the minimum.

    /work/venv/bin/python bench/bench_push.py [--people 5000] [--groups 200] [--latency 0.05]

Target: under 10 s wall time per mode, and no more calls than those minimums (plus one gettoken).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from handlers.composition import build_app, config_from_dict
from bot.app import App  # noqa: E402
from bot.channels.wecom.channel import WecomAppChannel, WecomAppChatChannel  # noqa: E402
from bot.channels.wecom.client import WecomClient  # noqa: E402
from bot.clock import ManualClock  # noqa: E402
# noqa: E402
from bot.db import transaction, upgrade  # noqa: E402
from bot.models import Group, OutboundMessage, Person  # noqa: E402
from scheduler.runner import Runner  # noqa: E402
from tests.fakes.wecom_server import FakeWecom  # noqa: E402

MAX_USERS_PER_CALL = 1000
# About 300 characters: what fits the ten minutes of a morning meeting (written for this benchmark).
LESSON = (
    "【作风微课堂】今天学习“首问负责”。群众来到服务窗口或在网格里找到你，第一个接待的人就是首问责任人："
    "能当场办的当场办，不能当场办的要讲清楚办理时限、需要的材料和下一步找谁，并留下联系方式；"
    "属于别的部门的事项，要亲自联系对接，把群众带到或把事项转到，不能一句“不归我管”就推出门。"
    "办理过程中要主动回访，结果出来后第一时间告知。对搬迁群众，更要多一分耐心，把政策讲明白、把手续讲清楚。"
    "请大家对照自己本周接待的事项想一想：有没有让群众多跑一趟？有没有说过推脱的话？"
    "把答案记在心里，明天晨会请两位同志谈谈自己的做法。把小事办好、把群众的事当自己的事办，作风就在一件件小事里立起来。"
    "学完请回复“已学”。"
)
TZ = ZoneInfo("Asia/Shanghai")


def build(workdir: Path, fake: FakeWecom, mode: str, people: int, groups: int) -> App:
    job = {"name": "morning_lesson_bench", "kind": "notice", "workdays_at": "07:50", "targets": ["*"], "text": LESSON}
    config = config_from_dict({
        "database": {"url": f"sqlite:///{workdir / f'{mode}.db'}"},
        "wecom": fake.config_section(data_dir=str(workdir / "wecom")),
        "schedule": {"jobs": [job]},
    })
    app = build_app(config, clock=ManualClock(datetime(2026, 11, 26, 7, 50, tzinfo=TZ)))
    app.upgrade()
    per_group = people // groups
    with transaction(app.sessions) as session:
        session.execute(insert(Person), [
            dict(id=i, name=f"测试{i:05d}", role="grid_worker", active=True, wecom_userid=f"user{i:05d}")
            for i in range(1, people + 1)
        ])
        session.execute(insert(Group), [
            dict(
                name=f"第{g:03d}网格群",
                channel="wecom_appchat" if mode == "appchat" else "people",
                address=f"chat{g:03d}" if mode == "appchat" else "",
                audience={"people": list(range(g * per_group + 1, (g + 1) * per_group + 1))},
                active=True,
            )
            for g in range(groups)
        ])
    client = WecomClient(config.wecom, app.sessions, app.clock)
    app.outbound.register(WecomAppChannel(config.wecom, client, app.clock), prefer=True)
    app.outbound.register(WecomAppChatChannel(config.wecom, client, app.clock))
    return app


def pending(app: App) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count()).select_from(OutboundMessage).where(OutboundMessage.status == "pending"))


async def push_and_deliver(app: App) -> tuple[float, float]:
    """As in `gridbot serve`: the job runs on a worker thread while a delivery loop, woken by each
    commit like the server's DeliveryWorker, sends every committed batch as it lands.
    Returns (seconds to write all rows, seconds until none is pending)."""
    loop = asyncio.get_running_loop()
    wake = asyncio.Event()
    finished = False
    def notify(rows) -> None:
        loop.call_soon_threadsafe(wake.set)

    app.after_commit.append(notify)

    async def deliver_loop() -> None:
        while not finished:
            await wake.wait()
            wake.clear()
            while await app.outbound.deliver() > 0:
                pass

    delivery = asyncio.create_task(deliver_loop())
    start = time.perf_counter()
    await asyncio.to_thread(Runner(app).run_due, "morning_lesson_bench")
    written = time.perf_counter() - start
    while pending(app):
        wake.set()
        await asyncio.sleep(0.01)
    total = time.perf_counter() - start
    finished = True
    wake.set()
    await delivery
    app.after_commit.remove(notify)
    return written, total


def run_mode(mode: str, people: int, groups: int, latency: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp, FakeWecom(latency=latency) as fake:
        app = build(Path(tmp), fake, mode, people, groups)
        write_s, total_s = asyncio.run(push_and_deliver(app))
        with app.sessions() as session:
            status = Counter(dict(session.execute(
                select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)).all()))
        reached = (len({u for c in fake.calls_to("message/send", ok_only=True) for u in c.body["touser"].split("|")})
                   if mode == "people" else len({c.body["chatid"] for c in fake.calls_to("appchat/send", ok_only=True)}))
        rows = sum(status.values())
        again = Runner(app).run_now("morning_lesson_bench")
        app.engine.dispose()
        calls = Counter(c.api for c in fake.calls)
    minimum = groups if mode == "appchat" else math.ceil(people / MAX_USERS_PER_CALL)
    return dict(mode=mode, rows=rows, write_s=write_s, total_s=total_s, calls=calls,
                minimum=minimum, status=status, reached=reached, rerun_new=again.new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the fake WeCom adds to every call")
    args = parser.parse_args()
    print(f"one lesson ({len(LESSON)} characters) to {args.people} people in {args.groups} groups, "
          f"fake WeCom latency {args.latency * 1000:.0f} ms per call")
    for mode in ("appchat", "people"):
        r = run_mode(mode, args.people, args.groups, args.latency)
        sends = sum(n for api, n in r["calls"].items() if api != "gettoken")
        calls = ", ".join(f"{api} {n}" for api, n in sorted(r["calls"].items()))
        print(f"[{mode}] outbox rows {r['rows']} (written in {r['write_s']:.2f} s); wall time to all delivered "
              f"{r['total_s']:.2f} s; API calls: {calls}; send calls {sends} (minimum {r['minimum']}); "
              f"reached {r['reached']}; statuses {dict(r['status'])}; re-run wrote {r['rerun_new']} rows")


if __name__ == "__main__":
    main()
