"""Which complaints are open, late or due soon, as SQL: one definition for the queue, the SLA page
and the marks on one case's page (`case_marks`).

The open statuses are written as literals, in the order of the partial index
ix_complaint_open_due (portal.complaints.models.complaint): SQLite uses a partial index only when the query
repeats its WHERE term, and PostgreSQL proves it from literals without relying on custom plans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.complaints.models.complaint import OPEN_STATUS_VALUES, Complaint, ComplaintStatus


def open_clause() -> sa.ColumnElement[bool]:
    values: sa.BindParameter[list[str]] = sa.bindparam(
        "open_statuses", list(OPEN_STATUS_VALUES), expanding=True, literal_execute=True
    )
    return Complaint.status.in_(values)


def _clock_running() -> sa.ColumnElement[bool]:
    """Open and not waiting for the resident (the clock stops then)."""
    return sa.and_(open_clause(), Complaint.status != ComplaintStatus.MENUNGGU_INFORMASI)


def _verify_late(today: date) -> sa.ColumnElement[bool]:
    return sa.and_(Complaint.verified_at.is_(None), Complaint.verify_due < today)


def _resolve_late(today: date) -> sa.ColumnElement[bool]:
    return Complaint.resolve_due < today


def _late(today: date) -> sa.ColumnElement[bool]:
    return sa.or_(_resolve_late(today), _verify_late(today))


def overdue_clause(today: date) -> sa.ColumnElement[bool]:
    """Open, not waiting for the resident, and past the verify or the resolve date."""
    return sa.and_(_clock_running(), _late(today))


def due_soon_clause(today: date, due_soon_by: date) -> sa.ColumnElement[bool]:
    """Open, the clock running, not late yet, and to be answered by `due_soon_by` (as the queue
    marks a row "Segera"). `resolve_due >= today` follows from "not late"; written out, it
    bounds the index range."""
    return sa.and_(
        _clock_running(), sa.not_(_late(today)), Complaint.resolve_due >= today, Complaint.resolve_due <= due_soon_by
    )


@dataclass(frozen=True, slots=True)
class CaseMarks:
    """One case as the queue marks it, per deadline: the queue's row is late when either is."""

    verify_late: bool
    resolve_late: bool
    due_soon: bool


def case_marks(*, session: Session, complaint_id: int, today: date, due_soon_by: date) -> CaseMarks:
    """The queue's own clauses, for the deadlines on one case's page."""
    running = _clock_running()
    row = session.execute(
        sa.select(
            sa.and_(running, _verify_late(today)),
            sa.and_(running, _resolve_late(today)),
            due_soon_clause(today, due_soon_by),
        ).where(Complaint.id == complaint_id)
    ).one()
    return CaseMarks(verify_late=bool(row[0]), resolve_late=bool(row[1]), due_soon=bool(row[2]))
