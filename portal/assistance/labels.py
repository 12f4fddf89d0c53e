"""How assistance requests, their statuses, events and refusals read, in the reader's language
(the services return codes and enums; this domain's pages and forms word them here)."""

from __future__ import annotations

from datetime import time

from flask_babel import format_date
from flask_babel import gettext as _

from portal.assistance.models import (
    AppointmentKind,
    AssistanceEvent,
    AssistanceEventKind,
    AssistanceKind,
    AssistanceOutcome,
    AssistanceStatus,
    AssistanceTopic,
    DisabilityCategory,
    TimeOfDay,
)
from portal.assistance.services.requests import HelpRefusal
from portal.core.errors import DomainError

A = AssistanceStatus


def status_label(status: AssistanceStatus) -> str:
    return {
        A.DITERIMA: _("Diterima — petugas akan menghubungi Anda"),
        A.DIJADWALKAN: _("Dijadwalkan"),
        A.SELESAI: _("Selesai"),
    }[status]


def officer_status_label(status: AssistanceStatus) -> str:
    """The same statuses as officers say them (the resident's label speaks to the resident)."""
    return {A.DITERIMA: _("Menunggu dihubungi"), A.DIJADWALKAN: _("Dijadwalkan"), A.SELESAI: _("Selesai")}[status]


def kind_label(kind: AssistanceKind) -> str:
    return {
        AssistanceKind.KUNJUNGAN_RUMAH: _("Kunjungan petugas ke rumah (jemput bola)"),
        AssistanceKind.TELEPON: _("Ditelepon kembali oleh petugas"),
        AssistanceKind.WHATSAPP: _("Dihubungi lewat WhatsApp (pesan atau panggilan video)"),
        AssistanceKind.JURU_BAHASA_ISYARAT: _("Juru bahasa isyarat (BISINDO)"),
        AssistanceKind.PENDAMPINGAN_KANTOR: _("Didampingi saat datang ke kantor"),
        AssistanceKind.BANTUAN_FORMULIR: _("Dibantu membaca atau mengisi formulir"),
    }[kind]


def topic_label(topic: AssistanceTopic) -> str:
    return {
        AssistanceTopic.CEK_STATUS: _("Cek status kepesertaan"),
        AssistanceTopic.PENGADUAN: _("Menyampaikan pengaduan"),
        AssistanceTopic.USULAN_CALON: _("Didaftarkan sebagai calon peserta"),
        AssistanceTopic.SURAT: _("Surat kepesertaan"),
        AssistanceTopic.LAINNYA: _("Hal lain"),
    }[topic]


def appointment_label(kind: AppointmentKind) -> str:
    return {
        AppointmentKind.KUNJUNGAN_RUMAH: _("Kunjungan ke rumah"),
        AppointmentKind.TELEPON: _("Panggilan telepon"),
        AppointmentKind.WHATSAPP: _("Panggilan WhatsApp"),
        AppointmentKind.KANTOR: _("Pendampingan di kantor"),
    }[kind]


def outcome_label(outcome: AssistanceOutcome) -> str:
    return {
        AssistanceOutcome.CEK_STATUS: _("Dibantu mengecek status"),
        AssistanceOutcome.PENGADUAN_DIAJUKAN: _("Pengaduan diajukan atas nama warga"),
        AssistanceOutcome.DIUSULKAN: _("Diusulkan sebagai calon peserta untuk diverifikasi"),
        AssistanceOutcome.INFORMASI: _("Informasi diberikan"),
        AssistanceOutcome.TIDAK_DAPAT_DIHUBUNGI: _("Tidak dapat dihubungi"),
    }[outcome]


def disability_label(category: DisabilityCategory) -> str:
    return {
        DisabilityCategory.FISIK: _("Disabilitas fisik"),
        DisabilityCategory.INTELEKTUAL: _("Disabilitas intelektual"),
        DisabilityCategory.MENTAL: _("Disabilitas mental atau psikososial (gangguan jiwa atau kesehatan mental)"),
        DisabilityCategory.SENSORIK_NETRA: _("Disabilitas sensorik netra (buta atau sulit melihat)"),
        DisabilityCategory.SENSORIK_RUNGU: _("Disabilitas sensorik rungu (tuli atau sulit mendengar)"),
        DisabilityCategory.SENSORIK_WICARA: _("Disabilitas sensorik wicara (tidak dapat atau sulit berbicara)"),
    }[category]


def _parts(value: object) -> list[str]:
    return [str(part) for part in value] if isinstance(value, list | tuple) else []


def _clock(value: object) -> str:
    """A time of day as Indonesians write it: 09.30."""
    return value.strftime("%H.%M") if isinstance(value, time) else str(value)


def time_of_day_label(part: TimeOfDay) -> str:
    """A part of the day a resident asked for (the same words as assistance/_times.html)."""
    return {
        TimeOfDay.PAGI: _("pagi (08.00–11.00)"),
        TimeOfDay.SIANG: _("siang (11.00–14.00)"),
        TimeOfDay.SORE: _("sore (14.00–17.00)"),
    }[part]


