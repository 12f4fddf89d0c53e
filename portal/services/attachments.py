"""Residents' files: JPEG, PNG or PDF up to 5 MB, type checked by content, EXIF stripped,
stored outside static/ under a random name, never served publicly."""
from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.services.errors import DomainError

log = logging.getLogger("portal.attachments")

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 3
MAX_PIXELS = 40_000_000


class AttachmentError(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class CleanFile:
    data: bytes
    content_type: str
    original_name: str


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _safe_name(name: str, content_type: str) -> str:
    stem = re.sub(r"[^\w.\- ]+", "", Path(name or "berkas").stem)[:80].strip() or "berkas"
    extension = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}[content_type]
    return stem + extension


def _reencode(data: bytes, content_type: str) -> bytes:
    """Decode and re-encode an image: drops EXIF (GPS location, camera) and any hidden payload."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                out = io.BytesIO()
                if content_type == "image/jpeg":
                    image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
                else:
                    image.save(out, "PNG", optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):  # fmt: skip
        raise AttachmentError(_("Gambar tidak bisa dibaca atau rusak. Kirim foto lain.")) from None
    return out.getvalue()


def clean_upload(*, data: bytes, filename: str) -> CleanFile:
    """Check one uploaded file and return what may be stored."""
    if not data:
        raise AttachmentError(_("Berkas %(name)s kosong.", name=(filename or "")[:60]))
    if len(data) > MAX_BYTES:
        raise AttachmentError(
            _("Berkas %(name)s lebih dari 5 MB. Kecilkan atau foto ulang dengan resolusi lebih rendah.",
              name=(filename or "")[:60])
        )  # fmt: skip
    content_type = _sniff(data[:16])
    if content_type is None:
        raise AttachmentError(
            _("Berkas %(name)s bukan JPG, PNG atau PDF. Kirim foto atau PDF.", name=(filename or "")[:60])
        )
    if content_type == "application/pdf":
        if b"%%EOF" not in data[-2048:]:
            raise AttachmentError(_("PDF %(name)s tidak lengkap atau rusak.", name=(filename or "")[:60]))
        clean = data
    else:
        clean = _reencode(data, content_type)
    return CleanFile(data=clean, content_type=content_type, original_name=_safe_name(filename, content_type))


@dataclass(frozen=True, slots=True)
class StoredFile:
    storage_key: str
    size: int
    sha256: str


def store(*, directory: Path, file: CleanFile) -> StoredFile:
    """Write the file under a random key; fsync so a record never points at a missing file."""
    key = secrets.token_hex(20)
    path = directory / key
    try:
        directory.mkdir(parents=True, exist_ok=True)  # fails too if a file sits in its place
        with open(path, "xb") as handle:
            handle.write(file.data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        log.error("attachment not stored in %s: %s", directory, error)
        with contextlib.suppress(OSError):  # on a read-only or missing directory there is nothing
            path.unlink(missing_ok=True)
        raise AttachmentError(
            _("Berkas tidak bisa disimpan saat ini. Coba lagi nanti, atau kirim pengaduan tanpa lampiran.")
        ) from None
    return StoredFile(storage_key=key, size=len(file.data), sha256=hashlib.sha256(file.data).hexdigest())


def remove(*, directory: Path, storage_key: str) -> None:
    (directory / storage_key).unlink(missing_ok=True)


# A file and its row live or die together: a file written in a transaction that is rolled back
# is removed with it, and a file whose row is deleted goes only once that deletion is committed.
_WRITTEN, _UNLINK = "sigap_files_written", "sigap_files_to_remove"


def written_in(session: Session, path: Path) -> None:
    session.info.setdefault(_WRITTEN, []).append(path)


def remove_after_commit(session: Session, path: Path) -> None:
    session.info.setdefault(_UNLINK, []).append(path)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    _unlink(session.info.pop(_UNLINK, []))


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction) -> None:
    """Rolled back or closed without a commit (a commit has emptied both lists already)."""
    if transaction.parent is None:
        session.info.pop(_UNLINK, None)
        _unlink(session.info.pop(_WRITTEN, []))


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:  # never fail a commit or a rollback over a file
            log.error("attachment file not removed: %s", error)
