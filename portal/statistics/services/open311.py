"""Open311 GeoReport v2, read only: the public face of complaints, without personal data.

Only category, status, kelurahan, dates and the responsible agency leave the portal. No name,
NIK, phone, e-mail, description, reply or attachment; confidential complaints and misconduct
reports (pungli, always confidential) are left out entirely, as if they did not exist.

In a small kelurahan, "penerima tidak layak, filed at 09.41" can point at the neighbour seen at
the kelurahan office at 09.40. So a complaint is published only `delay_days` after the day it was
filed (OPEN311_DELAY_DAYS, 7 by default), and every moment is a day: the dates are given as
midnight WIB, and a search by date works on whole days, so no search narrows a filing below its
day either.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.complaints.models.complaint import Complaint, ComplaintCategory, ComplaintStatus, ReferralAgency
from portal.complaints.services.lifecycle import OPEN_STATUSES
from portal.core.errors import DomainError
from portal.core.regions import kelurahan
from portal.core.sql import AnyRow
from portal.core.workdays import JAKARTA

JsonObject = dict[str, Any]  # as the JSON encoder takes it

MAX_RESULTS = 1000
DEFAULT_WINDOW = timedelta(days=90)
AGENCY = "Disnaker Kota Bekasi"
REFERRAL_AGENCIES = {
    ReferralAgency.DUKCAPIL: "Disdukcapil Kota Bekasi",
    ReferralAgency.DINSOS: "Dinas Sosial Kota Bekasi",
    ReferralAgency.BPJS_KETENAGAKERJAAN: "BPJS Ketenagakerjaan",
    ReferralAgency.SP4N_LAPOR: "SP4N-LAPOR!",
}
# Misconduct reports never leave the portal; candidate proposals (usulan_calon) are officers'
# assisted registrations, not residents' requests, and often follow a disability assistance visit.
NOT_PUBLIC = frozenset({"pungli", "usulan_calon"})
PUBLIC_CATEGORIES = tuple(c for c in ComplaintCategory if c.value not in NOT_PUBLIC)
S = ComplaintStatus
_REFERENCE = re.compile(r"[A-Z0-9-]{1,20}")


class QueryRefusal(enum.StrEnum):
    """What is wrong with a search's parameter `name` (the document's words: statistics.open311_document)."""

    NOT_A_MOMENT = "not_a_moment"
    BAD_ZONE = "bad_zone"
    NO_SUCH_DATE = "no_such_date"
    NOT_A_WHOLE_NUMBER = "not_a_whole_number"  # low, high
    TOO_LONG = "too_long"
    BAD_STATUS = "bad_status"


class InvalidQuery(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class RequestQuery:
    ids: tuple[str, ...] = ()
    by_id: bool = False  # service_request_id given (even if none of it can be a reference)
    service_code: str | None = None
    statuses: frozenset[str] = frozenset()
    start: datetime | None = None
    end: datetime | None = None
    page: int = 1
    page_size: int = MAX_RESULTS


def publication_cutoff(*, now: datetime, delay_days: int) -> datetime:
    """Complaints filed before this moment are published: one filed on day D (WIB) from the start
    of day D + delay_days; with no delay, everything filed until today's end."""
    today = now.astimezone(JAKARTA).date()
    return _day_start(today - timedelta(days=delay_days - 1))


def public_clause(cutoff: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        Complaint.confidential.is_(False), Complaint.category.in_(PUBLIC_CATEGORIES), Complaint.created_at < cutoff
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=JAKARTA)


def _wib_day(moment: datetime) -> date:
    return moment.astimezone(JAKARTA).date()


_W3C = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?"
)


def _moment(text: str, name: str) -> datetime:
    """A W3C / RFC 3339 date or date-time; without a zone it is WIB. Years are held to
    1900..2200 (a search from year 1 means "from the start"), a leap second to :59."""
    found = _W3C.fullmatch(text)
    if found is None:
        raise InvalidQuery(QueryRefusal.NOT_A_MOMENT, name=name)
    year, month, day, hour, minute, second, _fraction, utc, sign, zh, zm = found.groups()
    zone: tzinfo = JAKARTA
    if utc:
        zone = UTC
    elif sign:
        offset = timedelta(hours=int(zh), minutes=int(zm)) * (1 if sign == "+" else -1)
        if abs(offset) >= timedelta(hours=24):
            raise InvalidQuery(QueryRefusal.BAD_ZONE, name=name)
        zone = timezone(offset)
    if int(year) < 1900:
        return datetime(1900, 1, 1, tzinfo=UTC)
    if int(year) > 2200:
        return datetime(2200, 12, 31, tzinfo=UTC)
    try:
        return datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), min(int(second or 0), 59), tzinfo=zone
        )
    except ValueError:
        raise InvalidQuery(QueryRefusal.NO_SUCH_DATE, name=name) from None


def _whole(text: str | None, name: str, default: int, low: int, high: int) -> int:
    if text is None or text == "":
        return default
    if not (text.isascii() and text.isdigit() and len(text) < 10) or not low <= int(text) <= high:
        raise InvalidQuery(QueryRefusal.NOT_A_WHOLE_NUMBER, name=name, low=low, high=high)
    return int(text)


_MAX_LENGTHS = {"service_request_id": 2000, "service_code": 100, "jurisdiction_id": 100}


