"""Reading the audit trail (supervisors): by object or by officer, newest first, page by page.
The trail itself is append-only (portal.core.trail); reading it is audited too."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint
from portal.core import trail as audit
from portal.core.nik import normalize_nik
from portal.core.trail import AuditEvent
from portal.roster.models.person import Person

PAGE_SIZE = 50
OBJECT_TYPES = (
    "complaint",
    "person",
    "account",
    "attachment",
    "roster_batch",
    "response_template",
    "outbox_message",
    "audit",
    "lockout",
)


@dataclass(frozen=True, slots=True)
class AuditFilters:
    object_type: str | None = None
    object_ref: str = ""  # as typed: a complaint reference, a NIK, or an id
    account_id: int | None = None
    before_id: int | None = None


@dataclass(slots=True)
class AuditPage:
    events: list[AuditEvent]
    older_than: int | None  # the before_id of the next (older) page, None on the last page
    accounts: dict[int, Account] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)  # complaint id -> reference
    object_type: str | None = None
    object_id: str | None = None
    missing: str = ""  # the complaint reference or NIK asked for that does not exist (object_type says which)


def _resolve(session: Session, object_type: str | None, ref: str) -> tuple[str | None, str | None, str]:
    """(object_type, object_id, missing): a complaint reference or a NIK becomes the stored id;
    `missing` is what was asked for when nothing has it."""
    ref = ref.strip()
    if not ref:
        return object_type, None, ""
    if ref.upper().startswith("SGP") and object_type in (None, "complaint"):
        found = session.scalar(sa.select(Complaint.id).where(Complaint.reference == ref.upper()))
        if found is None:
            return "complaint", None, ref.upper()[:20]
        return "complaint", str(found), ""
    digits = normalize_nik(ref)
    if digits.isdigit() and len(digits) == 16 and object_type in (None, "person"):
        found = session.scalar(sa.select(Person.id).where(Person.nik == digits))
        if found is None:
            return "person", None, digits
        return "person", str(found), ""
    return object_type, ref[:40], ""


def person_of_nik(*, session: Session, nik: str) -> int | None:
    """The roster number of a NIK as typed (spaces, dots, dashes allowed), or None."""
    digits = normalize_nik(nik.strip())
    if not (digits.isascii() and digits.isdigit() and len(digits) == 16):
        return None
    return session.scalar(sa.select(Person.id).where(Person.nik == digits))


def browse(*, session: Session, filters: AuditFilters, who: audit.Actor, page_size: int = PAGE_SIZE) -> AuditPage:
    object_type, object_id, missing = _resolve(session, filters.object_type, filters.object_ref)
    shown = {
        "jenis": object_type,
        "objek": object_id or filters.object_ref.strip()[:40],
        "petugas": filters.account_id,
        "sebelum": filters.before_id,
    }
    audit.record(
        session=session,
        actor=who,
        action="lihat",
        object_type="audit",
        object_id="",
        detail=" ".join(f"{key}={value}" for key, value in shown.items() if value) or "semua",
    )
    if missing:
        return AuditPage(events=[], older_than=None, object_type=object_type, missing=missing)
    found = trail_events(
        session=session,
        object_type=object_type,
        object_id=object_id,
        account_id=filters.account_id,
        before_id=filters.before_id,
        limit=page_size + 1,
    )
    events = found[:page_size]
    older_than = events[-1].id if len(found) > page_size else None
    account_ids = {e.account_id for e in events if e.account_id is not None}
    accounts = (
        {a.id: a for a in session.scalars(sa.select(Account).where(Account.id.in_(account_ids)))} if account_ids else {}
    )
    complaint_ids = [int(e.object_id) for e in events if e.object_type == "complaint" and e.object_id.isdigit()]
    references = (
        dict(
            session.execute(
                sa.select(sa.cast(Complaint.id, sa.String), Complaint.reference).where(Complaint.id.in_(complaint_ids))
            ).all()
        )
        if complaint_ids
        else {}
    )
    return AuditPage(
        events=events,
        older_than=older_than,
        accounts=accounts,
        references=references,
        object_type=object_type,
        object_id=object_id,
    )


def trail_events(
    *,
    session: Session,
    object_type: str | None = None,
    object_id: str | None = None,
    account_id: int | None = None,
    limit: int = 200,
    before_id: int | None = None,
) -> list[AuditEvent]:
    query = sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    if account_id:
        query = query.where(AuditEvent.account_id == account_id)
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    return list(session.scalars(query))
