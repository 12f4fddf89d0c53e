"""Open cases of an officer whose account is turned off or whose scope shrinks (issue 16 point
5): counted, and on request released to the supervisors' queue. Registered as a WorkHolder
(portal.accounts.services.handover) by this domain's blueprint."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint, EventKind
from portal.complaints.services.access import can_view
from portal.complaints.services.lifecycle import OPEN_STATUSES, add_event
from portal.core import trail as audit
from portal.core.trail import SYSTEM, ActedBy

# Stored text is Indonesian whatever the reader's interface language (like the other stored lines).
RELEASED = "Dikembalikan ke antrean supervisor: akun petugas {name} dinonaktifkan atau wilayahnya diubah."


def _lost(session: Session, account: Account, future: Account | None) -> list[Complaint]:
    mine = session.scalars(
        sa.select(Complaint)
        .where(Complaint.assigned_to_id == account.id, Complaint.status.in_(OPEN_STATUSES))
        .order_by(Complaint.id)
    )
    return [case for case in mine if future is None or not can_view(future, case)]


class OpenCases:
    def held(self, *, session: Session, account: Account, future: Account | None) -> int:
        return len(_lost(session, account, future))

    def release(self, *, session: Session, account: Account, future: Account | None, who: audit.Actor) -> int:
        lost = _lost(session, account, future)
        acted_by = ActedBy.officer(who.account_id) if who.account_id is not None else SYSTEM
        for case in lost:
            case.assigned_to_id = None
            add_event(
                session=session,
                complaint=case,
                kind=EventKind.CATATAN,
                acted_by=acted_by,
                message=RELEASED.format(name=account.name),
                public=False,
            )
            audit.record(
                session=session,
                actor=who,
                action="kembalikan_ke_antrean",
                object_type="complaint",
                object_id=case.id,
                detail=f"dari akun {account.id}",
            )
        session.flush()
        return len(lost)
