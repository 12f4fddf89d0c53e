"""What officers do to a case. Each action checks the version the officer saw (optimistic
locking), goes through cases.transition()/add_event(), and writes an audit event."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint, ComplaintStatus, EventKind, ReferralAgency, ResolutionCode
from portal.complaints.services.access import can_claim, can_view
from portal.complaints.services.available import CaseAction, staff_actor
from portal.complaints.services.case_checks import CaseChanged, NotAllowed, ensure_current, ensure_offered, flush_case
from portal.complaints.services.decisions import code_fits, same_person
from portal.complaints.services.lifecycle import APPEAL_REVIEW_DAYS, CaseRefusal, add_event, concluded_by, transition
from portal.core import trail as audit
from portal.core.base import utcnow
from portal.core.hashing import code_hash_method
from portal.core.references import new_access_code, normalize_reference
from portal.core.roles import Role
from portal.core.trail import ActedBy
from portal.core.workdays import WorkCalendar, local_date

S = ComplaintStatus


def _move(
    session: Session,
    complaint: Complaint,
    officer: Account,
    target: ComplaintStatus,
    message: str,
    calendar: WorkCalendar,
    *,
    public: bool = True,
) -> None:
    transition(
        session=session,
        complaint=complaint,
        target=target,
        actor=staff_actor(officer),
        acted_by=ActedBy.officer(officer.id),
        message=message,
        public=public,
        calendar=calendar,
    )


def claim(*, session: Session, complaint: Complaint, officer: Account, expected_version: int, who: audit.Actor) -> None:
    ensure_current(complaint, officer, expected_version, must_act=False)
    if complaint.assigned_to_id is not None:
        raise CaseChanged()
    if not can_claim(officer, complaint):
        raise NotAllowed(CaseRefusal.CONFIDENTIAL_CLAIM)
    ensure_offered(complaint, officer, CaseAction.AMBIL)
    complaint.assigned_to_id = officer.id
    flush_case(session)
    audit.record(session=session, actor=who, action="ambil", object_type="complaint", object_id=complaint.id)


def assign(
    *,
    session: Session,
    complaint: Complaint,
    supervisor: Account,
    assignee: Account,
    expected_version: int,
    who: audit.Actor,
) -> None:
    if not supervisor.is_supervisor:
        raise NotAllowed(CaseRefusal.SUPERVISOR_ASSIGNS)
    ensure_current(complaint, supervisor, expected_version)
    ensure_offered(complaint, supervisor, CaseAction.TUGASKAN)
    if not assignee.active or not can_view(assignee, complaint):
        raise NotAllowed(CaseRefusal.ASSIGNEE_OUT_OF_SCOPE)
    complaint.assigned_to_id = assignee.id
    flush_case(session)
    audit.record(
        session=session,
        actor=who,
        action="tugaskan",
        object_type="complaint",
        object_id=complaint.id,
        detail=f"kepada akun {assignee.id}",
    )


def verify(
    *,
    session: Session,
    complaint: Complaint,
    officer: Account,
    expected_version: int,
    calendar: WorkCalendar,
    who: audit.Actor,
) -> None:
    ensure_current(complaint, officer, expected_version)
    ensure_offered(complaint, officer, CaseAction.VERIFIKASI)
    _move(session, complaint, officer, S.DIVERIFIKASI, "", calendar)
    flush_case(session)
    audit.record(session=session, actor=who, action="verifikasi", object_type="complaint", object_id=complaint.id)


def reply(
    *, session: Session, complaint: Complaint, officer: Account, expected_version: int, message: str, who: audit.Actor
) -> None:
    ensure_current(complaint, officer, expected_version)
    ensure_offered(complaint, officer, CaseAction.BALAS)
    add_event(
        session=session,
        complaint=complaint,
        kind=EventKind.BALASAN,
        acted_by=ActedBy.officer(officer.id),
        message=message,
        public=True,
    )
    complaint.updated_at = utcnow()  # a reply changes the case: bump its version too
    flush_case(session)
    audit.record(session=session, actor=who, action="balas", object_type="complaint", object_id=complaint.id)


def note(
    *, session: Session, complaint: Complaint, officer: Account, expected_version: int, message: str, who: audit.Actor
) -> None:
    ensure_current(complaint, officer, expected_version, must_act=False)
    ensure_offered(complaint, officer, CaseAction.CATATAN)
    add_event(
        session=session,
        complaint=complaint,
        kind=EventKind.CATATAN,
        acted_by=ActedBy.officer(officer.id),
        message=message,
        public=False,
    )
    flush_case(session)
    audit.record(session=session, actor=who, action="catatan", object_type="complaint", object_id=complaint.id)


def request_information(
    *,
    session: Session,
    complaint: Complaint,
    officer: Account,
    expected_version: int,
    message: str,
    calendar: WorkCalendar,
    who: audit.Actor,
) -> None:
    ensure_current(complaint, officer, expected_version)
    ensure_offered(complaint, officer, CaseAction.MINTA_INFORMASI)
    _move(session, complaint, officer, S.MENUNGGU_INFORMASI, message, calendar)
    flush_case(session)
    audit.record(session=session, actor=who, action="minta_informasi", object_type="complaint", object_id=complaint.id)


def refer(
    *,
    session: Session,
    complaint: Complaint,
    officer: Account,
    expected_version: int,
    agency: ReferralAgency,
    reference: str,
    follow_up_on: date | None,
    message: str,
    calendar: WorkCalendar,
    who: audit.Actor,
) -> None:
    ensure_current(complaint, officer, expected_version)
    ensure_offered(complaint, officer, CaseAction.RUJUK)
    if follow_up_on is not None and follow_up_on < local_date(utcnow()):
        raise NotAllowed(CaseRefusal.FOLLOW_UP_PAST, on=follow_up_on)
    if complaint.status is S.DITERIMA:
        _move(session, complaint, officer, S.DIVERIFIKASI, "", calendar)
    complaint.referral_agency, complaint.referral_reference = agency, reference or None
    complaint.follow_up_on = follow_up_on
    _move(session, complaint, officer, S.DIRUJUK, message, calendar)
    flush_case(session)
    audit.record(
        session=session, actor=who, action="rujuk", object_type="complaint", object_id=complaint.id, detail=agency.value
    )


def conclude(
    *,
    session: Session,
    complaint: Complaint,
    officer: Account,
    expected_version: int,
    target: ComplaintStatus,
    code: ResolutionCode,
    next_step: str,
    message: str,
    calendar: WorkCalendar,
    who: audit.Actor,
) -> None:
    """Resolve (selesai) or reject (ditolak) with a reason code and the resident's next step."""
    if target not in (S.SELESAI, S.DITOLAK):
        raise NotAllowed(CaseRefusal.PICK_OUTCOME)
    ensure_current(complaint, officer, expected_version)
    if complaint.status is S.BANDING and not officer.is_supervisor:
        raise NotAllowed(CaseRefusal.APPEAL_FOR_SUPERVISOR)
    ensure_offered(complaint, officer, CaseAction.SELESAIKAN)
    if not code_fits(target, code):
        raise NotAllowed(CaseRefusal.CODE_NOT_FOR_OUTCOME, outcome=target, code=code)
    if complaint.status is S.DITERIMA:
        _move(session, complaint, officer, S.DIVERIFIKASI, "", calendar)
    complaint.resolution_code, complaint.next_step = code, next_step
    _move(session, complaint, officer, target, message, calendar)
    flush_case(session)
    audit.record(
        session=session,
        actor=who,
        action=target.value,
        object_type="complaint",
        object_id=complaint.id,
        detail=code.value,
    )


