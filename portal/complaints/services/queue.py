"""The officers' triage queue: filters, search, counts per status, due-date order, pages.

Two queries per page: the counts per status (the total comes from them) and one page of rows in
due-date order. Both are answered from indexes (migration 0006): the counts from a covering
index without reading the table, the rows by walking an index in due-date order (SQLite is told
which: portal.core.sqlite_hints). A search goes through the NIK, reference or word index
(portal.complaints.services.search; "97" or "2026-97" is a reference read out over the phone) and
counts at most SEARCH_COUNT_CAP matches: a short prefix can match thousands of names."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint, ComplaintCategory, ComplaintStatus
from portal.complaints.models.name_word import ComplaintFilerWord
from portal.complaints.services.access import identity_visible_clause, subject_visible_clause, visible_clause
from portal.complaints.services.deadlines import due_soon_clause, open_clause, overdue_clause
from portal.complaints.services.lifecycle import OPEN_STATUSES
from portal.complaints.services.search import name_clause, search_terms
from portal.core import trail as audit
from portal.core.base import utcnow
from portal.core.nik import normalize_nik
from portal.core.references import COMPLAINT_SERIES, normalize_reference
from portal.core.sql import AnyRow
from portal.core.sqlite_hints import indexed_by
from portal.notifications.models import OutboxMessage, OutboxState
from portal.roster.models.person import Person

PAGE_SIZE = 25
SEARCH_COUNT_CAP = 1000


@dataclass(frozen=True, slots=True)
class QueueFilters:
    status: ComplaintStatus | None = None
    open_only: bool = False  # every open status ("terbuka")
    category: ComplaintCategory | None = None
    kecamatan: str | None = None
    assigned: str | None = None  # "saya" (me) or "belum" (unassigned)
    assigned_to: int | None = None  # one officer's account id (supervisors)
    overdue: bool = False
    due_soon: bool = False
    confidential: bool = False
    unreachable: bool = False  # a message to the resident failed on every channel (issue 15)
    follow_up: bool = False  # a referral whose follow-up date has come (issue 16 point 4)
    news: bool = False  # the resident added something the assigned officer has not opened yet
    q: str = ""  # a reference, a NIK, a name (the subject's or the filer's), or a phone number as +62…
    page: int = 1


Clauses = list[sa.ColumnElement[bool]]  # joined by AND


@dataclass(slots=True)
class QueuePage:
    rows: Sequence[AnyRow]
    total: int  # at most SEARCH_COUNT_CAP + 1 for a search
    page: int
    pages: int
    counts: dict[ComplaintStatus, int] = field(default_factory=dict)
    capped: bool = False  # a search with more than SEARCH_COUNT_CAP matches: `total` is a lower bound


@dataclass(frozen=True, slots=True)
class _Search:
    clause: sa.ColumnElement[bool]
    many: bool = False  # a name matching over ID_LIST_LIMIT complaints
    by_person: bool = True  # a name or NIK: never finds a person hidden by confidentiality


_PHONE = re.compile(r"\+62[0-9]{8,12}")


def _search(session: Session, q: str, viewer: Account) -> _Search | None:
    q = q.strip()
    if not q:
        return None
    if _PHONE.fullmatch(q):  # normalised by the route (portal.core.phone): the filer's contact
        return _Search(sa.and_(Complaint.phone == q, identity_visible_clause(viewer)), by_person=False)
    digits = normalize_nik(q)
    if digits.isdigit() and len(digits) == 16:
        return _Search(Complaint.subject_nik == digits)
    if q.upper().startswith("SGP"):
        return _Search(Complaint.reference == normalize_reference(q), by_person=False)
    numbered = reference_candidates(q, this_year=utcnow().year)
    if numbered:
        return _Search(Complaint.reference.in_(numbered), by_person=False)
    terms = search_terms(q[:80])
    subject, many = name_clause(session=session, terms=terms)
    filer, many_filers = name_clause(session=session, terms=terms, table=ComplaintFilerWord)
    # The subject's name where the officer may see the subject; the filer's where they may see the filer.
    clause = sa.or_(sa.and_(subject, subject_visible_clause(viewer)), sa.and_(filer, identity_visible_clause(viewer)))
    return _Search(clause, many or many_filers, by_person=False)


FIRST_YEAR = 2025  # the program's first complaints
_REFERENCE_NUMBER = re.compile(r"(?:([0-9]{4})\s*[-/ ]\s*)?([0-9]{1,6})")


def reference_candidates(q: str, *, this_year: int) -> list[str]:
    """What an officer types of a reference read out over the phone: "000097" or "97" (that
    number in every year), "2026-97" (that year). Exact references, so the unique index answers."""
    match = _REFERENCE_NUMBER.fullmatch(q.strip())
    if match is None or int(match[2]) == 0:
        return []
    years = [int(match[1])] if match[1] else range(this_year, FIRST_YEAR - 1, -1)
    return [f"{COMPLAINT_SERIES}-{year}-{int(match[2]):06d}" for year in years]


def _kecamatan(code: str) -> sa.ColumnElement[bool]:
    """Kelurahan codes of one kecamatan ("32.75.03." …) as a range: usable by an index
    ('/' is the character after '.')."""
    return sa.and_(Complaint.kelurahan_code >= code + ".", Complaint.kelurahan_code < code + "/")


def _assignment(viewer: Account, filters: QueueFilters) -> sa.ColumnElement[bool] | None:
    """The "assigned" filter: to me, to nobody, or to one officer (supervisors)."""
    if filters.assigned == "saya":
        return Complaint.assigned_to_id == viewer.id
    if filters.assigned == "belum":
        return Complaint.assigned_to_id.is_(None)
    if filters.assigned_to is not None:
        return Complaint.assigned_to_id == filters.assigned_to
    return None


def _filters(
    viewer: Account, filters: QueueFilters, search: _Search | None, today: date, due_soon_by: date, *, with_status: bool
) -> Clauses:
    clauses = [visible_clause(viewer)]
    if with_status and filters.status:
        clauses.append(Complaint.status == filters.status)
    if with_status and filters.open_only:
        clauses.append(open_clause())
    if filters.category:
        clauses.append(Complaint.category == filters.category)
    if filters.kecamatan:
        clauses.append(_kecamatan(filters.kecamatan))
    assignment = _assignment(viewer, filters)
    if assignment is not None:
        clauses.append(assignment)
    clauses.extend(_flags(filters, today, due_soon_by))
    if search is not None:
        clauses.append(search.clause)
        if search.by_person:
            clauses.append(subject_visible_clause(viewer))
    return clauses


def _flags(filters: QueueFilters, today: date, due_soon_by: date) -> Clauses:
    """The queue's check boxes: overdue, due soon, confidential, unreachable, follow-up come, news
    from the resident."""
    wanted: tuple[tuple[bool, Callable[[], sa.ColumnElement[bool]]], ...] = (
        (filters.overdue, lambda: overdue_clause(today)),
        (filters.due_soon, lambda: due_soon_clause(today, due_soon_by)),
        (filters.confidential, lambda: Complaint.confidential.is_(True)),
        (filters.unreachable, unreachable_clause),
        (filters.follow_up, lambda: follow_up_clause(today)),
        (filters.news, lambda: Complaint.resident_news_at.is_not(None)),
    )
    return [make() for on, make in wanted if on]


def follow_up_clause(today: date) -> sa.ColumnElement[bool]:
    """A referral still waiting whose follow-up date is today or past: ask the agency."""
    return sa.and_(Complaint.status == ComplaintStatus.DIRUJUK, Complaint.follow_up_on <= today)


def unreachable_clause() -> sa.ColumnElement[bool]:
    """A notice about the case failed on every channel it had: someone must call or visit."""
    failed = aliased(OutboxMessage)
    other = aliased(OutboxMessage)
    still_going = (
        sa.select(other.id).where(other.notice_id == failed.notice_id, other.state != OutboxState.GAGAL).exists()
    )
    return (
        sa.select(failed.id)
        .where(failed.reference == Complaint.reference, failed.state == OutboxState.GAGAL, ~still_going)
        .exists()
    )


_COLUMNS = (
    Complaint.id,
    Complaint.reference,
    Complaint.category,
    Complaint.status,
    Complaint.subject_name,
    Complaint.kelurahan_code,
    Complaint.created_at,
    Complaint.verify_due,
    Complaint.resolve_due,
    Complaint.verified_at,
    Complaint.assigned_to_id,
    Complaint.confidential,
    Complaint.follow_up_on,
    Complaint.resident_news_at,
    Complaint.version,
)


def queue_clauses(
    *, session: Session, viewer: Account, filters: QueueFilters, today: date, due_soon_by: date
) -> Clauses:
    """The WHERE clauses of the queue's rows for these filters (all pages; the CSV export)."""
    return _filters(viewer, filters, _search(session, filters.q, viewer), today, due_soon_by, with_status=True)


