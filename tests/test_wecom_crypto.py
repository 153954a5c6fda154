"""WeCom callback crypto against the public vectors, and the XML parser's defences."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from handlers.composition import config_from_dict
from bot.channels.wecom.crypto import DecryptError, SignatureError, WecomCrypto
from bot.channels.wecom.inbound import to_incoming
from bot.channels.wecom.xmlparse import XmlError, parse_envelope, parse_message
from bot.config import ConfigError
from bot.message import Kind
from tests.fakes.wecom_server import WecomCallbacks

# The public WeCom vectors (official callback sample, official doc example, wechatpy's deterministic case),
# kept with the tests so a fresh clone runs them anywhere.
VECTORS = json.loads((Path(__file__).parent / "data" / "wecom-vectors.json").read_text(encoding="utf-8"))["vectors"]
BY_NAME = {v["name"]: v for v in VECTORS}


def crypto_for(vector: dict, corp_id: str | None = None) -> WecomCrypto:
    return WecomCrypto(vector["token"], vector["encoding_aes_key"], corp_id or vector["corp_id"])


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_url_check_answers_the_plaintext(name: str) -> None:
    vector = BY_NAME[name]
    url = vector["verify_url"]
    assert crypto_for(vector).check_url(url["msg_signature"], url["timestamp"], url["nonce"], url["echostr"]) == url["plaintext"]


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_decrypt_vector(name: str) -> None:
    vector = BY_NAME[name]
    d = vector["decrypt"]
    assert crypto_for(vector).decrypt_message(d["msg_signature"], d["timestamp"], d["nonce"], d["encrypt"]) == d["plaintext"]


def test_deterministic_encrypt_matches_wechatpy_vector() -> None:
    vector = BY_NAME["C-wechatpy-tests"]
    e = vector["encrypt"]
    encrypt, sig = crypto_for(vector).encrypt_message(e["plaintext"], e["timestamp"], e["nonce"], e["random16"].encode())
    assert encrypt == e["encrypt"]
    assert sig == e["msg_signature"]


def test_the_url_check_as_wecom_sends_it_urlencoded_is_answered() -> None:
    """The admin console's URL check arrives with echostr percent-encoded in the query string; the
    endpoint answers the decrypted plaintext, exactly as the official example gives it."""
    import asyncio

    import httpx
    from starlette.applications import Starlette

    from bot.channels.wecom.callback import CallbackEndpoint

    vector = BY_NAME["B-official-doc"]
    url = vector["verify_url"]

    async def never(*_args):
        raise AssertionError("a URL check stores nothing")

    endpoint = CallbackEndpoint(crypto_for(vector), "/wecom/callback", never, never)
    query = (f"msg_signature={url['msg_signature']}&timestamp={url['timestamp']}&nonce={url['nonce']}"
             f"&echostr={url['echostr_as_sent_urlencoded']}")

    async def check() -> httpx.Response:
        transport = httpx.ASGITransport(app=Starlette(routes=endpoint.routes()))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.get(f"/wecom/callback?{query}")

    response = asyncio.run(check())
    assert (response.status_code, response.text) == (200, url["plaintext"])


def test_wrong_nonce_is_rejected() -> None:
    vector = BY_NAME["C-wechatpy-tests"]
    url = vector["verify_url"]
    with pytest.raises(SignatureError):
        crypto_for(vector).check_url(url["msg_signature"], url["timestamp"], "437374424", url["echostr"])


def test_wrong_corp_id_is_rejected() -> None:
    vector = BY_NAME["A-official-sample"]
    d = vector["decrypt"]
    with pytest.raises(DecryptError, match="CorpID"):
        crypto_for(vector, corp_id="ww0000000000000000").decrypt_message(d["msg_signature"], d["timestamp"], d["nonce"], d["encrypt"])


def test_bad_padding_is_rejected() -> None:
    vector = BY_NAME["C-wechatpy-tests"]
    crypto = crypto_for(vector)
    good = base64.b64decode(vector["decrypt"]["encrypt"])
    # Flipping a byte of the second-to-last block garbles the last block's padding after CBC decryption.
    broken = bytearray(good)
    broken[-17] ^= 0x55
    with pytest.raises(DecryptError, match="padding"):
        crypto.decrypt(base64.b64encode(bytes(broken)).decode())


def test_padding_is_to_32_byte_blocks() -> None:
    # A 16-byte-block PKCS#7 (as plain AES would pad) is refused: WeCom pads to 32.
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    vector = BY_NAME["C-wechatpy-tests"]
    key = base64.b64decode(vector["encoding_aes_key"] + "=")
    raw = b"0" * 16 + (4).to_bytes(4, "big") + b"test" + vector["corp_id"].encode()  # 42 bytes
    padder = padding.PKCS7(128).padder()
    padded = padder.update(raw) + padder.finalize()  # 48 bytes: pad value 6, wrong for 32-byte blocks
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    data = base64.b64encode(enc.update(padded) + enc.finalize()).decode()
    with pytest.raises(DecryptError):
        crypto_for(vector).decrypt(data)


def test_round_trip_of_chinese_text() -> None:
    cb = WecomCallbacks()
    signed = cb.text("demo052", "服务 2小时 入户走访")
    envelope = parse_envelope(signed.body)
    plain = cb.crypto.decrypt_message(signed.params["msg_signature"], signed.params["timestamp"], signed.params["nonce"],
                                      envelope.encrypt)
    message = parse_message(plain)
    assert message.get("Content") == "服务 2小时 入户走访"
    assert message.from_user == "demo052"


def test_entity_expansion_is_refused() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            "<xml><Encrypt>&b;</Encrypt></xml>")
    with pytest.raises(XmlError):
        parse_envelope(bomb)


@pytest.mark.parametrize(
    "xml, missing",
    [
        ("<xml><ToUserName>c</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content>"
         "<MsgId>1</MsgId></xml>", "FromUserName"),
        ("<xml><ToUserName>c</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime>"
         "<MsgType>text</MsgType><Content>x</Content></xml>", "MsgId"),
        ("<xml><ToUserName>c</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime>"
         "<MsgType>event</MsgType></xml>", "Event"),
    ],
)
def test_missing_fields_are_named(xml: str, missing: str) -> None:
    with pytest.raises(XmlError, match=missing):
        parse_message(xml)


def test_vote_card_event_is_normalised() -> None:
    cb = WecomCallbacks()
    signed = cb.card_event("demo052", "quiz-7", event_key="submit:q7", card_type="vote_interaction",
                           response_code="RC9", selected={"q7": ["B", "C"]})
    incoming = to_incoming(parse_message(signed.plaintext))
    assert incoming.kind == Kind.event and incoming.event == "card"
    assert incoming.event_key == "submit:q7"
    assert incoming.event_data == {"task_id": "quiz-7", "card_type": "vote_interaction", "response_code": "RC9",
                                   "selected": {"q7": ["B", "C"]}}


def test_menu_click_becomes_a_command_when_configured() -> None:
    cb = WecomCallbacks()
    click = parse_message(cb.event("demo052", "click", "MY_HOURS").plaintext)
    assert to_incoming(click, {"MY_HOURS": "我的时长"}).text == "我的时长"
    unmapped = to_incoming(click, {})
    assert (unmapped.kind, unmapped.event, unmapped.event_key) == (Kind.event, "click", "MY_HOURS")


def test_location_and_events_map() -> None:
    cb = WecomCallbacks()
    loc = to_incoming(parse_message(cb.location("demo052", 23.134521, 113.358803, "安居社区服务中心").plaintext))
    assert loc.kind == Kind.location and loc.location.latitude == pytest.approx(23.134521)
    assert loc.location.label == "安居社区服务中心"
    enter = to_incoming(parse_message(cb.event("demo052", "enter_agent").plaintext))
    assert (enter.kind, enter.event) == (Kind.event, "enter_agent")


def test_encoding_aes_key_is_checked_when_enabled_without_echoing_it() -> None:
    section = {"enabled": True, "corp_id": "ww1", "agent_id": 1, "secret": "s", "token": "t",
               "encoding_aes_key": "tooshort-SECRETVALUE"}
    with pytest.raises(ConfigError) as info:
        config_from_dict({"wecom": section})
    assert "wecom.encoding_aes_key" in str(info.value)
    assert "SECRETVALUE" not in str(info.value)
    with pytest.raises(ConfigError, match="wecom.corp_id"):
        config_from_dict({"wecom": {**section, "corp_id": "", "encoding_aes_key": "a" * 43}})
    assert config_from_dict({"wecom": {"enabled": False, "encoding_aes_key": "short"}}).wecom.enabled is False
