"""Program figures for /statistik and its open data, counted by the database.

People per status, kelurahan, sex and coverage period come from roster_summary, the counts the
roster import keeps per group (a few hundred rows, never the million of `person`: see
portal.roster.services.summary). Two grouped queries count complaints: per category, status and
month filed with the indicator sums, and answered complaints per (filed day, answered day) for
the median and the monthly trend. Python only adds up those groups. Nothing here names a person.

Open311 lists every public complaint one by one (portal.statistics.services.open311), so a reader can count
them by hand and subtract them from these figures: what is left are the complaints Open311 does not
list (confidential ones, misconduct reports, candidate proposals). So that this rest never gives
away a small number or the day a confidential report came in, it enters the figures only in whole
months, and only once at least NONPUBLIC_BATCH of them have come in since the last months that
entered (the "cut-off"): the rest is always 0 or at least 5 and grows by 5 or more at a time.
The monthly trend counts public complaints only (its months would give each month's rest away).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.complaints.models.complaint import Complaint, ComplaintCategory, ComplaintStatus
from portal.complaints.services.indicators import (
    Indicators,
    Rate,
    indicator_sums,
    local_date,
    local_month,
    weighted_median_days,
)
from portal.core.nik import Sex
from portal.core.workdays import WorkCalendar
from portal.core.workdays import local_date as wib_date
from portal.roster.models.person import PersonStatus
from portal.roster.services import summary as roster_summary

MONTHLY_PREMIUM = 16_800  # JKK Rp 10.000 + JKM Rp 6.800 per person per month, paid by the APBD
NONPUBLIC_BATCH = 5  # complaints Open311 does not list enter the figures this many at a time, at least


@dataclass(frozen=True, slots=True)
class Budget:
    budget: int  # PROGRAM_BUDGET: the year's premium budget
    year: int  # the budget (fiscal) year it is for
    committed_total: int  # premiums of active participants over their whole coverage (mulai..selesai)
    committed_in_year: int  # the part of it that falls in `year`

    @property
    def percent_of_budget(self) -> float | None:
        return round(100 * self.committed_in_year / self.budget, 1) if self.budget else None


@dataclass(frozen=True, slots=True)
class AssistanceFigures:
    """Assistance requests and the share contacted within the target."""

    requests: int
    contacted_on_time_percent: float | None


@dataclass(frozen=True, slots=True)
class ProgramFigures:
    computed_at: datetime  # when these numbers were counted (UTC)
    data_date: date | None  # the newest roster snapshot date among active participants
    quota: int
    active: int
    waiting: int
    in_process: int
    participants: dict[tuple[str, str], int]  # (kecamatan code, "L"/"P") -> active participants
    budget: Budget
    complaints: dict[tuple[str, str], int]  # (category, status) -> complaints
    appeals_pending: int  # status banding now
    appeals_decided: int  # appealed, and the appeal decided
    indicators: Indicators
    trend: list[tuple[str, int, int]]  # ("YYYY-MM", filed, answered) of public complaints, every month since the first
    nonpublic_until: str | None  # last month ("YYYY-MM") whose non-public complaints are counted
    assistance: AssistanceFigures | None


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _premium_months(start: date, end: date, year: int | None = None) -> int:
    first, last = _month_index(start), _month_index(end)
    if year is not None:
        first, last = max(first, year * 12), min(last, year * 12 + 11)
    return max(0, last - first + 1)


def _people(
    session: Session,
) -> tuple[dict[str, int], dict[tuple[str, str], int], dict[tuple[date, date], int], date | None]:
    """People per status; active participants per kecamatan and sex, per coverage period, and
    their newest snapshot date: added up from the roster's per-group counts."""
    by_status: dict[str, int] = {}
    by_place: dict[tuple[str, str], int] = {}
    periods: dict[tuple[date, date], int] = {}
    newest: date | None = None
    for status, kelurahan_code, sex, start, end, data_date, count in roster_summary.groups(session=session):
        status = PersonStatus(status).value
        by_status[status] = by_status.get(status, 0) + count
        if status != PersonStatus.AKTIF.value:
            continue
        key = (kelurahan_code[:8], Sex(sex).value)
        by_place[key] = by_place.get(key, 0) + count
        if start is not None and end is not None:
            periods[(start, end)] = periods.get((start, end), 0) + count
        if data_date is not None and (newest is None or data_date > newest):
            newest = data_date
    return by_status, by_place, periods, newest


def _budget(periods: dict[tuple[date, date], int], budget: int, year: int) -> Budget:
    total = sum(n * _premium_months(a, b) for (a, b), n in periods.items()) * MONTHLY_PREMIUM
    in_year = sum(n * _premium_months(a, b, year) for (a, b), n in periods.items()) * MONTHLY_PREMIUM
    return Budget(budget=budget, year=year, committed_total=total, committed_in_year=in_year)


def _months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months: list[str] = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _listed_in_open311(category: str, confidential: bool) -> bool:
    from portal.statistics.services.open311 import NOT_PUBLIC

    return not confidential and ComplaintCategory(category).value not in NOT_PUBLIC


