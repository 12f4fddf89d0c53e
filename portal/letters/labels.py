"""The letters' words in the reader's language: why no letter can be made, why one is replaced
(the services return codes; the pages and forms of letters and people word them here)."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.letters.services.letters import LetterNotAvailable, LetterState, NoLetterBecause
from portal.letters.services.officer import ReplaceReason


def replace_reason_label(reason: ReplaceReason) -> str:
    return {
        ReplaceReason.HILANG: _("Surat lama hilang"),
        ReplaceReason.DISALAHGUNAKAN: _("Surat lama disalahgunakan atau dipalsukan"),
        ReplaceReason.RUSAK: _("Surat lama rusak atau tidak terbaca"),
    }[reason]


def no_letter_message(error: LetterNotAvailable) -> str:
    return {
        NoLetterBecause.NOT_FOUND: _("Data peserta tidak ditemukan. Cek status Anda lagi."),
        NoLetterBecause.NOT_ACTIVE: _(
            "Surat kepesertaan hanya untuk peserta aktif. Cek status Anda untuk langkah berikutnya."
        ),
        NoLetterBecause.INCOMPLETE: _(
            "Data kepesertaan Anda (nomor KPJ atau masa perlindungan) belum lengkap, sehingga "
            "surat belum bisa dibuat. Hubungi Disnaker Kota Bekasi atau sampaikan pengaduan "
            "perbaikan data."
        ),
    }[error.reason]


def state_label(state: LetterState) -> str:
    return {
        LetterState.VALID: _("berlaku"),
        LetterState.REVOKED: _("dicabut: tidak berlaku lagi"),
        LetterState.SUPERSEDED: _("diganti dengan surat yang lebih baru"),
    }[state]
