"""Cases waiting for the resident's answer: a reminder after INFO_REMINDER_DAYS working days,
closed with a notice after INFO_CLOSE_DAYS (both counted from the request). Run once a day
(portal.complaints.tasks); safe to run twice: a case is reminded once per request, and a closed
case no longer waits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.complaints.models.complaint import Complaint, ComplaintEvent, ComplaintStatus, EventKind
from portal.complaints.services.lifecycle import Actor, add_event, tell_resident, transition
from portal.core.trail import SYSTEM, ActorKind
from portal.core.workdays import WorkCalendar, local_date
from portal.notifications.models import NoticeEvent

REMINDED = "Pengingat dikirim ke warga: petugas masih menunggu jawaban."
CLOSED = "Ditutup karena warga tidak menjawab permintaan informasi dalam %d hari kerja."


@dataclass(frozen=True, slots=True)
class WaitingRound:
    reminded: int = 0
    closed: int = 0


def _reminded_since(session: Session, complaint: Complaint, since: datetime) -> bool:
    return (
        session.scalar(
            sa.select(ComplaintEvent.id)
            .where(
                ComplaintEvent.complaint_id == complaint.id,
                ComplaintEvent.kind == EventKind.CATATAN,
                ComplaintEvent.actor_kind == ActorKind.SYSTEM,
                ComplaintEvent.message == REMINDED,
                ComplaintEvent.created_at >= since,
            )
            .limit(1)
        )
        is not None
    )


def remind_or_close(
    *, session: Session, now: datetime, calendar: WorkCalendar, remind_after: int, close_after: int
) -> WaitingRound:
    today = local_date(now)
    reminded = closed = 0
    waiting = session.scalars(
        sa.select(Complaint)
        .where(Complaint.status == ComplaintStatus.MENUNGGU_INFORMASI, Complaint.paused_since.is_not(None))
        .order_by(Complaint.id)
    ).all()
    for complaint in waiting:
        since = complaint.paused_since
        assert since is not None
        waited = calendar.working_days_between(since, today)
        if waited >= close_after:
            transition(
                session=session,
                complaint=complaint,
                target=ComplaintStatus.DITUTUP,
                actor=Actor.SISTEM,
                acted_by=SYSTEM,
                message=CLOSED % close_after,
                calendar=calendar,
                now=now,
                notify=False,
            )
            tell_resident(session=session, complaint=complaint, event=NoticeEvent.DITUTUP_TANPA_JAWABAN)
            closed += 1
        elif waited >= remind_after and not _reminded_since(
            session, complaint, datetime.combine(since, datetime.min.time(), tzinfo=now.tzinfo)
        ):
            close_on = calendar.add_working_days(since, close_after)
            tell_resident(
                session=session,
                complaint=complaint,
                event=NoticeEvent.PENGINGAT,
                close_on=close_on.strftime("%d-%m-%Y"),
            )
            add_event(
                session=session,
                complaint=complaint,
                kind=EventKind.CATATAN,
                acted_by=SYSTEM,
                message=REMINDED,
                public=False,
                now=now,
            )
            reminded += 1
    session.flush()
    return WaitingRound(reminded=reminded, closed=closed)
