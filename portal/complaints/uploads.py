"""Reading uploaded files from a form into cleaned files, with a message per bad file.

The number of files is checked first: when more are chosen than there is room for, none of them
is read (nor decoded), and the resident is told how many may still be added."""
from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from portal.services.attachments import MAX_BYTES, MAX_FILES, AttachmentError, CleanFile, clean_upload


def read_uploads(storages: list[FileStorage] | None, *, already: int = 0) -> tuple[list[CleanFile], list[str]]:
    """`already`: files attached before (a draft's), which count towards MAX_FILES."""
    chosen = [s for s in storages or [] if isinstance(s, FileStorage) and s.filename]
    room = max(MAX_FILES - already, 0)
    if len(chosen) > room:
        return [], [too_many(chosen=len(chosen), already=already)]
    clean, errors = [], []
    for storage in chosen:
        data = storage.stream.read(MAX_BYTES + 1)
        try:
            clean.append(clean_upload(data=data, filename=storage.filename))
        except AttachmentError as error:
            errors.append(error.message)
    return clean, errors


def too_many(*, chosen: int, already: int) -> str:
    if already == 0:
        return _("Paling banyak %(max)s lampiran, sedangkan Anda memilih %(chosen)s berkas. Pilih lagi, paling "
                 "banyak %(max)s.", max=MAX_FILES, chosen=chosen)  # fmt: skip
    return _("Paling banyak %(max)s lampiran. Sudah ada %(already)s, jadi Anda bisa menambah %(room)s lagi (Anda "
             "memilih %(chosen)s). Hapus lampiran lain lebih dulu, atau pilih lebih sedikit berkas.",
             max=MAX_FILES, already=already, room=max(MAX_FILES - already, 0), chosen=chosen)  # fmt: skip
