"""Residents' files: JPEG, PNG or PDF up to 5 MB, type checked by content, images re-encoded
(EXIF stripped) and PDFs rewritten without scripts or embedded files, in a child process with a
CPU and memory limit; stored outside static/ under a random name, never served publicly."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from portal.complaints.services import upload_cleaning
from portal.complaints.services.upload_cleaning import JPEG, MAX_PDF_PAGES, PDF, PNG, Refused
from portal.core.bounded import Limits, Overrun, run_bounded
from portal.core.errors import DomainError

log = logging.getLogger("portal.attachments")

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 3
# What checking one file may cost at most. The worst image that passes the header checks takes
# about 0.6 s of CPU here (docs/benchmarks.md); a PDF or image that needs more is refused.
LIMITS = Limits(cpu_seconds=2.0, memory_bytes=768 * 1024 * 1024, wall_seconds=20.0)


class AttachmentError(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class CleanFile:
    data: bytes
    content_type: str
    original_name: str


def _safe_name(name: str, content_type: str) -> str:
    stem = re.sub(r"[^\w.\- ]+", "", Path(name or "berkas").stem)[:80].strip() or "berkas"
    extension = {JPEG: ".jpg", PNG: ".png", PDF: ".pdf"}[content_type]
    return stem + extension


def clean_upload(*, data: bytes, filename: str, limits: Limits = LIMITS) -> CleanFile:
    """Check one uploaded file and return what may be stored (AttachmentError says why not)."""
    name = (filename or "")[:60]
    if not data:
        raise AttachmentError(_("Berkas %(name)s kosong.", name=name))
    if len(data) > MAX_BYTES:
        raise AttachmentError(
            _("Berkas %(name)s lebih dari 5 MB. Kecilkan atau foto ulang dengan resolusi lebih rendah.", name=name)
        )
    if upload_cleaning.sniff(data[:16]) is None:
        raise AttachmentError(_("Berkas %(name)s bukan JPG, PNG atau PDF. Kirim foto atau PDF.", name=name))
    try:
        cleaned, _cpu = run_bounded(upload_cleaning.clean, data, limits=limits)
    except Refused as refused:
        raise AttachmentError(_refusal_message(refused, name)) from None
    except Overrun as overrun:
        log.warning("upload refused: checking it went over its %s limit", overrun.what)
        raise AttachmentError(_too_complex(name)) from None
    return CleanFile(
        data=cleaned.data, content_type=cleaned.content_type, original_name=_safe_name(filename, cleaned.content_type)
    )


def _too_complex(name: str) -> str:
    return _(
        "Berkas %(name)s terlalu rumit untuk diperiksa. Kirim foto biasa dari kamera ponsel, atau PDF hasil "
        "pindai yang lebih sederhana.",
        name=name,
    )


def _refusal_message(refused: Refused, name: str) -> str:
    details = refused.details
    if refused.reason == "pixels" and "width" not in details:
        return _(
            "Foto %(name)s terlalu besar (lebih dari %(limit)s juta piksel). Foto ulang dengan resolusi lebih "
            "rendah, atau kecilkan dulu di ponsel.",
            name=name,
            limit=details["limit"],
        )
    if refused.reason == "pixels":
        return _(
            "Foto %(name)s terlalu besar: %(width)s × %(height)s piksel (paling besar %(limit)s juta piksel). "
            "Foto ulang dengan resolusi lebih rendah, atau kecilkan dulu di ponsel.",
            name=name,
            width=details["width"],
            height=details["height"],
            limit=details["limit"],
        )
    if refused.reason == "pdf_encrypted":
        return _(
            "PDF %(name)s dikunci dengan kata sandi atau enkripsi. Simpan ulang tanpa kata sandi, atau kirim "
            "foto dokumennya.",
            name=name,
        )
    if refused.reason == "pdf_pages":
        return _(
            "PDF %(name)s terlalu banyak halaman (%(pages)s; paling banyak %(limit)s). Kirim hanya halaman "
            "yang diperlukan.",
            name=name,
            pages=details["pages"],
            limit=MAX_PDF_PAGES,
        )
    if refused.reason == "pdf_truncated":
        return _("PDF %(name)s tidak lengkap atau rusak.", name=name)
    if refused.reason == "pdf_unreadable":
        return _(
            "PDF %(name)s tidak bisa dibaca. Simpan ulang sebagai PDF dari aplikasinya, atau kirim foto dokumennya.",
            name=name,
        )
    if refused.reason == "scans":
        return _too_complex(name)
    if refused.reason == "type":
        return _("Berkas %(name)s bukan JPG, PNG atau PDF. Kirim foto atau PDF.", name=name)
    return _("Gambar tidak bisa dibaca atau rusak. Kirim foto lain.")


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
def _ended(session: Session, transaction: SessionTransaction) -> None:
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
