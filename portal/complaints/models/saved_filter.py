"""An officer's saved queue filters ("Terlambat di Bekasi Timur"): a name and the queue's filters,
as the address holds them (never a NIK or a phone number: those are searched by POST only)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.base import Base, UTCDateTime, utcnow


class SavedQueueFilter(Base):
    __tablename__ = "saved_queue_filter"
    __table_args__ = (sa.UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    query: Mapped[str] = mapped_column(sa.String(500))  # the queue's query string (url-encoded)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
