"""How many people the roster holds per group, for the public statistics (kept by the import)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.base import Base, str_enum
from portal.core.nik import Sex
from portal.roster.models.person import PersonStatus


class RosterSummary(Base):
    """`people` rows of `person` share these six values; groups with nobody are deleted.

    A group is exactly what /statistik tells apart: status, kelurahan, sex, coverage period and
    the date of the snapshot. Written only by portal.roster.services.summary, in the transaction
    that changes `person`."""

    __tablename__ = "roster_summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[PersonStatus] = mapped_column(str_enum(PersonStatus))
    kelurahan_code: Mapped[str] = mapped_column(sa.String(13))
    jenis_kelamin: Mapped[Sex] = mapped_column(str_enum(Sex))
    mulai: Mapped[date | None]
    selesai: Mapped[date | None]
    tanggal_data: Mapped[date]
    people: Mapped[int]
