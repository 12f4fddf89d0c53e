"""The log of status checks (NIK and client as HMACs, never in clear). Lockouts: portal.core.lockout_models."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.base import Base, UTCDateTime, str_enum, utcnow


class CheckOutcome(enum.StrEnum):
    FOUND = "found"
    NO_MATCH = "no_match"  # unknown NIK or name mismatch: deliberately one outcome
    LOCKED = "locked"


class StatusCheckLog(Base):
    __tablename__ = "status_check_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    nik_hmac: Mapped[str] = mapped_column(sa.String(64), index=True)
    client_hmac: Mapped[str] = mapped_column(sa.String(64))
    outcome: Mapped[CheckOutcome] = mapped_column(str_enum(CheckOutcome))
