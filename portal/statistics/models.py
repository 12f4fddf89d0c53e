"""The last public figures counted, shared by every worker process and kept across restarts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.base import Base, UTCDateTime


class StatsSnapshot(Base):
    """One row per set of figures (`key`: "statistik" for /statistik and its open data).

    `payload` is the figures as JSON (portal.statistics.services.codec) with the counts under 5 that the
    published tables hide: it is read back into the figures, never served as it is. `computed_at`
    repeats the figures' own time so that the newer of two counts wins in SQL. Written only by
    portal.statistics.services.snapshot."""

    __tablename__ = "stats_snapshot"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[str] = mapped_column(sa.Text())
