"""A person's roster status and its reason, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.roster.models.person import PersonStatus, StatusReason


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
