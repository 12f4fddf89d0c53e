"""Which complaints are open, late or due soon, as SQL: one definition for the queue and the SLA page.

The open statuses are written as literals, in the order of the partial index
ix_complaint_open_due (portal.complaints.models.complaint): SQLite uses a partial index only when the query
repeats its WHERE term, and PostgreSQL proves it from literals without relying on custom plans."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from portal.complaints.models.complaint import OPEN_STATUS_VALUES, Complaint, ComplaintStatus


def open_clause() -> sa.ColumnElement[bool]:
    values: sa.BindParameter[list[str]] = sa.bindparam(
        "open_statuses", list(OPEN_STATUS_VALUES), expanding=True, literal_execute=True
    )
    return Complaint.status.in_(values)


def _clock_running() -> sa.ColumnElement[bool]:
    """Open and not waiting for the resident (the clock stops then)."""
    return sa.and_(open_clause(), Complaint.status != ComplaintStatus.MENUNGGU_INFORMASI)


def _late(today: date) -> sa.ColumnElement[bool]:
    return sa.or_(Complaint.resolve_due < today, sa.and_(Complaint.verified_at.is_(None), Complaint.verify_due < today))


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
