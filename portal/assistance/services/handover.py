"""Open help requests of an officer whose account is turned off or whose scope shrinks (issue
16 point 5); the assistance side of portal.complaints.services.handover."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.assistance.models import AssistanceEventKind, AssistanceRequest, AssistanceStatus
from portal.assistance.services.access import can_view
from portal.assistance.services.requests import add_event
from portal.complaints.services.handover import RELEASED
from portal.core import trail as audit
from portal.core.base import utcnow
from portal.core.trail import SYSTEM, ActedBy


def _lost(session: Session, account: Account, future: Account | None) -> list[AssistanceRequest]:
    mine = session.scalars(
        sa.select(AssistanceRequest)
        .where(AssistanceRequest.assigned_to_id == account.id, AssistanceRequest.status != AssistanceStatus.SELESAI)
        .order_by(AssistanceRequest.id)
    )
    return [found for found in mine if future is None or not can_view(future, found)]


class OpenRequests:
    def held(self, *, session: Session, account: Account, future: Account | None) -> int:
        return len(_lost(session, account, future))

    def release(self, *, session: Session, account: Account, future: Account | None, who: audit.Actor) -> int:
        lost = _lost(session, account, future)
        acted_by = ActedBy.officer(who.account_id) if who.account_id is not None else SYSTEM
        for found in lost:
            found.assigned_to_id = None
            found.updated_at = utcnow()
            add_event(
                session=session,
                request=found,
                kind=AssistanceEventKind.CATATAN,
                acted_by=acted_by,
                public=False,
                message=RELEASED.format(name=account.name),
            )
            audit.record(
                session=session,
                actor=who,
                action="kembalikan_ke_antrean",
                object_type="assistance",
                object_id=found.id,
                detail=f"dari akun {account.id}",
            )
        session.flush()
        return len(lost)
