"""What is kept on the server for a browser, with only a token in its cookie.

ComplaintDraft: what a resident typed before sending (complaint and help-request forms, and an
officer's unsent form), kept for two days.

FilingReceipt: the confirmation shown after filing, kept for a short while, sealed. The access
code is shown once, right after filing, and on the receipt PDF downloaded in the next minutes.
The session cookie (signed, not encrypted) holds only this row's token and a random pad; the row
holds the code XOR the pad. Neither the cookie alone nor the database alone
tells the code, and after `expires_at` the confirmation is gone from a shared phone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.base import Base, UTCDateTime, utcnow


class FilingReceipt(Base):
    __tablename__ = "filing_receipt"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # complaint, assistance, assisted
    object_id: Mapped[int]
    sealed_code: Mapped[str] = mapped_column(sa.String(64))  # hex of code XOR pad
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class ComplaintDraft(Base):
    """What a resident typed before "check your answers": kept server-side, not in the cookie."""

    __tablename__ = "complaint_draft"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
