"""Accessibility assistance requests (permintaan bantuan): its own request type, not a complaint.

A resident (or their companion, family, RT/RW) asks for a home visit, a call back, a sign-language
interpreter, accompaniment or help with forms. Officers contact them, schedule a visit or a call
and record the outcome. Disability data is optional, needs its own consent (UU 27/2022: data
pribadi yang bersifat spesifik), lives in its own table and can be deleted on request.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.base import Base, UTCDateTime, str_enum, utcnow
from portal.core.filers import FilerRelation
from portal.core.trail import ActorColumns, actor_check


class AssistanceKind(enum.StrEnum):
    KUNJUNGAN_RUMAH = "kunjungan_rumah"  # "jemput bola": an officer visits at home
    TELEPON = "telepon"  # phone call back
    WHATSAPP = "whatsapp"  # chat or video call on WhatsApp
    JURU_BAHASA_ISYARAT = "juru_bahasa_isyarat"  # BISINDO interpreter
    PENDAMPINGAN_KANTOR = "pendampingan_kantor"  # accompaniment at the office
    BANTUAN_FORMULIR = "bantuan_formulir"  # help reading or filling in forms


class AssistanceTopic(enum.StrEnum):
    CEK_STATUS = "cek_status"
    PENGADUAN = "pengaduan"
    USULAN_CALON = "usulan_calon"  # registration as a candidate (usulan) for verification
    SURAT = "surat"  # letter of participation
    LAINNYA = "lainnya"


class ContactPreference(enum.StrEnum):
    TELEPON = "telepon"
    SMS = "sms"
    WHATSAPP_PESAN = "whatsapp_pesan"
    WHATSAPP_VIDEO = "whatsapp_video"  # e.g. for BISINDO


class TimeOfDay(enum.StrEnum):
    PAGI = "pagi"  # 08.00–11.00
    SIANG = "siang"  # 11.00–14.00
    SORE = "sore"  # 14.00–17.00


class DisabilityCategory(enum.StrEnum):
    """Ragam penyandang disabilitas, UU 8/2016 Pasal 4. Several may be stored for one person:
    that is "ganda atau multi" (counted as such, never stored as a category of its own)."""

    FISIK = "fisik"
    INTELEKTUAL = "intelektual"
    MENTAL = "mental"
    SENSORIK_NETRA = "sensorik_netra"
    SENSORIK_RUNGU = "sensorik_rungu"
    SENSORIK_WICARA = "sensorik_wicara"


class AssistanceStatus(enum.StrEnum):
    DITERIMA = "diterima"  # waiting to be contacted
    DIJADWALKAN = "dijadwalkan"  # a visit or a call is booked
    SELESAI = "selesai"  # outcome recorded


class AppointmentKind(enum.StrEnum):
    KUNJUNGAN_RUMAH = "kunjungan_rumah"
    TELEPON = "telepon"
    WHATSAPP = "whatsapp"
    KANTOR = "kantor"  # at the office, with accompaniment


class AssistanceOutcome(enum.StrEnum):
    CEK_STATUS = "cek_status"  # helped with a status check
    PENGADUAN_DIAJUKAN = "pengaduan_diajukan"  # a complaint filed on their behalf
    DIUSULKAN = "diusulkan"  # proposed as a candidate for verification (usulan)
    INFORMASI = "informasi"  # information given
    TIDAK_DAPAT_DIHUBUNGI = "tidak_dapat_dihubungi"  # could not reach


class AssistanceEventKind(enum.StrEnum):
    DIBUAT = "dibuat"
    STATUS = "status"  # scheduled (again) or outcome recorded: see to_status and the columns
    CATATAN = "catatan"  # internal note
    PENGAJUAN = "pengajuan"  # a complaint or proposal filed for them (complaint_reference)
    DISABILITAS_DIHAPUS = "disabilitas_dihapus"


class AssistanceRequest(Base):
    __tablename__ = "assistance_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    access_code_hash: Mapped[str] = mapped_column(sa.String(255))
    status: Mapped[AssistanceStatus] = mapped_column(str_enum(AssistanceStatus), index=True)
    topic: Mapped[AssistanceTopic] = mapped_column(str_enum(AssistanceTopic))

    subject_name: Mapped[str] = mapped_column(sa.String(150))
    requester_relation: Mapped[FilerRelation] = mapped_column(str_enum(FilerRelation))
    requester_name: Mapped[str | None] = mapped_column(sa.String(150))
    requester_relationship: Mapped[str | None] = mapped_column(sa.String(100))
    consent_recorded: Mapped[bool] = mapped_column(default=False)

    phone: Mapped[str] = mapped_column(sa.String(20))
    contact_preference: Mapped[ContactPreference] = mapped_column(str_enum(ContactPreference))
    preferred_times: Mapped[list] = mapped_column(sa.JSON, default=list)  # TimeOfDay values; [] = any
    time_note: Mapped[str | None] = mapped_column(sa.String(200))
    kelurahan_code: Mapped[str] = mapped_column(sa.String(13), index=True)
    street: Mapped[str | None] = mapped_column(sa.String(200))
    rt: Mapped[str | None] = mapped_column(sa.String(3))
    rw: Mapped[str | None] = mapped_column(sa.String(3))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    # Disability data: consent time kept here, the categories in assistance_disability.
    disability_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disability_note: Mapped[str | None] = mapped_column(sa.String(500))
    disability_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    contact_due: Mapped[date] = mapped_column(index=True)
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assigned_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"), index=True)

    appointment_kind: Mapped[AppointmentKind | None] = mapped_column(str_enum(AppointmentKind))
    appointment_on: Mapped[date | None]
    appointment_at: Mapped[time | None]
    outcome: Mapped[AssistanceOutcome | None] = mapped_column(str_enum(AssistanceOutcome))
    outcome_reference: Mapped[str | None] = mapped_column(sa.String(20))  # SGP-… filed for them
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    needs: Mapped[list[AssistanceNeed]] = relationship(
        cascade="all, delete-orphan", order_by="AssistanceNeed.kind", lazy="selectin"
    )
    disabilities: Mapped[list[AssistanceDisability]] = relationship(
        cascade="all, delete-orphan", order_by="AssistanceDisability.category"
    )
    events: Mapped[list[AssistanceEvent]] = relationship(
        back_populates="request", order_by="AssistanceEvent.id", cascade="all, delete-orphan"
    )

    # Optimistic locking, as for complaints.
    __mapper_args__ = {"version_id_col": version}

    @property
    def kinds(self) -> list[AssistanceKind]:
        return [need.kind for need in self.needs]

    @property
    def has_disability_data(self) -> bool:
        return self.disability_consent_at is not None


class AssistanceNeed(Base):
    """One kind of help asked for (several per request)."""

    __tablename__ = "assistance_need"

    request_id: Mapped[int] = mapped_column(sa.ForeignKey("assistance_request.id"), primary_key=True)
    kind: Mapped[AssistanceKind] = mapped_column(str_enum(AssistanceKind), primary_key=True, index=True)


class AssistanceDisability(Base):
    """A disability category given with consent. Deleted, not flagged, when the person asks."""

    __tablename__ = "assistance_disability"

    request_id: Mapped[int] = mapped_column(sa.ForeignKey("assistance_request.id"), primary_key=True)
    category: Mapped[DisabilityCategory] = mapped_column(str_enum(DisabilityCategory), primary_key=True)


class AssistanceEvent(ActorColumns, Base):
    """One line of the request's timeline; `public` lines are shown on the tracking page; who
    wrote it is `acted_by` (ActorColumns)."""

    __tablename__ = "assistance_event"
    __table_args__ = (actor_check("assistance_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("assistance_request.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[AssistanceEventKind] = mapped_column(str_enum(AssistanceEventKind))
    public: Mapped[bool] = mapped_column(default=True)
    from_status: Mapped[AssistanceStatus | None] = mapped_column(str_enum(AssistanceStatus))
    to_status: Mapped[AssistanceStatus | None] = mapped_column(str_enum(AssistanceStatus))
    message: Mapped[str] = mapped_column(sa.Text, default="")
    # What the line is about, stored as codes so it is shown in the reader's language.
    appointment_kind: Mapped[AppointmentKind | None] = mapped_column(str_enum(AppointmentKind))
    appointment_on: Mapped[date | None]
    appointment_at: Mapped[time | None]
    outcome: Mapped[AssistanceOutcome | None] = mapped_column(str_enum(AssistanceOutcome))
    complaint_reference: Mapped[str | None] = mapped_column(sa.String(20))

    request: Mapped[AssistanceRequest] = relationship(back_populates="events")
