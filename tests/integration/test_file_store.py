"""The file store (portal.core.files): the same cases on both backends (a local folder, the
portal's own database), each on SQLite and PostgreSQL. Real folders and real databases; a
50 MB file goes in and out streamed, with a bound on what Python holds meanwhile."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.core.base import utcnow
from portal.core.file_models import StoredFile, StoredFileChunk
from portal.core.files import FileMissing, FileStore, KeyTaken, LocalFileStore, copy_file
from portal.core.files_db import DatabaseFileStore
from portal.extensions import db

SMALL_PIECES = 1000  # the database store in pieces of 1,000 bytes: many pieces from small files


@pytest.fixture(params=["local", "database"])
def store(request, app, tmp_path) -> FileStore:
    if request.param == "local":
        return LocalFileStore(area="test", folder=tmp_path / "files")
    return DatabaseFileStore(area="test", engine=db.engine, chunk_bytes=SMALL_PIECES)


def backdate(store: FileStore, key: str, moment: datetime) -> None:
    """The file's time set on the test's clock (local: the kernel stamps files with the real one)."""
    if isinstance(store, LocalFileStore):
        os.utime(store.folder / key, (moment.timestamp(), moment.timestamp()))
        return
    with db.engine.begin() as conn:
        conn.execute(sa.update(StoredFile).where(StoredFile.key == key).values(created_at=moment))


class Trickle(io.RawIOBase):
    """A stream that hands out at most `most` bytes per read, like a pipe or a socket."""

    def __init__(self, data: bytes, most: int) -> None:
        self.data, self.most, self.at = data, most, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self.most if size < 0 else min(size, self.most)
        piece = self.data[self.at : self.at + size]
        self.at += len(piece)
        return piece


class Generated(io.RawIOBase):
    """`total` bytes made on demand (never all in memory), the same for the same seed."""

    def __init__(self, total: int, seed: bytes = b"sigap") -> None:
        self.total, self.at, self.block = total, 0, hashlib.sha512(seed).digest() * 1024  # 64 KiB

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = min(len(self.block), self.total - self.at if size < 0 else min(size, self.total - self.at))
        self.at += size
        return self.block[:size]


def test_a_file_goes_in_and_comes_out_the_same(store):
    data = os.urandom(2500)  # three pieces in the database store, the last one short
    written = store.put(data=data, session=None)
    assert len(written.key) == 40 and written.size == 2500 and written.sha256 == hashlib.sha256(data).hexdigest()
    assert store.exists(written.key) and store.size(written.key) == 2500
    assert store.read_bytes(written.key) == data
    with store.open(written.key) as reader:
        assert reader.read(10) == data[:10]
        reader.seek(1995)
        assert reader.read(10) == data[1995:2005]  # across a piece boundary
        reader.seek(-5, io.SEEK_END)
        assert reader.read() == data[-5:] and reader.read(1) == b""


def test_a_stream_with_short_reads_and_an_empty_file(store):
    data = os.urandom(4321)
    written = store.put(data=Trickle(data, most=333), session=None, key="part-1.pdf")
    assert written.key == "part-1.pdf" and store.read_bytes("part-1.pdf") == data
    empty = store.put(data=b"", session=None)
    assert empty.size == 0 and store.read_bytes(empty.key) == b"" and store.exists(empty.key)


def test_a_key_is_never_replaced_nor_outside_the_area(store):
    store.put(data=b"first", session=None, key="rejects-7.csv")
    with pytest.raises(KeyTaken):
        store.put(data=b"second", session=None, key="rejects-7.csv")
    assert store.read_bytes("rejects-7.csv") == b"first"
    for bad in ("../etc/passwd", ".hidden", "a/b", "", "x" * 201, "nama berkas"):
        with pytest.raises(ValueError, match="not a file key"):
            store.put(data=b"x", session=None, key=bad)
    other = (
        LocalFileStore(area="other", folder=store.folder.parent / "other")
        if isinstance(store, LocalFileStore)
        else DatabaseFileStore(area="other", engine=db.engine)
    )
    assert not other.exists("rejects-7.csv")


def test_a_missing_file_says_so(store):
    assert store.info("nothing-here") is None and not store.exists("nothing-here")
    with pytest.raises(FileMissing):
        store.open("nothing-here")
    with pytest.raises(FileMissing):
        store.size("nothing-here")
    store.delete(key="nothing-here", session=None)  # nothing to do


def test_a_put_lives_and_dies_with_its_transaction(store):
    kept = store.put(data=b"committed", session=db.session)
    db.session.commit()
    dropped = store.put(data=b"rolled back", session=db.session)
    db.session.rollback()
    assert store.read_bytes(kept.key) == b"committed"
    assert not store.exists(dropped.key)


def test_a_delete_happens_only_once_committed(store):
    key = store.put(data=b"KK", session=None).key
    store.delete(key=key, session=db.session)
    db.session.rollback()
    assert store.read_bytes(key) == b"KK"
    store.delete(key=key, session=db.session)
    db.session.commit()
    assert not store.exists(key)
    if isinstance(store, DatabaseFileStore):  # no piece left behind
        with db.engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(StoredFileChunk)).scalar() == 0


def test_the_listing_gives_what_is_older_than_asked(store):
    now = utcnow()
    old, recent = store.put(data=b"old", session=None).key, store.put(data=b"new", session=None).key
    backdate(store, old, now - timedelta(days=8))
    backdate(store, recent, now - timedelta(hours=1))
    assert {f.key for f in store.listing()} == {old, recent}
    (found,) = store.listing(older_than=now - timedelta(days=7))
    assert (found.key, found.size) == (old, 3)
    assert abs(found.created_at - (now - timedelta(days=8))) < timedelta(seconds=1)
    assert store.listing(older_than=now - timedelta(days=9)) == []


def test_a_file_is_copied_from_one_store_to_the_other(store, tmp_path):
    source = LocalFileStore(area="test", folder=tmp_path / "source")
    data = os.urandom(3000)
    source.put(data=data, session=None, key="a" * 40)
    assert copy_file(source=source, target=store, key="a" * 40, session=db.session).size == 3000
    db.session.commit()
    assert store.read_bytes("a" * 40) == data
    assert copy_file(source=source, target=store, key="a" * 40, session=db.session) is None  # there already


@pytest.mark.parametrize("kind", ["local", "database"])
def test_a_50_mb_file_is_written_and_read_streamed_in_constant_memory(app, tmp_path, kind):
    store = (
        LocalFileStore(area="test", folder=tmp_path / "files")
        if kind == "local"
        else DatabaseFileStore(area="test", engine=db.engine)  # the real 1 MB pieces
    )
    total = 50 * 1024 * 1024
    expected = hashlib.sha256()
    source = Generated(total)
    while piece := source.read(1 << 20):
        expected.update(piece)

    tracemalloc.start()
    try:
        written = store.put(data=Generated(total), session=db.session)
        db.session.commit()
        _, write_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        digest, size = hashlib.sha256(), 0
        with store.open(written.key) as reader:
            while piece := reader.read(64 * 1024):
                digest.update(piece)
                size += len(piece)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written.size == size == total and written.sha256 == digest.hexdigest() == expected.hexdigest()
    # A few pieces at most, not the 50 MB: what Python allocated at its peak while writing, and
    # while reading the whole file.
    assert write_peak < 8 * 1024 * 1024, write_peak
    assert read_peak < 8 * 1024 * 1024, read_peak
    peaks = f"write peak {write_peak / 2**20:.1f} MiB, read peak {read_peak / 2**20:.1f} MiB"
    print(f"\n{kind} on {db.engine.dialect.name}: {peaks}")
