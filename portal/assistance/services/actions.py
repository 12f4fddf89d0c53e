"""What officers do to an assistance request. Each action checks the version the officer saw
(optimistic locking), goes through assistance.transition()/add_event(), and is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts.models import Account
from portal.assistance.models import (
    AppointmentKind,
    AssistanceEventKind,
    AssistanceOutcome,
    AssistanceRequest,
    AssistanceStatus,
    TimeOfDay,
)
from portal.assistance.services.access import can_act, can_see_disability, can_view
from portal.assistance.services.requests import (
    Actor,
    HelpRefusal,
    add_event,
    delete_disability_data,
    tell_requester,
    transition,
)
from portal.complaints.models.complaint import Complaint
from portal.complaints.services.access import can_view as can_view_complaint
from portal.core import trail as audit
from portal.core.base import utcnow
from portal.core.errors import DomainError
from portal.core.names import names_match
from portal.core.trail import ActedBy
from portal.core.workdays import JAKARTA, WorkCalendar, local_date
from portal.notifications.models import NoticeEvent
from portal.roster.models.person import Person

A = AssistanceStatus
OBJECT = "assistance"
# Outcomes that name the complaint or proposal filed for the person.
NEEDS_REFERENCE = frozenset({AssistanceOutcome.PENGADUAN_DIAJUKAN, AssistanceOutcome.DIUSULKAN})


class RequestChanged(DomainError):
    def __init__(self) -> None:
        super().__init__(HelpRefusal.REQUEST_CHANGED)


class NotAllowed(DomainError):
    pass


def _actor(account: Account) -> Actor:
    return Actor.SUPERVISOR if account.is_supervisor else Actor.PETUGAS


def _check(request: AssistanceRequest, officer: Account, expected_version: int, *, must_act: bool = True) -> None:
    if request.version != expected_version:
        raise RequestChanged()
    if not can_view(officer, request):
        raise NotAllowed(HelpRefusal.NOT_YOURS)
    if must_act and not can_act(officer, request):
        raise NotAllowed(HelpRefusal.CLAIM_FIRST)


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise RequestChanged() from None


def claim(
    *, session: Session, request: AssistanceRequest, officer: Account, expected_version: int, who: audit.Actor
) -> None:
    _check(request, officer, expected_version, must_act=False)
    if request.assigned_to_id is not None:
        raise RequestChanged()
    request.assigned_to_id = officer.id
    request.updated_at = utcnow()
    _flush(session)
    audit.record(session=session, actor=who, action="ambil", object_type=OBJECT, object_id=request.id)


# The parts of the day a resident may ask for (assistance/_times.html says them).
TIME_WINDOWS: dict[TimeOfDay, tuple[time, time]] = {
    TimeOfDay.PAGI: (time(8), time(11)),
    TimeOfDay.SIANG: (time(11), time(14)),
    TimeOfDay.SORE: (time(14), time(17)),
}


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """When visits and calls are made: working days (`calendar`), from `opens` until `closes`."""

    calendar: WorkCalendar
    opens: time
    closes: time


def _check_when(
    request: AssistanceRequest, on: date, at: time, hours: OfficeHours, now: datetime, *, outside_asked: bool
) -> bool:
    """Refuse an appointment at a time no one works or already past; True when it falls outside
    the parts of the day the resident asked for and the officer confirmed it (else refused)."""
    if on < local_date(now) or datetime.combine(on, at, tzinfo=JAKARTA) < now:
        raise NotAllowed(HelpRefusal.DATE_PAST)
    if not hours.calendar.is_working_day(on):
        raise NotAllowed(HelpRefusal.NOT_A_WORKING_DAY, on=on)
    if not hours.opens <= at < hours.closes:
        raise NotAllowed(HelpRefusal.OUTSIDE_OFFICE_HOURS, opens=hours.opens, closes=hours.closes)
    asked = [TimeOfDay(value) for value in request.preferred_times if value in {part.value for part in TimeOfDay}]
    if not asked or any(TIME_WINDOWS[part][0] <= at < TIME_WINDOWS[part][1] for part in asked):
        return False
    if not outside_asked:
        raise NotAllowed(HelpRefusal.OUTSIDE_PREFERRED_TIME, asked=asked)
    return True


def schedule(
    *,
    session: Session,
    request: AssistanceRequest,
    officer: Account,
    assignee: Account,
    kind: AppointmentKind,
    on: date,
    at: time,
    message: str,
    expected_version: int,
    who: audit.Actor,
    hours: OfficeHours,
    outside_asked: bool = False,
    now: datetime | None = None,
) -> None:
    """Book (or move) a visit or a call with the officer who will make it: on a working day in
    office hours, and in the parts of the day the resident asked for unless the officer confirms
    otherwise (`outside_asked`: e.g. agreed with the resident on the phone)."""
    _check(request, officer, expected_version)
    now = now or utcnow()
    outside = _check_when(request, on, at, hours, now, outside_asked=outside_asked)
    if assignee.id != officer.id and not officer.is_supervisor:
        raise NotAllowed(HelpRefusal.SUPERVISOR_SCHEDULES)
    if not assignee.active or not can_view(assignee, request):
        raise NotAllowed(HelpRefusal.ASSIGNEE_OUT_OF_SCOPE)
    request.assigned_to_id = assignee.id
    request.appointment_kind, request.appointment_on, request.appointment_at = kind, on, at
    transition(
        session=session,
        request=request,
        target=A.DIJADWALKAN,
        actor=_actor(officer),
        acted_by=ActedBy.officer(officer.id),
        message=message,
        now=now,
    )
    tell_requester(
        session=session,
        request=request,
        event=NoticeEvent.KUNJUNGAN,
        when=f"{on.strftime('%d-%m-%Y')} {at.strftime('%H.%M')}",
    )
    _flush(session)
    audit.record(
        session=session,
        actor=who,
        action="jadwalkan",
        object_type=OBJECT,
        object_id=request.id,
        detail=f"{kind.value} {on.isoformat()} {at.strftime('%H:%M')} akun {assignee.id}"
        + ("; di luar waktu yang diminta warga, dikonfirmasi petugas" if outside else ""),
    )


def record_outcome(
    *,
    session: Session,
    request: AssistanceRequest,
    officer: Account,
    outcome: AssistanceOutcome,
    complaint_reference: str | None,
    message: str,
    expected_version: int,
    who: audit.Actor,
    now: datetime | None = None,
    override_note: str = "",
) -> None:
    """Close the request with its outcome; one that names a complaint or proposal names one about
    the same person (see `about_the_same_person`), unless a supervisor says why with
    `override_note` (internal timeline and audit trail)."""
    _check(request, officer, expected_version)
    now = now or utcnow()
    if request.status is A.DIJADWALKAN and request.appointment_on and request.appointment_at:
        visit = datetime.combine(request.appointment_on, request.appointment_at, tzinfo=JAKARTA)
        if visit > now:
            raise NotAllowed(HelpRefusal.OUTCOME_BEFORE_VISIT, on=request.appointment_on, at=request.appointment_at)
    override = ""
    if outcome in NEEDS_REFERENCE:
        if not complaint_reference:
            raise NotAllowed(HelpRefusal.REFERENCE_NEEDED)
        filed = session.scalars(sa.select(Complaint).where(Complaint.reference == complaint_reference)).first()
        if filed is None or not can_view_complaint(officer, filed):
            raise NotAllowed(HelpRefusal.REFERENCE_NOT_FOUND, ref=complaint_reference)
        if not about_the_same_person(session=session, request=request, complaint=filed):
            if not (officer.is_supervisor and override_note.strip()):
                raise NotAllowed(
                    HelpRefusal.REFERENCE_OTHER_PERSON, ref=complaint_reference, supervisor=officer.is_supervisor
                )
            override = override_note.strip()
            add_event(
                session=session,
                request=request,
                kind=AssistanceEventKind.CATATAN,
                acted_by=ActedBy.officer(officer.id),
                public=False,
                message=override,
            )
    request.outcome = outcome
    request.outcome_reference = complaint_reference if outcome in NEEDS_REFERENCE else None
    transition(
        session=session,
        request=request,
        target=A.SELESAI,
        actor=_actor(officer),
        acted_by=ActedBy.officer(officer.id),
        message=message,
        now=now,
    )
    _flush(session)
    audit.record(
        session=session,
        actor=who,
        action="catat_hasil",
        object_type=OBJECT,
        object_id=request.id,
        detail=outcome.value
        + (f" {complaint_reference}" if request.outcome_reference else "")
        + (f"; orang berbeda, pengecualian supervisor: {override[:200]}" if override else ""),
    )


def about_the_same_person(*, session: Session, request: AssistanceRequest, complaint: Complaint) -> bool:
    """A complaint filed from this request (its timeline says so), or one whose person has the
    request's name (the complaint's, or the roster's for its NIK). A help request has no NIK."""
    if any(event.complaint_reference == complaint.reference for event in request.events):
        return True
    if names_match(request.subject_name, complaint.subject_name):
        return True
    person = session.get(Person, complaint.person_id) if complaint.person_id else None
    return person is not None and names_match(request.subject_name, person.nama)


