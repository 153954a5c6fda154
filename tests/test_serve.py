"""`gridbot serve`: health endpoint, and a clean stop on SIGTERM and SIGINT."""

from __future__ import annotations

from handlers.composition import build_app, config_from_dict
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 30) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early: {process.stderr.read()}")
        try:
            return httpx.get(url, timeout=1)
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("server did not come up")


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_answers_healthz_and_stops_cleanly(tmp_path: Path, stop_signal):
    port = free_port()
    env = {**os.environ, "GRIDBOT_DATABASE__URL": f"sqlite:///{tmp_path / 's.db'}", "GRIDBOT_SERVER__PORT": str(port)}
    subprocess.run([str(Path(sys.executable).with_name("gridbot")), "init", "--demo"], env=env, check=True, capture_output=True, cwd=tmp_path)
    process = subprocess.Popen([str(Path(sys.executable).with_name("gridbot")), "serve"], env=env, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        response = wait_healthy(f"http://127.0.0.1:{port}/healthz", process)
        assert response.status_code == 200
        body = response.json()
        assert body["database"] == "ok" and body["version"]
        process.send_signal(stop_signal)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_healthz_reports_an_unmigrated_database(tmp_path: Path):
    import asyncio

    
    from bot.server import build_asgi

    app = build_app(config_from_dict({"database": {"url": f"sqlite:///{tmp_path / 'empty.db'}"}}))
    async def fetch() -> dict:
        transport = httpx.ASGITransport(app=build_asgi(app, plugins=[]))
        async with httpx.AsyncClient(transport=transport, base_url="http://gridbot") as client:
            return (await client.get("/healthz")).json()

    body = asyncio.run(fetch())
    assert body["status"] == "degraded" and "gridbot init" in body["database"]
