"""Files people send the AI bot: fetched while the URL lasts (5 minutes), decrypted, kept on disk.

The file is AES-256-CBC encrypted: key = the callback's base64 `aeskey`, IV = the key's first 16
bytes, PKCS#7 padding to 32-byte blocks (as WeCom's own SDK decrypts it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
PAD_BLOCK = 32
# The first bytes of common files, for a usable file name suffix.
_MAGIC = (
    (b"\xff\xd8\xff", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"GIF8", ".gif"),
    (b"RIFF", ".webp"),
    (b"%PDF", ".pdf"),
    (b"PK\x03\x04", ".zip"),  # also docx and xlsx
)


class MediaError(Exception):
    """The file could not be fetched or decrypted; the message is safe to log."""


def key_from(aeskey: str) -> bytes:
    raw = aeskey.strip()
    try:
        key = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MediaError("the file's aeskey is not base64") from exc
    if len(key) != 32:
        raise MediaError(f"the file's aeskey decodes to {len(key)} bytes, not 32")
    return key


def decrypt(data: bytes, aeskey: str) -> bytes:
    key = key_from(aeskey)
    if not data or len(data) % 16:
        raise MediaError(f"encrypted file of {len(data)} bytes is not whole AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= PAD_BLOCK or plain[-pad:] != bytes([pad]) * pad:
        raise MediaError("bad padding after decryption (wrong aeskey?)")
    return plain[:-pad]


def encrypt(plain: bytes, aeskey: str) -> bytes:
    """The inverse, for test doubles."""
    key = key_from(aeskey)
    pad = PAD_BLOCK - len(plain) % PAD_BLOCK
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return encryptor.update(plain + bytes([pad]) * pad) + encryptor.finalize()


def suffix_for(content: bytes, kind: str) -> str:
    for magic, suffix in _MAGIC:
        if content.startswith(magic):
            return suffix
    return ".jpg" if kind == "image" else ".bin"


def save(folder: Path, msgid: str, index: int, kind: str, content: bytes, now: datetime) -> str:
    digest = hashlib.sha256(content).hexdigest()
    target = folder / now.strftime("%Y%m")
    target.mkdir(parents=True, exist_ok=True)
    name = hashlib.blake2s(msgid.encode(), digest_size=8).hexdigest()
    path = target / f"{name}-{index}-{digest[:12]}{suffix_for(content, kind)}"
    path.write_bytes(content)
    return str(path)


async def fetch(client, url: str, aeskey: str) -> bytes:
    """Download and decrypt one file. `client` is an httpx.AsyncClient."""
    import httpx

    try:
        async with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise MediaError(f"the file's URL answered HTTP {response.status_code} (older than 5 minutes?)")
            chunks = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise MediaError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
                chunks.append(chunk)
    except httpx.HTTPError as exc:
        raise MediaError(f"could not download the file: {type(exc).__name__}") from None
    return decrypt(b"".join(chunks), aeskey)
