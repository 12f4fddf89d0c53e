"""Files every node reaches: one small interface, two backends (docs/architecture.md, "Files").

A store holds the files of one *area* (attachments, later letter batches, roster rejects…) under
flat keys, streamed in and out in pieces of `CHUNK_BYTES`, never read whole into memory:

- `LocalFileStore`: a folder on this machine (the embedded default, one node only);
- `DatabaseFileStore` (portal.core.files_db): rows of the portal's own database, so every web
  node and every consumer reaches the same files, and the database's backups hold them.

`open_store` picks one from the setting FILE_STORE. What both promise:

- `put(session=…)` and `delete(session=…)` live and die with that session's transaction: a file
  put in a transaction that is rolled back is gone with it, a file deleted goes only once the
  deletion is committed. With `session=None` they act at once (and on their own).
- a key is one name of letters, digits, `.`, `_` and `-` (not starting with a dot); `put`
  without a key makes a random one (40 hex digits); `put` never replaces a file (`KeyTaken`).
- `open` gives a seekable binary reader that holds one piece at a time.
- `listing(older_than=…)` gives the files (key, size, when written) for purges.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import io
import logging
import os
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

log = logging.getLogger("portal.files")

CHUNK_BYTES = 1024 * 1024
KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}")


class Area(enum.StrEnum):
    """The stores' areas: each is a folder of the local store, a value of stored_file.area."""

    ATTACHMENTS = "attachments"  # residents' files (complaints)
    LETTER_BATCHES = "letter-batches"  # a batch's parts and merged PDF (letters; 7 days)
    ROSTER_UPLOADS = "roster-uploads"  # roster files uploaded by admins, until imported


class FileMissing(LookupError):
    """No file under that key (or it was deleted while being read)."""


class KeyTaken(ValueError):
    """A file is already stored under that key: put never replaces one."""


class StoreUnavailable(OSError):
    """The file could not be written (disk full, read-only, not a folder…); nothing was kept."""


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Written:
    key: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class FileInfo:
    key: str
    size: int
    created_at: datetime  # when it was written (UTC)


def new_key() -> str:
    return secrets.token_hex(20)


def checked_key(key: str) -> str:
    if not KEY.fullmatch(key):
        raise ValueError(f"not a file key: {key!r}")
    return key


