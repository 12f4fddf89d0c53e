"""A letter batch's parts and merged PDF, in the file store every node reaches (Area.LETTER_BATCHES:
LETTER_BATCH_DIR on the local store, rows in the database with FILE_STORE=database), so that any
consumer renders a part, another merges them, and any web node sends the PDF."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Response

from portal.core.files import Area, FileStore, KeyTaken
from portal.web.files import send_stored
from portal.web.settings import file_store

MERGED = "surat.pdf"


def _store() -> FileStore:
    return file_store(Area.LETTER_BATCHES)


def part_name(index: int) -> str:
    return f"part-{index:05d}.pdf"


def _key(job_id: str, name: str) -> str:
    return f"{job_id}-{name}"


def put(job_id: str, name: str, data: bytes) -> None:
    """Whole or absent. A part made again after its first maker's lease ran out may find that
    maker's copy already stored: the same letters, so that copy stands."""
    try:
        _store().put(data=data, session=None, key=_key(job_id, name))
    except KeyTaken:
        pass


def put_file(job_id: str, name: str, source: Path) -> int:
    store = _store()
    key = _key(job_id, name)
    if store.exists(key):
        store.delete(key=key, session=None)
    with source.open("rb") as handle:
        return store.put(data=handle, session=None, key=key).size


def copy_to(job_id: str, name: str, target: Path) -> None:
    """The stored file copied to `target` (a consumer's scratch folder)."""
    with _store().open(_key(job_id, name)) as reader, target.open("wb") as out:
        shutil.copyfileobj(reader, out, 1 << 20)


def exists(job_id: str, name: str) -> bool:
    return _store().exists(_key(job_id, name))


def send_merged(job_id: str, *, download_name: str) -> Response:
    return send_stored(_store(), _key(job_id, MERGED), mimetype="application/pdf", download_name=download_name)


def delete(job_id: str, names: list[str] | None = None) -> None:
    """The named files of a job, or all of them."""
    store = _store()
    keys = (
        [_key(job_id, name) for name in names]
        if names is not None
        else [info.key for info in store.listing() if info.key.startswith(f"{job_id}-")]
    )
    for key in keys:
        if store.exists(key):
            store.delete(key=key, session=None)
