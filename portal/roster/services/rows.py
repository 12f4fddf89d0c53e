"""One roster CSV row (DESIGN §5) checked and turned into typed values, or a reason it is rejected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any, Literal, overload

from flask_babel import gettext as _

from portal.core.nik import NikError, Sex, parse_nik
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

_STATUS = {s.value: s for s in PersonStatus}
_REASON = {r.value: r for r in StatusReason}
_SEX = {"L": Sex.LAKI_LAKI, "P": Sex.PEREMPUAN}
_NEEDS_REASON = {PersonStatus.NONAKTIF, PersonStatus.TIDAK_MEMENUHI_SYARAT}


class RowError(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
    warning: str | None = None


@overload
def _date(text: str, column: str, *, required: Literal[True]) -> date: ...


@overload
def _date(text: str, column: str, *, required: Literal[False]) -> date | None: ...


def _date(text: str, column: str, *, required: bool) -> date | None:
    text = text.strip()
    if not text:
        if required:
            raise RowError(_("Kolom %(col)s kosong; isi tanggal TTTT-BB-HH.", col=column))
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else _bad_date(column, text)
    except ValueError:
        return _bad_date(column, text)


def _bad_date(column: str, text: str) -> date:
    raise RowError(_("Kolom %(col)s berisi %(value)s; tulis tanggal TTTT-BB-HH.", col=column, value=text[:20]))


RawRow = dict[str | None, Any]
"""A line of the roster CSV as csv.DictReader gives it: each column's text (None on a short
line), and the fields past the last column as a list under the key None."""

_columns_of = itemgetter(*COLUMNS)


def _name(text: str) -> str:
    nama = " ".join(text.split())
    if not nama:
        raise RowError(_("Kolom nama kosong."))
    if len(nama) > 150:
        raise RowError(_("Nama lebih dari 150 huruf."))
    return nama


def _desil(text: str) -> int | None:
    if not text:
        return None
    # ASCII digits only: "²".isdigit() is true but int("²") fails, as do 5,000-digit numbers.
    digits = text.lstrip("0") if text.isascii() and text.isdigit() else ""
    if not digits.isdigit() or len(digits) > 2 or not 1 <= int(digits) <= 10:
        raise RowError(_("Kolom desil harus angka 1 sampai 10, atau kosong."))
    return int(digits)


def _status_and_reason(status_text: str, alasan_text: str) -> tuple[PersonStatus, StatusReason | None]:
    status = _STATUS.get(status_text.strip().lower())
    if status is None:
        raise RowError(
            _(
                "Status %(value)s tidak dikenal; pakai salah satu: %(allowed)s.",
                value=status_text[:30],
                allowed=", ".join(_STATUS),
            )
        )
    if status not in _NEEDS_REASON:
        if alasan_text:
            raise RowError(_("Kolom alasan hanya diisi untuk status nonaktif atau tidak_memenuhi_syarat."))
        return status, None
    alasan = _REASON.get(alasan_text)
    if alasan is None:
        raise RowError(
            _("Status %(status)s perlu alasan: %(allowed)s.", status=status.value, allowed=", ".join(_REASON))
        )
    return status, alasan


def _coverage(
    status: PersonStatus, kpj: str | None, mulai_text: str, selesai_text: str
) -> tuple[str | None, date | None, date | None]:
    """The KPJ number and the coverage period: all three for an active participant."""
    if kpj is not None and (len(kpj) != 11 or not (kpj.isascii() and kpj.isdigit())):
        raise RowError(_("Nomor KPJ harus 11 angka."))
    mulai = _date(mulai_text, "mulai", required=False)
    selesai = _date(selesai_text, "selesai", required=False)
    if status is PersonStatus.AKTIF and not (kpj and mulai and selesai):
        raise RowError(_("Peserta aktif harus punya kpj, mulai dan selesai."))
    if (mulai is None) != (selesai is None):
        raise RowError(_("Isi mulai dan selesai bersama-sama."))
    if mulai and selesai and selesai < mulai:
        raise RowError(_("Tanggal selesai lebih awal dari tanggal mulai."))
    return kpj, mulai, selesai


def parse_row(row: RawRow, *, today: date) -> RosterRow:
    """Check one row; raise RowError with the first reason it cannot be imported."""
    # Runs once per roster line (a million times on a large import): fields are read once.
    try:
        fields = _columns_of(row)
    except KeyError:
        fields = (None,)
    if None in row or None in fields:
        raise RowError(_("Jumlah kolom tidak sesuai dengan baris judul."))
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
        raise RowError(error.message) from None

    if "\x00" in nama_text or "\x00" in pekerjaan_text:  # PostgreSQL text cannot hold it
        raise RowError(_("Baris ini memuat karakter NUL; simpan ulang berkasnya sebagai CSV UTF-8."))
    nama = _name(nama_text)

    tanggal_lahir = _date(lahir_text, "tanggal_lahir", required=True)
    sex = _SEX.get(sex_text.strip().upper())
    if sex is None:
        raise RowError(_("Kolom jenis_kelamin harus L atau P."))

    kelurahan_code = kelurahan_text.strip()
    if kelurahan_code not in regions().kelurahan:
        raise RowError(_("Kode kelurahan %(code)s bukan kelurahan di Kota Bekasi.", code=kelurahan_code[:20]))

    desil = _desil(desil_text.strip())
    status, alasan = _status_and_reason(status_text, alasan_text.strip().lower())
    kpj, mulai, selesai = _coverage(status, kpj_text.strip() or None, mulai_text, selesai_text)

    tanggal_data = _date(data_text, "tanggal_data", required=True)
    if tanggal_data > today:
        raise RowError(_("tanggal_data tidak boleh di masa depan."))

    warning = None
    if tanggal_lahir != nik.birth_date or sex is not nik.sex:
        warning = _("Tanggal lahir atau jenis kelamin berbeda dengan yang tersirat di NIK.")
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