def note(
    *,
    session: Session,
    request: AssistanceRequest,
    officer: Account,
    message: str,
    expected_version: int,
    who: audit.Actor,
) -> None:
    _check(request, officer, expected_version, must_act=False)
    add_event(
        session=session,
        request=request,
        kind=AssistanceEventKind.CATATAN,
        acted_by=ActedBy.officer(officer.id),
        public=False,
        message=message,
    )
    request.updated_at = utcnow()  # a note changes the request: bump its version too
    _flush(session)
    audit.record(session=session, actor=who, action="catatan", object_type=OBJECT, object_id=request.id)


def delete_disability(
    *, session: Session, request: AssistanceRequest, officer: Account, expected_version: int, who: audit.Actor
) -> None:
    """The person asked (in person, by phone): the assigned officer or a supervisor deletes it."""
    if request.version != expected_version:
        raise RequestChanged()
    if not can_see_disability(officer, request):
        raise NotAllowed(HelpRefusal.DISABILITY_NOT_YOURS)
    if not delete_disability_data(
        session=session,
        request=request,
        acted_by=ActedBy.officer(officer.id),
        who=who,
        reason="atas permintaan warga kepada petugas",
    ):
        raise NotAllowed(HelpRefusal.NO_DISABILITY_DATA)
    _flush(session)


