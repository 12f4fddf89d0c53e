"""Confirmations after filing: reference and access code shown for a short while, then gone.

The caller keeps `token` and `pad` (the session cookie); the database keeps the code sealed
with the pad. See portal.drafts.models for why.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core.base import utcnow
from portal.core.sql import rowcount
from portal.drafts.models import FilingReceipt

LIFETIME = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class ReceiptKey:
    token: str
    pad: str  # hex, as long as the code's bytes


@dataclass(frozen=True, slots=True)
class Receipt:
    object_id: int
    access_code: str


def _xor(data: bytes, pad: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, pad, strict=True))


def keep(*, session: Session, kind: str, object_id: int, access_code: str, now: datetime | None = None) -> ReceiptKey:
    purge_expired(session=session, now=now)  # the table holds the last 30 minutes' filings only
    code = access_code.encode()
    pad = secrets.token_bytes(len(code))
    token = secrets.token_urlsafe(32)
    session.add(
        FilingReceipt(
            token=token,
            kind=kind,
            object_id=object_id,
            sealed_code=_xor(code, pad).hex(),
            expires_at=(now or utcnow()) + LIFETIME,
        )
    )
    session.flush()
    return ReceiptKey(token=token, pad=pad.hex())


def read(*, session: Session, kind: str, key: ReceiptKey, now: datetime | None = None) -> Receipt | None:
    """The confirmation while it lasts; None once it expired, for another kind, or a wrong pad."""
    row = session.get(FilingReceipt, key.token)
    if row is None or row.kind != kind or row.expires_at <= (now or utcnow()):
        return None
    try:
        code = _xor(bytes.fromhex(row.sealed_code), bytes.fromhex(key.pad)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None
    return Receipt(object_id=row.object_id, access_code=code)


def purge_expired(*, session: Session, now: datetime | None = None) -> int:
    result = session.execute(sa.delete(FilingReceipt).where(FilingReceipt.expires_at <= (now or utcnow())))
    return rowcount(result)
