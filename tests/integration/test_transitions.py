from datetime import UTC, date, datetime

import pytest

from portal.complaints.labels import error_message
from portal.complaints.services.lifecycle import (
    TRANSITIONS,
    Actor,
    CaseRefusal,
    InvalidTransition,
    can_transition,
    transition,
)
from portal.core.trail import RESIDENT, SYSTEM, ActedBy
from portal.core.workdays import WorkCalendar
from portal.models import Complaint, ComplaintStatus

S = ComplaintStatus


def case(status: ComplaintStatus) -> Complaint:
    return Complaint(
        status=status,
        events=[],
        email=None,
        verify_due=date(2026, 11, 26),
        resolve_due=date(2026, 12, 10),
        verified_at=None,
    )


def test_every_status_but_closed_has_a_way_on():
    sources = {source for source, _target in TRANSITIONS}
    assert sources == set(S) - {S.DITUTUP}


def test_residents_may_only_answer_and_appeal():
    resident = {pair for pair, actors in TRANSITIONS.items() if Actor.WARGA in actors}
    assert resident == {(S.MENUNGGU_INFORMASI, S.DIVERIFIKASI), (S.SELESAI, S.BANDING), (S.DITOLAK, S.BANDING)}


def test_only_a_supervisor_decides_an_appeal():
    assert can_transition(case(S.BANDING), S.SELESAI, Actor.SUPERVISOR)
    assert not can_transition(case(S.BANDING), S.SELESAI, Actor.PETUGAS)


@pytest.mark.parametrize(
    ("source", "target", "actor"),
    [
        (S.DITERIMA, S.SELESAI, Actor.PETUGAS),
        (S.DITUTUP, S.DIVERIFIKASI, Actor.SUPERVISOR),
        (S.DIVERIFIKASI, S.BANDING, Actor.WARGA),
        (S.SELESAI, S.DIVERIFIKASI, Actor.PETUGAS),
    ],
)
def test_invalid_transitions_change_nothing(session, source, target, actor):
    complaint = case(source)
    with pytest.raises(InvalidTransition) as caught:
        transition(
            session=session, complaint=complaint, target=target, actor=actor, acted_by=SYSTEM, calendar=WorkCalendar()
        )
    assert caught.value.code is CaseRefusal.INVALID_TRANSITION
    assert "tidak bisa diubah" in error_message(caught.value)
    assert complaint.status is source and complaint.events == []


def test_a_transition_writes_the_timeline(session):
    complaint = case(S.DITERIMA)
    now = datetime(2026, 11, 23, 3, tzinfo=UTC)
    event = transition(
        session=session,
        complaint=complaint,
        target=S.DIVERIFIKASI,
        actor=Actor.PETUGAS,
        acted_by=ActedBy.officer(1),
        message="Diperiksa",
        calendar=WorkCalendar(),
        now=now,
    )
    assert complaint.status is S.DIVERIFIKASI and complaint.verified_at == now
    assert (event.from_status, event.to_status, event.acted_by) == (S.DITERIMA, S.DIVERIFIKASI, ActedBy.officer(1))
    assert complaint.events == [event]


def test_waiting_for_the_resident_pauses_the_clock(session):
    complaint = case(S.DIVERIFIKASI)
    calendar = WorkCalendar()
    transition(
        session=session,
        complaint=complaint,
        target=S.MENUNGGU_INFORMASI,
        actor=Actor.PETUGAS,
        acted_by=ActedBy.officer(1),
        calendar=calendar,
        now=datetime(2026, 11, 23, 3, tzinfo=UTC),
    )  # Monday
    assert complaint.paused_since == date(2026, 11, 23)
    transition(
        session=session,
        complaint=complaint,
        target=S.DIVERIFIKASI,
        actor=Actor.WARGA,
        acted_by=RESIDENT,
        calendar=calendar,
        now=datetime(2026, 11, 30, 3, tzinfo=UTC),
    )  # next Monday: 5 working days later
    assert complaint.paused_since is None
    assert complaint.resolve_due == date(2026, 12, 17)  # 10 Dec + 5 working days