def _count_index(viewer: Account, filters: QueueFilters, search: _Search | None) -> str | None:
    """The covering index SQLite counts from (see portal.core.sqlite_hints)."""
    if search is not None or filters.follow_up:
        return None  # the NIK, reference or word index finds the matches (at most SEARCH_COUNT_CAP + 1)
    if filters.assigned or filters.assigned_to is not None:
        return "ix_complaint_assigned_due"
    if viewer.is_supervisor and not (
        filters.category
        or filters.kecamatan
        or filters.overdue
        or filters.due_soon
        or filters.confidential
        or filters.news
    ):
        return "ix_complaint_status"  # every complaint: the narrowest index
    return "ix_complaint_queue"


def _rows_index(filters: QueueFilters, search: _Search | None) -> str | None:
    """The index SQLite walks in due-date order for one page of rows."""
    if (search is not None and not search.many) or filters.follow_up:
        return None  # a few rows found by their index, then sorted
    if filters.assigned or filters.assigned_to is not None:
        return "ix_complaint_assigned_due"
    if filters.status:
        return "ix_complaint_queue"
    if filters.overdue or filters.due_soon or filters.open_only:
        return "ix_complaint_open_due"  # only open cases: old closed ones are not walked through
    if filters.category:
        return "ix_complaint_category_due"
    return "ix_complaint_resolve_due"


