"""The program's rules that change during the year, set by an admin on /petugas/admin/pengaturan
and kept in the database (one row per setting that differs from the environment's default).

The environment gives the defaults; a stored value overrides its variable of the same name and is
checked by the same rules (portal.config.Settings) before it is stored. portal.web.settings reads
the stored values once per app context and lays them over the environment's settings, so every
place that asks it (SLA targets, working days, the letters' number pattern, the public figures)
uses them from the next request on, on every server and worker."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.core.base import Base, UTCDateTime, utcnow

EDITABLE = (
    "SLA_VERIFY_DAYS",
    "SLA_RESOLVE_DAYS",
    "SLA_VERIFY_DAYS_BY_CATEGORY",
    "SLA_RESOLVE_DAYS_BY_CATEGORY",
    "APPEAL_REVIEW_DAYS",
    "CUTI_BERSAMA",
    "PROGRAM_QUOTA",
    "PROGRAM_BUDGET",
    "PROGRAM_BUDGET_YEAR",
    "LETTER_NUMBER_PATTERN",
)
"""The settings an admin may change at run time (the others need a restart: they are the machine's)."""


class ProgramSetting(Base):
    __tablename__ = "program_setting"

    name: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(2000))  # as the environment variable would be written
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("account.id"))


def stored_values(connection: sa.Connection | Session) -> dict[str, str]:
    """Every stored setting, by name (only those an admin may change)."""
    rows = connection.execute(sa.select(ProgramSetting.name, ProgramSetting.value)).all()
    return {name: value for name, value in rows if name in EDITABLE}
