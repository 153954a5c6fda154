"""The inbox's group-commit INSERT as it is (bot/channels/wecom/inbox.py:store_many) against the
same INSERT written to be compiled once (a proposal for that file; see issue 14's report).

    python bench/bench_inbox_insert.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

store_many builds `insert(...).values(rows)` per batch: a multi-VALUES statement SQLAlchemy cannot
cache ("[no key]" in its log), so every batch is compiled again. The proposal passes the rows as
executemany parameters to one prebuilt `insert ... on conflict do nothing returning id, dedupe_key`;
SQLAlchemy 2 sends them as one multi-row statement ("insertmanyvalues") from a cached compilation.
Printed: CPU per row at 1 and 16 rows a transaction, and the ids both give for a batch holding a
repeated callback and an earlier one (None = not stored again), which must be alike.
"""

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import time  # noqa: E402
from datetime import datetime, timezone  # noqa: E402

from sqlalchemy.dialects import postgresql, sqlite  # noqa: E402

from bot.channels.wecom import inbox  # noqa: E402
from bot.channels.wecom.models import WecomInbox  # noqa: E402
from bot.channels.wecom.xmlparse import parse_envelope, parse_message  # noqa: E402
from bot.db import make_engine, make_sessionmaker, scratch_database, transaction, upgrade  # noqa: E402
from tests.fakes.wecom_server import WecomCallbacks  # noqa: E402

ROWS = 800  # per batch size and per way of inserting


def callbacks(count: int) -> list:
    cb = WecomCallbacks()
    out = []
    for i in range(count):
        plain = cb.crypto.decrypt(parse_envelope(cb.text(f"demo{i % 100:03d}", "帮助").body).encrypt)
        out.append((parse_message(plain), plain))
    return out


def store_cached(sessions, batch, now) -> list[int | None]:
    """The proposal: as store_many, the rows as executemany parameters of one cacheable statement."""
    keys = [message.dedupe_key()[:255] for message, _ in batch]
    table = WecomInbox.__table__
    with transaction(sessions) as session:
        insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[session.get_bind().dialect.name]
        statement = (insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"])
                     .returning(table.c.id, table.c.dedupe_key))
        rows = [dict(dedupe_key=key, received_at=now, from_user=message.from_user[:64], msg_type=message.msg_type[:20],
                     xml=xml, status="pending", attempts=0) for key, (message, xml) in zip(keys, batch)]
        stored = {row.dedupe_key: row.id for row in session.connection().execute(statement, rows)}
    return [stored.pop(key, None) for key in keys]


def run(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_sessionmaker(engine)
    now = datetime.now(timezone.utc)
    data = callbacks(8 + 4 * ROWS)
    for name, store, (a, b, c, d) in (("store_many (today)", inbox.store_many, data[0:4]),
                                      ("executemany, cached", store_cached, data[4:8])):
        # Stored once each: a repeat inside a batch and a redelivery of an earlier batch's callback.
        first, again = store(sessions, [a, b, c], now), store(sessions, [a, d, d], now)
        print(f"  {name:20s} ids {first} then {again}")
    rest = data[8:]
    for name, store, chunk in (("store_many (today)", inbox.store_many, rest[:2 * ROWS]),
                               ("executemany, cached", store_cached, rest[2 * ROWS:])):
        for size, part in ((1, chunk[:ROWS]), (16, chunk[ROWS:])):
            started = time.process_time()
            for i in range(0, len(part), size):
                store(sessions, part[i:i + size], now)
            print(f"  {name:20s} {size:2d} rows a transaction: "
                  f"{(time.process_time() - started) / len(part) * 1000:.3f} ms CPU per row")
    engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="also on PostgreSQL (a scratch database is made there)")
    args = parser.parse_args()
    print("sqlite")
    run(f"sqlite:///{tempfile.mkdtemp()}/inbox.db")
    if args.database_url:
        print("postgresql")
        with scratch_database(args.database_url, "gridbot_bench") as url:
            run(url)
