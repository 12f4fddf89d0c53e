"""A case moved to another kelurahan, and so maybe to another kecamatan's officers (issue 16
point 5): a walk-in filed where the resident does not live, or a case filed under the wrong
place. A supervisor moves it, or the officer who filed it; the timeline and the trail say so."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint, EventKind
from portal.complaints.services.access import can_view
from portal.complaints.services.available import CaseAction
from portal.complaints.services.case_checks import NotAllowed, ensure_current, ensure_offered, flush_case
from portal.complaints.services.lifecycle import CaseRefusal, add_event
from portal.core import trail as audit
from portal.core.regions import kelurahan, regions
from portal.core.trail import ActedBy


def _place(code: str) -> str:
    found = kelurahan(code)
    return f"{found.name}, Kecamatan {found.kecamatan.name}" if found else code


def transfer(
    *,
    session: Session,
    complaint: Complaint,
    officer: Account,
    expected_version: int,
    kelurahan_code: str,
    reason: str,
    who: audit.Actor,
) -> bool:
    """Move the case to `kelurahan_code`. Its officer keeps it only if they see the new place
    (else it goes back to the queue there, unassigned). Returns whether `officer` still sees it."""
    ensure_current(complaint, officer, expected_version, must_act=False)
    ensure_offered(complaint, officer, CaseAction.PINDAH_WILAYAH)
    if kelurahan_code not in regions().kelurahan:
        raise NotAllowed(CaseRefusal.UNKNOWN_KELURAHAN)
    if kelurahan_code == complaint.kelurahan_code:
        raise NotAllowed(CaseRefusal.SAME_KELURAHAN)
    old = complaint.kelurahan_code
    complaint.kelurahan_code = kelurahan_code
    assigned = session.get(Account, complaint.assigned_to_id) if complaint.assigned_to_id else None
    released = assigned is not None and not can_view(assigned, complaint)
    if released:
        complaint.assigned_to_id = None
    # Stored text is Indonesian whatever the officer's interface language.
    add_event(
        session=session,
        complaint=complaint,
        kind=EventKind.CATATAN,
        acted_by=ActedBy.officer(officer.id),
        message=f"Dipindahkan dari {_place(old)} ke {_place(kelurahan_code)}. Alasan: {reason}",
        public=False,
    )
    flush_case(session)
    audit.record(
        session=session,
        actor=who,
        action="pindah_wilayah",
        object_type="complaint",
        object_id=complaint.id,
        detail=f"{old} -> {kelurahan_code}"
        + ("; petugas dilepas" if assigned and not complaint.assigned_to_id else ""),
    )
    return can_view(officer, complaint)
