"""One roster CSV row (DESIGN §5) checked and turned into typed values, or a reason it is rejected."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any, Literal, overload

from portal.core.nik import NikError, Sex, normalize_nik, parse_nik
from portal.core.regions import regions
from portal.roster.models.person import PersonStatus, StatusReason

COLUMNS = (
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "kelurahan",
    "pekerjaan",
    "desil",
    "status",
    "alasan",
    "kpj",
    "mulai",
    "selesai",
    "tanggal_data",
)

# The columns of `person` an import writes (a RosterRow's fields), and those compared to tell a
# changed person from an unchanged one: shared by the chunked path and PostgreSQL's bulk path.
COMPARED_COLUMNS = (
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "kelurahan_code",
    "pekerjaan",
    "desil",
    "status",
    "alasan",
    "kpj",
    "mulai",
    "selesai",
    "tanggal_data",
)
PERSON_COLUMNS = ("nik", *COMPARED_COLUMNS)

_STATUS = {s.value: s for s in PersonStatus}
_REASON = {r.value: r for r in StatusReason}
_SEX = {"L": Sex.LAKI_LAKI, "P": Sex.PEREMPUAN}
_NEEDS_REASON = {PersonStatus.NONAKTIF, PersonStatus.TIDAK_MEMENUHI_SYARAT}


class RowProblem(enum.StrEnum):
    """Why a row is rejected, or what a warning says (roster.labels words each one)."""

    NIK = "nik"  # reason: core.nik's NikError code (empty, not_digits, length, ...), count: digits
    DUPLICATE_NIK = "duplicate_nik"  # line: the earlier row of the file this NIK was imported from
    DATE_EMPTY = "date_empty"  # col
    DATE_BAD = "date_bad"  # col, value
    COLUMN_COUNT = "column_count"
    NUL = "nul"
    NAME_EMPTY = "name_empty"
    NAME_TOO_LONG = "name_too_long"
    SEX = "sex"
    KELURAHAN = "kelurahan"  # code
    DESIL = "desil"
    STATUS_UNKNOWN = "status_unknown"  # value, allowed
    REASON_NEEDED = "reason_needed"  # status, allowed
    REASON_NOT_ALLOWED = "reason_not_allowed"
    KPJ = "kpj"
    ACTIVE_NEEDS_PERIOD = "active_needs_period"
    PERIOD_PAIR = "period_pair"
    PERIOD_ORDER = "period_order"
    DATA_DATE_FUTURE = "data_date_future"
    OLDER_THAN_STORED = "older_than_stored"  # new, old (checked against the database: importing)
    BIRTH_OR_SEX_DIFFERS = "birth_or_sex_differs"  # a warning


@dataclass(frozen=True, slots=True)
class Problem:
    code: RowProblem
    params: dict[str, object] = field(default_factory=dict)


class RowError(ValueError):
    def __init__(self, code: RowProblem, /, **params: object) -> None:
        super().__init__(code)
        self.problem = Problem(code, params)


@dataclass(slots=True)
class RosterRow:
    nik: str
    nama: str
    tanggal_lahir: date
    jenis_kelamin: Sex
    kelurahan_code: str
    pekerjaan: str
    desil: int | None
    status: PersonStatus
    alasan: StatusReason | None
    kpj: str | None
    mulai: date | None
    selesai: date | None
    tanggal_data: date
    warning: Problem | None = None


@overload
def _date(text: str, column: str, *, required: Literal[True]) -> date: ...


@overload
def _date(text: str, column: str, *, required: Literal[False]) -> date | None: ...


def _date(text: str, column: str, *, required: bool) -> date | None:
    text = text.strip()
    if not text:
        if required:
            raise RowError(RowProblem.DATE_EMPTY, col=column)
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else _bad_date(column, text)
    except ValueError:
        return _bad_date(column, text)


def _bad_date(column: str, text: str) -> date:
    raise RowError(RowProblem.DATE_BAD, col=column, value=text[:20])


RawRow = dict[str | None, Any]
"""A line of the roster CSV as csv.DictReader gives it: each column's text (None on a short
line), and the fields past the last column as a list under the key None."""

_columns_of = itemgetter(*COLUMNS)


def _name(text: str) -> str:
    nama = " ".join(text.split())
    if not nama:
        raise RowError(RowProblem.NAME_EMPTY)
    if len(nama) > 150:
        raise RowError(RowProblem.NAME_TOO_LONG)
    return nama


def _desil(text: str) -> int | None:
    if not text:
        return None
    # ASCII digits only: "²".isdigit() is true but int("²") fails, as do 5,000-digit numbers.
    digits = text.lstrip("0") if text.isascii() and text.isdigit() else ""
    if not digits.isdigit() or len(digits) > 2 or not 1 <= int(digits) <= 10:
        raise RowError(RowProblem.DESIL)
    return int(digits)


def _status_and_reason(status_text: str, alasan_text: str) -> tuple[PersonStatus, StatusReason | None]:
    status = _STATUS.get(status_text.strip().lower())
    if status is None:
        raise RowError(RowProblem.STATUS_UNKNOWN, value=status_text[:30], allowed=", ".join(_STATUS))
    if status not in _NEEDS_REASON:
        if alasan_text:
            raise RowError(RowProblem.REASON_NOT_ALLOWED)
        return status, None
    alasan = _REASON.get(alasan_text)
    if alasan is None:
        raise RowError(RowProblem.REASON_NEEDED, status=status.value, allowed=", ".join(_REASON))
    return status, alasan


def _coverage(
    status: PersonStatus, kpj: str | None, mulai_text: str, selesai_text: str
) -> tuple[str | None, date | None, date | None]:
    """The KPJ number and the coverage period: all three for an active participant."""
    if kpj is not None and (len(kpj) != 11 or not (kpj.isascii() and kpj.isdigit())):
        raise RowError(RowProblem.KPJ)
    mulai = _date(mulai_text, "mulai", required=False)
    selesai = _date(selesai_text, "selesai", required=False)
    if status is PersonStatus.AKTIF and not (kpj and mulai and selesai):
        raise RowError(RowProblem.ACTIVE_NEEDS_PERIOD)
    if (mulai is None) != (selesai is None):
        raise RowError(RowProblem.PERIOD_PAIR)
    if mulai and selesai and selesai < mulai:
        raise RowError(RowProblem.PERIOD_ORDER)
    return kpj, mulai, selesai


def parse_row(row: RawRow, *, today: date) -> RosterRow:
    """Check one row; raise RowError with the first reason it cannot be imported."""
    # Runs once per roster line (a million times on a large import): fields are read once.
    try:
        fields = _columns_of(row)
    except KeyError:
        fields = (None,)
    if None in row or None in fields:
        raise RowError(RowProblem.COLUMN_COUNT)
    (
        nik_text,
        nama_text,
        lahir_text,
        sex_text,
        kelurahan_text,
        pekerjaan_text,
        desil_text,
        status_text,
        alasan_text,
        kpj_text,
        mulai_text,
        selesai_text,
        data_text,
    ) = fields
    try:
        nik = parse_nik(nik_text, today=today)
    except NikError as error:
        raise RowError(RowProblem.NIK, reason=error.code, count=len(normalize_nik(nik_text))) from None

    if "\x00" in nama_text or "\x00" in pekerjaan_text:  # PostgreSQL text cannot hold it
        raise RowError(RowProblem.NUL)
    nama = _name(nama_text)

    tanggal_lahir = _date(lahir_text, "tanggal_lahir", required=True)
    sex = _SEX.get(sex_text.strip().upper())
    if sex is None:
        raise RowError(RowProblem.SEX)

    kelurahan_code = kelurahan_text.strip()
    if kelurahan_code not in regions().kelurahan:
        raise RowError(RowProblem.KELURAHAN, code=kelurahan_code[:20])

    desil = _desil(desil_text.strip())
    status, alasan = _status_and_reason(status_text, alasan_text.strip().lower())
    kpj, mulai, selesai = _coverage(status, kpj_text.strip() or None, mulai_text, selesai_text)

    tanggal_data = _date(data_text, "tanggal_data", required=True)
    if tanggal_data > today:
        raise RowError(RowProblem.DATA_DATE_FUTURE)

    warning = None
    if tanggal_lahir != nik.birth_date or sex is not nik.sex:
        warning = Problem(RowProblem.BIRTH_OR_SEX_DIFFERS)
    return RosterRow(
        nik=nik.value,
        nama=nama,
        tanggal_lahir=tanggal_lahir,
        jenis_kelamin=sex,
        kelurahan_code=kelurahan_code,
        pekerjaan=pekerjaan_text.strip()[:120],
        desil=desil,
        status=status,
        alasan=alasan,
        kpj=kpj,
        mulai=mulai,
        selesai=selesai,
        tanggal_data=tanggal_data,
        warning=warning,
    )
