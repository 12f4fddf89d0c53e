"""Reading uploaded files from a form into cleaned files, with a message per bad file.

The number of files is checked first: when more are chosen than there is room for, none of them
is read (nor decoded), and the resident is told how many may still be added. Then the request
takes one of UPLOAD_CHECK_SLOTS places shared by all workers of the machine for the time its
files are checked: with sync workers, uploads can never hold every worker, so a resident who only
checks a status is still served. A request that finds no place within a second is answered 503
(what was typed is kept; the files are to be sent again)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from flask import current_app, request
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from portal.complaints.labels import error_message
from portal.complaints.services.attachments import MAX_BYTES, MAX_FILES, AttachmentError, CleanFile, clean_upload
from portal.core.bounded import slot

SLOT_WAIT_SECONDS = 1.0


class Uploads(NamedTuple):
    files: list[CleanFile]
    errors: list[str]
    busy: bool = False  # no place to check them now: answer 503


def read_uploads(storages: list[FileStorage] | None, *, attached: Sequence[str] = ()) -> Uploads:
    """`attached`: the names of the files attached before (a draft's), which count towards
    MAX_FILES and are named when there is no room."""
    chosen = [s for s in storages or [] if isinstance(s, FileStorage) and s.filename]
    room = max(MAX_FILES - len(attached), 0)
    if len(chosen) > room:
        return Uploads([], [too_many(chosen=len(chosen), attached=attached)])
    if not chosen:
        return Uploads([], [])
    slots = Path(current_app.instance_path) / "upload-check-slots"
    with slot(slots, slots=current_app.config["UPLOAD_CHECK_SLOTS"], wait_seconds=SLOT_WAIT_SECONDS) as free:
        if not free:
            return Uploads(
                [],
                [
                    _(
                        "Banyak berkas sedang diperiksa saat ini. Isian Anda sudah tersimpan; tunggu "
                        "sebentar, lalu pilih dan kirim berkasnya lagi."
                    )
                ],
                busy=True,
            )
        clean, errors = [], []
        for storage in chosen:
            data = storage.stream.read(MAX_BYTES + 1)
            try:
                clean.append(clean_upload(data=data, filename=storage.filename or ""))  # `chosen` has names
            except AttachmentError as error:
                errors.append(error_message(error))
    return Uploads(clean, errors)


def read_field(field) -> Uploads:
    """The files chosen in a form's file field (an answer's, an appeal's), read and checked as by
    read_uploads; each refusal is added to the field's errors, so the form shows it beside it."""
    uploads = read_uploads(request.files.getlist(field.name))
    if uploads.errors:
        field.errors = [*field.errors, *uploads.errors]
    return uploads


def too_many(*, chosen: int, attached: Sequence[str]) -> str:
    if not attached:  # nothing to remove: only the choice was too large
        return _(
            "Pilih paling banyak %(max)s berkas sekaligus; Anda memilih %(chosen)s. Belum ada yang terkirim: "
            "pilih lagi, paling banyak %(max)s.",
            max=MAX_FILES,
            chosen=chosen,
        )
    return _(
        "Paling banyak %(max)s lampiran. Sudah terunggah %(already)s (%(names)s), jadi Anda bisa menambah "
        "%(room)s lagi (Anda memilih %(chosen)s). Hapus lampiran yang sudah terunggah dengan tombol “Hapus” di "
        "daftarnya, atau pilih lebih sedikit berkas.",
        max=MAX_FILES,
        already=len(attached),
        names=", ".join(attached),
        room=max(MAX_FILES - len(attached), 0),
        chosen=chosen,
    )