def decide_appeal(
    *,
    session: Session,
    complaint: Complaint,
    supervisor: Account,
    expected_version: int,
    reopen: bool,
    message: str,
    calendar: WorkCalendar,
    who: audit.Actor,
    appeal_days: int = APPEAL_REVIEW_DAYS,
) -> None:
    """A supervisor other than the one who concluded the case upholds it or reopens it (with a
    clock of `appeal_days` again), giving the resident the reasons."""
    if supervisor.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise NotAllowed(CaseRefusal.APPEAL_FOR_SUPERVISOR)
    if concluded_by(complaint) == supervisor.id:
        raise NotAllowed(CaseRefusal.APPEAL_SAME_HANDLER)
    ensure_current(complaint, supervisor, expected_version)
    ensure_offered(complaint, supervisor, CaseAction.BANDING)
    transition(
        session=session,
        complaint=complaint,
        target=S.DIVERIFIKASI if reopen else S.SELESAI,
        actor=staff_actor(supervisor),
        acted_by=ActedBy.officer(supervisor.id),
        message=message,
        calendar=calendar,
        appeal_days=appeal_days,
    )
    flush_case(session)
    audit.record(
        session=session,
        actor=who,
        action="putus_banding",
        object_type="complaint",
        object_id=complaint.id,
        detail="dibuka kembali" if reopen else "dikuatkan",
    )


