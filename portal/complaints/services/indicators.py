"""SQL pieces shared by the public figures and the officers' reports: the calendar date and
month in Kota Bekasi (WIB, UTC+7 all year) of a stored UTC moment, on SQLite and PostgreSQL,
and the grievance indicators as sums the database computes (GROUP BY, no row loop)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from portal.complaints.models.complaint import Complaint, ComplaintStatus
from portal.complaints.services.lifecycle import OPEN_STATUSES
from portal.core.workdays import WorkCalendar

MIN_FOR_RATE = 20  # a percentage or median over fewer cases is not published
CLOCK_RUNNING = OPEN_STATUSES - {ComplaintStatus.MENUNGGU_INFORMASI}


class local_date(FunctionElement[date]):  # noqa: N801 (used like a SQL function)
    """DATE of a UTC timestamp in WIB."""

    type = sa.Date()
    inherit_cache = True


class local_month(FunctionElement[str]):  # noqa: N801
    """'YYYY-MM' of a UTC timestamp in WIB."""

    type = sa.String()
    inherit_cache = True


@compiles(local_date, "sqlite")
def _local_date_sqlite(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+7 hours')"


@compiles(local_date, "postgresql")
def _local_date_postgresql(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(timezone('Asia/Jakarta', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(local_month, "sqlite")
def _local_month_sqlite(element: local_month, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)}, '+7 hours')"


@compiles(local_month, "postgresql")
def _local_month_postgresql(element: local_month, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char(timezone('Asia/Jakarta', {compiler.process(element.clauses, **kw)}), 'YYYY-MM')"


def tally(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def indicator_sums(today: date) -> tuple[sa.ColumnElement[int], ...]:
    """Seven sums over complaints: verified, verified on time, unverified and already late;
    answered, answered on time, unanswered and already late; appealed."""
    verified = Complaint.verified_at.is_not(None)
    answered = Complaint.resolved_at.is_not(None)
    running = Complaint.status.in_(CLOCK_RUNNING)
    return (
        tally(verified),
        tally(sa.and_(verified, local_date(Complaint.verified_at) <= Complaint.verify_due)),
        tally(sa.and_(sa.not_(verified), running, Complaint.verify_due < today)),
        tally(answered),
        tally(sa.and_(answered, local_date(Complaint.resolved_at) <= Complaint.resolve_due)),
        tally(sa.and_(sa.not_(answered), running, Complaint.resolve_due < today)),
        tally(Complaint.appealed.is_(True)),
    )


@dataclass(frozen=True, slots=True)
class Rate:
    """`on_time` of `total` cases; the percentage only when `total` is large enough."""

    on_time: int
    total: int

    @property
    def percent(self) -> float | None:
        """For the public: whole percent, and only over at least MIN_FOR_RATE cases (a
        percentage of a handful of cases would give the handful away)."""
        if self.total < MIN_FOR_RATE:
            return None
        return float(round(100 * self.on_time / self.total))

    @property
    def exact_percent(self) -> float | None:
        """For officers' reports: one decimal, over any number of cases."""
        return round(100 * self.on_time / self.total, 1) if self.total else None


@dataclass(frozen=True, slots=True)
class Indicators:
    verified: Rate  # verified by verify_due, of those verified or already late to verify
    answered: Rate  # answered by resolve_due, of those answered or already late to answer
    median_days: float | None  # working days from filing to the (latest) answer
    answered_count: int
    appealed: int

    @classmethod
    def from_sums(cls, sums: Iterable[int], median_days: float | None) -> Indicators:
        v, v_ok, v_late, a, a_ok, a_late, appealed = (int(x or 0) for x in sums)
        return cls(
            verified=Rate(on_time=v_ok, total=v + v_late),
            answered=Rate(on_time=a_ok, total=a + a_late),
            median_days=median_days,
            answered_count=a,
            appealed=appealed,
        )


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def weighted_median_days(
    pairs: Iterable[tuple[object, object, int]], calendar: WorkCalendar, *, minimum: int = MIN_FOR_RATE
) -> float | None:
    """Median working days over (filed date, answered date, count) groups from the database:
    one calendar walk over the date range, then a weighted median over the groups."""
    groups = [(_as_date(a), _as_date(b), int(n)) for a, b, n in pairs if a is not None and b is not None]
    count = sum(n for _, _, n in groups)
    if count < max(1, minimum):
        return None
    first = min(min(a, b) for a, b, _ in groups)
    last = max(max(a, b) for a, b, _ in groups)
    index, worked, day = {}, 0, first
    while day <= last:
        if day != first and calendar.is_working_day(day):
            worked += 1
        index[day] = worked
        day += timedelta(days=1)
    spans: dict[int, int] = {}
    for a, b, n in groups:
        span = max(0, index[b] - index[a])
        spans[span] = spans.get(span, 0) + n
    ordered = sorted(spans.items())

    def nth(k: int) -> int:  # 0-based
        seen = 0
        for span, n in ordered:
            seen += n
            if k < seen:
                return span
        return ordered[-1][0]

    if count % 2:
        return float(nth(count // 2))
    return (nth(count // 2 - 1) + nth(count // 2)) / 2
