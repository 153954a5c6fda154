"""Configuration: a TOML file plus GRIDBOT_<SECTION>__<KEY> environment overrides.

Everything is validated once at start. An unknown key or a value of the wrong type stops the
program with a message that names the key, so a typo in a street's config never runs silently.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

ENV_PREFIX = "GRIDBOT_"
DEFAULT_CONFIG_FILE = "gridbot.toml"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the offending key."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseConfig(Section):
    url: str = "sqlite:///gridbot.db"
    echo: bool = False


class StreetConfig(Section):
    name: str = "示范街道"
    # Who an unknown sender should contact to be put on the roster.
    registration_contact: str = "街道党政办"


class HoursConfig(Section):
    monthly_target: float = Field(20, gt=0)
    max_per_entry: float = Field(12, gt=0)
    max_per_day: float = Field(24, gt=0)
    # 1 = entries may be dated back to the first day of the previous month.
    months_back: int = Field(1, ge=0)
    undo_window_hours: float = Field(24, gt=0)
    points_per_hour: float = Field(1, ge=0)
    points_monthly_cap: float = Field(30, ge=0)


class ServerConfig(Section):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    public_url: str = "http://127.0.0.1:8080"
    demo: bool = False


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


class WechatyConfig(Section):
    enabled: bool = False
    endpoint: str = ""
    token: SecretStr = SecretStr("")
    bot_name: str = "网格作风助手"


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
        from scheduler.triggers import check_schedule

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
    # Pushes written per transaction; a crash loses at most one uncommitted batch, which a rerun writes.
    batch_size: int = Field(200, ge=1, le=5000)

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
    hours: HoursConfig = HoursConfig()
    server: ServerConfig = ServerConfig()
    wecom: WecomConfig = WecomConfig()
    wechaty: WechatyConfig = WechatyConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    llm: LlmConfig = LlmConfig()
    # Sections owned by later capabilities are free-form tables validated by their own modules.
    reports: dict[str, Any] = {}
    ledger: dict[str, Any] = {}
    rules: dict[str, Any] = {}
    lessons: dict[str, Any] = {}
    quiz: dict[str, Any] = {}
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
        if not name.startswith(ENV_PREFIX) or name == f"{ENV_PREFIX}CONFIG":
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


def load_config(path: str | Path | None = None, environ: dict[str, str] | None = None) -> Config:
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
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from None


def config_from_dict(data: dict[str, Any]) -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, "dict")) from None


DatabaseKind = Literal["sqlite", "postgresql"]