def mark_duplicate(
    *,
    session: Session,
    complaint: Complaint,
    officer: Account,
    expected_version: int,
    of_reference: str,
    calendar: WorkCalendar,
    who: audit.Actor,
    override_note: str = "",
) -> None:
    """Close a case as the duplicate of another about the same person (the same NIK); a
    supervisor may close it so anyway with `override_note`, which goes to the internal timeline
    and the audit trail."""
    ensure_current(complaint, officer, expected_version)
    ensure_offered(complaint, officer, CaseAction.GANDA)
    wanted = normalize_reference(of_reference)
    if wanted == complaint.reference:
        raise NotAllowed(CaseRefusal.DUPLICATE_OF_ITSELF)
    original = session.scalars(sa.select(Complaint).where(Complaint.reference == wanted)).first()
    if original is None or not can_view(officer, original):  # a case the officer may not see is not found either
        raise NotAllowed(CaseRefusal.ORIGINAL_NOT_FOUND)
    override = officer.is_supervisor and bool(override_note.strip())
    if not same_person(complaint, original) and not override:
        raise NotAllowed(
            CaseRefusal.DUPLICATE_OTHER_PERSON, original=original.reference, supervisor=officer.is_supervisor
        )
    if override and not same_person(complaint, original):
        add_event(
            session=session,
            complaint=complaint,
            kind=EventKind.CATATAN,
            acted_by=ActedBy.officer(officer.id),
            message=override_note.strip(),
            public=False,
        )
    complaint.duplicate_of_id = original.id
    # Stored text is Indonesian whatever the officer's interface language.
    _move(
        session,
        complaint,
        officer,
        S.DITUTUP,
        "Ditutup karena sama dengan pengaduan lain yang sedang ditangani.",
        calendar,
    )
    flush_case(session)
    audit.record(
        session=session,
        actor=who,
        action="tandai_ganda",
        object_type="complaint",
        object_id=complaint.id,
        detail=original.reference
        if same_person(complaint, original)
        else f"{original.reference}; orang berbeda, pengecualian supervisor: {override_note.strip()[:200]}",
    )


def reissue_access_code(
    *,
    session: Session,
    complaint: Complaint,
    officer: Account,
    expected_version: int,
    checked_how: str,
    note: str,
    who: audit.Actor,
) -> str:
    """A new access code for a resident who lost the receipt, after the officer checked who asks
    (`checked_how`, the officer's words, goes to the audit trail; `note`, worded by the caller,
    to the internal timeline). The old code stops working at once, and so does every tracking
    session opened with it. Returns the new code: the caller shows it once and keeps it nowhere
    (not in the audit trail, a log, a cookie or a URL)."""
    ensure_current(complaint, officer, expected_version)
    ensure_offered(complaint, officer, CaseAction.KODE_AKSES)
    code = new_access_code()
    complaint.access_code_hash = generate_password_hash(code, method=code_hash_method())
    add_event(
        session=session,
        complaint=complaint,
        kind=EventKind.CATATAN,
        acted_by=ActedBy.officer(officer.id),
        message=note,
        public=False,
    )
    complaint.updated_at = utcnow()
    flush_case(session)
    audit.record(
        session=session,
        actor=who,
        action="kode_akses_baru",
        object_type="complaint",
        object_id=complaint.id,
        detail=f"identitas diperiksa: {checked_how[:200]}",
    )
    return code
