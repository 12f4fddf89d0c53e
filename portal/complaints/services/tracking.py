"""A resident's case found again with its reference and access code: answering a request for
information, and saying whether the answer was satisfactory (an appeal, with the resident's files)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from portal.complaints.models.complaint import (
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    EventKind,
    Satisfaction,
)
from portal.complaints.services import attachments as files
from portal.complaints.services.filing import attach_file
from portal.complaints.services.lifecycle import (
    APPEAL_REVIEW_DAYS,
    RESOLVED_STATUSES,
    Actor,
    CaseRefusal,
    add_event,
    transition,
)
from portal.core.base import utcnow
from portal.core.errors import DomainError
from portal.core.files import FileStore
from portal.core.lockout import DEFAULT_POLICY, LockoutPolicy
from portal.core.references import find_by_code
from portal.core.trail import RESIDENT
from portal.core.workdays import WorkCalendar

RATING_WINDOW = timedelta(days=14)


# Tracking ----------------------------------------------------------------------------------


def track(
    *,
    session: Session,
    reference: str,
    access_code: str,
    client: str,
    hmac_key: str,
    policy: LockoutPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> Complaint | None:
    """The complaint when reference and code match (portal.core.references.find_by_code)."""
    return find_by_code(
        session=session,
        model=Complaint,
        reference=reference,
        access_code=access_code,
        client=client,
        hmac_key=hmac_key,
        policy=policy,
        now=now,
    )


def said_with(complaint: Complaint, status: ComplaintStatus) -> str | None:
    """What the officer wrote to the resident when the case last moved to `status` (the question
    of a request for information, the reasons of a decision), or None."""
    for event in reversed(complaint.events):
        if event.kind is EventKind.STATUS and event.to_status is status and event.public:
            return event.message or None
    return None


def answer_information_request(
    *,
    session: Session,
    complaint: Complaint,
    message: str,
    new_files: list[files.CleanFile],
    store: FileStore,
    calendar: WorkCalendar,
    now: datetime | None = None,
) -> None:
    """The resident answers "please send more information": the clock runs again."""
    now = now or utcnow()
    event = add_event(
        session=session,
        complaint=complaint,
        kind=EventKind.JAWABAN_WARGA,
        acted_by=RESIDENT,
        message=message,
        public=True,
        now=now,
    )
    _attach(session=session, store=store, files=new_files, event=event)
    transition(
        session=session,
        complaint=complaint,
        target=ComplaintStatus.DIVERIFIKASI,
        actor=Actor.WARGA,
        acted_by=RESIDENT,
        calendar=calendar,
        now=now,
    )


def _attach(*, session: Session, store: FileStore, files: list[files.CleanFile], event: ComplaintEvent) -> None:
    """The resident's files kept with the timeline line they came with (an answer, an appeal):
    each put in the store in the session's transaction, so they go with it on rollback."""
    for file in files:
        record = attach_file(session=session, store=store, file=file, complaint=event.complaint)
        record.event = event


def can_rate(complaint: Complaint, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        complaint.status in RESOLVED_STATUSES
        and complaint.satisfaction is None
        and complaint.resolved_at is not None
        and now - complaint.resolved_at <= RATING_WINDOW
    )


def rate_resolution(
    *,
    session: Session,
    complaint: Complaint,
    satisfaction: Satisfaction,
    calendar: WorkCalendar,
    reason: str = "",
    new_files: list[files.CleanFile] | None = None,
    store: FileStore | None = None,
    appeal_days: int = APPEAL_REVIEW_DAYS,
    now: datetime | None = None,
) -> None:
    """ "Puas" or "belum puas" within 14 days, with the resident's reasons; the first "belum
    puas" opens the one appeal, with its own clock (`appeal_days` working days). Files
    (`new_files`, put in `store`) come only with "belum puas": they are kept with its timeline
    line, as an answer's are, for the supervisor who judges the appeal."""
    now = now or utcnow()
    if not can_rate(complaint, now):
        raise DomainError(CaseRefusal.RATING_CLOSED)
    if new_files and satisfaction is not Satisfaction.BELUM_PUAS:
        raise DomainError(CaseRefusal.FILES_ONLY_WITH_APPEAL)
    if new_files and store is None:
        raise ValueError("files to keep need a store")
    complaint.satisfaction = satisfaction
    event = add_event(
        session=session,
        complaint=complaint,
        kind=EventKind.PENILAIAN,
        acted_by=RESIDENT,
        message=reason.strip()[:2000],
        public=True,
        now=now,
    )
    if new_files and store is not None:
        _attach(session=session, store=store, files=new_files, event=event)
    if satisfaction is Satisfaction.BELUM_PUAS and not complaint.appealed:
        complaint.appealed = True
        transition(
            session=session,
            complaint=complaint,
            target=ComplaintStatus.BANDING,
            actor=Actor.WARGA,
            acted_by=RESIDENT,
            calendar=calendar,
            now=now,
            appeal_days=appeal_days,
        )
    session.flush()
