"""The WeCom server API client (httpx, async): access token, sending, media, card updates.

The access token lives in the database so every process shares one; it is refreshed five minutes
before expiry under a lock (one refresh per process at a time), and fetched again once when WeCom
says it is invalid (40014/42001). Tokens and robot keys travel in URLs, so no URL is ever logged:
httpx's own request log is filtered, and errors name the API, never the URL.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.wecom.models import WecomToken
from bot.clock import Clock
from bot.config import WecomConfig
from bot.db import transaction

log = logging.getLogger(__name__)

TOKEN_ERRORS = frozenset({40014, 42001})
BUSY = -1
FREQUENCY_ERRORS = frozenset({45009, 45033})
# WeCom advises retrying only system failures; these will fail the same way again.
PERMANENT_ERRORS = frozenset({40058, 81013, 93000})
REFRESH_MARGIN = timedelta(minutes=5)
BUSY_DELAYS = (0.5, 1.0, 2.0)  # "-1: retry, at most 3 times"

Sleep = Callable[[float], Awaitable[None]]

_SECRET_QUERY = re.compile(r"((?:access_token|key|corpsecret)=)[^&\s\"']+")


def redact(text: str) -> str:
    return _SECRET_QUERY.sub(r"\1***", text)


class _RedactUrls(logging.Filter):
    """httpx logs every request URL at INFO; the token and robot key are in those URLs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(redact(str(a)) if isinstance(a, httpx.URL | str) else a for a in record.args)
        record.msg = redact(str(record.msg))
        return True


def _install_redaction() -> None:
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, _RedactUrls) for f in logger.filters):
        logger.addFilter(_RedactUrls())


class WecomApiError(Exception):
    def __init__(self, api: str, errcode: int | None, errmsg: str = "", retryable: bool = False,
                 answer: dict | None = None) -> None:
        self.api = api
        self.errcode = errcode
        self.errmsg = errmsg
        self.retryable = retryable
        self.answer = answer or {}
        code = "network" if errcode is None else str(errcode)
        super().__init__(f"WeCom {api} failed: {code} {redact(errmsg)}".strip())


@dataclass(frozen=True)
class Media:
    content: bytes
    content_type: str
    filename: str


