"""A fake OpenAI-compatible LLM: a real HTTP server on 127.0.0.1 answering POST /v1/chat/completions.

The production client (handlers.rules.llm, httpx) talks to it exactly as to a hosted model.

Usage::

    with FakeLlm() as fake:                    # port 0; fake.base_url is "http://127.0.0.1:PORT/v1"
        config = make_config(db_url, llm=fake.config_section())
        fake.reply = "不可以。依据……"            # what the model says (a str, or a function of the request body)
        fake.delay = 2.0                       # seconds to wait before answering (timeouts)
        fake.fail_next(500, times=1)           # answer HTTP errors instead
        fake.requests                          # every request body received (parsed JSON)
        fake.auth_headers                      # the Authorization header of each request
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_KEY = "sk-test-fake"
MODEL = "fake-rules-model"


class FakeLlm:
    def __init__(self) -> None:
        self.reply: str | Callable[[dict[str, Any]], str] = "好的。"
        self.delay = 0.0
        self.requests: list[dict[str, Any]] = []
        self.auth_headers: list[str | None] = []
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def config_section(self, timeout_seconds: float = 5.0) -> dict[str, Any]:
        return {"base_url": self.base_url, "model": MODEL, "api_key": API_KEY, "timeout_seconds": timeout_seconds}

    def fail_next(self, status: int, times: int = 1) -> None:
        with self._lock:
            self._failures.extend([status] * times)

    def _next_failure(self) -> int | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def start(self) -> FakeLlm:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
                return

            def do_POST(self) -> None:  # noqa: N802 - stdlib naming
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": {"message": f"unknown path {self.path}"}})
                    return
                try:
                    body = json.loads(raw)
                except ValueError:
                    self._send(400, {"error": {"message": "body is not JSON"}})
                    return
                with fake._lock:
                    fake.requests.append(body)
                    fake.auth_headers.append(self.headers.get("Authorization"))
                if fake.delay:
                    time.sleep(fake.delay)
                failure = fake._next_failure()
                if failure is not None:
                    self._send(failure, {"error": {"message": "injected failure", "type": "server_error"}})
                    return
                if not body.get("model") or not isinstance(body.get("messages"), list):
                    self._send(400, {"error": {"message": "model and messages are required"}})
                    return
                content = fake.reply(body) if callable(fake.reply) else fake.reply
                self._send(
                    200,
                    {
                        "id": f"chatcmpl-{len(fake.requests)}",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body["model"],
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                    },
                )

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-llm", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeLlm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