def parse_query(args: Mapping[str, str], *, now: datetime) -> RequestQuery:
    """GeoReport v2 search parameters, all checked (even those service_request_id overrides).
    With no date at all: the last 90 days, as the spec says."""
    for name, longest in _MAX_LENGTHS.items():
        if len(args.get(name) or "") > longest:
            raise InvalidQuery(QueryRefusal.TOO_LONG, name=name)
    status = args.get("status") or ""
    if status not in ("", "open", "closed", "open,closed", "closed,open"):
        raise InvalidQuery(QueryRefusal.BAD_STATUS, name="status")
    statuses = frozenset(status.split(",")) if status else frozenset()
    start = _moment(args["start_date"], "start_date") if args.get("start_date") else None
    end = _moment(args["end_date"], "end_date") if args.get("end_date") else None
    page = _whole(args.get("page"), "page", 1, 1, 100_000)
    page_size = _whole(args.get("page_size"), "page_size", MAX_RESULTS, 1, MAX_RESULTS)
    asked_ids = args.get("service_request_id") or ""
    if asked_ids.strip():  # the spec: service_request_id overrides every other argument
        ids = tuple(part for part in (_reference(p) for p in asked_ids.split(",")) if part)
        return RequestQuery(ids=ids[:MAX_RESULTS], by_id=True, page=page, page_size=page_size)
    if start is None and end is None:
        start = now - DEFAULT_WINDOW
    return RequestQuery(
        service_code=(args.get("service_code") or "").strip() or None,
        statuses=statuses,
        start=start,
        end=end,
        page=page,
        page_size=page_size,
    )


_COLUMNS = (
    Complaint.reference,
    Complaint.category,
    Complaint.status,
    Complaint.kelurahan_code,
    Complaint.created_at,
    Complaint.updated_at,
    Complaint.resolve_due,
    Complaint.referral_agency,
)


@dataclass(frozen=True, slots=True)
class PublicRequest:
    """What Open311 tells of one complaint (statistics.open311_document words it)."""

    reference: str
    category: ComplaintCategory
    status: ComplaintStatus
    agency: str | None  # None: referred to an agency without a public name
    requested: str  # W3C date-times in WIB, midnight of the day (publication_cutoff)
    updated: str
    expected: str
    address: str
    address_id: str


def find_requests(*, session: Session, query: RequestQuery, cutoff: datetime) -> list[PublicRequest]:
    """`cutoff`: publication_cutoff(). The dates of the search count as whole WIB days."""
    clauses = [public_clause(cutoff)]
    if query.by_id:
        if not query.ids:
            return []
        clauses.append(Complaint.reference.in_(query.ids))
    elif query.service_code is not None:
        if query.service_code not in {c.value for c in PUBLIC_CATEGORIES}:
            return []
        clauses.append(Complaint.category == ComplaintCategory(query.service_code))
    if query.statuses == {"open"}:
        clauses.append(Complaint.status.in_(OPEN_STATUSES))
    elif query.statuses == {"closed"}:
        clauses.append(Complaint.status.not_in(OPEN_STATUSES))
    if query.start is not None:
        clauses.append(Complaint.created_at >= _day_start(_wib_day(query.start)))
    if query.end is not None:
        clauses.append(Complaint.created_at < _day_start(_wib_day(query.end) + timedelta(days=1)))
    rows = session.execute(
        sa.select(*_COLUMNS)
        .where(*clauses)
        .order_by(Complaint.created_at.desc(), Complaint.id.desc())
        .limit(query.page_size)
        .offset((query.page - 1) * query.page_size)
    ).all()
    return [_public(row) for row in rows]


def _reference(text: str) -> str | None:
    """A reference as typed (SGP-2026-000123), or None when it cannot be one."""
    text = text.strip().upper()
    return text if _REFERENCE.fullmatch(text) else None


def get_request(*, session: Session, reference: str, cutoff: datetime) -> PublicRequest | None:
    typed = _reference(reference)
    if typed is None:
        return None
    row = session.execute(sa.select(*_COLUMNS).where(public_clause(cutoff), Complaint.reference == typed)).first()
    return _public(row) if row else None


def _w3c_day(moment: datetime) -> str:
    """The day of a moment, as the spec's date-time: midnight WIB (never the hour or the minute)."""
    return _day_start(_wib_day(moment)).isoformat(timespec="seconds")


def _end_of(day: date) -> str:
    return datetime.combine(day, time(23, 59, 59), tzinfo=JAKARTA).isoformat(timespec="seconds")


def _address(code: str) -> str:
    place = kelurahan(code)
    if place is None:
        return "Kota Bekasi"
    return f"Kelurahan {place.name}, Kecamatan {place.kecamatan.name}, Kota Bekasi"


def _public(row: AnyRow) -> PublicRequest:
    status = ComplaintStatus(row.status)
    agency: str | None = AGENCY
    if status is S.DIRUJUK and row.referral_agency is not None:
        agency = REFERRAL_AGENCIES.get(ReferralAgency(row.referral_agency))
    return PublicRequest(
        reference=row.reference,
        category=ComplaintCategory(row.category),
        status=status,
        agency=agency,
        requested=_w3c_day(row.created_at),
        updated=_w3c_day(row.updated_at),
        expected=_end_of(row.resolve_due),
        address=_address(row.kelurahan_code),
        address_id=row.kelurahan_code,
    )
