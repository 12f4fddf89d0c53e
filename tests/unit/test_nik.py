from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.core.nik import (
    PROVINCE_CODES,
    NikError,
    could_be_part_of_a_nik,
    looks_like_nik,
    mask_kpj,
    mask_nik,
    parse_nik,
)
from portal.models import Sex

TODAY = date(2026, 11, 21)


def nik_for(birth: date, *, female: bool = False, province: str = "32", serial: int = 12) -> str:
    day = birth.day + (40 if female else 0)
    return f"{province}7501{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def test_parses_a_man_born_in_the_last_century():
    nik = parse_nik("3275010703850012", today=TODAY)
    assert nik.value == "3275010703850012"
    assert nik.birth_date == date(1985, 3, 7)
    assert nik.sex is Sex.LAKI_LAKI


def test_women_have_forty_added_to_the_day():
    nik = parse_nik("3275014703850012", today=TODAY)
    assert nik.birth_date == date(1985, 3, 7)
    assert nik.sex is Sex.PEREMPUAN


def test_a_recent_birth_year_is_read_in_this_century():
    assert parse_nik("3275010101100001", today=TODAY).birth_date == date(2010, 1, 1)


def test_a_future_date_in_this_century_falls_back_to_the_last():
    assert parse_nik("3275010101300001", today=TODAY).birth_date == date(1930, 1, 1)


def test_29_february_is_tried_in_both_centuries():
    # 29-02-00 exists in 2000 (leap) — the only valid reading.
    assert parse_nik("3275012902000001", today=TODAY).birth_date == date(2000, 2, 29)


@pytest.mark.parametrize(
    "typed", ["3275 0107 0385 0012", "3275.0107.0385.0012", "3275-0107-0385-0012", " 3275010703850012 \t"]
)
def test_spaces_dots_and_dashes_are_stripped(typed):
    assert parse_nik(typed, today=TODAY).value == "3275010703850012"


@pytest.mark.parametrize(
    ("typed", "code", "text"),
    [
        ("", "empty", "Masukkan NIK 16 angka."),
        ("   ", "empty", "Masukkan NIK 16 angka."),
        ("32750107038500", "length", "NIK harus 16 angka; Anda mengetik 14."),
        ("32750107038500123", "length", "NIK harus 16 angka; Anda mengetik 17."),
        ("3275O10703850012", "not_digits", "NIK hanya berisi angka"),
        ("３２７５０１０７０３８５００１２", "not_digits", "NIK hanya berisi angka"),
        ("9975010703850012", "province", "kode provinsi"),
        ("1075010703850012", "province", "kode provinsi"),
        ("3275013213850012", "birth_date", "tanggal lahir"),
        ("3275017213850012", "birth_date", "tanggal lahir"),
        ("3275013002850012", "birth_date", "tanggal lahir"),
        ("3275010003850012", "birth_date", "tanggal lahir"),
        ("3275010703850000", "serial", "0000"),
    ],
)
def test_each_failure_has_its_own_message(typed, code, text):
    with pytest.raises(NikError) as caught:
        parse_nik(typed, today=TODAY)
    assert caught.value.code == code
    assert text in caught.value.message


def test_masking_shows_region_and_last_four_only():
    assert mask_nik("3275010703850012") == "3275 **** **** 0012"
    assert mask_kpj("25000000123") == "*******0123"
    assert mask_kpj(None) is None


birth_dates = st.dates(min_value=date(1927, 1, 1), max_value=TODAY)


@given(
    birth=birth_dates,
    female=st.booleans(),
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    serial=st.integers(1, 9999),
)
def test_any_well_formed_nik_round_trips(birth, female, province, serial):
    nik = parse_nik(nik_for(birth, female=female, province=province, serial=serial), today=TODAY)
    assert nik.birth_date == birth
    assert nik.sex is (Sex.PEREMPUAN if female else Sex.LAKI_LAKI)


@given(st.text(max_size=60))
def test_arbitrary_text_is_either_a_nik_or_a_nik_error(text):
    try:
        nik = parse_nik(text, today=TODAY)
    except NikError as error:
        assert error.message
    else:
        assert len(nik.value) == 16 and nik.value.isdigit()


@given(birth=birth_dates, separators=st.lists(st.sampled_from([" ", ".", "-"]), max_size=6))
def test_separators_anywhere_do_not_change_the_nik(birth, separators):
    clean = nik_for(birth)
    typed = clean
    for i, sep in enumerate(separators):
        position = (i * 3 + 1) % len(typed)
        typed = typed[:position] + sep + typed[position:]
    assert parse_nik(typed, today=TODAY).value == clean


@pytest.mark.parametrize(
    "typed",
    ["3275010203896374", "NIK 3275010203896374", "nik:3275010203896374", "3275/0102/0389/6374", "3275 0102 0389 6374"],
)
def test_a_nik_however_typed_looks_like_one(typed):
    assert looks_like_nik(typed) and could_be_part_of_a_nik(typed)


@pytest.mark.parametrize("typed", ["327501", "32750102038", "NIK 3275 01"])
def test_the_first_digits_of_a_nik_could_be_part_of_one(typed):
    assert could_be_part_of_a_nik(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "SGP-2026-000097",
        "sgp-2026-248",
        "BTN 2026 12",
        "2026-000097",
        "000097",
        "SGP 2026 000002",
        "Siti Aminah",
        "Hj. Dewi S.Pd.",
        "12345",
    ],
)
def test_names_and_case_numbers_are_not_a_nik(typed):
    assert not looks_like_nik(typed) and not could_be_part_of_a_nik(typed)
