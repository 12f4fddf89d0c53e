"""Case actions about reaching the resident: the contact log, and an answer to a request for
information that came by phone, WhatsApp, SMS or at the counter (it restarts the clock like an
answer on the tracking page)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint, ComplaintStatus, EventKind
from portal.complaints.services.available import CaseAction, staff_actor
from portal.complaints.services.case_checks import ensure_current, ensure_offered, flush_case
from portal.complaints.services.lifecycle import add_event, transition
from portal.core import trail as audit
from portal.core.base import utcnow
from portal.core.trail import ActedBy
from portal.core.workdays import WorkCalendar
from portal.notifications.models import ContactMethod, ContactOutcome
from portal.notifications.services.contacts import record_contact


def log_contact(
    *,
    session: Session,
    complaint: Complaint,
    officer: Account,
    expected_version: int,
    method: ContactMethod,
    outcome: ContactOutcome,
    note: str,
    who: audit.Actor,
) -> None:
    ensure_current(complaint, officer, expected_version)
    ensure_offered(complaint, officer, CaseAction.KONTAK)
    record_contact(
        session=session,
        reference=complaint.reference,
        method=method,
        outcome=outcome,
        note=note,
        account_id=officer.id,
        now=utcnow(),
    )
    complaint.updated_at = utcnow()
    flush_case(session)
    audit.record(
        session=session,
        actor=who,
        action="catat_kontak",
        object_type="complaint",
        object_id=complaint.id,
        detail=f"{method.value} {outcome.value}",
    )


def record_answer(
    *,
    session: Session,
    complaint: Complaint,
    officer: Account,
    expected_version: int,
    method: ContactMethod,
    message: str,
    calendar: WorkCalendar,
    who: audit.Actor,
) -> None:
    """The resident answered "Minta informasi" outside the portal: the answer goes on the
    timeline as the resident's, written down by the officer, and the clock runs again."""
    ensure_current(complaint, officer, expected_version)
    ensure_offered(complaint, officer, CaseAction.JAWABAN_DITERIMA)
    now = utcnow()
    record_contact(
        session=session,
        reference=complaint.reference,
        method=method,
        outcome=ContactOutcome.TERHUBUNG,
        note=message,
        account_id=officer.id,
        now=now,
    )
    add_event(
        session=session,
        complaint=complaint,
        kind=EventKind.JAWABAN_WARGA,
        acted_by=ActedBy.officer(officer.id),
        message=message,
        public=True,
        now=now,
    )
    transition(
        session=session,
        complaint=complaint,
        target=ComplaintStatus.DIVERIFIKASI,
        actor=staff_actor(officer),
        acted_by=ActedBy.officer(officer.id),
        notify=False,  # the resident answered just now: no notice about it
        calendar=calendar,
        now=now,
    )
    flush_case(session)
    audit.record(
        session=session,
        actor=who,
        action="jawaban_diterima",
        object_type="complaint",
        object_id=complaint.id,
        detail=method.value,
    )
