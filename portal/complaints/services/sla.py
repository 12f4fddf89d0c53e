"""Service-level figures for supervisors: open cases past their due date and cases due soon,
per assigned officer and per kecamatan, counted by the database (GROUP BY), not in Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint
from portal.complaints.services.access import visible_clause
from portal.complaints.services.deadlines import due_soon_clause, open_clause, overdue_clause
from portal.core.regions import regions
from portal.core.sqlite_hints import indexed_by

# Every column these counts read is in ix_complaint_queue: SQLite reads that index, not the table.
_INDEX = "ix_complaint_queue"


@dataclass(frozen=True, slots=True)
class SlaRow:
    key: str | int | None  # account id (None: not assigned) or kecamatan code
    label: str
    open: int
    overdue: int
    due_soon: int
    active: bool = True  # for officers: whether the account may still sign in


@dataclass(frozen=True, slots=True)
class SlaReport:
    today: date
    due_soon_by: date
    total: SlaRow
    by_officer: list[SlaRow]
    by_kecamatan: list[SlaRow]


def _counts(today: date, due_soon_by: date) -> tuple[sa.ColumnElement[int], ...]:
    def tally(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    return (sa.func.count(Complaint.id), tally(overdue_clause(today)), tally(due_soon_clause(today, due_soon_by)))


def sla_report(*, session: Session, viewer: Account, today: date, due_soon_by: date) -> SlaReport:
    where = (visible_clause(viewer), open_clause())
    counts = _counts(today, due_soon_by)
    total = session.execute(indexed_by(sa.select(*counts).where(*where), Complaint, _INDEX)).one()

    per_officer = session.execute(
        indexed_by(
            sa.select(Complaint.assigned_to_id, *counts).where(*where).group_by(Complaint.assigned_to_id),
            Complaint,
            _INDEX,
        )
    ).all()
    ids = [row[0] for row in per_officer if row[0] is not None]
    names = {a.id: a for a in session.scalars(sa.select(Account).where(Account.id.in_(ids)))} if ids else {}
    by_officer = [
        SlaRow(
            key=row[0],
            label=names[row[0]].name if row[0] in names else "",
            open=row[1],
            overdue=int(row[2]),
            due_soon=int(row[3]),
            active=names[row[0]].active if row[0] in names else True,
        )
        for row in per_officer
    ]
    by_officer.sort(key=lambda r: (-r.overdue, -r.due_soon, r.key is not None, r.label.lower()))

    kecamatan_code = sa.func.substr(Complaint.kelurahan_code, 1, 8)
    per_kecamatan = {
        row[0]: row
        for row in session.execute(
            indexed_by(
                sa.select(kecamatan_code, *counts).where(*where).group_by(kecamatan_code),
                Complaint,
                _INDEX,
            )
        )
    }
    known = regions().kecamatan
    by_kecamatan = [
        SlaRow(
            key=code,
            label=known[code].name if code in known else code,
            open=row[1] if row else 0,
            overdue=int(row[2]) if row else 0,
            due_soon=int(row[3]) if row else 0,
        )
        for code in sorted(set(known) | set(per_kecamatan))
        for row in [per_kecamatan.get(code)]
    ]
    by_kecamatan.sort(key=lambda r: (-r.overdue, -r.due_soon, r.label))
    return SlaReport(
        today=today,
        due_soon_by=due_soon_by,
        total=SlaRow(key=None, label="", open=total[0], overdue=int(total[1]), due_soon=int(total[2])),
        by_officer=by_officer,
        by_kecamatan=by_kecamatan,
    )
