"""Messages to residents, written in the same transaction as the change they announce; what
residents send back (SMS, WhatsApp); who asked not to get any more; and staff's own contacts.

A message's state (portal.notifications.services.outbox moves it, one message at a time):

    antre ──claim──▶ mengirim ──the server said yes──▶ terkirim
      ▲                 │ the server said no, or was not there: back to antre with a delay,
      │                 │   or gagal after the last attempt
      │                 │ the sender stopped (or lost the answer) before knowing: tidak_pasti
      └── staff, after checking: "Antrekan lagi" (audited) ◀── gagal, tidak_pasti

A message is never sent again on its own once it has been handed to the mail server, or may have
been: at most once. The ones that need a person (gagal, tidak_pasti) are listed for supervisors
at /petugas/email-bermasalah.

One notice to a resident is written for every channel it may take, in the order tried (the
resident's preferred channel first, then WhatsApp, SMS, e-mail): the first row antre, the others
cadangan. When a row ends gagal (the channel refused it for good, or a delivery report said it
failed), the next cadangan row of the same notice becomes antre; when one is sent, the others
become dilewati. A delivery report moves terkirim to sampai (or gagal).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.base import Base, UTCDateTime, str_enum, utcnow


class OutboxState(enum.StrEnum):
    ANTRE = "antre"  # queued: waits for next_attempt_at
    MENGIRIM = "mengirim"  # claimed by one sender (claimed_by) until lease_until
    TERKIRIM = "terkirim"  # the mail server accepted it (sent_at)
    GAGAL = "gagal"  # failed for good after the last attempt (last_error): for staff
    TIDAK_PASTI = "tidak_pasti"  # the sender stopped after claiming it: it may or may not have gone out
    SAMPAI = "sampai"  # a delivery report said it reached the phone (SMS, WhatsApp)
    CADANGAN = "cadangan"  # a later channel of the same notice: queued only if the ones before fail
    DILEWATI = "dilewati"  # a later channel that was not needed: an earlier one went out


class OutboxChannel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"
    WHATSAPP = "whatsapp"


class NoticeEvent(enum.StrEnum):
    """What a notice tells the resident: one template per event and channel."""

    DIBUAT = "dibuat"  # filed
    INFO_DIMINTA = "info_diminta"  # more information needed
    DIJAWAB = "dijawab"  # an officer replied
    SELESAI = "selesai"  # decided (resolved or refused)
    STATUS = "status"  # any other status change
    BANDING_DIPUTUS = "banding_diputus"  # appeal decided
    KUNJUNGAN = "kunjungan"  # a visit or a call scheduled
    PENGINGAT = "pengingat"  # reminder: the officer still waits for an answer
    DITUTUP_TANPA_JAWABAN = "ditutup_tanpa_jawaban"  # closed after waiting too long
    BALASAN_PERINTAH = "balasan_perintah"  # the answer to a text the resident sent (CEK, LACAK …)


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.Index("ix_outbox_message_state_next_attempt_at", "state", "next_attempt_at"),
        sa.Index("ix_outbox_message_reference", "reference"),
        sa.Index("ix_outbox_message_notice_id", "notice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(sa.String(20))  # the complaint it is about
    channel: Mapped[OutboxChannel] = mapped_column(str_enum(OutboxChannel), default=OutboxChannel.EMAIL)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[OutboxState] = mapped_column(str_enum(OutboxState), default=OutboxState.ANTRE)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)  # counted when claimed, so a dead sender's try counts
    claimed_by: Mapped[str | None] = mapped_column(sa.String(80))  # host:pid:random of the last claim
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())  # a claim older than this is dead
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    event: Mapped[NoticeEvent | None] = mapped_column(str_enum(NoticeEvent))
    notice_id: Mapped[int | None] = mapped_column()  # the id of the notice's first row (its other channels)
    route_position: Mapped[int] = mapped_column(default=0)  # 0: tried first; 1: after 0 failed …
    template: Mapped[str | None] = mapped_column(sa.String(100))  # WhatsApp: the approved template's name
    parameters: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # WhatsApp: the template's {{1}}, {{2}} …
    provider_id: Mapped[str | None] = mapped_column(sa.String(128), unique=True)  # WhatsApp's wamid
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InboundMessage(Base):
    """A text a resident sent to the portal's number (SMS) or WhatsApp account. A NIK in it is
    never stored: the text of a CEK is kept without it."""

    __tablename__ = "inbound_message"
    __table_args__ = (sa.UniqueConstraint("channel", "provider_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[OutboxChannel] = mapped_column(str_enum(OutboxChannel))
    provider_id: Mapped[str] = mapped_column(sa.String(128))  # Kannel's id, WhatsApp's wamid: replays ignored
    from_number: Mapped[str] = mapped_column(sa.String(20))
    text: Mapped[str] = mapped_column(sa.String(1600))
    command: Mapped[str] = mapped_column(sa.String(20))  # cek, lacak, bantuan, stop, mulai, jawaban, lainnya
    reference: Mapped[str | None] = mapped_column(sa.String(20), index=True)  # the case it was attached to
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class OptOut(Base):
    """A number that replied STOP: no SMS or WhatsApp goes to it until it sends MULAI."""

    __tablename__ = "channel_opt_out"

    phone: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    opted_out_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ContactMethod(enum.StrEnum):
    TELEPON = "telepon"
    WHATSAPP = "whatsapp"
    SMS = "sms"
    KUNJUNGAN = "kunjungan"  # a visit
    LOKET = "loket"  # the resident came to the counter


class ContactOutcome(enum.StrEnum):
    TERHUBUNG = "terhubung"  # spoke with the resident
    TIDAK_DIANGKAT = "tidak_diangkat"
    NOMOR_SALAH = "nomor_salah"
    PESAN_DITINGGALKAN = "pesan_ditinggalkan"
    TIDAK_DI_RUMAH = "tidak_di_rumah"


class ResidentContact(Base):
    """The contact log of a case or help request: staff's calls, chats, texts and visits."""

    __tablename__ = "resident_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), index=True)
    method: Mapped[ContactMethod] = mapped_column(str_enum(ContactMethod))
    outcome: Mapped[ContactOutcome] = mapped_column(str_enum(ContactOutcome))
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"))
    contacted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