def _count(session: Session, where: Clauses, *, cap: int | None, index: str | None) -> dict[ComplaintStatus, int]:
    matching = indexed_by(sa.select(Complaint.status).where(*where), Complaint, index)
    if cap is not None:
        matching = matching.limit(cap + 1)
    matched = matching.subquery()
    return dict(session.execute(sa.select(matched.c.status, sa.func.count()).group_by(matched.c.status)).all())


def _total(filters: QueueFilters, counts: dict[ComplaintStatus, int]) -> int:
    if filters.status:
        return counts.get(filters.status, 0)
    if filters.open_only:
        return sum(n for status, n in counts.items() if status in OPEN_STATUSES)
    return sum(counts.values())


def load_queue(
    *,
    session: Session,
    viewer: Account,
    filters: QueueFilters,
    today: date,
    due_soon_by: date,
    who: audit.Actor,
    page_size: int = PAGE_SIZE,
) -> QueuePage:
    """One page of the queue, with the counts per status. The view is audited (one row): the
    list shows names, kelurahan and categories; a search by NIK names the roster person found,
    never the NIK."""
    search = _search(session, filters.q, viewer)
    searching = search is not None
    cap = SEARCH_COUNT_CAP if searching else None
    counts = _count(
        session,
        _filters(viewer, filters, search, today, due_soon_by, with_status=False),
        cap=cap,
        index=_count_index(viewer, filters, search),
    )
    where = _filters(viewer, filters, search, today, due_soon_by, with_status=True)
    capped = searching and sum(counts.values()) > SEARCH_COUNT_CAP
    total = _total(filters, counts)
    if capped and (filters.status or filters.open_only):  # the capped counts say nothing about this status
        total = sum(_count(session, where, cap=cap, index=None).values())
    page, pages = _page_numbers(filters.page, min(total, SEARCH_COUNT_CAP) if searching else total, page_size)
    rows = session.execute(
        indexed_by(
            sa.select(
                *_COLUMNS,
                subject_visible_clause(viewer).label("subject_visible"),
                overdue_clause(today).label("late"),
                due_soon_clause(today, due_soon_by).label("soon"),
                follow_up_clause(today).label("follow_up"),
            )
            .where(*where)
            .order_by(Complaint.resolve_due, Complaint.id)
            .limit(page_size)
            .offset((page - 1) * page_size),
            Complaint,
            _rows_index(filters, search),
        )
    ).all()
    _record_view(session, who=who, filters=filters, total=total, shown=len(rows))
    return QueuePage(
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        counts={} if capped else counts,
        capped=searching and total > SEARCH_COUNT_CAP,
    )


def _record_view(session: Session, *, who: audit.Actor, filters: QueueFilters, total: int, shown: int) -> None:
    digits = normalize_nik(filters.q.strip())
    by_nik = digits.isdigit() and len(digits) == 16
    person_id = session.scalar(sa.select(Person.id).where(Person.nik == digits)) if by_nik else None
    shown_filters = audit.described(
        {
            "status": filters.status.value if filters.status else ("terbuka" if filters.open_only else None),
            "kategori": filters.category.value if filters.category else None,
            "kecamatan": filters.kecamatan,
            "ditugaskan": filters.assigned or filters.assigned_to,
            "terlambat": filters.overdue and "1",
            "segera": filters.due_soon and "1",
            "rahasia": filters.confidential and "1",
            "tak_terjangkau": filters.unreachable and "1",
            "q": None if by_nik else filters.q.strip()[:80],
            "hal": filters.page if filters.page > 1 else None,
        }
    )
    found = "tidak ada di roster" if by_nik and person_id is None else ""
    audit.record(
        session=session,
        actor=who,
        action="cari_nik" if by_nik else "lihat_daftar",
        object_type="complaint",
        object_id="",
        person_id=person_id,
        detail=" ".join(part for part in (shown_filters, found, f"hasil={total} ditampilkan={shown}") if part),
    )


def _page_numbers(asked: int, total: int, page_size: int) -> tuple[int, int]:
    pages = max(1, -(-total // page_size))
    return min(max(1, asked), pages), pages


def assignee_names(*, session: Session, rows: Sequence[AnyRow]) -> dict[int, str]:
    """The names of the officers a page of the queue is assigned to."""
    ids = {row.assigned_to_id for row in rows if row.assigned_to_id}
    return dict(session.execute(sa.select(Account.id, Account.name).where(Account.id.in_(ids))).all()) if ids else {}


def assignees(*, session: Session) -> list[AnyRow]:
    """The accounts (id, name, active) a supervisor can filter the queue by: active ones first
    (cases may still be assigned to a deactivated account)."""
    return list(
        session.execute(
            sa.select(Account.id, Account.name, Account.active).order_by(
                Account.active.desc(), Account.name, Account.id
            )
        )
    )
