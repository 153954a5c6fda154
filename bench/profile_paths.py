"""Where the time goes on the three hot paths, per message, in one process (no network for the first two).

    python bench/profile_paths.py [--messages 2000] [--path ack|handle|send|all] [--database-url URL]

1. ack: a WeCom callback through the same ASGI stack `gridbot serve` builds (Starlette app, the
   callback route, the group committer writing the inbox row) called directly, without sockets,
   one at a time and 16 at a time; plus each step alone (envelope XML, signature, AES, inner XML,
   the inbox INSERT + COMMIT for one row and per row of a batch of 16).
2. handle: hour-logging messages from the demo roster's WeCom UserIDs through App.handle (the
   WeCom channel's sender lookup, the router, the hours handler, audit, outbox, commit).
3. send: pending outbox replies delivered by Outbound.deliver through the WeCom app channel to
   the project's fake WeCom API on 127.0.0.1 (one message/send call per distinct text).

Each path prints the CPU time of this process per message. Where that time goes: run it under
py-spy (a sampler: it does not distort the way cProfile does on SQLAlchemy's many small calls) and
print the tree under the path's root frame with bench/spy_tree.py:

    py-spy record -r 250 -f raw --nolineno -o /tmp/handle.txt -- python bench/profile_paths.py --path handle
    python bench/spy_tree.py /tmp/handle.txt --root "App.handle (bot/app.py)" --cost-ms <the printed ms>
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_wecom_callbacks import bench_database  # noqa: E402
from tests.fakes.wecom_server import FakeWecom, WecomCallbacks  # noqa: E402

USERS = [f"demo{n:03d}" for n in range(2, 119)]

# CPU time of this process (all its threads), not wall time: the machine is shared, and wall time
# here would measure the other tenants as much as the code.
clock = time.process_time


def hours_text(i: int, today) -> str:
    day = 1 + (i // len(USERS)) % today.day
    return f"{today.month}月{day}日 服务 半小时 入户走访"


@contextmanager
def demo_app(url: str, fake: FakeWecom | None = None):
    """The demo street's roster and hours (no other capability's demo content), [wecom] on the fake if given."""
    import bot.demo

    section = fake.config_section(data_dir=tempfile.mkdtemp()) if fake is not None else {"enabled": False}
    data = {"database": {"url": url}, "wecom": section}
    from handlers.composition import build_app, config_from_dict

    app = build_app(config_from_dict(data))
    app.upgrade()
    # The roster and hours are enough here; the rules index and the rest only cost time.
    bot.demo.load_demo(app, only=("hours",), history=False)
    try:
        yield app
    finally:
        app.engine.dispose()


ROUND = 200


def python_calls(run, count: int) -> float:
    """Python function calls per message: unlike time, the same on a busy machine as on an idle one."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.enable()
    run()
    profile.disable()
    return pstats.Stats(profile).total_calls / count  # type: ignore[attr-defined]


def spread(per_message: list[float]) -> str:
    """Rounds of ROUND messages: the best round is the code's cost; others add the neighbours' load."""
    ordered = sorted(per_message)
    best, median = ordered[0], ordered[len(ordered) // 2]
    return (f"{best * 1000:.3f} ms CPU (best of {len(ordered)} rounds of {ROUND}; median {median * 1000:.3f} ms)"
            f" -> {1 / best:,.0f}/s on one core")


# --- 1. the acknowledgement ----------------------------------------------------------------


def asgi_request(signed, path: str):
    query = urlencode(signed.params).encode()
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": path, "raw_path": path.encode(), "root_path": "", "query_string": query,
        "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"text/xml"),
                    (b"content-length", str(len(signed.body)).encode())],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8080),
    }
    return scope, signed.body


async def call_asgi(asgi, scope: dict, body: bytes) -> int:
    sent = False
    status = 0

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await asgi(scope, receive, send)
    return status


