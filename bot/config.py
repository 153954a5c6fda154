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


class LessonsConfig(Section):
    # A lesson must fit the ten-minute morning slot; longer bodies are refused at import.
    max_body_chars: int = Field(400, ge=50, le=5000)


class QuizConfig(Section):
    # How long after a push the group's members may answer for a score.
    answer_window_minutes: int = Field(240, ge=1, le=24 * 60)
    # How long a personal practice question (「答题」) stays open.
    practice_window_minutes: int = Field(60, ge=1, le=24 * 60)
    # vote_interaction cards: "auto" = when WeCom is enabled; text is always sent along.
    cards: Literal["auto", "on", "off"] = "auto"
    leaderboard_size: int = Field(10, ge=1, le=50)


class LlmConfig(Section):
    base_url: str = ""
    model: str = ""
    api_key: SecretStr = SecretStr("")
    timeout_seconds: float = Field(15, gt=0)


class ReportsConfig(Section):
    """[reports] 随手拍: time limits and the keyword rules that suggest a category."""

    accept_hours: float = Field(24, gt=0)  # not accepted within this → the assignee is nudged
    close_days: float = Field(7, gt=0)  # not closed within this → the liaison leader is nudged
    rating_days: float = Field(7, gt=0)  # after closure the reporter may rate for this long
    attach_minutes: float = Field(5, gt=0)  # a photo/location this close to a report belongs to it
    # category -> keywords; the category with most hits wins, ties go to the one listed first.
    # Empty = the built-in rules (domain/reports/categories.py).
    categories: dict[str, list[str]] = {}
    other_category: str = "其他"


class LedgerConfig(Section):
    """[ledger] 整改台账: reminders before and after deadlines, and 回头看."""

    remind_days_before: list[int] = [7, 3, 1]
    escalate_after_days: int = Field(3, ge=1)
    recheck_after_days: int = Field(30, ge=1)
    monthly_prompt_day: int = Field(1, ge=1, le=28)
    default_deadline_days: int = Field(30, ge=1)
    # Who gets the escalation of an overdue task besides the admins: names or roster ids (e.g. the secretary).
    escalate_to: list[str] = []

    @field_validator("remind_days_before")
    @classmethod
    def _positive_days(cls, days: list[int]) -> list[int]:
        if any(d < 1 for d in days):
            raise ValueError("every value must be at least 1 (days before the deadline)")
        return sorted(set(days), reverse=True)


class RulesConfig(Section):
    """[rules] 规定问答: retrieval settings and who gives a ruling when the knowledge base has none."""

    # Share (0–1) of the question's informative words, weighted by rarity, that the best article must
    # contain; below it the bot offers the closest articles as choices or says the knowledge base has
    # no clear rule. Above it the best article must also stand out from the next one, or cover 0.25
    # more than this (domain/rules/answer.py).
    threshold: float = Field(0.3, ge=0, le=1)
    # Who to ask for a ruling when no rule answers the question.
    contact: str = "街道纪工委"
    # The editable synonym and stopword lists; empty = the lists shipped in domain/rules/data/.
    synonyms_file: str = ""
    stopwords_file: str = ""
    # Articles quoted at most in one answer; a second one only when it scores close to the first.
    top_k: int = Field(2, ge=1, le=5)
    # Characters of article text shown in one answer (a phone screen); the 2048-byte limit always holds.
    max_chars: int = Field(360, ge=60, le=600)
    # Send the retrieved articles to the [llm] model for a short answer (needs llm.base_url and llm.model).
    use_llm: bool = True

    @field_validator("synonyms_file", "stopwords_file")
    @classmethod
    def _file_exists(cls, value: str) -> str:
        if value and not Path(value).is_file():
            raise ValueError(f"file not found: {value}")
        return value


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
    reports: ReportsConfig = ReportsConfig()
    ledger: LedgerConfig = LedgerConfig()
    rules: RulesConfig = RulesConfig()
    lessons: LessonsConfig = LessonsConfig()
    quiz: QuizConfig = QuizConfig()
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
