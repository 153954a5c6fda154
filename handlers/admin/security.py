"""What stands between a browser and a change: the admin check, the form token, upload limits, held uploads.

The form token (csrf_token) is derived from the session cookie, so it needs no table: a page
from another site can neither read the cookie nor compute the token. Uploads that wait for a
confirmation are held in a private temporary folder under a random token, never in the page.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

CSRF_FIELD = "csrf_token"
# Rosters, banks and rule documents are a few hundred kilobytes; 5 MB leaves room for pictures in a .docx.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
HOLD_FOR = timedelta(minutes=30)
ZIP_MAGIC = b"PK\x03\x04"
ZIPPED = (".xlsx", ".xlsm", ".docx")


def csrf_token(session_token: str) -> str:
    return hashlib.sha256(f"gridbot-admin-form:{session_token}".encode()).hexdigest()


def csrf_ok(session_token: str | None, given: object) -> bool:
    if not session_token or not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(csrf_token(session_token), given)


class UploadRefused(ValueError):
    """The upload is not accepted; the message (Chinese) says what to do instead."""


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size // 1024, 1)} KB"


def check_declared_size(content_length: str | None) -> None:
    """Refuse before reading: a form post states its size, and an oversized one is not worth receiving."""
    if content_length is None or not content_length.isdigit():
        raise UploadRefused("上传没有注明大小，请用页面上的按钮重新上传。")
    # The form's other fields add a few hundred bytes to the file itself.
    if int(content_length) > MAX_UPLOAD_BYTES + 64 * 1024:
        raise UploadRefused(f"文件太大（约{size_label(int(content_length))}），最大{size_label(MAX_UPLOAD_BYTES)}。请删去无关的工作表或图片后再传。")


def check_file(filename: str, content: bytes, allowed: tuple[str, ...]) -> str:
    """The file's suffix if it may be imported here; UploadRefused with the reason otherwise."""
    allowed_text = "、".join(allowed)
    if not filename:
        raise UploadRefused(f"请先选择文件（{allowed_text}）。")
    suffix = Path(filename).suffix.lower()
    if suffix not in allowed:
        shown = suffix or "没有扩展名的文件"
        raise UploadRefused(f"这里只能上传 {allowed_text} 文件，您选的是 {shown}。请在 Excel 或 Word 里“另存为”后再传。")
    if not content:
        raise UploadRefused(f"{filename} 是空文件，请检查后重新上传。")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"文件太大（{size_label(len(content))}），最大{size_label(MAX_UPLOAD_BYTES)}。")
    if suffix in ZIPPED and not content.startswith(ZIP_MAGIC):
        raise UploadRefused(f"{filename} 不是有效的 {suffix} 文件（可能只是改了扩展名），请用 Office 另存为 {suffix} 后再传。")
    return suffix


@dataclass(frozen=True)
class HeldUpload:
    path: Path
    filename: str
    person_id: int
    kind: str
    held_at: datetime


class UploadHold:
    """Uploaded files waiting for the admin's confirmation, by a random token, for 30 minutes.

    Only the token's hash names the file, and a token works only for the admin who uploaded it.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or Path(tempfile.gettempdir()) / f"gridbot-admin-{os.getuid()}"

    def _paths(self, token: str) -> tuple[Path, Path]:
        name = hashlib.sha256(token.encode()).hexdigest()
        return self.folder / f"{name}.json", self.folder / name

    def _ensure_folder(self) -> None:
        self.folder.mkdir(mode=0o700, exist_ok=True)
        # A shared /tmp lets anyone create the folder first; use it only if it is ours and private.
        info = os.lstat(self.folder)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise RuntimeError(f"upload folder {self.folder} is not a private directory of this user")

    def put(self, content: bytes, filename: str, suffix: str, person_id: int, kind: str, now: datetime) -> str:
        self._ensure_folder()
        self.prune(now)
        token = secrets.token_urlsafe(24)
        meta, stem = self._paths(token)
        data = stem.with_suffix(suffix)
        data.write_bytes(content)
        meta.write_text(
            json.dumps({"filename": filename, "suffix": suffix, "person_id": person_id, "kind": kind, "at": now.isoformat()}),
            encoding="utf-8",
        )
        return token

    def get(self, token: str, person_id: int, kind: str, now: datetime) -> HeldUpload | None:
        if not token or len(token) > 100:
            return None
        meta, stem = self._paths(token)
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        held_at = datetime.fromisoformat(info["at"])
        if info["person_id"] != person_id or info["kind"] != kind or now - held_at > HOLD_FOR:
            return None
        path = stem.with_suffix(info["suffix"])
        if not path.is_file():
            return None
        return HeldUpload(path, info["filename"], person_id, kind, held_at)

    def drop(self, token: str) -> None:
        meta, stem = self._paths(token)
        for path in (meta, *stem.parent.glob(stem.name + ".*")):
            path.unlink(missing_ok=True)

    def prune(self, now: datetime) -> None:
        for meta in self.folder.glob("*.json"):
            try:
                held_at = datetime.fromisoformat(json.loads(meta.read_text(encoding="utf-8"))["at"])
            except (OSError, ValueError, KeyError):
                continue
            if now - held_at > HOLD_FOR:
                for path in meta.parent.glob(meta.stem + ".*"):
                    path.unlink(missing_ok=True)