def profile_ack(url: str, count: int) -> None:
    from starlette.applications import Starlette

    from bot.channels.wecom import inbox
    from bot.channels.wecom.callback import CallbackEndpoint, GroupCommitter
    from bot.channels.wecom.crypto import WecomCrypto
    from bot.channels.wecom.xmlparse import parse_envelope, parse_message
    from tests.fakes.wecom_server import CORP_ID, ENCODING_AES_KEY, TOKEN

    cb = WecomCallbacks()
    crypto = WecomCrypto(TOKEN, ENCODING_AES_KEY, CORP_ID)
    with demo_app(url) as app:
        today = app.local_now().date()
        signed = [cb.text(USERS[i % len(USERS)], hours_text(i, today)) for i in range(count * 3 + 64 + 160)]
        requests = [asgi_request(s, "/wecom/callback") for s in signed]
        now = datetime.now(timezone.utc)
        committer = GroupCommitter(lambda items: inbox.store_many(app.sessions, items, now))
        endpoint = CallbackEndpoint(crypto, "/wecom/callback", committer.store, lambda i, m: None)
        asgi = Starlette(routes=endpoint.routes())

        async def one_at_a_time(batch) -> float:
            t0 = clock()
            for scope, body in batch:
                assert await call_asgi(asgi, scope, body) == 200
            return clock() - t0

        async def sixteen_at_a_time(batch) -> float:
            t0 = clock()
            for start in range(0, len(batch), 16):
                statuses = await asyncio.gather(*(call_asgi(asgi, s, b) for s, b in batch[start:start + 16]))
                assert statuses == [200] * len(statuses)
            return clock() - t0

        async def run() -> tuple[float, float, float]:
            await committer.start()
            try:
                await one_at_a_time(requests[:64])  # warm the statement caches
                single = await one_at_a_time(requests[64:64 + count])
                grouped = await sixteen_at_a_time(requests[64 + count:64 + 2 * count])
                import cProfile
                import pstats

                # Calls on the event loop's thread only: the inbox INSERT runs on the writer's thread.
                profile = cProfile.Profile()
                profile.enable()
                await sixteen_at_a_time(requests[64 + 3 * count:64 + 3 * count + 160])
                profile.disable()
                return single, grouped, pstats.Stats(profile).total_calls / 160  # type: ignore[attr-defined]
            finally:
                await committer.stop()

        single, grouped, calls = asyncio.run(run())
        print(f"ack, whole ASGI request in-process (no sockets), {count} callbacks each way:")
        print(f"  one at a time:  {single / count * 1000:.3f} ms per callback (inbox INSERT + COMMIT each)")
        print(f"  16 at a time:   {grouped / count * 1000:.3f} ms per callback (group commit)")
        print(f"  Python function calls on the event loop per callback (16 at a time): {calls:,.0f}")

        # The steps alone, on fresh callbacks.
        steps = signed[64 + 2 * count:64 + 3 * count]
        timings = {}
        t0 = clock()
        envelopes = [parse_envelope(s.body) for s in steps]
        timings["envelope XML (defusedxml)"] = clock() - t0
        t0 = clock()
        for s, e in zip(steps, envelopes):
            crypto.verify(s.params["msg_signature"], s.params["timestamp"], s.params["nonce"], e.encrypt)
        timings["signature (SHA-1)"] = clock() - t0
        t0 = clock()
        plains = [crypto.decrypt(e.encrypt) for e in envelopes]
        timings["AES decrypt + unpad"] = clock() - t0
        t0 = clock()
        messages = [parse_message(p) for p in plains]
        timings["inner XML (defusedxml)"] = clock() - t0
        half = count // 2
        t0 = clock()
        for m, p in zip(messages[:half], plains[:half]):
            inbox.store_many(app.sessions, [(m, p)], now)
        timings["inbox INSERT + COMMIT, 1 row a transaction"] = (clock() - t0) * count / half
        t0 = clock()
        pairs = list(zip(messages[half:], plains[half:]))
        for start in range(0, len(pairs), 16):
            inbox.store_many(app.sessions, pairs[start:start + 16], now)
        timings["inbox INSERT + COMMIT, 16 rows a transaction"] = (clock() - t0) * count / len(pairs)
        print("  the steps alone, per callback:")
        for name, seconds in timings.items():
            print(f"    {seconds / count * 1000:8.3f} ms  {name}")



