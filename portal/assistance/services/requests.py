"""Assistance requests (permintaan bantuan): filing with a BTN reference and an access code, the
one transition() over the transitions table writing the timeline, and deleting disability data.

    diterima → dijadwalkan (→ dijadwalkan again when the appointment moves) → selesai
    diterima → selesai (helped at once, e.g. on the first call, or could not be reached)

Disability data is optional and stored only with its own consent (UU 27/2022 Pasal 4: data
pribadi yang bersifat spesifik); the person can have it deleted at any time.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from portal.assistance.models import (
    AssistanceDisability,
    AssistanceEvent,
    AssistanceEventKind,
    AssistanceKind,
    AssistanceNeed,
    AssistanceOutcome,
    AssistanceRequest,
    AssistanceStatus,
    AssistanceTopic,
    ContactPreference,
    DisabilityCategory,
    TimeOfDay,
)
from portal.core import trail as audit
from portal.core.base import utcnow
from portal.core.errors import DomainError
from portal.core.filers import FilerRelation
from portal.core.hashing import code_hash_method
from portal.core.lockout import DEFAULT_POLICY, LockoutPolicy
from portal.core.references import ASSISTANCE_SERIES, find_by_code, new_access_code, next_reference
from portal.core.trail import RESIDENT, ActedBy
from portal.core.workdays import WorkCalendar, local_date
from portal.drafts.models import ComplaintDraft, DraftKind
from portal.drafts.services import store as drafts
from portal.notifications.models import NoticeEvent, OutboxChannel
from portal.notifications.services.notices import Queued, Recipient, queue_notice

A = AssistanceStatus


class Actor(enum.StrEnum):
    WARGA = "warga"
    PETUGAS = "petugas"
    SUPERVISOR = "supervisor"


_STAFF = frozenset({Actor.PETUGAS, Actor.SUPERVISOR})

TRANSITIONS: dict[tuple[AssistanceStatus, AssistanceStatus], frozenset[Actor]] = {
    (A.DITERIMA, A.DIJADWALKAN): _STAFF,
    (A.DIJADWALKAN, A.DIJADWALKAN): _STAFF,  # the appointment moves
    (A.DITERIMA, A.SELESAI): _STAFF,
    (A.DIJADWALKAN, A.SELESAI): _STAFF,
}
OPEN_STATUSES = frozenset({A.DITERIMA, A.DIJADWALKAN})


class InvalidTransition(DomainError):
    pass


class HelpRefusal(enum.StrEnum):
    """Why a help request or an action on it was refused (assistance.labels words each one)."""

    INVALID_TRANSITION = "invalid_transition"  # current, target
    DISABILITY_WITHOUT_CONSENT = "disability_without_consent"
    NO_KIND = "no_kind"
    REQUEST_CHANGED = "request_changed"
    NOT_YOURS = "not_yours"
    CLAIM_FIRST = "claim_first"
    DATE_PAST = "date_past"
    SUPERVISOR_SCHEDULES = "supervisor_schedules"
    ASSIGNEE_OUT_OF_SCOPE = "assignee_out_of_scope"
    PICK_OFFICER = "pick_officer"
    REFERENCE_NEEDED = "reference_needed"
    REFERENCE_NOT_FOUND = "reference_not_found"  # ref
    DISABILITY_NOT_YOURS = "disability_not_yours"
    NO_DISABILITY_DATA = "no_disability_data"
    ALREADY_SENT = "already_sent"  # the draft was filed by another send of it (a double tap)
    REFERENCE_OTHER_PERSON = "reference_other_person"  # ref, supervisor (may override with a note)
    NOT_A_WORKING_DAY = "not_a_working_day"  # on
    OUTSIDE_OFFICE_HOURS = "outside_office_hours"  # opens, closes
    OUTSIDE_PREFERRED_TIME = "outside_preferred_time"  # asked (TimeOfDay list)
    OUTCOME_BEFORE_VISIT = "outcome_before_visit"  # on, at


class DraftAlreadySent(DomainError):
    """Another send of the same draft took it first: this one files nothing."""

    def __init__(self) -> None:
        super().__init__(HelpRefusal.ALREADY_SENT)


class DisabilityWithoutConsent(DomainError):
    def __init__(self) -> None:
        super().__init__(HelpRefusal.DISABILITY_WITHOUT_CONSENT)


@dataclass(frozen=True, slots=True)
class AssistanceInput:
    subject_name: str
    requester_relation: FilerRelation
    requester_name: str | None
    requester_relationship: str | None
    consent_recorded: bool
    kinds: tuple[AssistanceKind, ...]
    topic: AssistanceTopic
    description: str
    phone: str
    contact_preference: ContactPreference
    preferred_times: tuple[TimeOfDay, ...]
    time_note: str | None
    kelurahan_code: str
    street: str | None
    rt: str | None
    rw: str | None
    disabilities: tuple[DisabilityCategory, ...] = ()
    disability_note: str | None = None
    disability_consent: bool = False

    @property
    def gives_disability_data(self) -> bool:
        return bool(self.disabilities or self.disability_note)


@dataclass(frozen=True, slots=True)
class FiledRequest:
    request: AssistanceRequest
    access_code: str


# Drafts: what the resident typed, kept server-side until "send" (the cookie holds the token).


def start_draft(*, session: Session, data: dict[str, Any], now: datetime | None = None) -> str:
    """A new assistance draft; drafts nobody finished within two days are deleted here, so
    anything sensitive in them does not linger."""
    now = now or utcnow()
    drafts.purge_expired(session=session, kinds=[DraftKind.ASSISTANCE], now=now)
    return drafts.start(session=session, kind=DraftKind.ASSISTANCE, data=data, now=now)


def get_draft(*, session: Session, token: str | None, now: datetime | None = None) -> ComplaintDraft | None:
    """The assistance draft of that token (never another kind's) while it lasts."""
    return drafts.get(session=session, kind=DraftKind.ASSISTANCE, token=token, now=now)


def replace_draft(*, session: Session, draft: ComplaintDraft, data: dict[str, Any]) -> None:
    """The whole form is sent at once: its answers replace the draft (a dropped disability answer
    must not survive from an earlier save)."""
    draft.data = dict(data)
    session.flush()


# Filing ------------------------------------------------------------------------------------


def file_request(
    *,
    session: Session,
    data: AssistanceInput,
    calendar: WorkCalendar,
    contact_days: int,
    draft_token: str | None = None,
    now: datetime | None = None,
) -> FiledRequest:
    """Create the request with its BTN reference, access code and contact target date.

    Sent from a draft, the filing first takes the draft (drafts.claim, as a complaint's filing
    does): of two sends of one draft at once, only the one that took it files; the other raises
    DraftAlreadySent."""
    if data.gives_disability_data and not data.disability_consent:
        raise DisabilityWithoutConsent()
    if not data.kinds:
        raise DomainError(HelpRefusal.NO_KIND)
    if draft_token and not drafts.claim(session=session, kind=DraftKind.ASSISTANCE, token=draft_token):
        raise DraftAlreadySent()
    now = now or utcnow()
    today = local_date(now)
    code = new_access_code()
    someone_else = data.requester_relation is not FilerRelation.SENDIRI
    request = AssistanceRequest(
        reference=next_reference(session=session, year=today.year, series=ASSISTANCE_SERIES),
        access_code_hash=generate_password_hash(code, method=code_hash_method()),
        status=A.DITERIMA,
        topic=data.topic,
        subject_name=data.subject_name,
        requester_relation=data.requester_relation,
        requester_name=data.requester_name if someone_else else None,
        requester_relationship=data.requester_relationship if someone_else else None,
        consent_recorded=data.consent_recorded and someone_else,
        phone=data.phone,
        contact_preference=data.contact_preference,
        preferred_times=[t.value for t in TimeOfDay if t in data.preferred_times],
        time_note=data.time_note or None,
        kelurahan_code=data.kelurahan_code,
        street=data.street or None,
        rt=data.rt or None,
        rw=data.rw or None,
        description=data.description,
        created_at=now,
        updated_at=now,
        contact_due=calendar.add_working_days(today, contact_days),
    )
    request.needs = [AssistanceNeed(kind=kind) for kind in dict.fromkeys(data.kinds)]
    if data.gives_disability_data:
        request.disability_consent_at = now
        request.disability_note = data.disability_note or None
        request.disabilities = [AssistanceDisability(category=c) for c in dict.fromkeys(data.disabilities)]
    session.add(request)
    add_event(
        session=session, request=request, kind=AssistanceEventKind.DIBUAT, acted_by=RESIDENT, public=True, now=now
    )
    session.flush()
    tell_requester(session=session, request=request, event=NoticeEvent.DIBUAT, contact_due=request.contact_due)
    return FiledRequest(request=request, access_code=code)


def requester(request: AssistanceRequest) -> Recipient:
    """Where the requester's messages go: the phone, by the channel the form's preference names."""
    prefers = {
        ContactPreference.SMS: OutboxChannel.SMS,
        ContactPreference.TELEPON: OutboxChannel.SMS,
        ContactPreference.WHATSAPP_PESAN: OutboxChannel.WHATSAPP,
        ContactPreference.WHATSAPP_VIDEO: OutboxChannel.WHATSAPP,
    }[request.contact_preference]
    return Recipient(phone=request.phone, prefers=prefers)


def tell_requester(*, session: Session, request: AssistanceRequest, event: NoticeEvent, **context: object) -> Queued:
    """A notice by SMS or WhatsApp (the form asks for a phone, not an e-mail): the reference and
    what happens next, nothing of the story or of a disability."""
    return queue_notice(
        session=session,
        event=event,
        reference=request.reference,
        recipient=requester(request),
        context={"reference": request.reference, "kind": "bantuan", **context},
    )


# The lifecycle -----------------------------------------------------------------------------


def can_transition(request: AssistanceRequest, target: AssistanceStatus, actor: Actor) -> bool:
    return actor in TRANSITIONS.get((request.status, target), frozenset())


def transition(
    *,
    session: Session,
    request: AssistanceRequest,
    target: AssistanceStatus,
    actor: Actor,
    acted_by: ActedBy,
    message: str = "",
    public: bool = True,
    now: datetime | None = None,
) -> AssistanceEvent:
    """Move a request to `target` if the table allows it for this actor; write the timeline line
    with what was decided (the appointment, or the outcome) as codes."""
    if not can_transition(request, target, actor):
        raise InvalidTransition(HelpRefusal.INVALID_TRANSITION, current=request.status, target=target)
    now = now or utcnow()
    event = AssistanceEvent(
        kind=AssistanceEventKind.STATUS,
        public=public,
        from_status=request.status,
        to_status=target,
        acted_by=acted_by,
        message=message,
        created_at=now,
    )
    if target is A.DIJADWALKAN:
        event.appointment_kind = request.appointment_kind
        event.appointment_on, event.appointment_at = request.appointment_on, request.appointment_at
    if target is A.SELESAI:
        event.outcome, event.complaint_reference = request.outcome, request.outcome_reference
        request.completed_at = now
    reached = target is A.DIJADWALKAN or request.outcome is not AssistanceOutcome.TIDAK_DAPAT_DIHUBUNGI
    if request.contacted_at is None and reached:
        request.contacted_at = now
    request.events.append(event)
    request.status = target
    request.updated_at = now
    session.flush()
    return event


def add_event(
    *,
    session: Session,
    request: AssistanceRequest,
    kind: AssistanceEventKind,
    acted_by: ActedBy,
    public: bool,
    message: str = "",
    complaint_reference: str | None = None,
    now: datetime | None = None,
) -> AssistanceEvent:
    """A timeline line that does not change the status (a note, a filing, a deletion)."""
    event = AssistanceEvent(
        kind=kind,
        public=public,
        acted_by=acted_by,
        message=message,
        complaint_reference=complaint_reference,
        created_at=now or utcnow(),
    )
    request.events.append(event)
    session.flush()
    return event


# Disability data ---------------------------------------------------------------------------


def delete_disability_data(
    *,
    session: Session,
    request: AssistanceRequest,
    acted_by: ActedBy,
    who: audit.Actor,
    reason: str,
    now: datetime | None = None,
) -> bool:
    """Delete the categories and the note for good (rows deleted, not flagged) and say so on the
    timeline and in the audit trail (without the data itself). False when there was nothing."""
    if not request.has_disability_data:
        return False
    now = now or utcnow()
    request.disabilities.clear()
    request.disability_note = None
    request.disability_consent_at = None
    request.disability_deleted_at = now
    request.updated_at = now
    add_event(
        session=session,
        request=request,
        kind=AssistanceEventKind.DISABILITAS_DIHAPUS,
        acted_by=acted_by,
        public=True,
        now=now,
    )
    audit.record(
        session=session,
        actor=who,
        action="hapus_data_disabilitas",
        object_type="assistance",
        object_id=request.id,
        detail=reason,
    )
    return True


def find(*, session: Session, reference: str) -> AssistanceRequest | None:
    return session.scalars(sa.select(AssistanceRequest).where(AssistanceRequest.reference == reference)).first()


def track(
    *,
    session: Session,
    reference: str,
    access_code: str,
    client: str,
    hmac_key: str,
    policy: LockoutPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> AssistanceRequest | None:
    """The help request when its BTN reference and code match (portal.core.references.find_by_code)."""
    return find_by_code(
        session=session,
        model=AssistanceRequest,
        reference=reference,
        access_code=access_code,
        client=client,
        hmac_key=hmac_key,
        policy=policy,
        now=now,
    )
