"""Messages to residents, written in the same transaction as the change they announce.

A message's state (portal.notifications.services.outbox moves it, one message at a time):

    antre ──claim──▶ mengirim ──the server said yes──▶ terkirim
      ▲                 │ the server said no, or was not there: back to antre with a delay,
      │                 │   or gagal after the last attempt
      │                 │ the sender stopped (or lost the answer) before knowing: tidak_pasti
      └── staff, after checking: "Antrekan lagi" (audited) ◀── gagal, tidak_pasti

A message is never sent again on its own once it has been handed to the mail server, or may have
been: at most once. The ones that need a person (gagal, tidak_pasti) are listed for supervisors
at /petugas/email-bermasalah.
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


class OutboxChannel(enum.StrEnum):
    EMAIL = "email"


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_state_next_attempt_at", "state", "next_attempt_at"),)

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
