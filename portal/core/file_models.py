"""The database file store's tables (portal.core.files_db): one row per file, its bytes in
pieces of at most 1 MB (`chunk_size`, kept per file so that a later size never misreads an
older file), each a row of its own so that no statement ever carries a whole file."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.base import Base, UTCDateTime, utcnow


class StoredFile(Base):
    __tablename__ = "stored_file"
    __table_args__ = (
        sa.UniqueConstraint("area", "key", name="uq_stored_file_area_key"),
        sa.Index("ix_stored_file_area_created_at", "area", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area: Mapped[str] = mapped_column(sa.String(40))
    key: Mapped[str] = mapped_column(sa.String(200))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    chunk_size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class StoredFileChunk(Base):
    __tablename__ = "stored_file_chunk"

    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_file.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)  # 0, 1, 2…: the piece at seq * chunk_size
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
