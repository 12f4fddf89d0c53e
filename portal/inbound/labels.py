"""The answers to residents' texts, in Indonesian whatever the officer's language, each within one
SMS (160 GSM-7 characters: tests/integration/test_inbound_commands.py checks every kind)."""

from __future__ import annotations

from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from portal.complaints.labels import status_label as complaint_status
from portal.inbound.services.commands import Reply, ReplyKind
from portal.roster.labels import status_label as person_status
from portal.status_check.services.check import NextStep
from portal.web.settings import current_settings

RESIDENT_LOCALE = "id"


def _next_step(step: NextStep) -> str:
    phone = current_settings().CONTACT_PHONE
    match step:
        case NextStep.USE_COVERAGE:
            return _("Kecelakaan kerja: klaim ke BPJS Ketenagakerjaan, telp 175.")
        case NextStep.WAIT_ENROLMENT | NextStep.WAITING_LIST:
            return _("Belum perlu apa-apa; petugas akan mengabari.")
        case NextStep.UPDATE_DTSEN | NextStep.UPDATE_DOMICILE:
            return _("Tanya kantor kelurahan untuk memperbarui data.")
        case _:
            return _("Tanya Disnaker, telp %(phone)s.", phone=phone)


def _status(reply: Reply) -> str:
    answer = reply.answer
    assert answer is not None and answer.status is not None
    until = format_date(answer.selesai, "d-M-yyyy") if answer.selesai else "-"
    return _(
        "SIGAP: %(name)s, status %(status)s, berlaku s.d. %(until)s. %(step)s",
        name=answer.masked_name or "",
        status=person_status(answer.status),
        until=until,
        step=_next_step(answer.next_step),
    )


def _words(reply: Reply) -> str:
    site = current_settings().PUBLIC_BASE_URL.split("://", 1)[-1].rstrip("/")
    match reply.kind:
        case ReplyKind.STATUS:
            return _status(reply)
        case ReplyKind.STATUS_NOT_FOUND:
            return _(
                "SIGAP: NIK dan nama ini tidak cocok dengan data peserta. Periksa ejaan nama seperti di KTP, "
                "atau adukan di %(site)s/pengaduan",
                site=site,
            )
        case ReplyKind.CEK_HOW:
            return _("Format cek status: CEK NIK NAMA. Contoh: CEK 3275010101900001 SITI AMINAH")
        case ReplyKind.LOCKED:
            return _(
                "SIGAP: terlalu banyak percobaan yang tidak cocok. Coba lagi sekitar %(minutes)d menit lagi.",
                minutes=reply.minutes,
            )
        case ReplyKind.TRACKED:
            return _(
                "SIGAP: pengaduan %(ref)s kini %(status)s. Rincian di %(site)s/pengaduan/lacak",
                ref=reply.reference,
                status=complaint_status(reply.status or ""),
                site=site,
            )
        case ReplyKind.TRACK_NOT_FOUND:
            return _("SIGAP: nomor pengaduan atau kode akses tidak cocok. Periksa tanda terima Anda.")
        case ReplyKind.LACAK_HOW:
            return _("Format lacak: LACAK NOMOR KODE. Contoh: LACAK SGP-2026-000123 ABCD-EFGH")
        case ReplyKind.HELP:
            return _(
                "SIGAP: minta bantuan atau kunjungan petugas di %(site)s/bantuan atau telp %(phone)s.",
                site=site,
                phone=current_settings().CONTACT_PHONE,
            )
        case ReplyKind.STOPPED:
            return _("SIGAP: Anda tidak akan menerima SMS/WA lagi. Kirim MULAI untuk menerima lagi.")
        case ReplyKind.RESTARTED:
            return _("SIGAP: Anda akan menerima kabar pengaduan lagi. Kirim STOP untuk berhenti.")
        case ReplyKind.ANSWER_RECEIVED:
            return _("SIGAP: jawaban Anda untuk %(ref)s sudah kami terima. Terima kasih.", ref=reply.reference)
    return _("SIGAP: kirim CEK NIK NAMA untuk cek status, LACAK NOMOR KODE untuk pengaduan, BANTUAN untuk bantuan.")


def reply_text(reply: Reply) -> str:
    with force_locale(RESIDENT_LOCALE):
        return " ".join(_words(reply).split())
