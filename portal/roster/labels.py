"""The roster's words in the reader's language: a person's status and its reason, and why a row
or a whole file of an import was refused (the services return codes)."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from portal.core.errors import RosterFileError
from portal.roster.models.person import PersonStatus, StatusReason
from portal.roster.services.importing import FileProblem
from portal.roster.services.rows import COLUMNS, Problem, RowProblem

_HEADER = ",".join(COLUMNS)


_BY_OFFICER = re.compile(r"^(?P<email>.*) \(petugas:\d+\)$")


def importer_label(imported_by: str) -> str:
    """Who ran an import, as stored ("EMAIL (petugas:N)", "cli:USER"), in words."""
    if found := _BY_OFFICER.match(imported_by):
        return found.group("email")
    if imported_by.startswith("cli:"):
        return _("baris perintah (%(user)s)", user=imported_by.removeprefix("cli:"))
    return imported_by


def status_label(status: PersonStatus) -> str:
    return {
        PersonStatus.AKTIF: _("Aktif"),
        PersonStatus.PROSES: _("Sedang didaftarkan"),
        PersonStatus.DAFTAR_TUNGGU: _("Daftar tunggu"),
        PersonStatus.NONAKTIF: _("Tidak aktif"),
        PersonStatus.TIDAK_MEMENUHI_SYARAT: _("Tidak memenuhi syarat"),
    }[status]


def reason_label(reason: StatusReason | None) -> str:
    if reason is None:
        return ""
    return {
        StatusReason.BUKAN_DTSEN: _("Tidak tercatat di DTSEN"),
        StatusReason.DESIL_DI_ATAS_5: _("Desil di atas 5"),
        StatusReason.BUKAN_WARGA_KOTA_BEKASI: _("Bukan warga Kota Bekasi"),
        StatusReason.SUDAH_PESERTA_LAIN: _("Sudah peserta melalui skema lain"),
        StatusReason.MENINGGAL: _("Meninggal dunia"),
        StatusReason.PINDAH: _("Pindah domisili"),
    }[reason]


def row_problem(problem: Problem) -> str:
    """Why a row was rejected, or its warning (the rejects file's "alasan")."""
    p = problem.params
    match problem.code:
        case RowProblem.NIK:
            return _nik_problem(str(p["reason"]), int(str(p["count"])))
        case RowProblem.DUPLICATE_NIK:
            return _(
                "NIK ini juga ada di baris %(line)d; hanya baris pertama untuk satu NIK yang diimpor. "
                "Hapus baris yang salah, lalu impor ulang berkasnya.",
                line=p["line"],
            )
        case RowProblem.DATE_EMPTY:
            return _("Kolom %(col)s kosong; isi tanggal TTTT-BB-HH.", col=p["col"])
        case RowProblem.DATE_BAD:
            return _("Kolom %(col)s berisi %(value)s; tulis tanggal TTTT-BB-HH.", col=p["col"], value=p["value"])
        case RowProblem.COLUMN_COUNT:
            return _("Jumlah kolom tidak sesuai dengan baris judul.")
        case RowProblem.NUL:
            return _("Baris ini memuat karakter NUL; simpan ulang berkasnya sebagai CSV UTF-8.")
        case RowProblem.NAME_EMPTY:
            return _("Kolom nama kosong.")
        case RowProblem.NAME_TOO_LONG:
            return _("Nama lebih dari 150 huruf.")
        case RowProblem.SEX:
            return _("Kolom jenis_kelamin harus L atau P.")
        case RowProblem.KELURAHAN:
            return _("Kode kelurahan %(code)s bukan kelurahan di Kota Bekasi.", code=p["code"])
        case RowProblem.DESIL:
            return _("Kolom desil harus angka 1 sampai 10, atau kosong.")
        case RowProblem.STATUS_UNKNOWN:
            return _(
                "Status %(value)s tidak dikenal; pakai salah satu: %(allowed)s.", value=p["value"], allowed=p["allowed"]
            )
        case RowProblem.REASON_NEEDED:
            return _("Status %(status)s perlu alasan: %(allowed)s.", status=p["status"], allowed=p["allowed"])
        case RowProblem.REASON_NOT_ALLOWED:
            return _("Kolom alasan hanya diisi untuk status nonaktif atau tidak_memenuhi_syarat.")
        case RowProblem.KPJ:
            return _("Nomor KPJ harus 11 angka.")
        case RowProblem.ACTIVE_NEEDS_PERIOD:
            return _("Peserta aktif harus punya kpj, mulai dan selesai.")
        case RowProblem.PERIOD_PAIR:
            return _("Isi mulai dan selesai bersama-sama.")
        case RowProblem.PERIOD_ORDER:
            return _("Tanggal selesai lebih awal dari tanggal mulai.")
        case RowProblem.DATA_DATE_FUTURE:
            return _("tanggal_data tidak boleh di masa depan.")
        case RowProblem.OLDER_THAN_STORED:
            return _("Data ini (%(new)s) lebih lama dari data tersimpan (%(old)s).", new=p["new"], old=p["old"])
        case RowProblem.BIRTH_OR_SEX_DIFFERS:
            return _("Tanggal lahir atau jenis kelamin berbeda dengan yang tersirat di NIK.")
    raise ValueError(f"no words for {problem!r}")


def _nik_problem(reason: str, count: int) -> str:
    """Why the NIK of a row cannot be right, in words for the admin checking the file (core.nik's
    own words are for a resident typing their NIK)."""
    match reason:
        case "empty":
            return _("Kolom nik kosong.")
        case "not_digits":
            return _("NIK di baris ini memuat selain angka 0–9.")
        case "length":
            return _("NIK di baris ini %(count)d angka, bukan 16.", count=count)
        case "province":
            return _("Dua angka pertama NIK di baris ini bukan kode provinsi.")
        case "birth_date":
            return _("Angka ke-7 sampai ke-12 NIK di baris ini bukan tanggal lahir yang mungkin.")
        case "serial":
            return _("Empat angka terakhir NIK di baris ini 0000.")
    return _("NIK di baris ini tidak sah.")


def file_error(error: RosterFileError) -> str:
    """Why a whole file was not imported (nothing of it was written)."""
    p = error.params
    match error.code:
        case FileProblem.NOT_UTF8:
            return _('Berkas bukan teks UTF-8. Simpan ulang sebagai "CSV UTF-8".')
        case FileProblem.EMPTY:
            return _(
                "Berkas kosong, atau baris pertamanya kosong: baris pertama harus baris judul (%(all)s).", all=_HEADER
            )
        case FileProblem.NO_ROWS:
            return _("Berkas hanya berisi baris judul, tanpa data peserta; tidak ada yang diimpor.")
        case FileProblem.HEADER_UNREADABLE:
            return _("Baris judul tidak terbaca: %(e)s", e=p["e"])
        case FileProblem.MISSING_COLUMNS:
            return _(
                "Kolom berikut tidak ada di baris judul: %(cols)s. Baris judul harus: %(all)s.",
                cols=p["cols"],
                all=p["all"],
            )
        case FileProblem.NOT_UTF8_AT:
            return _(
                "Berkas bukan teks UTF-8 (sekitar baris %(line)d). Simpan ulang sebagai "
                '"CSV UTF-8"; tidak ada data yang diimpor.',
                line=p["line"],
            )
        case FileProblem.LINE_UNREADABLE:
            return _("Baris %(line)d tidak terbaca (%(e)s); tidak ada data yang diimpor.", line=p["line"], e=p["e"])
    raise ValueError(f"no words for {error!r}")
