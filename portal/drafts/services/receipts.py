"""Confirmations after filing: reference and access code shown for a short while, then gone.

The caller keeps `token` and `pad` (the session cookie); the database keeps the code sealed
with the pad. See portal.drafts.models for why.

A filing sent from a draft gets a key derived from the draft's token and the app's secret
(`key_for_draft`), not a random one: a second send of the same draft (a double tap) that lost the
race for the draft can derive the same key and show the same confirmation (`read_again`, for a
short while), while the database still holds only the sealed code and no longer the draft token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core.base import utcnow
from portal.core.sql import rowcount
from portal.drafts.models import FilingReceipt

LIFETIME = timedelta(minutes=30)
# How long after filing a second send of the same draft is shown the first one's confirmation:
# a double tap or a resend on a slow link arrives within seconds; later, the draft is just gone.
RESEND_WINDOW = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class ReceiptKey:
    token: str
    pad: str  # hex, as long as the code's bytes


@dataclass(frozen=True, slots=True)
class Receipt:
    object_id: int
    access_code: str


def _xor(data: bytes, pad: bytes) -> bytes:
    """A pad may be longer than the code (a derived one is a whole HMAC): only its start is used."""
    return bytes(a ^ b for a, b in zip(data, pad[: len(data)], strict=True))


def key_for_draft(*, secret: str, kind: str, draft_token: str) -> ReceiptKey:
    """The key of the confirmation of what `draft_token` filed: the same for every send of that
    draft, unknowable without the app's secret."""

    def derive(purpose: str) -> str:
        message = f"filing-receipt:{purpose}:{kind}:{draft_token}".encode()
        return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()

    return ReceiptKey(token=derive("token"), pad=derive("pad"))


def keep(
    *,
    session: Session,
    kind: str,
    object_id: int,
    access_code: str,
    key: ReceiptKey | None = None,
    now: datetime | None = None,
) -> ReceiptKey:
    """Seal the code under `key` (random when None) and keep it for LIFETIME."""
    purge_expired(session=session, now=now)  # the table holds the last 30 minutes' filings only
    code = access_code.encode()
    if key is None:
        key = ReceiptKey(token=secrets.token_urlsafe(32), pad=secrets.token_bytes(len(code)).hex())
    session.add(
        FilingReceipt(
            token=key.token,
            kind=kind,
            object_id=object_id,
            sealed_code=_xor(code, bytes.fromhex(key.pad)).hex(),
            expires_at=(now or utcnow()) + LIFETIME,
        )
    )
    session.flush()
    return key


def read_again(*, session: Session, kind: str, key: ReceiptKey, now: datetime | None = None) -> Receipt | None:
    """The confirmation for a second send of the same draft: only in the first RESEND_WINDOW."""
    now = now or utcnow()
    row = session.get(FilingReceipt, key.token)
    if row is None or row.expires_at - LIFETIME + RESEND_WINDOW <= now:
        return None
    return read(session=session, kind=kind, key=key, now=now)


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
