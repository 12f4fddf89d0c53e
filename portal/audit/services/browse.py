"""Reading the audit trail (supervisors): by kind, object, person or officer, newest first, page
by page, and as a CSV file. The trail itself is append-only (portal.core.trail); reading it and
exporting it are audited too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.assistance.models import AssistanceRequest
from portal.complaints.models.complaint import Attachment, Complaint
from portal.core import trail as audit
from portal.core.nik import normalize_nik
from portal.core.references import ASSISTANCE_SERIES, COMPLAINT_SERIES
from portal.core.trail import AuditEvent
from portal.roster.models.person import Person

PAGE_SIZE = 50
EXPORT_CAP = 100_000  # rows in one CSV file; narrow the filters for more
OBJECT_TYPES = (
    "complaint",
    "assistance",
    "person",
    "account",
    "attachment",
    "roster_batch",
    "roster_import",
    "letter_batch",
    "report",
    "setting",
    "database",
    "response_template",
    "outbox_message",
    "audit",
    "lockout",
)
EXPORTS = "ekspor"  # a kind that is not an object type: every export and download, whatever its object
REFUSALS = "ditolak"  # every attempt refused as outside the officer's scope
EXPORT_ACTIONS = ("ekspor", "unduh", "unduh_surat", "unduh_lampiran", "cetak_tanda_terima")
KINDS = (*OBJECT_TYPES, EXPORTS, REFUSALS)


@dataclass(frozen=True, slots=True)
class AuditFilters:
    object_type: str | None = None  # one of KINDS
    object_ref: str = ""  # as typed: a complaint or help-request reference, a NIK, or an id
    account_id: int | None = None
    before_id: int | None = None


@dataclass(slots=True)
class AuditPage:
    events: list[AuditEvent]
    older_than: int | None  # the before_id of the next (older) page, None on the last page
    accounts: dict[int, Account] = field(default_factory=dict)
    references: dict[tuple[str, str], str] = field(default_factory=dict)  # (object type, id) -> reference
    object_type: str | None = None
    object_id: str | None = None
    missing: str = ""  # the reference or NIK asked for that does not exist (object_type says which)


@dataclass(frozen=True, slots=True)
class _Query:
    """What the filters ask, resolved: a kind of action (exports, refusals), an object, an officer."""

    actions: str | None  # EXPORTS, REFUSALS or None
    object_type: str | None
    object_id: str | None
    account_id: int | None
    before_id: int | None


def _by_reference(session: Session, model: type[Complaint] | type[AssistanceRequest], ref: str) -> str | None:
    found = session.scalar(sa.select(model.id).where(model.reference == ref))
    return None if found is None else str(found)


def _resolve(session: Session, object_type: str | None, ref: str) -> tuple[str | None, str | None, str]:
    """(object_type, object_id, missing): a complaint or help-request reference, or a NIK, becomes
    the stored id; `missing` is what was asked for when nothing has it."""
    ref = ref.strip()
    if not ref:
        return object_type, None, ""
    upper = ref.upper()
    for series, model, kind in (
        (COMPLAINT_SERIES, Complaint, "complaint"),
        (ASSISTANCE_SERIES, AssistanceRequest, "assistance"),
    ):
        if upper.startswith(series) and object_type in (None, kind):
            found = _by_reference(session, model, upper[:20])
            if found is None:
                return kind, None, upper[:20]
            return kind, found, ""
    digits = normalize_nik(ref)
    if digits.isdigit() and len(digits) == 16 and object_type in (None, "person"):
        found_person = session.scalar(sa.select(Person.id).where(Person.nik == digits))
        if found_person is None:
            return "person", None, digits
        return "person", str(found_person), ""
    return object_type, ref[:40], ""


def person_of_nik(*, session: Session, nik: str) -> int | None:
    """The roster number of a NIK as typed (spaces, dots, dashes allowed), or None."""
    digits = normalize_nik(nik.strip())
    if not (digits.isascii() and digits.isdigit() and len(digits) == 16):
        return None
    return session.scalar(sa.select(Person.id).where(Person.nik == digits))


def _query(session: Session, filters: AuditFilters) -> tuple[_Query, str]:
    kind = filters.object_type if filters.object_type in KINDS else None
    actions = kind if kind in (EXPORTS, REFUSALS) else None
    object_type, object_id, missing = _resolve(session, None if actions else kind, filters.object_ref)
    return _Query(actions, object_type, object_id, filters.account_id, filters.before_id), missing


def _shown(query: _Query, filters: AuditFilters) -> str:
    return (
        audit.described(
            {
                "jenis": query.actions or query.object_type,
                "objek": query.object_id or filters.object_ref.strip()[:40],
                "petugas": query.account_id,
                "sebelum": query.before_id,
            }
        )
        or "semua"
    )


def browse(*, session: Session, filters: AuditFilters, who: audit.Actor, page_size: int = PAGE_SIZE) -> AuditPage:
    query, missing = _query(session, filters)
    audit.record(
        session=session, actor=who, action="lihat", object_type="audit", object_id="", detail=_shown(query, filters)
    )
    if missing:
        return AuditPage(events=[], older_than=None, object_type=query.object_type, missing=missing)
    found = list(session.scalars(_select(query).limit(page_size + 1)))
    events = found[:page_size]
    older_than = events[-1].id if len(found) > page_size else None
    return AuditPage(
        events=events,
        older_than=older_than,
        accounts=_accounts(session, events),
        references=_references(session, events),
        object_type=query.actions or query.object_type,
        object_id=query.object_id,
    )


def _select(query: _Query) -> sa.Select[AuditEvent]:
    statement = sa.select(AuditEvent).order_by(AuditEvent.id.desc())
    if query.actions == EXPORTS:
        statement = statement.where(AuditEvent.action.in_(EXPORT_ACTIONS))
    elif query.actions == REFUSALS:
        statement = statement.where(AuditEvent.action == audit.OUT_OF_SCOPE)
    if query.object_type == "person" and query.object_id and query.object_id.isdigit():
        # the person's own rows, and the rows of pages that showed the person (a case and its subject)
        statement = statement.where(
            sa.or_(
                sa.and_(AuditEvent.object_type == "person", AuditEvent.object_id == query.object_id),
                AuditEvent.person_id == int(query.object_id),
            )
        )
    else:
        if query.object_type:
            statement = statement.where(AuditEvent.object_type == query.object_type)
        if query.object_id:
            statement = statement.where(AuditEvent.object_id == query.object_id)
    if query.account_id:
        statement = statement.where(AuditEvent.account_id == query.account_id)
    if query.before_id:
        statement = statement.where(AuditEvent.id < query.before_id)
    return statement


def _accounts(session: Session, events: list[AuditEvent]) -> dict[int, Account]:
    ids = {e.account_id for e in events if e.account_id is not None}
    return {a.id: a for a in session.scalars(sa.select(Account).where(Account.id.in_(ids)))} if ids else {}


def _references(session: Session, events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for kind, model in (("complaint", Complaint), ("assistance", AssistanceRequest)):
        ids = {int(e.object_id) for e in events if e.object_type == kind and e.object_id.isdigit()}
        if ids:
            rows = session.execute(sa.select(model.id, model.reference).where(model.id.in_(ids))).all()
            found.update({(kind, str(row_id)): reference for row_id, reference in rows})
    files = {int(e.object_id) for e in events if e.object_type == "attachment" and e.object_id.isdigit()}
    if files:  # a file by the case it belongs to (its name may say more than a number should)
        rows = session.execute(
            sa.select(Attachment.id, Complaint.reference)
            .join(Complaint, Complaint.id == Attachment.complaint_id)
            .where(Attachment.id.in_(files))
        ).all()
        found.update({("attachment", str(row_id)): reference for row_id, reference in rows})
    return found


@dataclass(slots=True)
class AuditExport:
    count: int  # rows in the file (at most EXPORT_CAP)
    rows: Iterator[list[object]]  # read after the commit, batch by batch


EXPORT_HEADER = (
    "Nomor",
    "Waktu (UTC)",
    "Petugas",
    "Tindakan",
    "Jenis objek",
    "Objek",
    "Nomor rujukan",
    "Warga (nomor roster)",
    "Keterangan",
    "Alamat IP",
    "Mata rantai",
    "Hash",
)


def _inert(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (a search typed as "=HYPERLINK(…)" is kept in details)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export(*, session: Session, filters: AuditFilters, who: audit.Actor, batch: int = 1000) -> AuditExport:
    """The trail under the same filters as the page, newest first, as rows of a CSV file (at
    most EXPORT_CAP). The export itself is audited, with its filters and its size."""
    query, missing = _query(session, filters)
    statement = _select(query)
    if missing:
        count = 0
    else:
        limited = statement.with_only_columns(AuditEvent.id).limit(EXPORT_CAP).subquery()
        count = session.scalar(sa.select(sa.func.count()).select_from(limited)) or 0
    audit.record(
        session=session,
        actor=who,
        action="ekspor",
        object_type="audit",
        object_id="jejak-audit.csv",
        detail=f"{_shown(query, filters)} baris={count}",
    )

    def rows() -> Iterator[list[object]]:
        left, before = count, None
        while left > 0:
            page = statement if before is None else statement.where(AuditEvent.id < before)
            events = list(session.scalars(page.limit(min(batch, left))))
            if not events:
                return
            accounts, references = _accounts(session, events), _references(session, events)
            for e in events:
                who_name = accounts[e.account_id].name if e.account_id in accounts else "sistem"
                yield [
                    e.id,
                    e.at.strftime("%Y-%m-%d %H:%M:%S"),
                    _inert(who_name),
                    e.action,
                    e.object_type,
                    _inert(e.object_id),
                    references.get((e.object_type, e.object_id), ""),
                    e.person_id,
                    _inert(e.detail),
                    e.ip,
                    e.chain_seq,
                    e.row_hash,
                ]
            left -= len(events)
            before = events[-1].id
            session.expunge_all()

    return AuditExport(count=count, rows=rows())