def pieces(data: bytes | Readable, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """`data` in pieces of exactly `size` bytes (the last may be shorter), whatever the stream
    hands out per read (a pipe or a socket may give less)."""
    if isinstance(data, bytes | bytearray | memoryview):
        view = memoryview(data)
        for start in range(0, len(view), size):
            yield bytes(view[start : start + size])
        return
    while True:
        piece = data.read(size)
        while piece and len(piece) < size:
            more = data.read(size - len(piece))
            if not more:
                break
            piece += more
        if not piece:
            return
        yield piece
        if len(piece) < size:
            return


class FileStore(ABC):
    """The interface; `info` and `open` raise nothing but FileMissing for a missing file."""

    area: str

    @abstractmethod
    def put(self, *, data: bytes | Readable, session: Session | None, key: str | None = None) -> Written: ...

    @abstractmethod
    def open(self, key: str) -> io.BufferedReader: ...

    @abstractmethod
    def info(self, key: str) -> FileInfo | None: ...

    @abstractmethod
    def delete(self, *, key: str, session: Session | None) -> None: ...

    @abstractmethod
    def listing(self, *, older_than: datetime | None = None) -> list[FileInfo]: ...

    def exists(self, key: str) -> bool:
        return self.info(key) is not None

    def size(self, key: str) -> int:
        found = self.info(key)
        if found is None:
            raise FileMissing(key)
        return found.size

    def read_bytes(self, key: str) -> bytes:
        """The whole file: only for small ones (a resident's file: a re-encoded photo or a PDF of at most 5 MB)."""
        with self.open(key) as reader:
            return reader.read()


class LocalFileStore(FileStore):
    """Files in `folder`, one per key, written in place and fsynced before the put returns."""

    def __init__(self, *, area: str, folder: Path) -> None:
        self.area = area
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / checked_key(key)

    def put(self, *, data: bytes | Readable, session: Session | None, key: str | None = None) -> Written:
        key = new_key() if key is None else checked_key(key)
        path = self.folder / key
        digest, size = hashlib.sha256(), 0
        try:
            self.folder.mkdir(parents=True, exist_ok=True)  # fails too if a file sits in its place
            try:
                handle = open(path, "xb")  # noqa: SIM115 (closed below, removed if not complete)
            except FileExistsError:
                raise KeyTaken(key) from None
            with handle:
                try:
                    for piece in pieces(data):
                        handle.write(piece)
                        digest.update(piece)
                        size += len(piece)
                    handle.flush()
                    os.fsync(handle.fileno())
                except BaseException:
                    with contextlib.suppress(OSError):
                        path.unlink(missing_ok=True)
                    raise
        except OSError as error:
            log.error("file not stored in %s: %s", self.folder, error)
            raise StoreUnavailable(str(error)) from None
        if session is not None:
            on_rollback(session, lambda: self._remove(key))
        return Written(key=key, size=size, sha256=digest.hexdigest())

    def open(self, key: str) -> io.BufferedReader:
        try:
            return open(self._path(key), "rb")  # noqa: SIM115 (the caller closes it)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise FileMissing(key) from None

    def info(self, key: str) -> FileInfo | None:
        try:
            stat = self._path(key).stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return FileInfo(key=key, size=stat.st_size, created_at=datetime.fromtimestamp(stat.st_mtime, UTC))

    def delete(self, *, key: str, session: Session | None) -> None:
        checked_key(key)
        if session is None:
            self._remove(key)
        else:
            on_commit(session, lambda: self._remove(key))

    def listing(self, *, older_than: datetime | None = None) -> list[FileInfo]:
        """Only names a key can have: anything else an operator left in the folder is not listed."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in self.folder.iterdir():
            if not KEY.fullmatch(path.name):
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:  # removed meanwhile
                continue
            written = datetime.fromtimestamp(stat.st_mtime, UTC)
            if path.is_file() and (older_than is None or written < older_than):
                found.append(FileInfo(key=path.name, size=stat.st_size, created_at=written))
        return found

    def _remove(self, key: str) -> None:
        try:
            (self.folder / key).unlink(missing_ok=True)
        except OSError as error:  # never fail a commit or a rollback over a file
            log.error("file not removed from %s: %s", self.folder, error)


StoreKind = Literal["local", "database"]


def open_store(*, kind: StoreKind, area: str, folder: Path, engine: Engine) -> FileStore:
    """The store FILE_STORE names for `area`: `folder` is the local one's, `engine` the database's."""
    if kind == "database":
        from portal.core.files_db import DatabaseFileStore

        return DatabaseFileStore(area=area, engine=engine)
    return LocalFileStore(area=area, folder=folder)


def copy_file(*, source: FileStore, target: FileStore, key: str, session: Session) -> Written | None:
    """`key` of `source` put into `target` in `session`'s transaction, streamed; None when
    `target` has it already (`flask files migrate` runs again where it stopped)."""
    if target.exists(key):
        return None
    with source.open(key) as reader:
        return target.put(data=reader, session=session, key=key)


# What happens to files when a transaction ends -------------------------------------------------

_ON_ROLLBACK, _ON_COMMIT = "sigap_files_on_rollback", "sigap_files_on_commit"


def on_rollback(session: Session, undo: Callable[[], None]) -> None:
    """Run `undo` if the session's transaction ends without a commit (a file put in it goes)."""
    _begun(session)
    session.info.setdefault(_ON_ROLLBACK, []).append(undo)


def on_commit(session: Session, then: Callable[[], None]) -> None:
    """Run `then` once the session's transaction is committed (a deleted file goes)."""
    _begun(session)
    session.info.setdefault(_ON_COMMIT, []).append(then)


def _begun(session: Session) -> None:
    """A transaction to end: a file put in a session that has run no statement yet must still go
    if that session rolls back (the session begins one; the database sees nothing until a
    statement is sent)."""
    session.connection()


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_ON_ROLLBACK, None)
    _run(session.info.pop(_ON_COMMIT, []))


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    """Rolled back or closed without a commit (a commit has emptied both lists already)."""
    if transaction.parent is None:
        session.info.pop(_ON_COMMIT, None)
        _run(session.info.pop(_ON_ROLLBACK, []))


def _run(actions: list[Callable[[], None]]) -> None:
    for action in actions:
        try:
            action()
        except Exception:  # never fail a commit or a rollback over a file
            log.exception("file action after the transaction failed")
