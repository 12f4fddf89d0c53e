"""Public reply templates officers start from, per category and status (managed by admins)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.complaints.models.complaint import ComplaintCategory, ComplaintStatus
from portal.core.base import Base, UTCDateTime, str_enum, utcnow


class ResponseTemplate(Base):
    __tablename__ = "response_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[ComplaintCategory | None] = mapped_column(str_enum(ComplaintCategory))
    status: Mapped[ComplaintStatus | None] = mapped_column(str_enum(ComplaintStatus))
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
