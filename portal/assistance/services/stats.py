"""Figures about assistance requests for /statistik (portal.statistics.services.figures): counts only.

Nothing here names a person or returns a row. Disability data leaves the portal only as these
counts, and the caller must publish them through portal.statistics.services.suppression (counts
under 5 are shown as "<5").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.assistance.models import AssistanceDisability, AssistanceRequest, DisabilityCategory

GANDA = "ganda"  # more than one category for one person (UU 8/2016 Pasal 4 ayat 2)


def disability_counts(session: Session) -> dict[str, int]:
    """People (requests) per disability category, plus "ganda" for those with two or more.

    Keys: every DisabilityCategory value and "ganda", zeros included, in a stable order. A person
    with two categories is counted in both and in "ganda". Unsuppressed: suppress before publishing.
    """
    per_category = dict(
        session.execute(
            sa.select(AssistanceDisability.category, sa.func.count()).group_by(AssistanceDisability.category)
        ).all()
    )
    several = (
        sa.select(AssistanceDisability.request_id)
        .group_by(AssistanceDisability.request_id)
        .having(sa.func.count() > 1)
        .subquery()
    )
    counts = {category.value: int(per_category.get(category, 0)) for category in DisabilityCategory}
    counts[GANDA] = int(session.scalar(sa.select(sa.func.count()).select_from(several)) or 0)
    return counts


@dataclass(frozen=True, slots=True)
class RequestFigures:
    requests: int  # every request ever filed
    due: int  # requests whose contact target date has come (today or earlier), or already contacted
    contacted_on_time: int  # of those, contacted by the target date

    @property
    def contacted_on_time_percent(self) -> float | None:
        return round(100 * self.contacted_on_time / self.due, 1) if self.due else None


def request_figures(session: Session, *, today: date) -> RequestFigures:
    """Requests, and how many were contacted within the target (3 working days by default),
    counted by the database (one row back)."""
    from portal.complaints.services.indicators import local_date as wib_date
    from portal.complaints.services.indicators import tally

    r = AssistanceRequest
    contacted = r.contacted_at.is_not(None)
    requests, due, on_time = session.execute(
        sa.select(
            sa.func.count(),
            tally(sa.or_(r.contact_due <= today, contacted)),
            tally(sa.and_(contacted, wib_date(r.contacted_at) <= r.contact_due)),
        ).select_from(r)
    ).one()
    return RequestFigures(requests=int(requests), due=int(due), contacted_on_time=int(on_time))
