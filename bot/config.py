"""Configuration: a TOML file plus GRIDBOT_<SECTION>__<KEY> environment overrides.

Everything is validated once at start. An unknown key or a value of the wrong type stops the
program with a message that names the key, so a typo in a street's config never runs silently.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date
from pathlib import Path
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, create_model, field_validator, model_validator

ENV_PREFIX = "GRIDBOT_"
DEFAULT_CONFIG_FILE = "gridbot.toml"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the offending key."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


DATABASE_FORMS = "sqlite:///path/to/file.db 或 / or postgresql+psycopg://user@host:5432/dbname"


class DatabaseConfig(Section):
    url: str = "sqlite:///gridbot.db"
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _supported_url(cls, value: str) -> str:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            parsed = make_url(value.strip())
        except ArgumentError:
            raise ValueError(f"不是数据库地址 / not a database URL: {value!r}; 可用 / accepted: {DATABASE_FORMS}") from None
        if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql", "postgresql+psycopg"):
            hint = " (write postgresql+psycopg:// instead of postgres://)" if parsed.drivername.startswith("postgres") else ""
            raise ValueError(f"不支持的数据库 / unsupported database {parsed.drivername!r}{hint}; 可用 / accepted: {DATABASE_FORMS}")
        backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
        if backend == "postgresql" and driver in ("psycopg2", "psycopg") and "+" not in parsed.drivername:
            # "postgresql://" means psycopg2 to SQLAlchemy; the project ships psycopg 3.
            return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        if (backend, driver) in (("sqlite", "pysqlite"), ("postgresql", "psycopg")):
            return value.strip()
        raise ValueError(f"不支持的数据库 / unsupported database {parsed.drivername!r}; 可用 / accepted: {DATABASE_FORMS}")


class StreetConfig(Section):
    name: str = "示范街道"
    # Who an unknown sender should contact to be put on the roster.
    registration_contact: str = "街道党政办"


class ServerConfig(Section):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    # Where people's phones reach this server (dashboard links, the WeCom callback). Empty = this
    # machine at the port it listens on, which is right for a demo and wrong for production.
    public_url: str = ""
    demo: bool = False

    @property
    def link_base(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"


class WecomRobot(Section):
    name: str
    key: SecretStr
    group: str = ""


class WecomConfig(Section):
    enabled: bool = False
    corp_id: str = ""
    agent_id: int = 0
    secret: SecretStr = SecretStr("")
    token: SecretStr = SecretStr("")
    encoding_aes_key: SecretStr = SecretStr("")
    api_base: str = "https://qyapi.weixin.qq.com"
    callback_path: str = "/wecom/callback"
    robots: list[WecomRobot] = []
    # Where images people send are stored (WeCom deletes media after 3 days).
    data_dir: str = "data/wecom"
    # Menu key → the command text a click stands for, e.g. {"MY_HOURS" = "本月时长"}.
    menu: dict[str, str] = {}
    # Threads that run received messages through the router.
    workers: int = Field(2, ge=1, le=16)

    @model_validator(mode="after")
    def _required_when_enabled(self) -> WecomConfig:
        if self.enabled:
            for key in ("corp_id", "secret", "token", "encoding_aes_key"):
                value = getattr(self, key)
                if not (value.get_secret_value() if isinstance(value, SecretStr) else value):
                    raise ValueError(f"wecom.{key} is required when [wecom] is enabled")
            if self.agent_id <= 0:
                raise ValueError("wecom.agent_id is required when [wecom] is enabled")
        return self

    @field_validator("encoding_aes_key")
    @classmethod
    def _aes_key_shape(cls, value: SecretStr, info) -> SecretStr:
        # The admin console's EncodingAESKey is 43 base64 characters (32 bytes); the value is never echoed.
        if info.data.get("enabled") and value.get_secret_value():
            from bot.channels.wecom.crypto import aes_key_from

            try:
                aes_key_from(value.get_secret_value())
            except ValueError as exc:
                raise ValueError(f"{exc}; copy the EncodingAESKey from the admin console") from None
        return value

    @field_validator("robots")
    @classmethod
    def _unique_robot_names(cls, robots: list[WecomRobot]) -> list[WecomRobot]:
        names = [r.name for r in robots]
        if len(names) != len(set(names)):
            raise ValueError("robot names must be unique")
        return robots


class WecomBotConfig(Section):
    """[wecom_bot] The WeCom AI bot (智能机器人) over its long connection: no public URL needed."""

    enabled: bool = False
    bot_id: str = ""
    secret: SecretStr = SecretStr("")
    ws_url: str = "wss://openws.work.weixin.qq.com"

    @field_validator("ws_url")
    @classmethod
    def _websocket_url(cls, value: str) -> str:
        if not value.startswith(("wss://", "ws://")) or len(value) <= len("wss://"):
            raise ValueError("must be a WebSocket URL, e.g. wss://openws.work.weixin.qq.com")
        return value

    @field_validator("bot_id")
    @classmethod
    def _plain_bot_id(cls, value: str) -> str:
        if value != value.strip() or any(c.isspace() for c in value):
            raise ValueError("must not contain spaces; copy the BotID from the admin console")
        return value

    @model_validator(mode="after")
    def _required_when_enabled(self) -> WecomBotConfig:
        if self.enabled:
            if not self.bot_id:
                raise ValueError("wecom_bot.bot_id is required when [wecom_bot] is enabled")
            if not self.secret.get_secret_value().strip():
                raise ValueError(
                    "wecom_bot.secret is required when [wecom_bot] is enabled (or set GRIDBOT_WECOM_BOT__SECRET)"
                )
        return self


class WechatyConfig(Section):
    enabled: bool = False
    endpoint: str = ""
    token: SecretStr = SecretStr("")
    bot_name: str = "网格作风助手"
    # Reconnect delay doubles from min to max while the puppet service is unreachable.
    reconnect_min_seconds: float = Field(1, gt=0)
    reconnect_max_seconds: float = Field(60, gt=0)
    rpc_timeout_seconds: float = Field(15, gt=0)
    # Where the puppet library may create its `.wechaty/` folder; empty = ~/.cache/gridbot.
    cache_dir: str = ""

    @field_validator("endpoint")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if value and (not host or not port.isdigit() or not 0 < int(port) < 65536):
            raise ValueError("must be host:port, e.g. 127.0.0.1:8788")
        return value

    @model_validator(mode="after")
    def _complete_when_enabled(self) -> WechatyConfig:
        # Without an endpoint the client would ask an internet discovery service instead.
        if self.enabled and not self.endpoint:
            raise ValueError("endpoint is required when enabled")
        if self.enabled and not self.token.get_secret_value():
            raise ValueError("token is required when enabled")
        return self


class ScheduleJob(Section):
    name: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$")
    kind: str
    # Exactly one of: a 5-field crontab ("0 9 25 * *") or "HH:MM" on Chinese working days.
    cron: str = ""
    workdays_at: str = ""
    # Group names; "*" = every active group; empty = the job addresses people itself.
    targets: list[str] = []
    enabled: bool = True
    # For kinds that push a fixed text (kind = "notice").
    text: str = ""

    @model_validator(mode="after")
    def _one_schedule(self) -> ScheduleJob:
        from bot.schedule_spec import check_schedule

        check_schedule(self.cron, self.workdays_at)
        return self


class ScheduleConfig(Section):
    enabled: bool = True
    misfire_grace_minutes: int = Field(30, ge=0)
    extra_workdays: list[date] = []
    extra_holidays: list[date] = []
    jobs: list[ScheduleJob] = []
    # How often a standby instance tries to become the scheduler leader (and the leader checks its lock).
    standby_retry_seconds: float = Field(20, gt=0, le=60)
    # Pushes written per transaction (a rerun after a crash writes what was not committed). 1000 matches
    # WeCom's 1000 UserIDs per message/send, so one text to many people costs one call per batch.
    batch_size: int = Field(1000, ge=1, le=5000)

    @field_validator("jobs")
    @classmethod
    def _unique_names(cls, jobs: list[ScheduleJob]) -> list[ScheduleJob]:
        names = [job.name for job in jobs]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"job names must be unique: {', '.join(duplicates)}")
        return jobs






class LlmConfig(Section):
    base_url: str = ""
    model: str = ""
    api_key: SecretStr = SecretStr("")
    timeout_seconds: float = Field(15, gt=0)








class Config(Section):
    timezone: str = "Asia/Shanghai"
    database: DatabaseConfig = DatabaseConfig()
    street: StreetConfig = StreetConfig()
    server: ServerConfig = ServerConfig()
    wecom: WecomConfig = WecomConfig()
    wecom_bot: WecomBotConfig = WecomBotConfig()
    wechaty: WechatyConfig = WechatyConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    llm: LlmConfig = LlmConfig()
    dash: dict[str, Any] = {}

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _parse_env_value(raw: str) -> Any:
    """Read an override as a TOML value (number, bool, array), else keep it as a string."""
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def _apply_env(data: dict[str, Any], environ: dict[str, str]) -> dict[str, Any]:
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    for name, raw in sorted(environ.items()):
        if not name.startswith(ENV_PREFIX) or name == f"{ENV_PREFIX}CONFIG" or name.startswith(f"{ENV_PREFIX}TEST_"):
            # GRIDBOT_TEST_* belong to the test suite (e.g. GRIDBOT_TEST_DATABASE_URL), not to the bot.
            continue
        path = [part.lower() for part in name[len(ENV_PREFIX):].split("__")]
        if not all(path):
            raise ConfigError(f"environment variable {name}: empty key part")
        node = merged
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        node[path[-1]] = _parse_env_value(raw)
    return merged


def _describe(error: ValidationError, source: str) -> str:
    lines = [f"配置错误 / invalid configuration ({source}):"]
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(root)"
        if item["type"] == "extra_forbidden":
            lines.append(f"  {key}: unknown key")
        else:
            lines.append(f"  {key}: {item['msg']}")
    return "\n".join(lines)


def resolve_config_path(explicit: str | None, environ: dict[str, str] | None = None) -> Path | None:
    environ = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    if environ.get(f"{ENV_PREFIX}CONFIG"):
        return Path(environ[f"{ENV_PREFIX}CONFIG"])
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.exists() else None


def config_model(capabilities: Iterable[Any] = ()) -> type[Config]:
    """The Config class with each capability's settings as its own section ([hours], [reports] …).

    `capabilities` are bot.capability.Capability values; only their `name` and `settings` are read.
    """
    sections = tuple((c.name, c.settings) for c in capabilities if getattr(c, "settings", None) is not None)
    return _config_model(sections)


@lru_cache(maxsize=32)
def _config_model(sections: tuple[tuple[str, type[Section]], ...]) -> type[Config]:
    if not sections:
        return Config
    fields: dict[str, Any] = {name: (model, model()) for name, model in sections}
    return create_model("Config", __base__=Config, **fields)


def load_config(path: str | Path | None = None, environ: dict[str, str] | None = None, capabilities: Iterable[Any] = ()) -> Config:
    """Load and validate the configuration; raise ConfigError naming the bad key."""
    environ = dict(os.environ if environ is None else environ)
    data: dict[str, Any] = {}
    source = "built-in defaults"
    if path is not None:
        path = Path(path)
        source = str(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"配置文件不存在 / config file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"配置文件格式错误 / {path} is not valid TOML: {exc}") from exc
    data = _apply_env(data, environ)
    try:
        return config_model(capabilities).model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from None


def config_from_dict(data: dict[str, Any], capabilities: Iterable[Any] = ()) -> Config:
    try:
        return config_model(capabilities).model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, "dict")) from None


DatabaseKind = Literal["sqlite", "postgresql"]
