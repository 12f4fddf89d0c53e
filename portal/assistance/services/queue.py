"""The officers' assistance queue: filters, search, counts per status, due-date order, pages.

Due date: the contact target while a request waits (diterima), the appointment once booked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.assistance.models import (
    AssistanceKind,
    AssistanceNeed,
    AssistanceRequest,
    AssistanceStatus,
    AssistanceTopic,
)
from portal.assistance.services.access import sees_sensitive, visible_clause
from portal.core import trail as audit
from portal.core.sql import AnyRow

PAGE_SIZE = 25
A = AssistanceStatus
R = AssistanceRequest


@dataclass(frozen=True, slots=True)
class AssistanceFilters:
    status: AssistanceStatus | None = None
    kind: AssistanceKind | None = None
    topic: AssistanceTopic | None = None
    kecamatan: str | None = None
    assigned: str | None = None  # "saya" (me) or "belum" (unassigned)
    assigned_to: int | None = None  # one officer's account (supervisors: reassigning an officer's requests)
    overdue: bool = False
    q: str = ""
    page: int = 1


@dataclass(slots=True)
class AssistancePage:
    rows: Sequence[AnyRow]
    total: int
    page: int
    pages: int
    counts: dict[AssistanceStatus, int] = field(default_factory=dict)
    kinds: dict[int, list[AssistanceKind]] = field(default_factory=dict)  # only rows the viewer sees in full


def due_date() -> sa.ColumnElement[date]:
    return sa.case((R.status == A.DIJADWALKAN, R.appointment_on), else_=R.contact_due)


def overdue_clause(today: date) -> sa.ColumnElement[bool]:
    """Not contacted by the target date, or a booked appointment passed without an outcome."""
    return sa.or_(
        sa.and_(R.status == A.DITERIMA, R.contact_due < today),
        sa.and_(R.status == A.DIJADWALKAN, R.appointment_on < today),
    )


def _search(q: str) -> sa.ColumnElement[bool] | None:
    q = q.strip()
    if not q:
        return None
    if q.upper().startswith("BTN"):
        return R.reference == q.upper()
    digits = "".join(c for c in q if c.isdigit())
    if len(digits) >= 8 and len(digits) >= len(q.replace(" ", "").replace("-", "")) - 1:
        return R.phone.endswith(digits[-9:])  # a phone number, typed 08… or +62…
    return sa.or_(R.subject_name.ilike(f"%{q[:60]}%"), R.requester_name.ilike(f"%{q[:60]}%"))


def _searched(q: str) -> str:
    """The search as the trail keeps it: a number (a phone, or a NIK typed there) by its last digits only."""
    digits = "".join(c for c in q if c.isdigit())
    return f"nomor…{digits[-4:]}" if len(digits) >= 8 else q.strip()[:80]


def _filters(
    viewer: Account, filters: AssistanceFilters, today: date, *, with_status: bool
) -> list[sa.ColumnElement[bool]]:
    clauses = [visible_clause(viewer)]
    if with_status and filters.status:
        clauses.append(R.status == filters.status)
    if filters.kind:
        clauses.append(sa.exists().where(AssistanceNeed.request_id == R.id, AssistanceNeed.kind == filters.kind))
        if not viewer.is_supervisor:  # a kind says what a person needs: officers filter their own requests only
            clauses.append(R.assigned_to_id == viewer.id)
    if filters.topic:
        clauses.append(R.topic == filters.topic)
    if filters.kecamatan:
        clauses.append(R.kelurahan_code.startswith(filters.kecamatan + "."))
    if filters.assigned == "saya":
        clauses.append(R.assigned_to_id == viewer.id)
    elif filters.assigned == "belum":
        clauses.append(R.assigned_to_id.is_(None))
    if filters.assigned_to is not None and viewer.is_supervisor:
        clauses.append(R.assigned_to_id == filters.assigned_to)
    if filters.overdue:
        clauses.append(overdue_clause(today))
    if (search := _search(filters.q)) is not None:
        clauses.append(search)
    return clauses


_COLUMNS = (
    R.id,
    R.reference,
    R.status,
    R.topic,
    R.subject_name,
    R.kelurahan_code,
    R.created_at,
    R.contact_due,
    R.contact_preference,
    R.appointment_kind,
    R.appointment_on,
    R.appointment_at,
    R.assigned_to_id,
)


def load_queue(
    *,
    session: Session,
    viewer: Account,
    filters: AssistanceFilters,
    today: date,
    who: audit.Actor,
    page_size: int = PAGE_SIZE,
) -> AssistancePage:
    """Counts per status (the total comes from them), one page of rows, and the help kinds of the
    rows whose sensitive parts the viewer may see (assigned to them; every row for supervisors).
    The view is audited (one row: the list shows names and areas)."""
    counted = dict(
        session.execute(
            sa.select(R.status, sa.func.count(R.id))
            .where(*_filters(viewer, filters, today, with_status=False))
            .group_by(R.status)
        ).all()
    )
    total = counted.get(filters.status, 0) if filters.status else sum(counted.values())
    pages = max(1, -(-total // page_size))
    page = min(max(1, filters.page), pages)
    rows = session.execute(
        sa.select(*_COLUMNS)
        .where(*_filters(viewer, filters, today, with_status=True))
        .order_by(sa.case((R.status == A.SELESAI, 1), else_=0), due_date(), R.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    audit.record(
        session=session,
        actor=who,
        action="lihat_daftar",
        object_type="assistance",
        object_id="",
        detail=" ".join(
            part
            for part in (
                audit.described(
                    {
                        "status": filters.status.value if filters.status else None,
                        "jenis": filters.kind.value if filters.kind else None,
                        "keperluan": filters.topic.value if filters.topic else None,
                        "kecamatan": filters.kecamatan,
                        "ditugaskan": filters.assigned,
                        "terlambat": filters.overdue and "1",
                        "q": _searched(filters.q),
                        "hal": filters.page if filters.page > 1 else None,
                    }
                ),
                f"hasil={total} ditampilkan={len(rows)}",
            )
            if part
        ),
    )
    shown = [row.id for row in rows if sees_sensitive(viewer, row.assigned_to_id)]
    kinds = kinds_of(session=session, request_ids=shown)
    return AssistancePage(rows=rows, total=total, page=page, pages=pages, counts=counted, kinds=kinds)


def kinds_of(*, session: Session, request_ids: list[int]) -> dict[int, list[AssistanceKind]]:
    found: dict[int, list[AssistanceKind]] = {}
    if request_ids:
        for request_id, kind in session.execute(
            sa.select(AssistanceNeed.request_id, AssistanceNeed.kind)
            .where(AssistanceNeed.request_id.in_(request_ids))
            .order_by(AssistanceNeed.kind)
        ):
            found.setdefault(request_id, []).append(kind)
    return found
