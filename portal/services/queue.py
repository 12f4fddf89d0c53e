"""The officers' triage queue: filters, search, counts per status, due-date order, pages."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.models.account import Account
from portal.models.complaint import Complaint, ComplaintCategory, ComplaintStatus
from portal.services.case_access import visible_clause
from portal.services.cases import OPEN_STATUSES
from portal.services.nik import normalize_nik

PAGE_SIZE = 25


@dataclass(frozen=True, slots=True)
class QueueFilters:
    status: ComplaintStatus | None = None
    category: ComplaintCategory | None = None
    kecamatan: str | None = None
    assigned: str | None = None  # "saya" (me) or "belum" (unassigned)
    overdue: bool = False
    confidential: bool = False
    q: str = ""
    page: int = 1


@dataclass(slots=True)
class QueuePage:
    rows: list
    total: int
    page: int
    pages: int
    counts: dict[ComplaintStatus, int] = field(default_factory=dict)


def overdue_clause(today: date) -> sa.ColumnElement[bool]:
    """Open, not waiting for the resident, and past the verify or the resolve date."""
    return sa.and_(
        Complaint.status.in_(OPEN_STATUSES - {ComplaintStatus.MENUNGGU_INFORMASI}),
        sa.or_(Complaint.resolve_due < today,
               sa.and_(Complaint.verified_at.is_(None), Complaint.verify_due < today)),
    )  # fmt: skip


def _search(q: str) -> sa.ColumnElement[bool] | None:
    q = q.strip()
    if not q:
        return None
    digits = normalize_nik(q)
    if digits.isdigit() and len(digits) == 16:
        return Complaint.subject_nik == digits
    if q.upper().startswith("SGP"):
        return Complaint.reference == q.upper()
    return Complaint.subject_name.ilike(f"%{q[:60]}%")


def _filters(viewer: Account, filters: QueueFilters, today: date, *, with_status: bool) -> list:
    clauses = [visible_clause(viewer)]
    if with_status and filters.status:
        clauses.append(Complaint.status == filters.status)
    if filters.category:
        clauses.append(Complaint.category == filters.category)
    if filters.kecamatan:
        clauses.append(Complaint.kelurahan_code.startswith(filters.kecamatan + "."))
    if filters.assigned == "saya":
        clauses.append(Complaint.assigned_to_id == viewer.id)
    elif filters.assigned == "belum":
        clauses.append(Complaint.assigned_to_id.is_(None))
    if filters.overdue:
        clauses.append(overdue_clause(today))
    if filters.confidential:
        clauses.append(Complaint.confidential.is_(True))
    if (search := _search(filters.q)) is not None:
        clauses.append(search)
    return clauses


_COLUMNS = (Complaint.id, Complaint.reference, Complaint.category, Complaint.status, Complaint.subject_name,
            Complaint.kelurahan_code, Complaint.created_at, Complaint.verify_due, Complaint.resolve_due,
            Complaint.verified_at, Complaint.assigned_to_id, Complaint.confidential)  # fmt: skip
SEARCH_LIMIT = 2000


def load_queue(*, session: Session, viewer: Account, filters: QueueFilters, today: date,
               page_size: int = PAGE_SIZE) -> QueuePage:  # fmt: skip
    """Two queries: counts per status (the total comes from them) and one page of rows.
    A text search matches few rows, so it is one scan and the page is cut in Python."""
    if filters.q.strip():
        return _searched(session, viewer, filters, today, page_size)
    counted = dict(session.execute(
        sa.select(Complaint.status, sa.func.count(Complaint.id))
        .where(*_filters(viewer, filters, today, with_status=False))
        .group_by(Complaint.status)
    ).all())  # fmt: skip
    total = counted.get(filters.status, 0) if filters.status else sum(counted.values())
    page, pages = _page_numbers(filters.page, total, page_size)
    rows = session.execute(
        sa.select(*_COLUMNS).where(*_filters(viewer, filters, today, with_status=True))
        .order_by(Complaint.resolve_due, Complaint.id)
        .limit(page_size).offset((page - 1) * page_size)
    ).all()  # fmt: skip
    return QueuePage(rows=rows, total=total, page=page, pages=pages, counts=counted)


def _page_numbers(asked: int, total: int, page_size: int) -> tuple[int, int]:
    pages = max(1, -(-total // page_size))
    return min(max(1, asked), pages), pages


def _searched(session, viewer, filters, today, page_size) -> QueuePage:
    matches = session.execute(
        sa.select(*_COLUMNS).where(*_filters(viewer, filters, today, with_status=False))
        .order_by(Complaint.resolve_due, Complaint.id).limit(SEARCH_LIMIT)
    ).all()  # fmt: skip
    counted: dict[ComplaintStatus, int] = {}
    for row in matches:
        counted[row.status] = counted.get(row.status, 0) + 1
    if filters.status:
        matches = [row for row in matches if row.status is filters.status]
    page, pages = _page_numbers(filters.page, len(matches), page_size)
    rows = matches[(page - 1) * page_size : page * page_size]
    return QueuePage(rows=rows, total=len(matches), page=page, pages=pages, counts=counted)