def nonpublic_cutoff(per_month: dict[str, int], this_month: str) -> str | None:
    """The last month up to which complaints Open311 does not list are counted: months end to end
    (never the running one), cut where at least NONPUBLIC_BATCH have come in since the last cut."""
    cutoff, waiting = None, 0
    for month in sorted(m for m in per_month if m < this_month):
        waiting += per_month[month]
        if waiting >= NONPUBLIC_BATCH:
            cutoff, waiting = month, 0
    return cutoff


class _Group(NamedTuple):
    """Complaints of one category and status filed in one month, listed by Open311 or not."""

    category: str
    status: str
    month: str
    is_public: bool
    complaints: int
    sums: tuple[int | None, ...]  # indicator_sums of the group


def _groups(session: Session, today: date) -> list[_Group]:
    filed_month = local_month(Complaint.created_at)
    return [
        _Group(category, status, month, _listed_in_open311(category, confidential), count, tuple(sums))
        for category, status, month, confidential, count, *sums in session.execute(
            sa.select(
                Complaint.category,
                Complaint.status,
                filed_month,
                Complaint.confidential,
                sa.func.count(),
                *indicator_sums(today),
            ).group_by(Complaint.category, Complaint.status, filed_month, Complaint.confidential)
        )
    ]


def _complaints(
    session: Session, today: date, calendar: WorkCalendar
) -> tuple[dict[tuple[str, str], int], Indicators, list[tuple[str, int, int]], str | None]:
    grouped = _groups(session, today)
    hidden_per_month: dict[str, int] = {}
    for group in grouped:
        if not group.is_public:
            hidden_per_month[group.month] = hidden_per_month.get(group.month, 0) + group.complaints
    cutoff = nonpublic_cutoff(hidden_per_month, today.strftime("%Y-%m"))

    def counted(month: str, is_public: bool) -> bool:
        return is_public or (cutoff is not None and month <= cutoff)

    by_kind: dict[tuple[str, str], int] = {}
    filed: dict[str, int] = {}
    sums = [0] * 7
    for group in grouped:
        if not counted(group.month, group.is_public):
            continue
        key = (ComplaintCategory(group.category).value, ComplaintStatus(group.status).value)
        by_kind[key] = by_kind.get(key, 0) + group.complaints
        if group.is_public:
            filed[group.month] = filed.get(group.month, 0) + group.complaints
        sums = [a + int(b or 0) for a, b in zip(sums, group.sums, strict=True)]
    pairs = session.execute(
        sa.select(
            local_date(Complaint.created_at),
            local_date(Complaint.resolved_at),
            Complaint.category,
            Complaint.confidential,
            sa.func.count(),
        )
        .where(Complaint.resolved_at.is_not(None))
        .group_by(
            local_date(Complaint.created_at),
            local_date(Complaint.resolved_at),
            Complaint.category,
            Complaint.confidential,
        )
    ).all()
    answered: dict[str, int] = {}
    spans: list[tuple[object, object, int]] = []
    for filed_day, answered_day, category, confidential, count in pairs:
        is_public = _listed_in_open311(category, confidential)
        if not counted(str(filed_day)[:7], is_public):
            continue
        spans.append((filed_day, answered_day, count))
        if is_public:
            month = str(answered_day)[:7]
            answered[month] = answered.get(month, 0) + count
    indicators = Indicators.from_sums(sums, weighted_median_days(spans, calendar))
    months = sorted(set(filed) | set(answered))
    trend: list[tuple[str, int, int]] = []
    if months:
        last = max(months[-1], today.strftime("%Y-%m"))
        trend = [(m, filed.get(m, 0), answered.get(m, 0)) for m in _months_between(months[0], last)]
    return by_kind, indicators, trend, cutoff


def assistance_figures(*, session: Session, today: date) -> AssistanceFigures | None:
    """Assistance requests and % contacted on time (the rate only over MIN_FOR_RATE due requests)."""
    from portal.assistance.services.stats import request_figures

    figures = request_figures(session, today=today)
    percent = Rate(on_time=figures.contacted_on_time, total=figures.due).percent  # whole %, over MIN_FOR_RATE only
    return AssistanceFigures(requests=figures.requests, contacted_on_time_percent=percent)


def compute_figures(
    *, session: Session, quota: int, budget: int, budget_year: int, now: datetime, calendar: WorkCalendar
) -> ProgramFigures:
    today = wib_date(now)
    by_status, by_place, periods, newest = _people(session)
    by_kind, indicators, trend, cutoff = _complaints(session, today, calendar)
    appealed_pending = sum(n for (_c, s), n in by_kind.items() if s == ComplaintStatus.BANDING.value)
    return ProgramFigures(
        computed_at=now,
        data_date=newest,
        quota=quota,
        active=sum(by_place.values()),
        waiting=by_status.get(PersonStatus.DAFTAR_TUNGGU.value, 0),
        in_process=by_status.get(PersonStatus.PROSES.value, 0),
        participants=by_place,
        budget=_budget(periods, budget, budget_year),
        complaints=by_kind,
        appeals_pending=appealed_pending,
        appeals_decided=indicators.appealed - appealed_pending,
        indicators=indicators,
        trend=trend,
        nonpublic_until=cutoff,
        assistance=assistance_figures(session=session, today=today),
    )