def event_label(event: AssistanceEvent) -> str:
    """What a timeline line means, in the reader's language (details come from its columns)."""
    if event.kind is AssistanceEventKind.STATUS:
        if event.to_status is A.DIJADWALKAN:
            return _("Jadwal diubah") if event.from_status is A.DIJADWALKAN else _("Dijadwalkan")
        if event.to_status is A.SELESAI and event.outcome is not None:
            return _("Selesai: %(outcome)s", outcome=outcome_label(event.outcome))
        return status_label(event.to_status) if event.to_status else ""
    return {
        AssistanceEventKind.DIBUAT: _("Permintaan bantuan diterima"),
        AssistanceEventKind.CATATAN: _("Catatan internal"),
        AssistanceEventKind.PENGAJUAN: _("Diajukan atas nama warga oleh petugas"),
        AssistanceEventKind.DISABILITAS_DIHAPUS: _("Data disabilitas dihapus"),
    }[event.kind]


def error_message(error: DomainError) -> str:
    """What a refusal of an assistance rule means, for the person who met it."""
    p = error.params
    match error.code:
        case HelpRefusal.INVALID_TRANSITION:
            return _(
                "Permintaan berstatus “%(current)s” tidak bisa diubah menjadi “%(target)s”.",
                current=status_label(AssistanceStatus(str(p["current"]))),
                target=status_label(AssistanceStatus(str(p["target"]))),
            )
        case HelpRefusal.DISABILITY_WITHOUT_CONSENT:
            return _(
                "Data disabilitas hanya disimpan dengan persetujuan. Centang persetujuan, "
                "atau kosongkan data disabilitas."
            )
        case HelpRefusal.NO_KIND:
            return _("Pilih paling sedikit satu jenis bantuan.")
        case HelpRefusal.REQUEST_CHANGED:
            return _(
                "Permintaan ini baru saja diubah oleh petugas lain. Muat ulang halaman untuk "
                "melihat perubahan, lalu ulangi tindakan Anda."
            )
        case HelpRefusal.NOT_YOURS:
            return _("Anda tidak berwenang menangani permintaan ini.")
        case HelpRefusal.CLAIM_FIRST:
            return _("Ambil permintaan ini lebih dulu, atau minta supervisor menugaskannya kepada Anda.")
        case HelpRefusal.DATE_PAST:
            return _("Waktu janji sudah lewat. Pilih waktu yang akan datang.")
        case HelpRefusal.NOT_A_WORKING_DAY:
            return _(
                "%(date)s bukan hari kerja (akhir pekan, hari libur, atau cuti bersama). Pilih hari kerja.",
                date=format_date(p["on"], "EEEE, d MMMM y"),
            )
        case HelpRefusal.OUTSIDE_OFFICE_HOURS:
            return _(
                "Janji dibuat pada jam kerja, %(opens)s sampai %(closes)s WIB. Pilih jam di antaranya.",
                opens=_clock(p["opens"]),
                closes=_clock(p["closes"]),
            )
        case HelpRefusal.OUTSIDE_PREFERRED_TIME:
            return _(
                "Warga minta dihubungi %(times)s. Pilih jam pada waktu itu, atau centang bahwa waktu lain sudah "
                "disepakati dengan warga.",
                times=f" {_('atau')} ".join(time_of_day_label(TimeOfDay(part)) for part in _parts(p["asked"])),
            )
        case HelpRefusal.OUTCOME_BEFORE_VISIT:
            return _(
                "Janji baru pada %(date)s pukul %(time)s WIB. Catat hasilnya sesudah itu, atau ubah jadwalnya bila "
                "sudah dilakukan lebih awal.",
                date=format_date(p["on"], "d MMMM y"),
                time=_clock(p["at"]),
            )
        case HelpRefusal.SUPERVISOR_SCHEDULES:
            return _("Hanya supervisor yang dapat menjadwalkan untuk petugas lain.")
        case HelpRefusal.ASSIGNEE_OUT_OF_SCOPE:
            return _("Petugas ini tidak berwenang atas wilayah permintaan ini.")
        case HelpRefusal.PICK_OFFICER:
            return _("Pilih petugas.")
        case HelpRefusal.REFERENCE_NEEDED:
            return _("Tulis nomor pengaduan atau usulan yang diajukan, misalnya SGP-2026-000123.")
        case HelpRefusal.REFERENCE_NOT_FOUND:
            return _("Nomor pengaduan %(ref)s tidak ditemukan. Periksa nomornya.", ref=p["ref"])
        case HelpRefusal.REFERENCE_OTHER_PERSON if p.get("supervisor"):
            return _(
                "Pengaduan %(ref)s tentang orang lain (namanya tidak sama dengan nama pada permintaan ini). "
                "Periksa nomornya; bila memang benar, tulis alasannya di kolom pengecualian supervisor.",
                ref=p["ref"],
            )
        case HelpRefusal.REFERENCE_OTHER_PERSON:
            return _(
                "Pengaduan %(ref)s tentang orang lain (namanya tidak sama dengan nama pada permintaan ini). "
                "Periksa nomornya, atau minta supervisor memutuskannya.",
                ref=p["ref"],
            )
        case HelpRefusal.DISABILITY_NOT_YOURS:
            return _("Hanya petugas yang ditugaskan dan supervisor yang dapat menghapus data disabilitas.")
        case HelpRefusal.NO_DISABILITY_DATA:
            return _("Tidak ada data disabilitas yang tersimpan.")
        case HelpRefusal.ALREADY_SENT:
            return _("Permintaan bantuan ini sudah terkirim. Lacak dengan nomor dan kode akses pada tanda terimanya.")
    raise ValueError(f"no words for {error!r}")
