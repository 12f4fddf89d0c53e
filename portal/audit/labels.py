"""The audit trail in words: what each stored action code means, and the known codes inside a
row's detail (a role, a kecamatan code, an agency, a resolution, a visit's kind and time, an
account number) said as the pages say them. Stored rows are never rewritten: this is only how
they are shown; a detail this module does not know is shown as stored."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from portal.accounts.labels import role_label, scope_label
from portal.assistance.labels import appointment_label, outcome_label
from portal.assistance.models import AppointmentKind, AssistanceOutcome
from portal.audit.list_details import LIST_ACTIONS, list_detail_label
from portal.complaints.labels import agency_label, officer_status_label, resolution_label
from portal.complaints.models.complaint import ComplaintStatus
from portal.core.regions import regions
from portal.notifications.labels import contact_method_label, contact_words
from portal.notifications.models import ContactMethod, ContactOutcome


def action_label(action: str, object_type: str = "") -> str:
    """An action code of the trail ("minta_informasi") in words; a conclusion is stored as the
    status it reached ("selesai", "ditolak"). Some codes are shared by complaints and help requests."""
    if object_type == "assistance" and action == "ambil":
        return _("Mengambil permintaan bantuan")
    words = {
        "lihat": _("Melihat"),
        "ubah": _("Mengubah"),
        "buat": _("Membuat"),
        "hapus": _("Menghapus"),
        "unduh": _("Mengunduh"),
        "ekspor": _("Mengekspor"),
        "cari": _("Mencari"),
        "masuk": _("Masuk"),
        "keluar": _("Keluar"),
        "ambil": _("Mengambil pengaduan"),
        "tugaskan": _("Menugaskan"),
        "verifikasi": _("Menandai sudah diperiksa"),
        "balas": _("Membalas warga"),
        "catatan": _("Catatan internal"),
        "minta_informasi": _("Meminta informasi"),
        "rujuk": _("Merujuk"),
        "putus_banding": _("Memutus banding"),
        "tandai_ganda": _("Menandai ganda"),
        "kode_akses_baru": _("Kode akses baru"),
        "catat_kontak": _("Mencatat kontak"),
        "jawaban_diterima": _("Mencatat jawaban warga"),
        "jadwalkan": _("Menjadwalkan"),
        "catat_hasil": _("Mencatat hasil"),
        "ajukan_atas_nama": _("Mengajukan atas nama warga"),
        "cetak_tanda_terima": _("Mencetak tanda terima"),
        "unduh_lampiran": _("Mengunduh lampiran"),
        "unduh_surat": _("Mengunduh surat"),
        "terbitkan_surat": _("Menerbitkan surat"),
        "surat_massal": _("Surat massal"),
        "surat_massal_lanjut": _("Melanjutkan surat massal"),
        "surat_massal_batal": _("Membatalkan surat massal"),
        "impor": _("Impor roster"),
        "impor_mulai": _("Memulai impor roster"),
        "nonaktifkan": _("Menonaktifkan"),
        "ganti_kata_sandi": _("Mengganti kata sandi"),
        "atur_ulang_kata_sandi": _("Mengatur ulang kata sandi"),
        "atur_ulang_2fa": _("Mengatur ulang verifikasi dua langkah"),
        "aktifkan_2fa": _("Mengaktifkan verifikasi dua langkah"),
        "lihat_data_disabilitas": _("Melihat data disabilitas"),
        "hapus_data_disabilitas": _("Menghapus data disabilitas"),
        "tandai_terkirim": _("Menandai terkirim"),
        "antrekan_lagi": _("Mengantrekan lagi"),
        "banyak_percobaan_gagal": _("Banyak percobaan gagal"),
        "ditolak_di_luar_wilayah": _("Ditolak: di luar wilayah"),
        "lihat_daftar": _("Melihat daftar"),
        "cari_nik": _("Mencari dengan NIK"),
        "ubah_pengaturan": _("Mengubah pengaturan"),
        "pindah_wilayah": _("Memindahkan ke kecamatan lain"),
        "kembalikan_ke_antrean": _("Mengembalikan ke antrean"),
    }
    if action in words:
        return words[action]
    if action in ComplaintStatus.__members__.values():
        return _("Keputusan: %(status)s", status=officer_status_label(ComplaintStatus(action)))
    return action.replace("_", " ")


_KECAMATAN = re.compile(r"(?<![\d.])\d{2}\.\d{2}\.\d{2}(?![\d.])")
_ROLE = re.compile(r"\bperan(=|: )(officer|supervisor|admin)\b(?: -> (officer|supervisor|admin)\b)?")
_SCOPE = re.compile(r"\bwilayah(=|: )([0-9.,]+|semua)(?: -> ([0-9.,]+|semua))?")
_ACCOUNT = re.compile(r"\bakun (\d+)\b")
_VISIT = re.compile(r"^(\w+) (\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}) akun (\d+)$")


def object_words(object_type: str, object_id: str, names: dict[int, str]) -> str:
    """What an object's number alone does not say: an account's name, a report's file, a setting's
    name. Empty when the number (or the reference shown beside it) is all there is."""
    from portal.program.labels import LABELS as SETTING_LABELS

    if object_type == "account" and object_id.isdigit():
        return names.get(int(object_id), "")
    if object_type == "setting":
        return str(SETTING_LABELS.get(object_id, object_id))
    if object_type in ("report", "audit", "statistics"):
        return object_id  # a file's name
    return ""


def _kecamatan(match: re.Match[str]) -> str:
    found = regions().kecamatan.get(match.group(0))
    return _("Kecamatan %(name)s", name=found.name) if found else match.group(0)


def _account(names: dict[int, str], number: str) -> str:
    return names.get(int(number)) or _("akun %(n)s", n=number)


def _roles(match: re.Match[str]) -> str:
    said = _("peran: %(role)s", role=role_label(match.group(2)))
    return said + (f" → {role_label(match.group(3))}" if match.group(3) else "")


def _scope(stored: str) -> str:
    return scope_label([] if stored == "semua" else stored.split(","))


def _scopes(match: re.Match[str]) -> str:
    said = _("wilayah: %(area)s", area=_scope(match.group(2)))
    return said + (f" → {_scope(match.group(3))}" if match.group(3) else "")


def detail_label(action: str, detail: str, names: dict[int, str]) -> str:
    """A row's detail with its known codes in words; `names` are the accounts' names by id."""
    if not detail:
        return ""
    try:
        return _known_detail(action, detail, names)
    except (ValueError, KeyError):  # a code of an older version: shown as stored
        return detail


def _known_detail(action: str, detail: str, names: dict[int, str]) -> str:
    if action in LIST_ACTIONS:
        return list_detail_label(detail, names)
    if action == "rujuk":
        return agency_label(detail)
    if action in ComplaintStatus.__members__.values():
        return resolution_label(detail)
    if action == "jadwalkan" and (visit := _VISIT.match(detail)):
        kind, day, hour, minute, account = visit.groups()
        when = format_date(date.fromisoformat(day), "EEEE, d MMMM y")
        return _(
            "%(kind)s, %(when)s pukul %(time)s, oleh %(who)s",
            kind=appointment_label(AppointmentKind(kind)),
            when=when,
            time=f"{hour}.{minute}",
            who=_account(names, account),
        )
    if action == "catat_hasil":
        outcome, _space, reference = detail.partition(" ")
        said = outcome_label(AssistanceOutcome(outcome))
        return f"{said} ({reference})" if reference else said
    if action == "catat_kontak":
        method, _space, outcome = detail.partition(" ")
        return contact_words(ContactMethod(method), ContactOutcome(outcome))
    if action == "jawaban_diterima":
        return contact_method_label(ContactMethod(detail))
    said = _ACCOUNT.sub(lambda m: _account(names, m.group(1)), detail) if action == "tugaskan" else detail
    said = _ROLE.sub(_roles, said)
    said = _SCOPE.sub(_scopes, said)
    said = said.replace("aktif: ya -> tidak", _("aktif → nonaktif")).replace(
        "aktif: tidak -> ya", _("nonaktif → aktif")
    )
    return _KECAMATAN.sub(_kecamatan, said).replace(" -> ", " → ")
