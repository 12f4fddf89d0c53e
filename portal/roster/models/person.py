"""The roster: people Disnaker/Dinsos matched, their status, and how it changed."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.base import Base, UTCDateTime, str_enum, utcnow
from portal.core.nik import Sex


class PersonStatus(enum.StrEnum):
    AKTIF = "aktif"
    PROSES = "proses"
    DAFTAR_TUNGGU = "daftar_tunggu"
    NONAKTIF = "nonaktif"
    TIDAK_MEMENUHI_SYARAT = "tidak_memenuhi_syarat"


class StatusReason(enum.StrEnum):
    BUKAN_DTSEN = "bukan_dtsen"
    DESIL_DI_ATAS_5 = "desil_di_atas_5"
    BUKAN_WARGA_KOTA_BEKASI = "bukan_warga_kota_bekasi"
    SUDAH_PESERTA_LAIN = "sudah_peserta_lain"
    MENINGGAL = "meninggal"
    PINDAH = "pindah"


class RosterImportBatch(Base):
    __tablename__ = "roster_import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    file_sha256: Mapped[str] = mapped_column(sa.String(64))
    imported_by: Mapped[str] = mapped_column(sa.String(255))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rows_read: Mapped[int] = mapped_column(default=0)
    inserted: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)


class Person(Base):
    __tablename__ = "person"
    # One index beside the NIK's: the active people of a kelurahan (letter batches). Status alone
    # (five values) and kelurahan alone served no query a scan does not, and each index costs
    # every imported row an insert (docs/benchmarks.md, roster import).
    __table_args__ = (
        sa.Index(
            "ix_person_aktif_kelurahan_code",
            "kelurahan_code",
            postgresql_where=sa.text("status = 'aktif'"),
            sqlite_where=sa.text("status = 'aktif'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nik: Mapped[str] = mapped_column(sa.String(16), unique=True)
    nama: Mapped[str] = mapped_column(sa.String(150))
    tanggal_lahir: Mapped[date]
    jenis_kelamin: Mapped[Sex] = mapped_column(str_enum(Sex))
    kelurahan_code: Mapped[str] = mapped_column(sa.String(13))
    pekerjaan: Mapped[str] = mapped_column(sa.String(120), default="")
    desil: Mapped[int | None] = mapped_column(sa.SmallInteger)
    status: Mapped[PersonStatus] = mapped_column(str_enum(PersonStatus))
    alasan: Mapped[StatusReason | None] = mapped_column(str_enum(StatusReason))
    kpj: Mapped[str | None] = mapped_column(sa.String(11))
    mulai: Mapped[date | None]
    selesai: Mapped[date | None]
    tanggal_data: Mapped[date]
    import_batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("roster_import_batch.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def kecamatan_code(self) -> str:
        return self.kelurahan_code[:8]


class PersonStatusHistory(Base):
    """The status a person had before an import changed it."""

    __tablename__ = "person_status_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    old_status: Mapped[PersonStatus] = mapped_column(str_enum(PersonStatus))
    old_alasan: Mapped[StatusReason | None] = mapped_column(str_enum(StatusReason))
    new_status: Mapped[PersonStatus] = mapped_column(str_enum(PersonStatus))
    new_alasan: Mapped[StatusReason | None] = mapped_column(str_enum(StatusReason))
    old_tanggal_data: Mapped[date]
    new_tanggal_data: Mapped[date]
    import_batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("roster_import_batch.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
