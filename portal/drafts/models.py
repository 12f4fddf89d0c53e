"""What is kept on the server for a browser, with only a token in its cookie.

ComplaintDraft: one store for what was typed and not sent yet, of three kinds (DraftKind): a
complaint form, a help-request form, an officer's (or a tracking resident's) unsent form. A token
is only ever read as the kind it was made for, and each kind has its own lifetime
(portal.drafts.services.store).

FilingReceipt: the confirmation shown after filing, kept for a short while, sealed. The access
code is shown once, right after filing, and on the receipt PDF downloaded in the next minutes.
The session cookie (signed, not encrypted) holds only this row's token and a random pad; the row
holds the code XOR the pad. Neither the cookie alone nor the database alone
tells the code, and after `expires_at` the confirmation is gone from a shared phone. A filing
sent from a draft derives token and pad from the draft's token with the app's secret (so a second
send of that draft can show the same confirmation; the draft row is deleted by the filing).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.base import Base, UTCDateTime, str_enum, utcnow


class FilingReceipt(Base):
    __tablename__ = "filing_receipt"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # complaint, assistance, assisted
    object_id: Mapped[int]
    sealed_code: Mapped[str] = mapped_column(sa.String(64))  # hex of code XOR pad
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class DraftKind(enum.StrEnum):
    COMPLAINT = "complaint"  # /pengaduan, and an officer's filing for someone (attachments hang on it)
    ASSISTANCE = "assistance"  # /bantuan
    UNSENT_FORM = "unsent_form"  # a form sent after its session ended, kept for its owner


class ComplaintDraft(Base):
    """What was typed before "check your answers" (or before a session ended): kept server-side,
    not in the cookie."""

    __tablename__ = "complaint_draft"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    kind: Mapped[DraftKind] = mapped_column(str_enum(DraftKind))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
