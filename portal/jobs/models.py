"""A background job and the parts it is cut into (a letter batch's chunks of letters).

The job's row is its whole state: any web node shows it, any consumer advances it. A part is
claimed by a consumer with a lease; a part whose lease ran out (its consumer killed) is made again.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.base import Base, UTCDateTime, str_enum, utcnow


class JobKind(enum.StrEnum):
    LETTER_BATCH = "surat_massal"
    ROSTER_IMPORT = "impor_data"


class JobState(enum.StrEnum):
    ANTRE = "antre"  # waiting for its turn (a cap on batches at once, or a busy queue)
    MENYIAPKAN = "menyiapkan"  # numbering letters, reading a file
    MEMBUAT = "membuat"  # its parts are being made, on any consumer
    MENGGABUNG = "menggabung"  # the last part is done: one PDF is being made from them
    SELESAI = "selesai"
    GAGAL = "gagal"


RUNNING = (JobState.MENYIAPKAN, JobState.MEMBUAT, JobState.MENGGABUNG)


class PartState(enum.StrEnum):
    ANTRE = "antre"
    MEMBUAT = "membuat"
    SELESAI = "selesai"


class BackgroundJob(Base):
    __tablename__ = "background_job"

    id: Mapped[str] = mapped_column(sa.String(24), primary_key=True)  # random hex: shown in URLs
    kind: Mapped[JobKind] = mapped_column(str_enum(JobKind), index=True)
    scope: Mapped[str | None] = mapped_column(sa.String(20))  # kelurahan | kecamatan | semua
    region_code: Mapped[str | None] = mapped_column(sa.String(20))
    label: Mapped[str] = mapped_column(sa.String(200))
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"))
    started_by_name: Mapped[str] = mapped_column(sa.String(200))
    state: Mapped[JobState] = mapped_column(str_enum(JobState), index=True, default=JobState.ANTRE)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    # What the job made: counts, the stored file's key and size (per kind; see its services).
    result: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    runs: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Moved on by every step: a running job whose heartbeat stopped lost its consumer.
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class JobPart(Base):
    __tablename__ = "background_job_part"

    job_id: Mapped[str] = mapped_column(sa.ForeignKey("background_job.id", ondelete="CASCADE"), primary_key=True)
    index: Mapped[int] = mapped_column(primary_key=True)
    items: Mapped[str] = mapped_column(sa.Text)  # what the part holds, e.g. letter ids "12,13,14"
    size: Mapped[int]  # how many items
    state: Mapped[PartState] = mapped_column(str_enum(PartState), default=PartState.ANTRE)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(80))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.Index("ix_background_job_part_state", "job_id", "state"),)
