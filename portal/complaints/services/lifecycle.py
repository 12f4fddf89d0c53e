"""The complaint lifecycle: one transition() over one transitions table, writing the timeline.

    diterima → diverifikasi → (menunggu_informasi ⇄ diverifikasi) → dirujuk / selesai / ditolak
    → banding → selesai; and ditutup (duplicate, withdrawn) from any open status.

The resolution clock pauses while the case waits for the resident.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint, ComplaintEvent, ComplaintStatus, ContactChannel, EventKind
from portal.core.base import utcnow
from portal.core.errors import DomainError
from portal.core.sql import table_of
from portal.core.trail import ActedBy, ActorKind
from portal.core.workdays import WorkCalendar, local_date
from portal.notifications.models import NoticeEvent, OutboxChannel
from portal.notifications.services.notices import Queued, Recipient, queue_notice

S = ComplaintStatus


class Actor(enum.StrEnum):
    WARGA = "warga"  # the resident, through the tracking page
    PETUGAS = "petugas"
    SUPERVISOR = "supervisor"
    SISTEM = "sistem"


_STAFF = frozenset({Actor.PETUGAS, Actor.SUPERVISOR})
_RESIDENT = frozenset({Actor.WARGA})
_SUPERVISOR = frozenset({Actor.SUPERVISOR})
_SYSTEM = frozenset({Actor.SISTEM})

TRANSITIONS: dict[tuple[ComplaintStatus, ComplaintStatus], frozenset[Actor]] = {
    (S.DITERIMA, S.DIVERIFIKASI): _STAFF,
    (S.DITERIMA, S.MENUNGGU_INFORMASI): _STAFF,
    (S.DITERIMA, S.DITUTUP): _STAFF,
    (S.DIVERIFIKASI, S.MENUNGGU_INFORMASI): _STAFF,
    (S.DIVERIFIKASI, S.DIRUJUK): _STAFF,
    (S.DIVERIFIKASI, S.SELESAI): _STAFF,
    (S.DIVERIFIKASI, S.DITOLAK): _STAFF,
    (S.DIVERIFIKASI, S.DITUTUP): _STAFF,
    (S.MENUNGGU_INFORMASI, S.DIVERIFIKASI): _STAFF | _RESIDENT,
    (S.MENUNGGU_INFORMASI, S.DITUTUP): _STAFF | _SYSTEM,  # no answer after INFO_CLOSE_DAYS (services.waiting)
    (S.DIRUJUK, S.DIVERIFIKASI): _STAFF,
    (S.DIRUJUK, S.SELESAI): _STAFF,
    (S.DIRUJUK, S.DITOLAK): _STAFF,
    (S.SELESAI, S.BANDING): _RESIDENT,
    (S.DITOLAK, S.BANDING): _RESIDENT,
    (S.BANDING, S.SELESAI): _SUPERVISOR,
    (S.BANDING, S.DIVERIFIKASI): _SUPERVISOR,
}

OPEN_STATUSES = frozenset({S.DITERIMA, S.DIVERIFIKASI, S.MENUNGGU_INFORMASI, S.DIRUJUK, S.BANDING})
RESOLVED_STATUSES = frozenset({S.SELESAI, S.DITOLAK})


class CaseRefusal(enum.StrEnum):
    """Why an action on a case was refused (the labels module words each one)."""

    INVALID_TRANSITION = "invalid_transition"  # current, target
    NOT_AVAILABLE = "not_available"  # current, action
    CASE_CHANGED = "case_changed"
    NOT_YOURS = "not_yours"
    CLAIM_FIRST = "claim_first"
    CONFIDENTIAL_CLAIM = "confidential_claim"
    SUPERVISOR_ASSIGNS = "supervisor_assigns"
    ASSIGNEE_OUT_OF_SCOPE = "assignee_out_of_scope"
    PICK_OFFICER = "pick_officer"
    PICK_OUTCOME = "pick_outcome"
    APPEAL_FOR_SUPERVISOR = "appeal_for_supervisor"
    DUPLICATE_OF_ITSELF = "duplicate_of_itself"
    ORIGINAL_NOT_FOUND = "original_not_found"
    RATING_CLOSED = "rating_closed"
    FILES_ONLY_WITH_APPEAL = "files_only_with_appeal"  # a rating of "puas" came with files
    DUPLICATE_OPEN_CASE = "duplicate_open_case"
    APPEAL_SAME_HANDLER = "appeal_same_handler"  # the supervisor who concluded the case cannot judge its appeal
    ALREADY_SENT = "already_sent"  # the draft was filed by another send of it (a double tap)
    CODE_NOT_FOR_OUTCOME = "code_not_for_outcome"  # outcome, code
    DUPLICATE_OTHER_PERSON = "duplicate_other_person"  # original, supervisor (may override with a note)
    FOLLOW_UP_PAST = "follow_up_past"  # on
    UNKNOWN_KELURAHAN = "unknown_kelurahan"
    SAME_KELURAHAN = "same_kelurahan"


class InvalidTransition(DomainError):
    pass


def actor_accounts(*, session: Session, actors: Iterable[ActedBy]) -> dict[int, str]:
    """Who did it, for officers' timelines: an officer's account is stored (a renamed account
    shows its new name); the name of each officer among `actors` (complaints.labels.actor_names
    names the others)."""
    ids = {actor.officer_id for actor in actors if actor.officer_id is not None}
    if not ids:
        return {}
    return {row.id: row.name for row in session.execute(sa.select(Account.id, Account.name).where(Account.id.in_(ids)))}


def notice_event(complaint: Complaint, target: ComplaintStatus | None) -> NoticeEvent:
    """Which notice a move to `target` (None: a reply) sends."""
    if target is None:
        return NoticeEvent.DIJAWAB
    if complaint.status is S.BANDING:
        return NoticeEvent.BANDING_DIPUTUS
    if target is S.MENUNGGU_INFORMASI:
        return NoticeEvent.INFO_DIMINTA
    if target in RESOLVED_STATUSES:
        return NoticeEvent.SELESAI
    return NoticeEvent.STATUS


def recipient(complaint: Complaint) -> Recipient:
    prefers = (
        {
            ContactChannel.WHATSAPP: OutboxChannel.WHATSAPP,
            ContactChannel.TELEPON: OutboxChannel.SMS,
        }.get(complaint.contact_channel)
        if complaint.contact_channel
        else None
    )
    return Recipient(phone=complaint.phone, email=complaint.email, prefers=prefers)


def tell_resident(
    *, session: Session, complaint: Complaint, event: NoticeEvent = NoticeEvent.STATUS, **context: object
) -> Queued:
    """A notice on the resident's channel (portal.notifications.services.notices). It says only
    where to look: details stay behind the reference and access code."""
    return queue_notice(
        session=session,
        event=event,
        reference=complaint.reference,
        recipient=recipient(complaint),
        context={"reference": complaint.reference, "status": complaint.status, **context},
    )


def concluded_by(complaint: Complaint) -> int | None:
    """The officer who last concluded the case (its appeal goes to someone else)."""
    for event in reversed(complaint.events):
        if event.kind is EventKind.STATUS and event.to_status in RESOLVED_STATUSES:
            return event.acted_by.officer_id
    return None


def can_transition(complaint: Complaint, target: ComplaintStatus, actor: Actor) -> bool:
    return actor in TRANSITIONS.get((complaint.status, target), frozenset())


APPEAL_REVIEW_DAYS = 10  # the default of the setting of that name


def _move_clock(
    complaint: Complaint,
    target: ComplaintStatus,
    calendar: WorkCalendar,
    today: date,
    now: datetime,
    appeal_days: int = APPEAL_REVIEW_DAYS,
) -> None:
    if target is S.BANDING or complaint.status is S.BANDING and target is S.DIVERIFIKASI:
        # an appeal, and a case reopened on appeal, get a clock of their own from today
        complaint.resolve_due = calendar.add_working_days(today, appeal_days)
    if target is S.MENUNGGU_INFORMASI:
        complaint.paused_since = today
    elif complaint.status is S.MENUNGGU_INFORMASI and complaint.paused_since is not None:
        paused = calendar.working_days_between(complaint.paused_since, today)
        complaint.resolve_due = calendar.add_working_days(complaint.resolve_due, paused)
        if complaint.verified_at is None:
            complaint.verify_due = calendar.add_working_days(complaint.verify_due, paused)
        complaint.paused_since = None
    if target is S.DIVERIFIKASI and complaint.verified_at is None:
        complaint.verified_at = now
    if target in RESOLVED_STATUSES:
        complaint.resolved_at = now


def transition(
    *,
    session: Session,
    complaint: Complaint,
    target: ComplaintStatus,
    actor: Actor,
    acted_by: ActedBy,
    message: str = "",
    public: bool = True,
    calendar: WorkCalendar,
    now: datetime | None = None,
    notify: bool = True,
    appeal_days: int = APPEAL_REVIEW_DAYS,
) -> ComplaintEvent:
    """Move a complaint to `target` if the table allows it for this actor; write the timeline.
    A public move sends the resident a notice unless `notify` is False (they just answered)."""
    if not can_transition(complaint, target, actor):
        raise InvalidTransition(CaseRefusal.INVALID_TRANSITION, current=complaint.status, target=target)
    now = now or utcnow()
    notice = notice_event(complaint, target)
    _move_clock(complaint, target, calendar, local_date(now), now, appeal_days)
    event = ComplaintEvent(
        kind=EventKind.STATUS,
        public=public,
        from_status=complaint.status,
        to_status=target,
        acted_by=acted_by,
        message=message,
        created_at=now,
    )
    complaint.events.append(event)
    complaint.status = target
    session.flush()
    if public and notify and actor is not Actor.WARGA:  # the resident's own move needs no notice
        tell_resident(session=session, complaint=complaint, event=notice)
    return event


def add_event(
    *,
    session: Session,
    complaint: Complaint,
    kind: EventKind,
    acted_by: ActedBy,
    message: str,
    public: bool,
    now: datetime | None = None,
) -> ComplaintEvent:
    """A timeline line that does not change the status (a reply, a note, added information)."""
    event = ComplaintEvent(kind=kind, public=public, acted_by=acted_by, message=message, created_at=now or utcnow())
    complaint.events.append(event)
    if acted_by.kind is ActorKind.RESIDENT and kind is not EventKind.DIBUAT:
        complaint.resident_news_at = event.created_at  # "baru dari warga" until the assigned officer opens it
    session.flush()
    if public and kind is EventKind.BALASAN:
        tell_resident(session=session, complaint=complaint, event=NoticeEvent.DIJAWAB)
    return event


def opened_by(*, session: Session, complaint: Complaint, viewer_id: int) -> None:
    """The case page was opened: news from the resident is read once its assigned officer sees it.
    Not a change of the case: written past the ORM, so the version the page's forms carry stays."""
    if complaint.resident_news_at is None or complaint.assigned_to_id != viewer_id:
        return
    table = table_of(Complaint)
    session.execute(sa.update(table).where(table.c.id == complaint.id).values(resident_news_at=None))
    set_committed_value(complaint, "resident_news_at", None)
