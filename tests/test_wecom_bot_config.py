"""[wecom_bot]: validated at start with errors that name the key; alone or beside [wecom]; the secret
never shown; and the file decryption checked against an independent padding implementation."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from handlers.composition import build_app, load_config
from bot.app import App
from bot.channels.wecom_bot import media
from bot.channels.wecom_bot.inbound import strip_mention
from bot.config import ConfigError
from bot.server import load_plugins

SECRET = "s3cret-value-9f8e7d"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gridbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_the_secret_from_the_environment(tmp_path):
    config = load_config(write(tmp_path, '[wecom_bot]\nenabled = true\nbot_id = "aib123"\n'),
                         {"GRIDBOT_WECOM_BOT__SECRET": SECRET})
    bot = config.wecom_bot
    assert (bot.enabled, bot.bot_id, bot.ws_url) == (True, "aib123", "wss://openws.work.weixin.qq.com")
    assert bot.secret.get_secret_value() == SECRET
    assert SECRET not in repr(config) and SECRET not in str(bot)
    assert load_config(None, {}).wecom_bot.enabled is False


@pytest.mark.parametrize(
    ("toml", "env", "key", "hint"),
    [
        ("[wecom_bot]\nenabled = true\n", {}, "wecom_bot.bot_id", "is required"),
        ('[wecom_bot]\nenabled = true\nbot_id = "aib123"\n', {}, "wecom_bot.secret", "GRIDBOT_WECOM_BOT__SECRET"),
        ('[wecom_bot]\nws_url = "https://openws.work.weixin.qq.com"\n', {}, "wecom_bot.ws_url", "WebSocket URL"),
        ('[wecom_bot]\nbot_id = "aib 123"\n', {}, "wecom_bot.bot_id", "spaces"),
        ('[wecom_bot]\nbotid = "aib123"\n', {}, "wecom_bot.botid", "unknown key"),
        ("[wecom_bot]\nenabled = \"maybe\"\n", {}, "wecom_bot.enabled", "bool"),
    ],
)
def test_bad_settings_stop_the_start_with_the_key_named(tmp_path, toml, env, key, hint):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, toml), env)
    assert key in str(error.value) and hint in str(error.value)


def test_a_wrong_secret_in_a_bad_config_is_not_echoed(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, f'[wecom_bot]\nenabled = true\nsecret = "{SECRET}"\nws_url = "ftp://x"\n'), {})
    assert SECRET not in str(error.value)


def test_serve_runs_the_ai_bot_alone_or_beside_the_self_built_app(tmp_path):
    bot = {"GRIDBOT_WECOM_BOT__ENABLED": "true", "GRIDBOT_WECOM_BOT__BOT_ID": "aib123",
           "GRIDBOT_WECOM_BOT__SECRET": SECRET, "GRIDBOT_DATABASE__URL": f"sqlite:///{tmp_path / 'a.db'}"}
    app_section = {"GRIDBOT_WECOM__ENABLED": "true", "GRIDBOT_WECOM__CORP_ID": "wwcorp", "GRIDBOT_WECOM__AGENT_ID": "1000002",
                   "GRIDBOT_WECOM__SECRET": "x", "GRIDBOT_WECOM__TOKEN": "t",
                   "GRIDBOT_WECOM__ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"}
    for env, expected in ((bot, {"WecomBotPlugin"}), ({**bot, **app_section}, {"WecomBotPlugin", "WecomPlugin"}),
                          ({"GRIDBOT_DATABASE__URL": bot["GRIDBOT_DATABASE__URL"]}, set())):
        app = build_app(load_config(None, env))
        names = {type(p).__name__ for p in load_plugins(app)} & {"WecomBotPlugin", "WecomPlugin"}
        assert names == expected
        # Every process can queue rows for the AI bot; only serve's plugin connects.
        assert ("wecom_bot" in app.outbound.channels) == ("WecomBotPlugin" in expected)
        app.engine.dispose()


def test_file_decryption_matches_an_independent_pkcs7_to_32_bytes():
    key = os.urandom(32)
    aeskey = base64.b64encode(key).decode().rstrip("=")  # as given, possibly without its padding
    plain = b"%PDF-1.4 " + os.urandom(1000)
    padder = padding.PKCS7(256).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    data = encryptor.update(padded) + encryptor.finalize()
    assert media.decrypt(data, aeskey) == plain
    assert media.decrypt(data, aeskey + "=") == plain
    assert media.encrypt(plain, aeskey) == data
    with pytest.raises(media.MediaError):
        media.decrypt(data, base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(media.MediaError):
        media.decrypt(data[:-3], aeskey)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@RobotA hello robot", "hello robot"),
        ("@网格作风助手\u2005服务 2小时", "服务 2小时"),
        ("  @机器人   绑定群 安居社区工作群 ", "绑定群 安居社区工作群"),
        ("@机器人", ""),
        ("服务 2小时 @张伟", "服务 2小时 @张伟"),
    ],
)
def test_the_leading_mention_is_stripped(text, expected):
    assert strip_mention(text) == expected
