"""CPU per WeCom message/send call: the bot's WecomClient (httpx) against leaner HTTP/1.1 clients.

    python bench/bench_wecom_client.py [--calls 600]

The fake WeCom API runs in its own process (as in bench_wecom_callbacks.py), so the CPU time
printed is this process's alone: what one reply's HTTP call costs the process that sends it.
Each client keeps one connection alive and sends the same 60-character text reply, one call at
a time. The raw client (asyncio streams + httptools, the parser uvicorn uses) is the floor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpcore  # noqa: E402
import httpx  # noqa: E402

from bench.bench_wecom_callbacks import Connection, RemoteFake  # noqa: E402
from bot.channels.wecom.client import WecomClient  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.config import WecomConfig  # noqa: E402
from bot.db import make_engine, make_sessionmaker, upgrade  # noqa: E402

BODY = {"touser": "demo001", "msgtype": "text",
        "text": {"content": "✅ 已登记：11月3日 服务 0.5 小时，入户走访。\n本月已累计 3.5 小时，还差 16.5 小时。记错了请发「撤销」。"}}


async def token(remote: RemoteFake, config: WecomConfig) -> str:
    async with httpx.AsyncClient() as client:
        answer = await client.get(remote.fake.base_url + "/cgi-bin/gettoken",
                                  params={"corpid": config.corp_id, "corpsecret": config.secret.get_secret_value()})
    return answer.json()["access_token"]


async def with_wecom_client(remote: RemoteFake, config: WecomConfig, calls: int) -> float:
    engine = make_engine(f"sqlite:///{tempfile.mkdtemp()}/client.db")
    upgrade(engine)
    client = WecomClient(config, make_sessionmaker(engine), SystemClock())
    await client.send_message(BODY)  # token and connection
    started = time.process_time()
    for _ in range(calls):
        await client.send_message(BODY)
    elapsed = time.process_time() - started
    await client.aclose()
    engine.dispose()
    return elapsed / calls


async def with_httpcore(remote: RemoteFake, config: WecomConfig, calls: int) -> float:
    url = f"{remote.fake.base_url}/cgi-bin/message/send?access_token={await token(remote, config)}"
    data = json.dumps({**BODY, "agentid": config.agent_id}).encode()
    async with httpcore.AsyncConnectionPool() as pool:
        started = time.process_time()
        for _ in range(calls):
            answer = await pool.request("POST", url, headers={"content-type": "application/json"}, content=data)
            assert json.loads(answer.content)["errcode"] == 0
        return (time.process_time() - started) / calls


async def with_raw(remote: RemoteFake, config: WecomConfig, calls: int) -> float:
    path = f"/cgi-bin/message/send?access_token={await token(remote, config)}"
    connection = Connection(remote.port)
    started = time.process_time()
    for _ in range(calls):
        data = json.dumps({**BODY, "agentid": config.agent_id}, ensure_ascii=False).encode()
        raw = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               f"Content-Length: {len(data)}\r\n\r\n").encode() + data
        assert await connection.post(raw) == 200
    elapsed = time.process_time() - started
    connection.close()
    return elapsed / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=600)
    args = parser.parse_args()
    remote = RemoteFake()
    try:
        config = WecomConfig(**remote.fake.config_section())
        for name, run in (("WecomClient (httpx), as the bot sends", with_wecom_client),
                          ("httpcore connection pool", with_httpcore),
                          ("asyncio stream + httptools (floor)", with_raw)):
            print(f"{name:40s} {asyncio.run(run(remote, config, args.calls)) * 1000:6.3f} ms CPU per message/send")
    finally:
        remote.close()


if __name__ == "__main__":
    main()