class WecomClient:
    def __init__(
        self,
        config: WecomConfig,
        sessions: sessionmaker[Session],
        clock: Clock,
        http: httpx.AsyncClient | None = None,
        sleep: Sleep = asyncio.sleep,
        timeout: float = 10.0,
    ) -> None:
        _install_redaction()
        self.config = config
        self.sessions = sessions
        self.clock = clock
        self.sleep = sleep
        self.base = config.api_base.rstrip("/")
        self._http = http
        self._own_http = http is None
        self._timeout = timeout
        self._key = f"{config.corp_id}:{config.agent_id}"
        self._token: tuple[str, datetime] | None = None
        self._lock: asyncio.Lock | None = None
        self.token_fetches = 0

    def __repr__(self) -> str:
        return f"WecomClient(corp_id={self.config.corp_id!r}, agent_id={self.config.agent_id})"

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
            self._http = httpx.AsyncClient(timeout=self._timeout, limits=limits, trust_env=False)
        return self._http

    async def aclose(self) -> None:
        if self._own_http and self._http is not None:
            await self._http.aclose()
            self._http = None

    # --- access token --------------------------------------------------------------------

    def _fresh(self, token: tuple[str, datetime] | None) -> bool:
        return token is not None and token[1] - REFRESH_MARGIN > self.clock.now()

    def _load_stored(self) -> tuple[str, datetime] | None:
        with self.sessions() as session:
            row = session.get(WecomToken, self._key)
            return (row.access_token, row.expires_at) if row is not None else None

    def _store(self, token: str, expires_at: datetime) -> None:
        # One statement: two instances storing their first token at once must not collide on the key.
        now = self.clock.now()
        values = dict(access_token=token, expires_at=expires_at, fetched_at=now)
        with transaction(self.sessions) as session:
            insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[session.get_bind().dialect.name]
            session.execute(
                insert(WecomToken).values(key=self._key, **values).on_conflict_do_update(index_elements=["key"], set_=values)
            )

    async def access_token(self, stale: str | None = None) -> str:
        """A valid token; `stale` is one WeCom just refused, which must not be handed out again."""
        if self._fresh(self._token) and self._token[0] != stale:  # type: ignore[index]
            return self._token[0]  # type: ignore[index]
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            # Another task (or another process, through the database) may have refreshed meanwhile.
            if self._fresh(self._token) and self._token[0] != stale:  # type: ignore[index]
                return self._token[0]  # type: ignore[index]
            stored = await asyncio.to_thread(self._load_stored)
            if self._fresh(stored) and stored[0] != stale:  # type: ignore[index]
                self._token = stored
                return stored[0]  # type: ignore[index]
            token, expires_at = await self._fetch_token()
            await asyncio.to_thread(self._store, token, expires_at)
            self._token = (token, expires_at)
            return token

    async def _fetch_token(self) -> tuple[str, datetime]:
        params = {"corpid": self.config.corp_id, "corpsecret": self.config.secret.get_secret_value()}
        data = await self._request("gettoken", "GET", "/cgi-bin/gettoken", params=params)
        if data.get("errcode", 0) != 0 or not data.get("access_token"):
            code = data.get("errcode")
            raise WecomApiError("gettoken", code, str(data.get("errmsg", "")), retryable=code == BUSY, answer=data)
        self.token_fetches += 1
        expires_in = int(data.get("expires_in") or 7200)
        log.info("WeCom access token refreshed; valid for %s s", expires_in)
        return data["access_token"], self.clock.now() + timedelta(seconds=expires_in)

    # --- transport -----------------------------------------------------------------------

    async def _request(self, api: str, method: str, path: str, params: dict, json: dict | None = None) -> dict:
        try:
            response = await self.http.request(method, self.base + path, params=params, json=json)
        except httpx.HTTPError as exc:
            raise WecomApiError(api, None, type(exc).__name__, retryable=True) from None
        return self._json(api, response)

    @staticmethod
    def _json(api: str, response: httpx.Response) -> dict:
        if response.status_code != 200:
            raise WecomApiError(api, None, f"HTTP {response.status_code}", retryable=response.status_code >= 500)
        try:
            data = response.json()
        except ValueError:
            raise WecomApiError(api, None, "answer is not JSON", retryable=True) from None
        if not isinstance(data, dict):
            raise WecomApiError(api, None, "answer is not a JSON object", retryable=True)
        return data

    async def call(self, api: str, json: dict | None = None, method: str = "POST", params: dict | None = None,
                   robot_key: str | None = None) -> dict:
        """Call /cgi-bin/<api>; return WeCom's answer or raise WecomApiError saying whether to retry."""
        busy = 0
        token_retried = False
        while True:
            query = dict(params or {})
            token = None
            if robot_key is not None:
                query["key"] = robot_key
            else:
                token = await self.access_token()
                query["access_token"] = token
            data = await self._request(api, method, f"/cgi-bin/{api}", params=query, json=json)
            code = int(data.get("errcode", 0) or 0)
            if code == 0:
                return data
            if code in TOKEN_ERRORS and token is not None and not token_retried:
                token_retried = True
                self._token = None
                await self.access_token(stale=token)
                continue
            if code == BUSY and busy < len(BUSY_DELAYS):
                await self.sleep(BUSY_DELAYS[busy])
                busy += 1
                continue
            retryable = code not in PERMANENT_ERRORS and (code in FREQUENCY_ERRORS or code in TOKEN_ERRORS or code == BUSY)
            raise WecomApiError(api, code, str(data.get("errmsg", "")), retryable=retryable, answer=data)

    # --- the APIs the bot uses -----------------------------------------------------------

    async def send_message(self, body: dict) -> dict:
        return await self.call("message/send", {**body, "agentid": self.config.agent_id})

    async def send_appchat(self, body: dict) -> dict:
        return await self.call("appchat/send", body)

    async def send_robot(self, key: str, body: dict) -> dict:
        return await self.call("webhook/send", body, robot_key=key)

    async def update_template_card(self, body: dict) -> dict:
        return await self.call("message/update_template_card", {**body, "agentid": self.config.agent_id})

    async def get_media(self, media_id: str) -> Media:
        token_retried = False
        while True:
            token = await self.access_token()
            try:
                response = await self.http.get(self.base + "/cgi-bin/media/get",
                                               params={"access_token": token, "media_id": media_id})
            except httpx.HTTPError as exc:
                raise WecomApiError("media/get", None, type(exc).__name__, retryable=True) from None
            content_type = response.headers.get("content-type", "")
            if response.status_code == 200 and not content_type.startswith(("application/json", "text/plain")):
                disposition = response.headers.get("content-disposition", "")
                found = re.search(r'filename="?([^";]+)"?', disposition)
                return Media(response.content, content_type.split(";")[0], found.group(1) if found else "")
            data = self._json("media/get", response)
            code = int(data.get("errcode", 0) or 0)
            if code in TOKEN_ERRORS and not token_retried:
                token_retried = True
                self._token = None
                await self.access_token(stale=token)
                continue
            raise WecomApiError("media/get", code, str(data.get("errmsg", "")), retryable=code == BUSY, answer=data)
