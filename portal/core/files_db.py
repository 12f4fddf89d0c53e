"""The database file store: the files of an area as rows of the portal's own database, on
SQLite and PostgreSQL alike (why not PostgreSQL's large objects: docs/architecture.md, "Files").

A file is one `stored_file` row and its bytes `stored_file_chunk` rows of `CHUNK_BYTES` each (the
last one shorter). Writing inserts one piece at a time; reading fetches one piece at a time, each
on a connection taken from the pool for that one query, so that a slow download holds neither a
transaction nor more than a piece in memory. With a session, a put or a delete is part of the
session's transaction: committed, rolled back or lost with it (a killed worker leaves nothing).
"""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core.base import utcnow
from portal.core.file_models import StoredFile, StoredFileChunk
from portal.core.files import (
    CHUNK_BYTES,
    FileInfo,
    FileMissing,
    FileStore,
    KeyTaken,
    Readable,
    Written,
    checked_key,
    new_key,
    pieces,
)

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer
    from sqlalchemy.engine import Connection, Engine


class DatabaseFileStore(FileStore):
    def __init__(self, *, area: str, engine: Engine, chunk_bytes: int = CHUNK_BYTES) -> None:
        self.area = area
        self.engine = engine
        self.chunk_bytes = chunk_bytes

    def _where(self, key: str) -> sa.ColumnElement[bool]:
        return sa.and_(StoredFile.area == self.area, StoredFile.key == checked_key(key))

    def put(self, *, data: bytes | Readable, session: Session | None, key: str | None = None) -> Written:
        key = new_key() if key is None else checked_key(key)
        if session is not None:
            return self._put(session.connection(), data, key)
        with self.engine.begin() as conn:
            return self._put(conn, data, key)

    def _put(self, conn: Connection, data: bytes | Readable, key: str) -> Written:
        if conn.execute(sa.select(StoredFile.id).where(self._where(key))).first() is not None:
            raise KeyTaken(key)
        file_id = conn.execute(
            sa.insert(StoredFile)
            .values(area=self.area, key=key, size=0, sha256="", chunk_size=self.chunk_bytes, created_at=utcnow())
            .returning(StoredFile.id)
        ).scalar_one()
        digest, size = hashlib.sha256(), 0
        add_piece = sa.insert(StoredFileChunk)
        for seq, piece in enumerate(pieces(data, self.chunk_bytes)):
            conn.execute(add_piece, {"file_id": file_id, "seq": seq, "data": piece})
            digest.update(piece)
            size += len(piece)
        sha256 = digest.hexdigest()
        conn.execute(sa.update(StoredFile).where(StoredFile.id == file_id).values(size=size, sha256=sha256))
        return Written(key=key, size=size, sha256=sha256)

    def open(self, key: str) -> io.BufferedReader:
        with self.engine.connect() as conn:
            found = conn.execute(
                sa.select(StoredFile.id, StoredFile.size, StoredFile.chunk_size).where(self._where(key))
            ).first()
        if found is None:
            raise FileMissing(key)
        file_id, size, chunk_size = found
        return io.BufferedReader(_PieceReader(self.engine, file_id, size, chunk_size))

    def info(self, key: str) -> FileInfo | None:
        with self.engine.connect() as conn:
            found = conn.execute(sa.select(StoredFile.size, StoredFile.created_at).where(self._where(key))).first()
        return None if found is None else FileInfo(key=key, size=found.size, created_at=found.created_at)

    def delete(self, *, key: str, session: Session | None) -> None:
        if session is not None:
            self._delete(session.connection(), key)
            return
        with self.engine.begin() as conn:
            self._delete(conn, key)

    def _delete(self, conn: Connection, key: str) -> None:
        ids = sa.select(StoredFile.id).where(self._where(key)).scalar_subquery()
        conn.execute(sa.delete(StoredFileChunk).where(StoredFileChunk.file_id == ids))
        conn.execute(sa.delete(StoredFile).where(self._where(key)))

    def listing(self, *, older_than: datetime | None = None) -> list[FileInfo]:
        query = sa.select(StoredFile.key, StoredFile.size, StoredFile.created_at).where(StoredFile.area == self.area)
        if older_than is not None:
            query = query.where(StoredFile.created_at < older_than)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(StoredFile.created_at, StoredFile.id)).all()
        return [FileInfo(key=row.key, size=row.size, created_at=row.created_at) for row in rows]


class _PieceReader(io.RawIOBase):
    """A stored file read one piece at a time (the piece under the position is kept)."""

    def __init__(self, engine: Engine, file_id: int, size: int, chunk_size: int) -> None:
        super().__init__()
        self._engine, self._file_id, self._size, self._chunk_size = engine, file_id, size, chunk_size
        self._position, self._seq, self._piece = 0, -1, b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position

    def readinto(self, buffer: WriteableBuffer) -> int:
        if self._position >= self._size:
            return 0
        seq, within = divmod(self._position, self._chunk_size)
        if seq != self._seq:
            self._piece, self._seq = b"", -1  # the old piece goes before the next one comes
            self._piece, self._seq = self._fetch(seq), seq
        target = memoryview(buffer).cast("B")
        piece = memoryview(self._piece)[within : within + len(target)]
        target[: len(piece)] = piece
        self._position += len(piece)
        return len(piece)

    def _fetch(self, seq: int) -> bytes:
        query = sa.select(StoredFileChunk.data).where(
            StoredFileChunk.file_id == self._file_id, StoredFileChunk.seq == seq
        )
        with self._engine.connect() as conn:
            data = conn.execute(query).scalar()
        if data is None:
            raise FileMissing(f"deleted while being read (piece {seq})")
        return bytes(data)

    def close(self) -> None:
        self._piece = b""
        super().close()
