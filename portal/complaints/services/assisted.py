"""Assisted filing: an officer (on a home visit or at a walk-in desk) files a complaint or a
candidate proposal on someone's behalf. The case records who acted (filed_by) for whom and who
consented; the audit trail records the filing; a linked assistance request gets a timeline line.
A case the filing officer (not a supervisor) may take (their own area, not confidential) is theirs
at once, claimed through the same action as the case page's "Ambil"."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.complaints.models.complaint import EventKind
from portal.complaints.services.actions import claim
from portal.complaints.services.available import CaseAction, available_actions
from portal.complaints.services.filing import ComplaintInput, Filed, OnOpenCase, file_complaint
from portal.complaints.services.lifecycle import add_event
from portal.core import trail as audit
from portal.core.errors import DomainError
from portal.core.filers import FilerRelation
from portal.core.sla import SlaTargets
from portal.core.trail import ActedBy
from portal.core.workdays import WorkCalendar

# Stored in Indonesian whatever the officer's interface language (like other timeline text).
_CONSENT_BY = {
    FilerRelation.SENDIRI: "yang bersangkutan sendiri",
    FilerRelation.KELUARGA: "anggota keluarga",
    FilerRelation.PENDAMPING: "pendamping",
    FilerRelation.RT_RW: "pengurus RT/RW",
    FilerRelation.LAINNYA: "orang lain",
}


class FilingSource(Protocol):
    """Where an assisted filing started, in another domain (a help request: portal.assistance
    registers a finder under FILING_SOURCES): what it says about the person, and a line on it
    once the case is filed."""

    reference: str
    prefill: dict[str, str | bool]

    def link(self, *, session: Session, officer: Account, complaint_reference: str) -> None: ...


# app.extensions key: finder(session=, reference=, officer=) -> FilingSource | None
FILING_SOURCES = "sigap_filing_sources"


INCIDENT_CONSENT = "pelapor sendiri"  # a pungli report: the resident who tells it agrees to it


def consent_by(relation: FilerRelation, name: str | None, relationship: str | None, *, incident: bool = False) -> str:
    """Who consented, as it is written on the case and the slip."""
    if incident:
        return INCIDENT_CONSENT
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
    source: FilingSource | None = None,
    now: datetime | None = None,
) -> Filed:
    """File like a resident would (same rules, one open exclusion case per NIK), as the officer.
    Raises DuplicateOpenCase."""
    if not data.consent_recorded:
        raise DomainError("consent is required to file on someone's behalf")
    by = ActedBy.officer(officer.id)
    filed = file_complaint(
        session=session,
        data=data,
        draft_token=draft_token,
        calendar=calendar,
        targets=targets,
        now=now,
        filed_by_id=officer.id,
        acted_by=by,
        on_open_case=OnOpenCase.REFUSE,
    )
    complaint = filed.complaint
    incident = data.incident_place is not None
    if incident:  # the subject is whoever did it: the officer files for the reporter
        reporter = "tanpa identitas" if data.anonymous else (data.filer_name or "yang tidak menyebutkan nama")
        message = f"Laporan diajukan oleh petugas {officer.name} untuk pelapor {reporter}. "
    else:
        message = f"Diajukan oleh petugas {officer.name} atas nama {data.subject_name}. "
    consent = consent_by(data.filer_relation, data.filer_name, data.filer_relationship, incident=incident)
    add_event(
        session=session,
        complaint=complaint,
        kind=EventKind.CATATAN,
        acted_by=by,
        public=False,
        message=f"{message}Persetujuan dari {consent}.",
        now=now,
    )
    consented = INCIDENT_CONSENT if incident else _CONSENT_BY[data.filer_relation]
    detail = f"atas nama warga; persetujuan: {consented}"
    if source is not None:
        source.link(session=session, officer=officer, complaint_reference=complaint.reference)
        detail += f"; dari permintaan bantuan {source.reference}"
    audit.record(
        session=session,
        actor=who,
        action="ajukan_atas_nama",
        object_type="complaint",
        object_id=complaint.id,
        detail=detail,
    )
    if not officer.is_supervisor and CaseAction.AMBIL in available_actions(case=complaint, actor=officer):
        # a walk-in from the officer's own area: theirs at once, taken as "Ambil" takes it (audited);
        # a confidential one is still assigned by a supervisor, another area's is not theirs to take
        claim(session=session, complaint=complaint, officer=officer, expected_version=complaint.version, who=who)
    return filed
