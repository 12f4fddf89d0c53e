"""Indonesian working days: weekends, national holidays and cuti bersama are not counted.

National holidays and the government's cuti bersama (joint leave) come from the `holidays`
package; extra cuti bersama dates (decided each year by SKB 3 Menteri) are configuration.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays


@cache
def _official(year: int) -> frozenset[date]:
    days = holidays.country_holidays("ID", years=year, categories=("public", "government"))
    return frozenset(days)


@dataclass(frozen=True)
class WorkCalendar:
    extra_days_off: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def with_cuti_bersama(cls, dates: Iterable[date]) -> WorkCalendar:
        return cls(extra_days_off=frozenset(dates))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _official(day.year) and day not in self.extra_days_off

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (start itself is day 0)."""
        current = start
        remaining = days
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count


def parse_dates(text: str) -> list[date]:
    """Comma-separated YYYY-MM-DD dates (the CUTI_BERSAMA setting)."""
    return [date.fromisoformat(part.strip()) for part in text.split(",") if part.strip()]


JAKARTA = ZoneInfo("Asia/Jakarta")


def local_date(moment: datetime) -> date:
    """The calendar date in Kota Bekasi (WIB) of a UTC moment."""
    return moment.astimezone(JAKARTA).date()
