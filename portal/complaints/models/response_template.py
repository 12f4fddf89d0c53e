"""Templates officers start from (managed by admins): per kind of message (a reply, a request for
information, a referral, a decision), category and status; placeholders are filled on the case page."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.complaints.models.complaint import ComplaintCategory, ComplaintStatus
from portal.core.base import Base, UTCDateTime, str_enum, utcnow


class TemplateKind(enum.StrEnum):
    """Which message of the case page a template starts."""

    BALAS = "balas"  # a reply to the resident
    MINTA_INFORMASI = "minta_informasi"  # a request for information
    RUJUK = "rujuk"  # a referral's note
    KEPUTUSAN = "keputusan"  # a decision's message


class ResponseTemplate(Base):
    __tablename__ = "response_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[TemplateKind] = mapped_column(
        str_enum(TemplateKind), default=TemplateKind.BALAS, server_default=TemplateKind.BALAS.value
    )
    category: Mapped[ComplaintCategory | None] = mapped_column(str_enum(ComplaintCategory))
    status: Mapped[ComplaintStatus | None] = mapped_column(str_enum(ComplaintStatus))
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
