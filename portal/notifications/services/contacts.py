"""The contact log of a case or help request: staff's calls, chats, texts, visits and the
resident's visits to the counter, with their outcome, who and when."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.notifications.models import ContactMethod, ContactOutcome, ResidentContact


def record_contact(
    *,
    session: Session,
    reference: str,
    method: ContactMethod,
    outcome: ContactOutcome,
    note: str,
    account_id: int | None,
    now: datetime,
) -> ResidentContact:
    contact = ResidentContact(
        reference=reference, method=method, outcome=outcome, note=note[:1000], account_id=account_id, contacted_at=now
    )
    session.add(contact)
    session.flush()
    return contact


def contacts_for(*, session: Session, reference: str) -> list[ResidentContact]:
    """Newest first."""
    return list(
        session.scalars(
            sa.select(ResidentContact)
            .where(ResidentContact.reference == reference)
            .order_by(ResidentContact.contacted_at.desc(), ResidentContact.id.desc())
        )
    )
