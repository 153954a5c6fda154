"""The peer: a WeCom callback built the way most tutorials build it, for bench_wecom_vs_peer.py.

Flask + wechatpy's crypto (WeChatCrypto from wechatpy.enterprise.crypto) under gunicorn with two
sync workers. A POST is verified, decrypted, parsed and answered with an encrypted passive echo of
its text; nothing is stored, so a crash loses what was acknowledged. That is the point of the
comparison: this is the cost of a callback with no durable work at all.

    GRIDBOT_PEER_TOKEN=... GRIDBOT_PEER_AES_KEY=... GRIDBOT_PEER_CORP_ID=... \
        gunicorn -w 2 -k sync -b 127.0.0.1:8001 bench.peers.wechatpy_flask:app
"""

from __future__ import annotations

import os

from flask import Flask, abort, request
from wechatpy.enterprise import create_reply, parse_message
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidSignatureException

crypto = WeChatCrypto(os.environ["GRIDBOT_PEER_TOKEN"], os.environ["GRIDBOT_PEER_AES_KEY"],
                      os.environ["GRIDBOT_PEER_CORP_ID"])
app = Flask(__name__)


@app.route(os.environ.get("GRIDBOT_PEER_PATH", "/wecom/callback"), methods=["GET", "POST"])
def callback():
    signature = request.args.get("msg_signature", "")
    timestamp = request.args.get("timestamp", "")
    nonce = request.args.get("nonce", "")
    try:
        if request.method == "GET":
            return crypto.check_signature(signature, timestamp, nonce, request.args.get("echostr", ""))
        plain = crypto.decrypt_message(request.data, signature, timestamp, nonce)
    except (InvalidSignatureException, InvalidCorpIdException):
        abort(403)
    message = parse_message(plain)
    reply = create_reply(getattr(message, "content", "") or "收到", message)
    return crypto.encrypt_message(reply.render(), nonce, timestamp), 200, {"Content-Type": "application/xml"}
