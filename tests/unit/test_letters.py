"""Letter numbers, dates and verification codes: the rules without a database."""

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.letters.services.letters import (
    CODE_ALPHABET,
    DEFAULT_NUMBER_PATTERN,
    check_character,
    check_number_pattern,
    code_is_well_formed,
    display_code,
    format_number,
    indonesian_date,
    letter_date,
    new_code,
    normalize_code,
    roman_month,
)


def test_default_number_pattern():
    assert format_number(DEFAULT_NUMBER_PATTERN, seq=17, issued_on=date(2026, 11, 21)) == (
        "500.15.1/17-Disnaker/XI/2026"
    )


@pytest.mark.parametrize(("month", "roman"), [(1, "I"), (4, "IV"), (9, "IX"), (10, "X"), (12, "XII")])
def test_roman_months(month, roman):
    assert roman_month(month) == roman


def test_pattern_may_use_month_digits_and_padding():
    pattern = "SIGAP/{year}/{month}/{seq:05d}"
    assert format_number(pattern, seq=42, issued_on=date(2026, 3, 1)) == "SIGAP/2026/03/00042"
    check_number_pattern(pattern)


@pytest.mark.parametrize("pattern", ["500.15.1/{seq}-Disnaker", "{year}/{nomor}", "{seq}/{year", "x"])
def test_patterns_that_would_repeat_or_break_are_refused(pattern):
    with pytest.raises(ValueError, match="LETTER_NUMBER_PATTERN"):
        check_number_pattern(pattern)


def test_a_bad_pattern_stops_the_app_at_start():
    from portal import create_app
    from portal.config import ConfigError

    with pytest.raises(ConfigError, match="LETTER_NUMBER_PATTERN"):
        create_app(
            {
                "SIGAP_ENV": "testing",
                "SECRET_KEY": "x",
                "NIK_HMAC_KEY": "y",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "LETTER_NUMBER_PATTERN": "500/{seq}",
            }
        )


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 11, 21), "21 November 2026"),
        (date(2026, 1, 1), "1 Januari 2026"),
        (date(2025, 8, 17), "17 Agustus 2025"),
        (date(2026, 2, 28), "28 Februari 2026"),
    ],
)
def test_dates_are_written_the_indonesian_way(day, text):
    assert indonesian_date(day) == text


def test_the_date_of_issue_is_the_date_in_bekasi():
    # 31 December 18:30 UTC is already 1 January 01:30 WIB: a new year, a new sequence.
    assert letter_date(datetime(2025, 12, 31, 18, 30, tzinfo=UTC)) == date(2026, 1, 1)


def test_codes_carry_75_random_bits_and_a_check_character_from_an_unambiguous_alphabet():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == 16 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert all(code_is_well_formed(code) and code[-1] == check_character(code[:15]) for code in codes)
    assert len(CODE_ALPHABET) ** 15 >= 2**75
    assert not set("ILOU") & set(CODE_ALPHABET)


@given(st.text(alphabet=CODE_ALPHABET, min_size=15, max_size=15))
def test_every_single_slip_and_every_swap_of_neighbours_is_caught(body):
    """Issue 18 point 14: a one-character typo must not pass for a code that exists or not; the
    check character catches every wrong character, every swap of two neighbours and of two
    characters one apart (GF(32) weights: distinct, non-zero, and x + 1, x^2 + 1 never 0)."""
    code = body + check_character(body)
    assert code_is_well_formed(code)
    for i in range(16):
        for other in CODE_ALPHABET.replace(code[i], ""):
            assert not code_is_well_formed(code[:i] + other + code[i + 1 :])
    for gap in (1, 2):
        for i in range(16 - gap):
            if code[i] != code[i + gap]:
                swapped = list(code)
                swapped[i], swapped[i + gap] = swapped[i + gap], swapped[i]
                assert not code_is_well_formed("".join(swapped))


def test_codes_from_before_the_check_character_are_mostly_not_well_formed():
    """A legacy code (16 random characters) is found by lookup; the check decides only for a code
    that is not found, and then about 1 legacy code in 32 happens to fit."""
    legacy = "7K3MQ9PX2D4FHT6W"
    assert normalize_code(legacy) == legacy and not code_is_well_formed(legacy)


@given(st.text(alphabet=CODE_ALPHABET, min_size=16, max_size=16))
def test_a_code_survives_being_printed_and_typed_back(code):
    printed = display_code(code)
    assert printed.count("-") == 3
    assert normalize_code(printed) == code
    assert normalize_code(printed.lower().replace("-", " ")) == code


def test_typing_slips_are_forgiven_but_wrong_codes_are_not():
    assert normalize_code(" o1lI-abcd-efgh-jkmn ") == "0111ABCDEFGHJKMN"
    assert normalize_code("ABCD-EFGH-JKMN-PQR") is None  # 15 characters
    assert normalize_code("ABCD-EFGH-JKMN-PQRST") is None
    assert normalize_code("ABCD-EFGH-JKMN-PQR*") is None
    assert normalize_code("") is None and normalize_code(None) is None
