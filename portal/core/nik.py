"""NIK (Nomor Induk Kependudukan): parse, validate, and read birth date and sex.

16 digits = province (2) + city (2) + kecamatan (2) + birth date DDMMYY (women: day + 40)
+ serial (4, not 0000). The prefix says where the NIK was first issued, not where the person
lives: it is never a residency test.

python-stdnum 2.2 (stdnum.id.nik) checks less: a day taken mod 40 (85 passes), no 0000 serial, and a province
list without 65 (Kalimantan Utara) and 92, 93, 95, 96 (Papua, 2022) that would refuse real NIKs; so not used.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

# Kemendagri province codes (Permendagri 58/2021 and the 2022 Papua provinces).
PROVINCE_CODES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "21",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "51",
        "52",
        "53",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "72",
        "73",
        "74",
        "75",
        "76",
        "81",
        "82",
        "91",
        "92",
        "93",
        "94",
        "95",
        "96",
    }
)

_SEPARATORS = re.compile(r"[\s.\-]+")


class NikError(ValueError):
    """A NIK that cannot be right. `message` is plain Indonesian (translatable)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Nik:
    value: str
    birth_date: date
    sex: Sex

    @property
    def province_code(self) -> str:
        return self.value[:2]

    @property
    def masked(self) -> str:
        return mask_nik(self.value)


def normalize_nik(raw: str) -> str:
    """Strip the spaces, dots and dashes people type or copy from a KTP."""
    if raw and raw.isdigit():
        return raw  # nothing to strip (every row of a roster file)
    return _SEPARATORS.sub("", raw or "")


# A complaint or help-request number as people type it: "SGP-2026-000097", "btn 2026 12", "2026-000097",
# or its number alone read out with its zeros ("000097": no NIK starts with 0).
_REFERENCE_LIKE = re.compile(
    r"^\s*(?:(?:(?:sgp|btn)\s*[-/ ]?\s*)?20[2-3]\d\s*[-/ ]\s*\d{1,6}|0\d{0,5})\s*$", re.IGNORECASE
)


def _digits_in(typed: str) -> int:
    return 0 if _REFERENCE_LIKE.match(typed or "") else sum(c.isdigit() for c in typed or "")


def looks_like_nik(typed: str) -> bool:
    """Twelve or more digits anywhere ("3275 0102 …", "NIK: 3275…", "3275/0102/…"): a NIK, or most
    of one, typed where an address would keep it. A complaint number ("2026-000097") is not."""
    return _digits_in(typed) >= 12


def could_be_part_of_a_nik(typed: str) -> bool:
    """Six or more digits in a box meant for names and complaint numbers: the region code, or the
    first digits of a NIK typed slowly into a live search. Not even part of a NIK goes into an
    address (the next six digits are the birth date)."""
    return _digits_in(typed) >= 6


def nik_digits(typed: str) -> str:
    """The digits of what was typed ("NIK: 3275-0102-…" → "32750102…"), to search a NIK with."""
    return "".join(c for c in typed or "" if c.isdigit())


def _birth_date(ddmmyy: str, today: date) -> date | None:
    day, month, year2 = int(ddmmyy[:2]), int(ddmmyy[2:4]), int(ddmmyy[4:])
    if day > 40:
        day -= 40
    # Both centuries: the most recent date that is not in the future.
    for century in (2000, 1900):
        if century + year2 > today.year:
            continue  # in the future, whatever the day and month
        try:
            candidate = date(century + year2, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    return None


def parse_nik(raw: str, *, today: date | None = None) -> Nik:
    """Return the parsed NIK or raise NikError with a message that says what to fix."""
    today = today or date.today()
    value = normalize_nik(raw)
    if not value:
        raise NikError("empty", _("Masukkan NIK 16 angka."))
    if not value.isascii() or not value.isdigit():
        raise NikError("not_digits", _("NIK hanya berisi angka 0–9. Periksa kembali NIK pada KTP Anda."))
    if len(value) != 16:
        raise NikError(
            "length",
            _("NIK harus 16 angka; Anda mengetik %(count)d.", count=len(value)),
        )
    if value[:2] not in PROVINCE_CODES:
        raise NikError(
            "province",
            _("Dua angka pertama NIK bukan kode provinsi yang dikenal. Periksa kembali NIK Anda."),
        )
    birth = _birth_date(value[6:12], today)
    if birth is None:
        raise NikError(
            "birth_date",
            _(
                "Angka ke-7 sampai ke-12 NIK harus tanggal lahir yang benar "
                "(tanggal, bulan, tahun). Periksa kembali NIK Anda."
            ),
        )
    if value[12:] == "0000":
        raise NikError("serial", _("Empat angka terakhir NIK tidak boleh 0000. Periksa kembali NIK Anda."))
    sex = Sex.PEREMPUAN if value[6:8] > "40" else Sex.LAKI_LAKI  # two ASCII digits: as int
    return Nik(value=value, birth_date=birth, sex=sex)


def mask_nik(value: str) -> str:
    """3275 **** **** 0012: province and city, and the last four, nothing else."""
    return f"{value[:4]} **** **** {value[12:]}"


def mask_kpj(value: str | None) -> str | None:
    if not value:
        return None
    return "*" * (len(value) - 4) + value[-4:]


class Sex(enum.StrEnum):
    LAKI_LAKI = "L"
    PEREMPUAN = "P"
