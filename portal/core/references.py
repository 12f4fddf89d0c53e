"""References (SGP-2026-000123 for complaints, BTN-… for help requests) and access codes: how a
resident finds their case again without an account. Numbers are gap-free per series and year."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.core.base import Base

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
    return f"{code[:4]}-{code[4:]}"


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
    table = ReferenceCounter.__table__
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    session.execute(insert.values(series=series, year=year, last_number=0).on_conflict_do_nothing())
    number = session.execute(
        table.update()
        .where(table.c.series == series, table.c.year == year)
        .values(last_number=table.c.last_number + 1)
        .returning(table.c.last_number)
    ).scalar_one()
    return f"{series}-{year}-{number:06d}"
