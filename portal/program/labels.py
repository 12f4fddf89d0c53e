"""The settings page's words: each setting's name and hint, and why a value was refused."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.complaints.labels import category_label
from portal.complaints.models.complaint import ComplaintCategory
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
    "SLA_VERIFY_DAYS_BY_CATEGORY": _l(
        "Tulis kode kategori=hari kerja, dipisah koma, mis. informasi=5,data_salah=10. Kategori lain memakai "
        "batas umum."
    ),
    "SLA_RESOLVE_DAYS_BY_CATEGORY": _l(
        "Tulis kode kategori=hari kerja, dipisah koma, mis. informasi=5,data_salah=10. Kategori lain memakai "
        "batas umum."
    ),
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


# What each setting takes, said when a value is refused (the environment's own rule refused it;
# its words are for operators, in English, so the page says the rule instead).
RULES = {
    "SLA_VERIFY_DAYS": _l("Isi jumlah hari kerja: bilangan bulat 1 sampai 365, mis. 3."),
    "SLA_RESOLVE_DAYS": _l("Isi jumlah hari kerja: bilangan bulat 1 sampai 365, mis. 14."),
    "APPEAL_REVIEW_DAYS": _l("Isi jumlah hari kerja: bilangan bulat 1 sampai 365, mis. 10."),
    "CUTI_BERSAMA": _l("Tulis tanggal yang ada dengan pola TTTT-BB-HH, dipisah koma, mis. 2026-12-24,2026-12-26."),
    "PROGRAM_QUOTA": _l("Isi jumlah peserta: bilangan bulat 1 atau lebih, tanpa titik atau koma, mis. 11666."),
    "PROGRAM_BUDGET": _l('Isi rupiah dengan angka saja, tanpa titik, koma atau "Rp", mis. 2352000000.'),
    "PROGRAM_BUDGET_YEAR": _l("Isi tahun dengan empat angka (2000 sampai 2100), atau kosongkan untuk tahun berjalan."),
}


def category_codes() -> str:
    """The codes the per-category fields take, each with its name."""
    return ", ".join(f"{category.value} ({category_label(category.value)})" for category in ComplaintCategory)


def hint(name: str) -> str:
    if name.endswith("_BY_CATEGORY"):
        codes = _("Kode kategori: %(codes)s.", codes=category_codes())
        return f"{HINTS[name]} {codes}"
    return str(HINTS[name])


def problem_message(name: str, problem: Problem) -> str:
    if problem.code is SettingProblem.PATTERN:
        return _(
            "Pola ini tidak bisa dipakai untuk menomori surat: wajib memuat {seq} dan {year}, boleh {month} "
            "dan {roman_month}, dan kurung kurawal hanya untuk keempatnya. Mis. 500.15.1/{seq}-Disnaker/"
            "{roman_month}/{year}."
        )
    if name.endswith("_BY_CATEGORY"):
        return _(
            "Tulis kode kategori=hari kerja (1 sampai 365), dipisah koma, mis. informasi=5. Kode yang dikenal: "
            "%(codes)s.",
            codes=category_codes(),
        )
    return str(RULES.get(name) or _("Nilai ini tidak bisa dipakai. Periksa petunjuk di bawah nama isian."))


def default_hint(value: str) -> str:
    return _("Bawaan dari lingkungan server: %(value)s", value=value or _("(kosong)"))
