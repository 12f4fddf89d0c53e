"""Supervisors' reports: the queue's filtered case list as CSV rows, and the monthly grievance
indicators per kecamatan and per officer (counted by the database, GROUP BY).

Exports carry no filer identity (name, phone, e-mail), no disability data, masked NIKs only,
and for confidential cases not even the subject's name or masked NIK.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypedDict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.complaints.models.complaint import Complaint, ComplaintEvent, ComplaintStatus
from portal.complaints.services.access import visible_clause
from portal.complaints.services.deadlines import overdue_clause
from portal.complaints.services.indicators import Rate, local_date, tally, weighted_median_days
from portal.complaints.services.lifecycle import OPEN_STATUSES
from portal.complaints.services.queue import QueueFilters, queue_clauses
from portal.core.nik import mask_nik
from portal.core.regions import kelurahan, regions
from portal.core.workdays import JAKARTA, WorkCalendar

EXPORT_HEADER = [
    "nomor",
    "jenis",
    "status",
    "rahasia",
    "nik_disamarkan",
    "nama",
    "kelurahan_kode",
    "kelurahan",
    "kecamatan",
    "diterima",
    "batas_periksa",
    "diperiksa",
    "batas_jawab",
    "dijawab",
    "terlambat",
    "petugas",
    "dirujuk_ke",
    "kode_penyelesaian",
    "banding",
    "penilaian",
]


def _day(moment: datetime | None) -> str:
    return moment.astimezone(JAKARTA).date().isoformat() if moment else ""


def export_count(*, session: Session, viewer: Account, filters: QueueFilters, today: date, due_soon_by: date) -> int:
    where = queue_clauses(session=session, viewer=viewer, filters=filters, today=today, due_soon_by=due_soon_by)
    return session.scalar(sa.select(sa.func.count(Complaint.id)).where(*where)) or 0


def export_rows(
    *, session: Session, viewer: Account, filters: QueueFilters, today: date, due_soon_by: date
) -> Iterator[list[str]]:
    """Every complaint the queue shows for these filters (all pages), by due date. The query is
    built now (the viewer's scope read now); the rows stream when the result is iterated."""
    late = overdue_clause(today)
    query = (
        sa.select(
            Complaint.reference,
            Complaint.category,
            Complaint.status,
            Complaint.confidential,
            Complaint.subject_nik,
            Complaint.subject_name,
            Complaint.kelurahan_code,
            Complaint.created_at,
            Complaint.verify_due,
            Complaint.verified_at,
            Complaint.resolve_due,
            Complaint.resolved_at,
            sa.case((late, True), else_=False).label("late"),
            Account.name.label("officer"),
            Complaint.referral_agency,
            Complaint.resolution_code,
            Complaint.appealed,
            Complaint.satisfaction,
        )
        .outerjoin(Account, Account.id == Complaint.assigned_to_id)
        .where(*queue_clauses(session=session, viewer=viewer, filters=filters, today=today, due_soon_by=due_soon_by))
        .order_by(Complaint.resolve_due, Complaint.id)
    )
    return _export(session, query)


def _export(session: Session, query: sa.Select[*tuple[Any, ...]]) -> Iterator[list[str]]:
    for row in session.execute(query.execution_options(yield_per=1000)):
        place = kelurahan(row.kelurahan_code)
        hidden = row.confidential
        yield [
            row.reference,
            _value(row.category),
            _value(row.status),
            "ya" if row.confidential else "tidak",
            "" if hidden or not row.subject_nik else mask_nik(row.subject_nik),
            "" if hidden else _cell(row.subject_name),
            row.kelurahan_code,
            place.name if place else "",
            place.kecamatan.name if place else "",
            row.created_at.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M"),  # a date and time to a spreadsheet
            row.verify_due.isoformat(),
            _day(row.verified_at),
            row.resolve_due.isoformat(),
            _day(row.resolved_at),
            "ya" if row.late else "tidak",
            _cell(row.officer or ""),
            _value(row.referral_agency),
            _value(row.resolution_code),
            "ya" if row.appealed else "tidak",
            _value(row.satisfaction),
        ]


def _cell(text: str) -> str:
    """Typed text as a CSV cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _value(member: object) -> str:
    return "" if member is None else str(getattr(member, "value", member))


# Monthly indicators ------------------------------------------------------------------------


TOTAL_KEY = "jumlah"


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    key: str | int | None  # kecamatan code, account id (None: not assigned), or "jumlah"
    label: str  # the kecamatan's or officer's name; empty for "not assigned" and the total (labels words them)
    filed: int
    verified: Rate  # verified this month, of which by the verify date
    answered: Rate  # answered (selesai/ditolak) this month, of which by the answer date
    median_days: float | None  # working days from filing to the answer, over this month's answers
    appeals: int  # appeals filed this month
    open_now: int  # still open today (whenever filed)


@dataclass(frozen=True, slots=True)
class MonthlyReport:
    month: date
    total: IndicatorRow
    by_kecamatan: list[IndicatorRow]
    by_officer: list[IndicatorRow]


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1, tzinfo=JAKARTA)
    end = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=JAKARTA)
    return start, end


GroupKey = sa.ColumnElement[Any] | sa.orm.QueryableAttribute[Any]


class _Counts(TypedDict):
    """The counted fields of an IndicatorRow."""

    filed: int
    verified: Rate
    answered: Rate
    appeals: int
    median_days: float | None
    open_now: int


def _indicators(
    session: Session, viewer: Account, month: date, calendar: WorkCalendar, key: GroupKey | None
) -> dict[Any, _Counts]:
    """{group: IndicatorRow fields} for one grouping (`key` a column expression, or None: one group)."""
    start, end = month_bounds(month)

    def within(
        column: sa.orm.QueryableAttribute[datetime] | sa.orm.QueryableAttribute[datetime | None],
    ) -> sa.ColumnElement[bool]:
        return sa.and_(column >= start, column < end)

    group = [key] if key is not None else []
    base = sa.null() if key is None else key
    sums = session.execute(
        sa.select(
            base.label("grp"),
            tally(within(Complaint.created_at)).label("filed"),
            tally(within(Complaint.verified_at)).label("verified"),
            tally(
                sa.and_(within(Complaint.verified_at), local_date(Complaint.verified_at) <= Complaint.verify_due)
            ).label("verified_ok"),
            tally(within(Complaint.resolved_at)).label("answered"),
            tally(
                sa.and_(within(Complaint.resolved_at), local_date(Complaint.resolved_at) <= Complaint.resolve_due)
            ).label("answered_ok"),
            tally(Complaint.status.in_(OPEN_STATUSES)).label("open_now"),
        )
        .where(visible_clause(viewer))
        .group_by(*group)
    ).all()
    pairs = session.execute(
        sa.select(
            base.label("grp"),
            local_date(Complaint.created_at).label("filed_on"),
            local_date(Complaint.resolved_at).label("answered_on"),
            sa.func.count().label("complaints"),
        )
        .where(visible_clause(viewer), within(Complaint.resolved_at))
        .group_by(*group, local_date(Complaint.created_at), local_date(Complaint.resolved_at))
    ).all()
    appeals: dict[Any, int] = dict(
        session.execute(
            sa.select(base, sa.func.count(ComplaintEvent.id))
            .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
            .where(
                visible_clause(viewer),
                ComplaintEvent.to_status == ComplaintStatus.BANDING,
                within(ComplaintEvent.created_at),
            )
            .group_by(*group)
        ).all()
    )
    out: dict[Any, _Counts] = {}
    for row in sums:
        k = row.grp
        spans = [(p.filed_on, p.answered_on, p.complaints) for p in pairs if p.grp == k]
        out[k] = _Counts(
            filed=int(row.filed),
            verified=Rate(int(row.verified_ok), int(row.verified)),
            answered=Rate(int(row.answered_ok), int(row.answered)),
            appeals=int(appeals.get(k, 0)),
            median_days=weighted_median_days(spans, calendar, minimum=1),
            open_now=int(row.open_now),
        )
    return out


def _empty() -> _Counts:
    return _Counts(filed=0, verified=Rate(0, 0), answered=Rate(0, 0), appeals=0, median_days=None, open_now=0)


def monthly_report(*, session: Session, viewer: Account, month: date, calendar: WorkCalendar) -> MonthlyReport:
    month = month.replace(day=1)
    total = _indicators(session, viewer, month, calendar, None).get(None, _empty())
    kecamatan_code = sa.func.substr(Complaint.kelurahan_code, 1, 8)
    per_place = _indicators(session, viewer, month, calendar, kecamatan_code)
    known = regions().kecamatan
    by_kecamatan = [
        IndicatorRow(key=code, label=known[code].name if code in known else code, **per_place.get(code, _empty()))
        for code in sorted(set(known) | set(per_place))
    ]
    per_officer = _indicators(session, viewer, month, calendar, Complaint.assigned_to_id)
    ids = [k for k in per_officer if k is not None]
    names = dict(session.execute(sa.select(Account.id, Account.name).where(Account.id.in_(ids))).all()) if ids else {}
    by_officer = sorted(
        (
            IndicatorRow(key=k, label=names.get(k, "") if k is not None else "", **values)
            for k, values in per_officer.items()
        ),
        key=lambda r: (r.key is None, r.label.lower()),
    )
    return MonthlyReport(
        month=month,
        total=IndicatorRow(key=TOTAL_KEY, label="", **total),
        by_kecamatan=by_kecamatan,
        by_officer=by_officer,
    )


INDICATOR_HEADER = [
    "kode",
    "nama",
    "diterima",
    "diperiksa",
    "diperiksa_tepat_waktu",
    "persen_diperiksa_tepat_waktu",
    "dijawab",
    "dijawab_tepat_waktu",
    "persen_dijawab_tepat_waktu",
    "median_hari_kerja_menjawab",
    "banding",
    "terbuka_kini",
]


def indicator_rows(report: MonthlyReport, per: str, *, name_of: Callable[[IndicatorRow], str]) -> list[list[object]]:
    """The CSV rows; `name_of` words a row (complaints.labels.indicator_label)."""
    rows = report.by_officer if per == "petugas" else report.by_kecamatan
    return [
        [
            "" if r.key is None else r.key,
            _cell(name_of(r)),
            r.filed,
            r.verified.total,
            r.verified.on_time,
            _blank(r.verified.exact_percent),
            r.answered.total,
            r.answered.on_time,
            _blank(r.answered.exact_percent),
            _blank(r.median_days),
            r.appeals,
            r.open_now,
        ]
        for r in [*rows, report.total]
    ]


def _blank(value: object) -> object:
    return "" if value is None else value
