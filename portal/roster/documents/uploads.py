"""Roster files uploaded by admins, kept in the file store (Area.ROSTER_UPLOADS) until their
background import is done: the consumer that imports may run on another node than the web
server that received the file."""

from __future__ import annotations

from typing import BinaryIO

from sqlalchemy.orm import Session

from portal.core.files import Area, FileMissing, FileStore
from portal.web.settings import file_store


def _store() -> FileStore:
    return file_store(Area.ROSTER_UPLOADS)


def _key(job_id: str) -> str:
    return f"{job_id}.csv"


def keep(job_id: str, stream: BinaryIO, *, session: Session) -> int:
    """The upload, streamed into the store (never whole in memory) in the request's transaction,
    so that the file and its job are committed together; its size in bytes."""
    return _store().put(data=stream, session=session, key=_key(job_id)).size


def open_kept(job_id: str) -> BinaryIO | None:
    try:
        return _store().open(_key(job_id))
    except FileMissing:
        return None


def forget(job_id: str) -> None:
    store = _store()
    if store.exists(_key(job_id)):
        store.delete(key=_key(job_id), session=None)