def link_filing(*, session: Session, request: AssistanceRequest, officer: Account, reference: str) -> None:
    """An officer filed a complaint or proposal for this person from the request: say so on its
    timeline (the officer's access was checked when the filing started)."""
    if not can_view(officer, request):
        raise NotAllowed(HelpRefusal.NOT_YOURS)
    add_event(
        session=session,
        request=request,
        kind=AssistanceEventKind.PENGAJUAN,
        acted_by=ActedBy.officer(officer.id),
        public=True,
        complaint_reference=reference,
    )
    request.updated_at = utcnow()
    session.flush()


@dataclass(frozen=True, slots=True)
class HelpRequestSource:
    """A help request an officer files a complaint or proposal from (portal.complaints'
    FilingSource): what it says about the person, and a line on its timeline once filed."""

    request: AssistanceRequest
    reference: str
    prefill: dict[str, str | bool]

    def link(self, *, session: Session, officer: Account, complaint_reference: str) -> None:
        link_filing(session=session, request=self.request, officer=officer, reference=complaint_reference)


def filing_source(*, session: Session, reference: str, officer: Account) -> HelpRequestSource | None:
    """The help request behind an assisted filing, when the officer may see it."""
    from portal.assistance.services.requests import find

    found = find(session=session, reference=reference)
    if found is None or not can_view(officer, found):
        return None
    return HelpRequestSource(
        request=found,
        reference=found.reference,
        prefill={
            "name": found.subject_name,
            "kelurahan": found.kelurahan_code,
            "phone": found.phone,
            "relation": found.requester_relation.value,
            "requester_name": found.requester_name or "",
            "requester_relationship": found.requester_relationship or "",
            "whatsapp": "whatsapp" in found.contact_preference.value,
            "street": found.street or "",
            "rt": found.rt or "",
            "rw": found.rw or "",
        },
    )
