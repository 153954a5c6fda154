from pathlib import Path

import pytest

from handlers.composition import load_config
from bot.config import ConfigError, resolve_config_path


def test_defaults_without_a_file():
    config = load_config(None, environ={})
    assert config.database.url == "sqlite:///gridbot.db"
    assert config.timezone == "Asia/Shanghai"
    assert config.hours.monthly_target == 20


def test_file_and_environment_override(tmp_path: Path):
    path = tmp_path / "site.toml"
    path.write_text('[hours]\nmonthly_target = 16\n[database]\nurl = "sqlite:///a.db"\n', encoding="utf-8")
    config = load_config(path, environ={"GRIDBOT_DATABASE__URL": "sqlite:///b.db", "GRIDBOT_HOURS__MAX_PER_ENTRY": "10"})
    assert config.hours.monthly_target == 16
    assert config.database.url == "sqlite:///b.db"
    assert config.hours.max_per_entry == 10


def test_unknown_key_is_named(tmp_path: Path):
    path = tmp_path / "site.toml"
    path.write_text("[hours]\nmonthly_targte = 16\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"hours\.monthly_targte: unknown key"):
        load_config(path, environ={})


def test_wrong_type_is_named(tmp_path: Path):
    path = tmp_path / "site.toml"
    path.write_text('[server]\nport = "eighty"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"server\.port"):
        load_config(path, environ={})


def test_unknown_environment_key_is_named():
    with pytest.raises(ConfigError, match=r"hours\.nonsense"):
        load_config(None, environ={"GRIDBOT_HOURS__NONSENSE": "1"})


def test_bad_timezone_is_named():
    with pytest.raises(ConfigError, match="timezone"):
        load_config(None, environ={"GRIDBOT_TIMEZONE": "Mars/Olympus"})


def test_secrets_do_not_appear_in_errors(tmp_path: Path):
    path = tmp_path / "site.toml"
    path.write_text('[wecom]\nsecret = "TOPSECRET-123"\nagent_id = "not-a-number"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path, environ={})
    assert "TOPSECRET-123" not in str(raised.value)
    assert "wecom.agent_id" in str(raised.value)


def test_config_path_resolution(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve_config_path(None, environ={}) is None
    (tmp_path / "gridbot.toml").write_text("", encoding="utf-8")
    assert resolve_config_path(None, environ={}) == Path("gridbot.toml")
    assert resolve_config_path(None, environ={"GRIDBOT_CONFIG": "x.toml"}) == Path("x.toml")
    assert resolve_config_path("y.toml", environ={"GRIDBOT_CONFIG": "x.toml"}) == Path("y.toml")


def test_missing_config_file_is_named(tmp_path: Path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml", environ={})


def test_the_example_config_documents_valid_keys():
    example = Path(__file__).parent.parent / "config.example.toml"
    config = load_config(example, environ={})
    assert config.hours.monthly_target == 20


def test_test_suite_variables_are_not_configuration():
    config = load_config(None, environ={"GRIDBOT_TEST_DATABASE_URL": "postgresql+psycopg://x@y/z"})
    assert config.database.url == "sqlite:///gridbot.db"
