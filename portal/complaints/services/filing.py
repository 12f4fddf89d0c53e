"""Filing and tracking complaints without an account: a reference and an access code."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from portal.complaints.models.complaint import (
    Attachment,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    ContactChannel,
    EventKind,
)
from portal.complaints.services import attachments as files
from portal.complaints.services.lifecycle import OPEN_STATUSES, CaseRefusal, add_event, tell_resident
from portal.complaints.services.search import index_name
from portal.core.base import utcnow
from portal.core.errors import DomainError
from portal.core.filers import FilerRelation
from portal.core.files import FileStore
from portal.core.hashing import code_hash_method
from portal.core.references import new_access_code, next_reference
from portal.core.sla import SlaTargets
from portal.core.trail import RESIDENT, SYSTEM, ActedBy
from portal.core.workdays import WorkCalendar, local_date
from portal.drafts.models import ComplaintDraft, DraftKind
from portal.drafts.services import store as drafts
from portal.notifications.models import NoticeEvent
from portal.roster.models.person import Person

ONE_CASE_PER_PERSON = frozenset(
    {ComplaintCategory.TERLEWAT, ComplaintCategory.DATA_SALAH, ComplaintCategory.USULAN_CALON}
)
NEEDS_NIK = frozenset(
    {
        ComplaintCategory.TERLEWAT,
        ComplaintCategory.DATA_SALAH,
        ComplaintCategory.MASALAH_KARTU_KLAIM,
        ComplaintCategory.USULAN_CALON,
    }
)
ALWAYS_CONFIDENTIAL = frozenset({ComplaintCategory.PUNGLI})
# Reports *about* someone (an unfair recipient, a broker, an officer): nobody files them on that
# person's behalf, so their consent is never asked, and the reporter need not give a name.
REPORTS_ABOUT_SOMEONE = frozenset({ComplaintCategory.PENERIMA_TIDAK_LAYAK, ComplaintCategory.PUNGLI})


class OnOpenCase(enum.Enum):
    """What filing does when the person already has an open exclusion or correction case."""

    LINK = "link"  # residents: their own case, with an internal note for officers; the filer learns nothing
    REFUSE = "refuse"  # officers filing on someone's behalf: DuplicateOpenCase, they may open the case


class DuplicateOpenCase(DomainError):
    def __init__(self, complaint_id: int) -> None:
        super().__init__(CaseRefusal.DUPLICATE_OPEN_CASE)
        self.complaint_id = complaint_id


class DraftAlreadySent(DomainError):
    """Another send of the same draft took it first: this one files nothing."""

    def __init__(self) -> None:
        super().__init__(CaseRefusal.ALREADY_SENT)


@dataclass(frozen=True, slots=True)
class ComplaintInput:
    category: ComplaintCategory
    subject_nik: str | None
    subject_name: str
    kelurahan_code: str
    filer_relation: FilerRelation
    filer_name: str | None
    filer_relationship: str | None
    consent_recorded: bool
    phone: str | None  # None only for an anonymous report
    contact_channel: ContactChannel | None
    email: str | None
    description: str
    confidential: bool
    # A report of an incident (pungli): where, when, what was asked for; and whether the reporter
    # gave no identity at all (no name, phone or e-mail: followed by reference and code alone).
    anonymous: bool = False
    incident_place: str | None = None
    incident_date: date | None = None
    incident_demand: str | None = None
    # A candidate proposal (usulan_calon) carries what verification needs.
    kk_number: str | None = None
    street: str | None = None
    rt: str | None = None
    rw: str | None = None
    occupation: str | None = None


@dataclass(frozen=True, slots=True)
class Filed:
    complaint: Complaint
    access_code: str


# Drafts ------------------------------------------------------------------------------------


def start_draft(*, session: Session, data: dict[str, Any]) -> str:
    return drafts.start(session=session, kind=DraftKind.COMPLAINT, data=data)


def unsaved_draft(*, data: dict[str, Any]) -> ComplaintDraft:
    """A draft to show a form with, not stored (and without files)."""
    return ComplaintDraft(token="", kind=DraftKind.COMPLAINT, data=data)


def get_draft(
    *, session: Session, token: str | None, max_age: timedelta | None = None, now: datetime | None = None
) -> ComplaintDraft | None:
    """The complaint draft of that token (never another kind's) while it lasts."""
    return drafts.get(session=session, kind=DraftKind.COMPLAINT, token=token, max_age=max_age, now=now)


def update_draft(*, session: Session, draft: ComplaintDraft, data: dict[str, Any]) -> None:
    draft.data = {**draft.data, **data}
    session.flush()


# Answers whose meaning depends on the kind of complaint: `nik`/`nama` are the person concerned in
# most complaints, the person reported in a report about someone, and who did it in a pungli
# report; `pelapor` is set to "someone else" by a report about someone.
MEANING_DEPENDS_ON_CATEGORY = ("nik", "nama", "pelapor")


def _kind_of(category: str | None) -> tuple[bool, bool]:
    known = {c.value: c for c in ComplaintCategory}
    found = known.get(category or "")
    return found in REPORTS_ABOUT_SOMEONE, found is ComplaintCategory.PUNGLI


def change_category(*, session: Session, draft: ComplaintDraft, data: dict[str, Any]) -> None:
    """Update the draft with a category chosen (again) on step 1, and what came with it (a status
    check's NIK and name). Going between a complaint about oneself (or someone filed for), a report
    about someone and a pungli report, the answers that mean something else there are dropped: the
    resident's own name must not become the name of the person reported, nor "someone else" stay
    the filer of a complaint about oneself."""
    if _kind_of(draft.data.get("kategori")) != _kind_of(data.get("kategori")):
        draft.data = {k: v for k, v in draft.data.items() if k not in MEANING_DEPENDS_ON_CATEGORY}
    update_draft(session=session, draft=draft, data=data)


def draft_attachments(*, session: Session, token: str) -> list[Attachment]:
    return list(session.scalars(sa.select(Attachment).where(Attachment.draft_token == token).order_by(Attachment.id)))


def attach_file(
    *,
    session: Session,
    store: FileStore,
    file: files.CleanFile,
    draft_token: str | None = None,
    complaint: Complaint | None = None,
) -> Attachment:
    """The file put in the store and its row added, in one transaction (both go on rollback)."""
    stored = files.keep(store=store, session=session, file=file)
    record = Attachment(
        draft_token=draft_token,
        complaint=complaint,
        storage_key=stored.key,
        original_name=file.original_name,
        content_type=file.content_type,
        size=stored.size,
        sha256=stored.sha256,
    )
    session.add(record)
    session.flush()
    return record


def remove_draft_attachment(*, session: Session, store: FileStore, token: str, attachment_id: int) -> None:
    record = session.get(Attachment, attachment_id)
    if record is not None and record.draft_token == token:
        session.delete(record)
        session.flush()
        store.delete(key=record.storage_key, session=session)  # the file goes once that is committed


def _lock_person(session: Session, nik: str) -> None:
    """Serialise filings for one NIK on PostgreSQL (SQLite serialises all writers anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext("nik:" + nik))))


def open_case_for(*, session: Session, nik: str) -> Complaint | None:
    return session.scalars(
        sa.select(Complaint)
        .where(
            Complaint.subject_nik == nik,
            Complaint.category.in_(ONE_CASE_PER_PERSON),
            Complaint.status.in_(OPEN_STATUSES),
        )
        .limit(1)
    ).first()


def file_complaint(
    *,
    session: Session,
    data: ComplaintInput,
    draft_token: str | None,
    calendar: WorkCalendar,
    targets: SlaTargets,
    now: datetime | None = None,
    filed_by_id: int | None = None,
    acted_by: ActedBy = RESIDENT,
    on_open_case: OnOpenCase = OnOpenCase.LINK,
) -> Filed:
    """Create the complaint with its reference and access code.
    `filed_by_id`: the officer who files on the person's behalf (assisted filing).

    One person, one open exclusion or correction case: a second one for the same NIK is, for a
    resident, a case of its own that officers are told about (answering "there is already a
    case" to anyone who types a NIK would tell them so, and let them add to it); for an officer
    it raises DuplicateOpenCase (`on_open_case=REFUSE`).

    Sent from a draft, the filing first takes the draft (drafts.claim): of two sends of one draft
    at once, only the one that took it files; the other raises DraftAlreadySent."""
    now = now or utcnow()
    if draft_token and not drafts.claim(session=session, kind=DraftKind.COMPLAINT, token=draft_token):
        raise DraftAlreadySent()
    existing = None
    if data.subject_nik and data.category in ONE_CASE_PER_PERSON:
        _lock_person(session, data.subject_nik)
        existing = open_case_for(session=session, nik=data.subject_nik)
        if existing is not None and on_open_case is OnOpenCase.REFUSE:
            raise DuplicateOpenCase(existing.id)
    today = local_date(now)
    code = new_access_code()
    person_id = None
    if data.subject_nik:
        person_id = session.scalar(sa.select(Person.id).where(Person.nik == data.subject_nik))
    complaint = Complaint(
        reference=next_reference(session=session, year=today.year),
        access_code_hash=generate_password_hash(code, method=code_hash_method()),
        category=data.category,
        status=ComplaintStatus.DITERIMA,
        confidential=data.confidential or data.category in ALWAYS_CONFIDENTIAL,
        subject_nik=data.subject_nik,
        subject_name=data.subject_name,
        kelurahan_code=data.kelurahan_code,
        person_id=person_id,
        filer_relation=data.filer_relation,
        filer_name=data.filer_name if data.filer_relation is not FilerRelation.SENDIRI and not data.anonymous else None,
        filer_relationship=(data.filer_relationship if data.filer_relation is not FilerRelation.SENDIRI else None),
        consent_recorded=data.consent_recorded,
        phone=None if data.anonymous else data.phone,
        contact_channel=None if data.anonymous else data.contact_channel,
        email=None if data.anonymous else data.email,
        anonymous=data.anonymous,
        incident_place=data.incident_place,
        incident_date=data.incident_date,
        incident_demand=data.incident_demand,
        description=data.description,
        filed_by_id=filed_by_id,
        kk_number=data.kk_number,
        street=data.street,
        rt=data.rt,
        rw=data.rw,
        occupation=data.occupation,
        created_at=now,
        verify_due=calendar.add_working_days(today, targets.verify_for(data.category)),
        resolve_due=calendar.add_working_days(today, targets.resolve_for(data.category)),
    )
    session.add(complaint)
    event = add_event(
        session=session,
        complaint=complaint,
        kind=EventKind.DIBUAT,
        acted_by=acted_by,
        message="",
        public=True,
        now=now,
    )
    if draft_token:
        _claim_draft_files(session, draft_token, complaint, event.id)
    if existing is not None:
        # Stored for officers, in Indonesian whatever language the filer used.
        add_event(
            session=session,
            complaint=complaint,
            kind=EventKind.CATATAN,
            acted_by=SYSTEM,
            public=False,
            message=f"Sudah ada pengaduan yang masih terbuka untuk NIK ini: {existing.reference}. Periksa "
            "apakah pengaduan ini sama; jika ya, tandai sebagai pengaduan ganda.",
            now=now,
        )
    session.flush()
    index_name(session=session, complaint=complaint)
    tell_resident(session=session, complaint=complaint, event=NoticeEvent.DIBUAT)
    return Filed(complaint=complaint, access_code=code)


def _claim_draft_files(session: Session, token: str, complaint: Complaint, event_id: int) -> None:
    for record in draft_attachments(session=session, token=token):
        record.draft_token = None
        record.complaint = complaint
        record.event_id = event_id
