"""References (SGP-2026-000123 for complaints, BTN-… for help requests) and access codes: how a
resident finds their case again without an account. Numbers are gap-free per series and year."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.security import check_password_hash

from portal.core import lockout
from portal.core.base import Base, utcnow
from portal.core.errors import Locked
from portal.core.hashing import dummy_hashes
from portal.core.lockout import DEFAULT_POLICY, LockoutPolicy, keyed_hash
from portal.core.lockout_models import LockoutScope
from portal.core.sql import table_of
from portal.core.upsert import upsert

_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out over the phone
COMPLAINT_SERIES = "SGP"
ASSISTANCE_SERIES = "BTN"  # assistance requests (portal.assistance.services.requests)
REFERENCE_SERIES = (COMPLAINT_SERIES, ASSISTANCE_SERIES)


class ReferenceCounter(Base):
    """Gap-free reference numbers: one row per series (SGP complaints, BTN assistance) and year,
    incremented under a row lock."""

    __tablename__ = "reference_counter"

    series: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


def format_access_code(code: str) -> str:
    """An access code as residents and officers see it everywhere, in two groups read out over
    the phone: "CBD3-C8JX" (the `access_code` filter of every template; a code already grouped
    or typed in lower case comes out the same)."""
    compact = normalize_access_code(code)
    return f"{compact[:4]}-{compact[4:]}"


def normalize_access_code(typed: str) -> str:
    return "".join(c for c in (typed or "").upper() if c.isalnum())


def new_access_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


def normalize_reference(typed: str) -> str:
    compact = "".join(c for c in (typed or "").upper() if c.isalnum())
    if len(compact) == 13 and compact[:3] in REFERENCE_SERIES and compact[3:].isdigit():
        return f"{compact[:3]}-{compact[3:7]}-{compact[7:]}"
    return (typed or "").strip().upper()[:20]


# Filing ------------------------------------------------------------------------------------


def next_reference(*, session: Session, year: int, series: str = COMPLAINT_SERIES) -> str:
    """SGP-2026-000123 (or BTN-…): a row lock on the series' counter for the year makes numbers
    gap-free and unique within the series."""
    if series not in REFERENCE_SERIES:
        raise ValueError(f"unknown reference series {series!r}")
    table = table_of(ReferenceCounter)
    upsert(session, table, {"series": series, "year": year, "last_number": 0}, index_elements=["series", "year"])
    number: int = session.execute(
        table.update()
        .where(table.c.series == series, table.c.year == year)
        .values(last_number=table.c.last_number + 1)
        .returning(table.c.last_number)
    ).scalar_one()
    return f"{series}-{year}-{number:06d}"


def find_by_code(
    *,
    session: Session,
    model: type[Any],
    reference: str,
    access_code: str,
    client: str,
    hmac_key: str,
    policy: LockoutPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> Any | None:
    """The row of `model` (a complaint, a help request: anything with `reference` and
    `access_code_hash`) when reference and code match; None otherwise (an unknown reference and a
    wrong code are the same answer, after the same work). Raises Locked after repeated failures of
    this client (an opaque key: the address on the web) for this reference; other clients, the
    resident among them, are not locked out by them.

    The attempt is counted before the code is compared, so parallel bursts get five guesses too.
    An 8-character code from 31 symbols (about 2^39.6) needs no total over every client to hold:
    see docs/security.md. The total is counted for staff to see an attack (lockout.count_total).
    """
    now = now or utcnow()
    reference = normalize_reference(reference)
    secret_hmac = keyed_hash(hmac_key, "lacak:" + reference)
    attempt = lockout.reserve(
        session,
        scope=LockoutScope.TRACKING,
        secret_hmac=secret_hmac,
        client_hmac=keyed_hash(hmac_key, client),
        policy=policy,
        now=now,
    )
    if not attempt.allowed:  # an unknown reference is locked the same way: this says nothing about it
        raise Locked("reference", minutes=attempt.wait_minutes, retry_after_seconds=attempt.wait_seconds)
    found = session.scalars(sa.select(model).where(model.reference == reference)).first()
    code = normalize_access_code(access_code)
    if found is not None and check_password_hash(found.access_code_hash, code):
        lockout.succeeded(session, attempt)
        return found
    if found is None:
        # same work either way: no timing difference between unknown reference and wrong code
        check_password_hash(dummy_hashes()[1], code)
    lockout.failed(session, attempt, policy)
    lockout.count_total(session, scope=LockoutScope.TRACKING, secret_hmac=secret_hmac, policy=policy, now=now)
    return None
