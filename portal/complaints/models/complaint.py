"""Complaints (pengaduan): the case, its public/internal timeline, attachments and drafts."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.base import Base, UTCDateTime, str_enum, utcnow
from portal.core.filers import FilerRelation
from portal.core.trail import ActorColumns, actor_check


class ComplaintCategory(enum.StrEnum):
    TERLEWAT = "terlewat"  # exclusion: eligible but missed
    DATA_SALAH = "data_salah"  # correction
    MASALAH_KARTU_KLAIM = "masalah_kartu_klaim"  # enrolled, card or benefit problem
    PENERIMA_TIDAK_LAYAK = "penerima_tidak_layak"  # inclusion error report
    PUNGLI = "pungli"  # misconduct, brokers, illegal fees: always confidential
    INFORMASI = "informasi"
    LAINNYA = "lainnya"
    USULAN_CALON = "usulan_calon"  # candidate proposal for verification, filed by an officer (assisted)


class ComplaintStatus(enum.StrEnum):
    DITERIMA = "diterima"
    DIVERIFIKASI = "diverifikasi"
    MENUNGGU_INFORMASI = "menunggu_informasi"
    DIRUJUK = "dirujuk"
    SELESAI = "selesai"
    DITOLAK = "ditolak"
    BANDING = "banding"
    DITUTUP = "ditutup"


class ContactChannel(enum.StrEnum):
    TELEPON = "telepon"
    WHATSAPP = "whatsapp"


class EventKind(enum.StrEnum):
    DIBUAT = "dibuat"
    STATUS = "status"
    BALASAN = "balasan"  # public reply from an officer
    CATATAN = "catatan"  # internal note, never shown to the resident
    JAWABAN_WARGA = "jawaban_warga"  # resident's answer to a request for information
    TAMBAHAN_INFO = "tambahan_info"  # information added to an open case by someone filing again
    PENILAIAN = "penilaian"  # puas / belum puas


class Satisfaction(enum.StrEnum):
    PUAS = "puas"
    BELUM_PUAS = "belum_puas"


class ReferralAgency(enum.StrEnum):
    DUKCAPIL = "dukcapil"
    DINSOS = "dinsos"
    BPJS_KETENAGAKERJAAN = "bpjs_ketenagakerjaan"
    SP4N_LAPOR = "sp4n_lapor"
    LAINNYA = "lainnya"


class ResolutionCode(enum.StrEnum):
    DIDAFTARKAN = "didaftarkan"  # enrolled or proposed as a candidate
    DATA_DIPERBAIKI = "data_diperbaiki"
    MASUK_DAFTAR_TUNGGU = "masuk_daftar_tunggu"
    INFORMASI_DIBERIKAN = "informasi_diberikan"
    DITINDAKLANJUTI = "ditindaklanjuti"  # misconduct or inclusion report acted on
    TIDAK_MEMENUHI_SYARAT = "tidak_memenuhi_syarat"
    BUKAN_KEWENANGAN = "bukan_kewenangan"
    TIDAK_CUKUP_BUKTI = "tidak_cukup_bukti"
    TIDAK_DAPAT_DIHUBUNGI = "tidak_dapat_dihubungi"


# The open statuses as the partial index below spells them (portal.complaints.services.deadlines repeats
# this term in its queries; tests check it against portal.complaints.services.lifecycle.OPEN_STATUSES).
OPEN_STATUS_VALUES = ("banding", "dirujuk", "diterima", "diverifikasi", "menunggu_informasi")
_OPEN = sa.text("status IN ('banding', 'dirujuk', 'diterima', 'diverifikasi', 'menunggu_informasi')")


class Complaint(Base):
    __tablename__ = "complaint"
    # The officers' queue (migration 0006): counts per status read only an index, and each
    # filter's rows come in due-date order from an index.
    __table_args__ = (
        sa.Index(
            "ix_complaint_queue",
            "status",
            "resolve_due",
            "verify_due",
            "verified_at",
            "category",
            "kelurahan_code",
            "assigned_to_id",
            "confidential",
        ),
        sa.Index(
            "ix_complaint_assigned_due",
            "assigned_to_id",
            "resolve_due",
            "status",
            "verify_due",
            "verified_at",
            "category",
            "kelurahan_code",
            "confidential",
        ),
        sa.Index("ix_complaint_category_due", "category", "resolve_due"),
        sa.Index(
            "ix_complaint_open_due",
            "resolve_due",
            "status",
            "verify_due",
            "verified_at",
            "assigned_to_id",
            "category",
            "kelurahan_code",
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    access_code_hash: Mapped[str] = mapped_column(sa.String(255))
    category: Mapped[ComplaintCategory] = mapped_column(str_enum(ComplaintCategory), index=True)
    status: Mapped[ComplaintStatus] = mapped_column(str_enum(ComplaintStatus), index=True)
    confidential: Mapped[bool] = mapped_column(default=False)

    subject_nik: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    subject_name: Mapped[str] = mapped_column(sa.String(150))
    kelurahan_code: Mapped[str] = mapped_column(sa.String(13), index=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True)

    filer_relation: Mapped[FilerRelation] = mapped_column(str_enum(FilerRelation))
    filer_name: Mapped[str | None] = mapped_column(sa.String(150))
    filer_relationship: Mapped[str | None] = mapped_column(sa.String(100))
    consent_recorded: Mapped[bool] = mapped_column(default=False)
    # None only for an anonymous report (`anonymous`): no name, no phone, no e-mail; the reporter
    # follows it with the reference and access code alone.
    phone: Mapped[str | None] = mapped_column(sa.String(20), index=True)  # E.164: the queue searches it
    contact_channel: Mapped[ContactChannel | None] = mapped_column(str_enum(ContactChannel))
    anonymous: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    email: Mapped[str | None] = mapped_column(sa.String(254))
    description: Mapped[str] = mapped_column(sa.Text)
    # Assisted filing: the officer who filed on the person's behalf (None: filed by the resident).
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"))
    # What verifying a candidate proposal (usulan_calon) needs; empty for other categories.
    kk_number: Mapped[str | None] = mapped_column(sa.String(16))
    street: Mapped[str | None] = mapped_column(sa.String(200))
    rt: Mapped[str | None] = mapped_column(sa.String(3))
    rw: Mapped[str | None] = mapped_column(sa.String(3))
    occupation: Mapped[str | None] = mapped_column(sa.String(100))
    # A report of an incident (pungli, a broker, an officer's conduct): where, when and what was
    # asked for; who did it, if known, is `subject_name` (empty when not known).
    incident_place: Mapped[str | None] = mapped_column(sa.String(200))
    incident_date: Mapped[date | None]
    incident_demand: Mapped[str | None] = mapped_column(sa.String(300))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    verify_due: Mapped[date]
    resolve_due: Mapped[date] = mapped_column(index=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_since: Mapped[date | None]
    satisfaction: Mapped[Satisfaction | None] = mapped_column(str_enum(Satisfaction))
    appealed: Mapped[bool] = mapped_column(default=False)
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("complaint.id"))
    assigned_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"), index=True)
    referral_agency: Mapped[ReferralAgency | None] = mapped_column(str_enum(ReferralAgency))
    referral_reference: Mapped[str | None] = mapped_column(sa.String(60))
    follow_up_on: Mapped[date | None]
    resolution_code: Mapped[ResolutionCode | None] = mapped_column(str_enum(ResolutionCode))
    next_step: Mapped[str | None] = mapped_column(sa.String(500))
    version: Mapped[int] = mapped_column(default=1)
    # The resident added something (an answer, on the web or by SMS; a rating) that the assigned
    # officer has not opened yet: the queue marks it "baru dari warga" (cleared without a version bump).
    resident_news_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    events: Mapped[list[ComplaintEvent]] = relationship(
        back_populates="complaint", order_by="ComplaintEvent.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(back_populates="complaint", order_by="Attachment.id")

    # Optimistic locking: two officers saving the same case cannot overwrite each other.
    __mapper_args__ = {"version_id_col": version}


class ComplaintEvent(ActorColumns, Base):
    """One line of the case timeline. `public` lines are shown to the resident; who wrote it is
    `acted_by` (ActorColumns)."""

    __tablename__ = "complaint_event"
    __table_args__ = (actor_check("complaint_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaint.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    public: Mapped[bool] = mapped_column(default=True)
    from_status: Mapped[ComplaintStatus | None] = mapped_column(str_enum(ComplaintStatus))
    to_status: Mapped[ComplaintStatus | None] = mapped_column(str_enum(ComplaintStatus))
    message: Mapped[str] = mapped_column(sa.Text, default="")

    complaint: Mapped[Complaint] = relationship(back_populates="events")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="event")


class Attachment(Base):
    """A file a resident sent. Stored outside static/ under a random key; never public."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int | None] = mapped_column(sa.ForeignKey("complaint.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("complaint_event.id"))
    draft_token: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(120))
    content_type: Mapped[str] = mapped_column(sa.String(50))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    complaint: Mapped[Complaint | None] = relationship(back_populates="attachments")
    event: Mapped[ComplaintEvent | None] = relationship(back_populates="attachments")
