"""The settings page's words: each setting's name and hint, and why a value was refused."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.program.services import Problem, SettingProblem

LABELS = {
    "SLA_VERIFY_DAYS": _l("Batas verifikasi pengaduan (hari kerja)"),
    "SLA_RESOLVE_DAYS": _l("Batas jawaban pengaduan (hari kerja)"),
    "SLA_VERIFY_DAYS_BY_CATEGORY": _l("Batas verifikasi per kategori"),
    "SLA_RESOLVE_DAYS_BY_CATEGORY": _l("Batas jawaban per kategori"),
    "APPEAL_REVIEW_DAYS": _l("Batas putusan banding (hari kerja)"),
    "CUTI_BERSAMA": _l("Cuti bersama"),
    "PROGRAM_QUOTA": _l("Kuota peserta"),
    "PROGRAM_BUDGET": _l("Anggaran premi setahun (rupiah)"),
    "PROGRAM_BUDGET_YEAR": _l("Tahun anggaran"),
    "LETTER_NUMBER_PATTERN": _l("Pola nomor surat"),
}

HINTS = {
    "SLA_VERIFY_DAYS": _l("1 sampai 365. Berlaku untuk pengaduan yang masuk sesudah disimpan."),
    "SLA_RESOLVE_DAYS": _l("1 sampai 365. Berlaku untuk pengaduan yang masuk sesudah disimpan."),
    "SLA_VERIFY_DAYS_BY_CATEGORY": _l("Mis. informasi=5,data_salah=10. Kategori lain memakai batas umum."),
    "SLA_RESOLVE_DAYS_BY_CATEGORY": _l("Mis. informasi=5,data_salah=10. Kategori lain memakai batas umum."),
    "APPEAL_REVIEW_DAYS": _l("1 sampai 365. Berlaku untuk banding yang masuk sesudah disimpan."),
    "CUTI_BERSAMA": _l(
        "Tanggal TTTT-BB-HH dipisah koma, mis. 2026-12-24,2026-12-26. Tidak dihitung sebagai hari kerja."
    ),
    "PROGRAM_QUOTA": _l("Jumlah peserta yang dibiayai; tampil di /statistik."),
    "PROGRAM_BUDGET": _l("Angka saja, tanpa titik; dibandingkan di /statistik dengan premi peserta aktif."),
    "PROGRAM_BUDGET_YEAR": _l("Kosongkan untuk tahun berjalan."),
    "LETTER_NUMBER_PATTERN": _l(
        "Wajib memuat {seq} dan {year}; boleh {month} dan {roman_month}. Berlaku untuk surat berikutnya."
    ),
}


def problem_message(problem: Problem) -> str:
    if problem.code is SettingProblem.PATTERN:
        return _("Pola ini tidak bisa dipakai untuk menomori surat: %(detail)s", detail=problem.detail)
    return _("Nilai ini ditolak oleh aturan yang sama dengan variabel lingkungannya: %(detail)s", detail=problem.detail)


def default_hint(value: str) -> str:
    return _("Bawaan dari lingkungan server: %(value)s", value=value or _("(kosong)"))