# --- 2. App.handle --------------------------------------------------------------------------


def profile_handle(url: str, count: int) -> None:
    from bot.message import Incoming

    with demo_app(url) as app:
        today = app.local_now().date()

        def incoming(i: int) -> Incoming:
            return Incoming(channel="wecom", sender=USERS[i % len(USERS)], timestamp=app.clock.now(),
                            text=hours_text(i, today), message_id=f"m{i}")

        for i in range(50):
            app.handle(incoming(10**6 + i))
        rounds = []
        for start in range(0, count, ROUND):
            t0 = clock()
            for i in range(start, min(start + ROUND, count)):
                rows = app.handle(incoming(i))
            rounds.append((clock() - t0) / (min(start + ROUND, count) - start))
            assert "已登记" in rows[0].text, rows[0].text
        print(f"handle: {count} hour-logging messages from WeCom UserIDs through App.handle (one transaction each):")
        print(f"  per message: {spread(rounds)}")
        calls = python_calls(lambda: [app.handle(incoming(i)) for i in range(count, count + 100)], 100)
        print(f"  Python function calls per message: {calls:,.0f}")
        statements = []

        from sqlalchemy import event

        def count_statement(conn, cursor, statement, *args):
            statements.append(statement.split(None, 1)[0].upper())

        event.listen(app.engine, "before_cursor_execute", count_statement)
        app.handle(incoming(count + 1))
        event.remove(app.engine, "before_cursor_execute", count_statement)
        print(f"  statements for one message: {len(statements)} ({', '.join(statements)}) + COMMIT")


# --- 3. sending ----------------------------------------------------------------------------


def profile_send(url: str, count: int) -> None:
    from bot.channels.wecom.channel import WecomAppChannel
    from bot.channels.wecom.client import WecomClient
    from bot.message import Incoming, Reply

    with FakeWecom() as fake, demo_app(url, fake) as app:
        client = WecomClient(app.config.wecom, app.sessions, app.clock)
        channel = WecomAppChannel(app.config.wecom, client, app.clock)
        app.outbound.register(channel, prefer=True)
        from bot.db import transaction

        def enqueue(n: int, offset: int) -> None:
            with transaction(app.sessions) as session:
                for i in range(n):
                    message = Incoming(channel="wecom", sender=USERS[i % len(USERS)], timestamp=app.clock.now(),
                                       text="x", message_id=f"s{offset + i}")
                    app.outbound.enqueue(session, [Reply(f"✅ 已登记：服务 0.5 小时。第{offset + i}条")], message, None)

        async def deliver_all() -> int:
            sent = 0
            while True:
                done = await app.outbound.deliver(limit=64)
                if not done:
                    return sent
                sent += done

        async def run() -> float:
            enqueue(16, 10**6)
            await deliver_all()  # token, connections
            enqueue(count, 0)
            t0 = clock()
            sent = await deliver_all()
            elapsed = clock() - t0
            assert sent == count, (sent, count)
            await client.aclose()
            return elapsed

        elapsed = asyncio.run(run())
        print(f"send: {count} replies, distinct texts, delivered in rounds of 64 through message/send to the fake:")
        print(f"  {elapsed / count * 1000:.3f} ms per reply -> {count / elapsed:,.0f} replies/s "
              "(this process also runs the fake's uvicorn: roughly half of it is the fake)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--path", choices=("ack", "handle", "send", "all"), default="all")
    parser.add_argument("--database-url", help="PostgreSQL server (a scratch database is made there)")
    args = parser.parse_args()
    for name, function in (("ack", profile_ack), ("handle", profile_handle), ("send", profile_send)):
        if args.path in (name, "all"):
            with tempfile.TemporaryDirectory() as tmp, bench_database(Path(tmp), args.database_url) as url:
                function(url, args.messages)
            print()


if __name__ == "__main__":
    main()
