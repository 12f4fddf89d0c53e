"""Letters of participation: what was issued to whom, under which number, whether it still holds.

A letter keeps a copy of what it printed (name, masked NIK, KPJ, place, period), so the same
letter can be produced again byte for byte and verified after the roster has moved on.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.base import Base, UTCDateTime, str_enum, utcnow


class LetterStatus(enum.StrEnum):
    BERLAKU = "berlaku"  # valid
    DICABUT = "dicabut"  # revoked: the participant is no longer active
    DIGANTI = "diganti"  # superseded by a newer letter after the participant's data changed


class IssuedVia(enum.StrEnum):
    MANDIRI = "mandiri"  # self-service after a status check
    MASSAL = "massal"  # batch for distribution through RT/RW
    PETUGAS = "petugas"  # an officer, for one person


class Letter(Base):
    __tablename__ = "letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    number: Mapped[str] = mapped_column(sa.String(120), unique=True)
    year: Mapped[int]
    seq: Mapped[int]
    # 16 characters of Crockford base32, shown as XXXX-XXXX-XXXX-XXXX: 15 random (75 bits) and a check
    # character (letters issued before it: 16 random characters, still verified by lookup).
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    status: Mapped[LetterStatus] = mapped_column(str_enum(LetterStatus))
    issued_via: Mapped[IssuedVia] = mapped_column(str_enum(IssuedVia))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_on: Mapped[date]  # the date printed on the letter (Asia/Jakarta)
    # A copy of what the letter prints; a roster change to any of these means a new letter.
    nama: Mapped[str] = mapped_column(sa.String(150))
    nik_masked: Mapped[str] = mapped_column(sa.String(19))
    kpj: Mapped[str] = mapped_column(sa.String(11))
    kelurahan_code: Mapped[str] = mapped_column(sa.String(13))
    mulai: Mapped[date]
    selesai: Mapped[date]
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    superseded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letter.id"))

    __table_args__ = (
        sa.UniqueConstraint("year", "seq", name="uq_letter_year_seq"),
        # At most one valid letter per person, whatever two requests or a batch do at once.
        sa.Index(
            "uq_letter_person_valid",
            "person_id",
            unique=True,
            sqlite_where=sa.text("status = 'berlaku'"),
            postgresql_where=sa.text("status = 'berlaku'"),
        ),
    )


class LetterCounter(Base):
    """Gap-free letter numbers: one row per year, incremented in the issuing transaction."""

    __tablename__ = "letter_counter"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)
