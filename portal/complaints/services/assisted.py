"""Assisted filing: an officer (on a home visit or at a walk-in desk) files a complaint or a
candidate proposal on someone's behalf. The case records who acted (filed_by) for whom and who
consented; the audit trail records the filing; a linked assistance request gets a timeline line."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.assistance.services.access import can_view as can_view_request
from portal.assistance.services.actions import link_filing
from portal.assistance.services.requests import find as find_request
from portal.audit.services import trail as audit
from portal.complaints.models.complaint import EventKind, FilerRelation
from portal.complaints.services.filing import ComplaintInput, Filed, OnOpenCase, SlaTargets, file_complaint
from portal.complaints.services.lifecycle import add_event
from portal.core.errors import DomainError
from portal.core.workdays import WorkCalendar

# Stored in Indonesian whatever the officer's interface language (like other timeline text).
_CONSENT_BY = {
    FilerRelation.SENDIRI: "yang bersangkutan sendiri",
    FilerRelation.KELUARGA: "anggota keluarga",
    FilerRelation.PENDAMPING: "pendamping",
    FilerRelation.RT_RW: "pengurus RT/RW",
    FilerRelation.LAINNYA: "orang lain",
}


def consent_by(relation: FilerRelation, name: str | None, relationship: str | None) -> str:
    """Who consented, as it is written on the case and the slip."""
    who = _CONSENT_BY[relation]
    if relation is FilerRelation.SENDIRI:
        return who
    return f"{who}: {name} ({relationship})"


def file_on_behalf(
    *,
    session: Session,
    data: ComplaintInput,
    draft_token: str | None,
    calendar: WorkCalendar,
    targets: SlaTargets,
    officer: Account,
    who: audit.Actor,
    assistance_reference: str | None = None,
    now: datetime | None = None,
) -> Filed:
    """File like a resident would (same rules, one open exclusion case per NIK), as the officer.
    Raises DuplicateOpenCase."""
    if not data.consent_recorded:
        raise DomainError("consent is required to file on someone's behalf")
    label = f"petugas:{officer.id}"
    filed = file_complaint(
        session=session,
        data=data,
        draft_token=draft_token,
        calendar=calendar,
        targets=targets,
        now=now,
        filed_by_id=officer.id,
        actor_label=label,
        on_open_case=OnOpenCase.REFUSE,
    )
    complaint = filed.complaint
    add_event(
        session=session,
        complaint=complaint,
        kind=EventKind.CATATAN,
        actor_label=label,
        public=False,
        message=f"Diajukan oleh petugas {officer.name} atas nama {data.subject_name}. "
        f"Persetujuan dari {consent_by(data.filer_relation, data.filer_name, data.filer_relationship)}.",
        now=now,
    )
    detail = f"atas nama warga; persetujuan: {_CONSENT_BY[data.filer_relation]}"
    request = find_request(session=session, reference=assistance_reference) if assistance_reference else None
    if request is not None and can_view_request(officer, request):
        link_filing(session=session, request=request, officer=officer, reference=complaint.reference)
        detail += f"; dari permintaan bantuan {request.reference}"
    audit.record(
        session=session,
        actor=who,
        action="ajukan_atas_nama",
        object_type="complaint",
        object_id=complaint.id,
        detail=detail,
    )
    return filed
