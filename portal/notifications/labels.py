"""The words staff read about messages to residents: which channel, what became of it."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.notifications.models import (
    ContactMethod,
    ContactOutcome,
    NoticeEvent,
    OutboxChannel,
    OutboxMessage,
    OutboxState,
    ResidentContact,
)
from portal.notifications.services.notices import Unreachable


def channel_label(channel: OutboxChannel | str) -> str:
    return {
        OutboxChannel.EMAIL: _("e-mail"),
        OutboxChannel.SMS: _("SMS"),
        OutboxChannel.WHATSAPP: _("WhatsApp"),
    }[OutboxChannel(channel)]


def delivery_label(message: OutboxMessage) -> str:
    """ "terkirim lewat WhatsApp", "SMS gagal — hubungi warga" …"""
    channel = channel_label(message.channel)
    match OutboxState(message.state):
        case OutboxState.SAMPAI:
            return _("sampai lewat %(channel)s", channel=channel)
        case OutboxState.TERKIRIM:
            return _("terkirim lewat %(channel)s (belum ada laporan sampai)", channel=channel)
        case OutboxState.ANTRE | OutboxState.MENGIRIM:
            return _("menunggu dikirim lewat %(channel)s", channel=channel)
        case OutboxState.GAGAL:
            return _("%(channel)s gagal", channel=channel)
        case OutboxState.TIDAK_PASTI:
            return _("%(channel)s tidak pasti terkirim — periksa", channel=channel)
        case OutboxState.CADANGAN:
            return _("%(channel)s disiapkan bila yang lain gagal", channel=channel)
    return _("%(channel)s tidak perlu dikirim", channel=channel)


def event_label(event: NoticeEvent | str | None) -> str:
    if event is None:
        return _("Kabar status")
    return {
        NoticeEvent.DIBUAT: _("Tanda terima"),
        NoticeEvent.INFO_DIMINTA: _("Permintaan informasi"),
        NoticeEvent.DIJAWAB: _("Balasan petugas"),
        NoticeEvent.SELESAI: _("Keputusan"),
        NoticeEvent.STATUS: _("Kabar status"),
        NoticeEvent.BANDING_DIPUTUS: _("Keputusan banding"),
        NoticeEvent.KUNJUNGAN: _("Jadwal kunjungan"),
        NoticeEvent.PENGINGAT: _("Pengingat"),
        NoticeEvent.DITUTUP_TANPA_JAWABAN: _("Ditutup tanpa jawaban"),
        NoticeEvent.BALASAN_PERINTAH: _("Jawaban atas pesan warga"),
    }[NoticeEvent(event)]


def _fate(message: OutboxMessage) -> str:
    failed = OutboxState(message.state) is OutboxState.GAGAL and message.last_error
    return delivery_label(message) + (f" ({message.last_error})" if failed else "")


def notices(messages: list[OutboxMessage]) -> list[dict[str, object]]:
    """Each notice with its channels' fates, newest first, and whether it reached nobody."""
    grouped: dict[int, list[OutboxMessage]] = {}
    for message in messages:
        grouped.setdefault(message.notice_id or message.id, []).append(message)
    shown = []
    for rows in grouped.values():
        fates = [r for r in rows if OutboxState(r.state) is not OutboxState.DILEWATI]
        failed = all(OutboxState(r.state) is OutboxState.GAGAL for r in rows)
        shown.append(
            {
                "when": rows[0].created_at,
                "what": event_label(rows[0].event),
                "fates": [
                    delivery_label(r) + (f" ({r.last_error})" if r.last_error and r.state == OutboxState.GAGAL else "")
                    for r in fates
                ],
                "failed": failed,
            }
        )
    return shown


def contact_label(contact: ResidentContact) -> str:
    """ "Telepon — tidak diangkat" …"""
    return contact_words(ContactMethod(contact.method), ContactOutcome(contact.outcome))


# One list of the ways an officer reaches a resident: the forms' choices and every label of them.
CONTACT_METHOD_WORDS = {
    ContactMethod.TELEPON: _l("Telepon"),
    ContactMethod.WHATSAPP: _l("WhatsApp"),
    ContactMethod.SMS: _l("SMS"),
    ContactMethod.KUNJUNGAN: _l("Kunjungan"),
    ContactMethod.LOKET: _l("Warga datang ke loket"),
}


def contact_method_label(method: ContactMethod) -> str:
    return str(CONTACT_METHOD_WORDS[method])


def contact_words(method: ContactMethod, outcome: ContactOutcome) -> str:
    """A contact's method and outcome in words (the case's contact log, the audit trail)."""
    said = {
        ContactOutcome.TERHUBUNG: _("terhubung"),
        ContactOutcome.TIDAK_DIANGKAT: _("tidak diangkat atau tidak dibalas"),
        ContactOutcome.PESAN_DITINGGALKAN: _("pesan ditinggalkan"),
        ContactOutcome.NOMOR_SALAH: _("nomor salah atau tidak aktif"),
        ContactOutcome.TIDAK_DI_RUMAH: _("warga tidak di rumah"),
    }[outcome]
    return f"{contact_method_label(method)} — {said}"


def unreachable_label(reason: Unreachable, *, record_in: str) -> str:
    """Why the portal cannot message this resident, and what the officer does instead; `record_in`
    names the page's action where the officer writes the contact down."""
    return {
        Unreachable.NO_ADDRESS: _(
            "Warga tidak memberi nomor telepon atau e-mail: portal tidak bisa mengirim pesan. Hubungi warga "
            "lewat cara lain (kunjungan atau loket) dan catat di “%(action)s”.",
            action=record_in,
        ),
        Unreachable.STOPPED: _(
            "Nomor warga sudah membalas STOP: portal tidak mengirim SMS atau WhatsApp ke nomor ini. Hubungi "
            "warga lewat telepon dan catat di “%(action)s”.",
            action=record_in,
        ),
        Unreachable.PHONE_NOT_SET_UP: _(
            "Nomor warga ada, tetapi pengiriman WhatsApp/SMS belum disiapkan di portal ini: hubungi warga "
            "lewat telepon dan catat di “%(action)s”.",
            action=record_in,
        ),
        Unreachable.EMAIL_NOT_SET_UP: _(
            "E-mail warga ada, tetapi pengiriman e-mail belum disiapkan di portal ini: hubungi warga lewat "
            "cara lain dan catat di “%(action)s”.",
            action=record_in,
        ),
    }[reason]
