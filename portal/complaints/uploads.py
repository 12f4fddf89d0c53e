"""Reading uploaded files from a form into cleaned files, with a message per bad file."""
from __future__ import annotations

from werkzeug.datastructures import FileStorage

from portal.services.attachments import MAX_BYTES, AttachmentError, CleanFile, clean_upload


def read_uploads(storages: list[FileStorage] | None) -> tuple[list[CleanFile], list[str]]:
    clean, errors = [], []
    for storage in storages or []:
        if not isinstance(storage, FileStorage) or not storage.filename:
            continue
        data = storage.stream.read(MAX_BYTES + 1)
        try:
            clean.append(clean_upload(data=data, filename=storage.filename))
        except AttachmentError as error:
            errors.append(error.message)
    return clean, errors
