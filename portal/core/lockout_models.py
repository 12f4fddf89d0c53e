"""Failed attempts and lockouts, per (secret, client), keyed by HMACs only.

One row per secret (a NIK, a reference, a typed e-mail) and client (an address, a device): the
attempts of that client at that secret. The row with client_hmac "*" is the secret's total over
every client. Neither the secret nor the client is stored in clear.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.base import Base, UTCDateTime, str_enum, utcnow


class LockoutScope(enum.StrEnum):
    STATUS_CHECK = "cek_status"  # secret: a NIK (its HMAC is the check log's nik_hmac)
    TRACKING = "lacak"  # secret: a complaint or assistance reference
    SIGN_IN = "masuk"  # secret: the e-mail typed at the officers' sign-in, known or not


class AccessLockout(Base):
    __tablename__ = "access_lockout"

    secret_hmac: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    client_hmac: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # "*": every client
    scope: Mapped[LockoutScope] = mapped_column(str_enum(LockoutScope))
    failures: Mapped[int] = mapped_column(default=0)  # attempts counted since the last success or lockout
    lockouts: Mapped[int] = mapped_column(default=0)  # each lockout lasts twice as long as the one before
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
