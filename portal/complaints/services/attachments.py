"""Residents' files: photos (JPEG, PNG, or HEIC from an iPhone, kept as JPEG) up to 15 MB and PDFs
up to 5 MB, type checked by content, images re-encoded (EXIF stripped, downscaled: what is kept is
a few MB) and PDFs rewritten without scripts or embedded files, in a child process with a CPU and
memory limit; kept in the file store's "attachments" area (portal.core.files) under a
random key, never served publicly."""

from __future__ import annotations

import enum
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from portal.complaints.services import upload_cleaning
from portal.complaints.services.upload_cleaning import HEIC, JPEG, MAX_PDF_PAGES, PDF, PNG, Refused
from portal.core.bounded import Limits, Overrun, run_bounded
from portal.core.errors import DomainError
from portal.core.files import FileStore, StoreUnavailable, Written

log = logging.getLogger("portal.attachments")

MB = 1024 * 1024
# A phone photo is re-encoded and downscaled before it is kept, so its size as sent matters only
# for the upload: 15 MB takes a 50-megapixel JPEG or a HEIC straight from the camera. A PDF is kept
# as sent (rewritten, not shrunk): 5 MB.
MAX_IMAGE_BYTES = 15 * MB
MAX_PDF_BYTES = 5 * MB
MAX_BYTES = MAX_IMAGE_BYTES  # the most read of one file
MAX_BYTES_BY_TYPE = {JPEG: MAX_IMAGE_BYTES, PNG: MAX_IMAGE_BYTES, HEIC: MAX_IMAGE_BYTES, PDF: MAX_PDF_BYTES}
MAX_FILES = 3
# What checking one file may cost at most. The worst image that passes the header checks takes
# about 0.6 s of CPU here (docs/benchmarks.md); a PDF or image that needs more is refused.
LIMITS = Limits(cpu_seconds=2.0, memory_bytes=768 * 1024 * 1024, wall_seconds=20.0)


class AttachmentRefusal(enum.StrEnum):
    """Why a file was refused; `name` (the file's name, shortened) comes with each but the last two."""

    EMPTY = "empty"
    TOO_BIG = "too_big"  # limit (in MB)
    PDF_TOO_BIG = "pdf_too_big"  # limit, photos (in MB)
    NOT_A_TYPE = "not_a_type"
    TOO_COMPLEX = "too_complex"
    TOO_MANY_PIXELS = "too_many_pixels"  # limit
    TOO_MANY_PIXELS_SIZED = "too_many_pixels_sized"  # width, height, limit
    PDF_ENCRYPTED = "pdf_encrypted"
    PDF_PAGES = "pdf_pages"  # pages, limit
    PDF_TRUNCATED = "pdf_truncated"
    PDF_UNREADABLE = "pdf_unreadable"
    UNREADABLE = "unreadable"
    NOT_STORED = "not_stored"


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
        raise AttachmentError(AttachmentRefusal.EMPTY, name=name)
    content_type = upload_cleaning.sniff(data[:16])
    if len(data) > MAX_BYTES_BY_TYPE.get(content_type or "", MAX_BYTES):
        if content_type == PDF:
            raise AttachmentError(
                AttachmentRefusal.PDF_TOO_BIG, name=name, limit=MAX_PDF_BYTES // MB, photos=MAX_IMAGE_BYTES // MB
            )
        raise AttachmentError(AttachmentRefusal.TOO_BIG, name=name, limit=MAX_IMAGE_BYTES // MB)
    if content_type is None:
        raise AttachmentError(AttachmentRefusal.NOT_A_TYPE, name=name)
    try:
        cleaned, _cpu = run_bounded(upload_cleaning.clean, data, limits=limits)
    except Refused as refused:
        raise _refusal(refused, name) from None
    except Overrun as overrun:
        log.warning("upload refused: checking it went over its %s limit", overrun.what)
        raise AttachmentError(AttachmentRefusal.TOO_COMPLEX, name=name) from None
    return CleanFile(
        data=cleaned.data, content_type=cleaned.content_type, original_name=_safe_name(filename, cleaned.content_type)
    )


def _refusal(refused: Refused, name: str) -> AttachmentError:
    details = refused.details
    match refused.reason:
        case "pixels" if "width" not in details:
            return AttachmentError(AttachmentRefusal.TOO_MANY_PIXELS, name=name, limit=details["limit"])
        case "pixels":
            return AttachmentError(
                AttachmentRefusal.TOO_MANY_PIXELS_SIZED,
                name=name,
                width=details["width"],
                height=details["height"],
                limit=details["limit"],
            )
        case "pdf_encrypted":
            return AttachmentError(AttachmentRefusal.PDF_ENCRYPTED, name=name)
        case "pdf_pages":
            return AttachmentError(AttachmentRefusal.PDF_PAGES, name=name, pages=details["pages"], limit=MAX_PDF_PAGES)
        case "pdf_truncated":
            return AttachmentError(AttachmentRefusal.PDF_TRUNCATED, name=name)
        case "pdf_unreadable":
            return AttachmentError(AttachmentRefusal.PDF_UNREADABLE, name=name)
        case "scans":
            return AttachmentError(AttachmentRefusal.TOO_COMPLEX, name=name)
        case "type":
            return AttachmentError(AttachmentRefusal.NOT_A_TYPE, name=name)
    return AttachmentError(AttachmentRefusal.UNREADABLE, name=name)


def keep(*, store: FileStore, session: Session, file: CleanFile) -> Written:
    """Put the file under a random key, in `session`'s transaction: it goes if the transaction is
    rolled back (local folder: fsynced before the row, removed on rollback; database: rows of the
    same transaction), so a record never points at a missing file."""
    try:
        return store.put(data=file.data, session=session)
    except StoreUnavailable:
        raise AttachmentError(AttachmentRefusal.NOT_STORED) from None
