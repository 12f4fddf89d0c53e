from datetime import date

import pytest

from portal.core.workdays import WorkCalendar, parse_dates

CALENDAR = WorkCalendar()


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 8, 17),  # Independence Day (a Sunday, still off)
        date(2025, 8, 18),  # cuti bersama for Independence Day
        date(2025, 12, 25),
        date(2025, 12, 26),  # Christmas and its cuti bersama
        date(2026, 1, 1),
        date(2026, 3, 20),
        date(2026, 3, 23),
        date(2026, 3, 24),  # Idul Fitri cuti bersama
        date(2026, 8, 17),
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2027, 1, 1),
        date(2026, 11, 21),
        date(2026, 11, 22),  # a weekend
    ],
)
def test_days_off(day):
    assert not CALENDAR.is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 11, 23), date(2025, 11, 5), date(2027, 3, 1)])
def test_ordinary_working_days(day):
    assert CALENDAR.is_working_day(day)


def test_three_working_days_skip_the_weekend():
    assert CALENDAR.add_working_days(date(2026, 11, 19), 3) == date(2026, 11, 24)  # Thu → Tue


def test_fourteen_working_days_across_christmas_and_new_year():
    # From Mon 14 Dec 2026: 24 Dec (cuti bersama), 25 Dec, 1 Jan and 5 Jan 2027 (Isra Mikraj)
    # are off, plus weekends.
    assert CALENDAR.add_working_days(date(2026, 12, 14), 14) == date(2027, 1, 7)


def test_across_nyepi_and_idul_fitri_2026():
    # 18 Mar cuti bersama Nyepi, 19 Mar Nyepi, 20-24 Mar Idul Fitri and its cuti bersama.
    assert CALENDAR.add_working_days(date(2026, 3, 16), 3) == date(2026, 3, 26)


def test_configured_cuti_bersama_is_a_day_off():
    calendar = WorkCalendar.with_cuti_bersama(parse_dates("2026-11-23, 2026-11-24"))
    assert calendar.add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 25)


def test_working_days_between():
    assert CALENDAR.working_days_between(date(2026, 11, 20), date(2026, 11, 27)) == 5
    assert CALENDAR.working_days_between(date(2026, 11, 27), date(2026, 11, 20)) == 0
