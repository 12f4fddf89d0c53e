"""Open311's answers as JSON, in the reader's language: the complaints statistics.services.open311
found, its services and why a search was refused."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.complaints.labels import category_label
from portal.complaints.models.complaint import ComplaintStatus
from portal.complaints.services.lifecycle import OPEN_STATUSES
from portal.statistics.services.open311 import PUBLIC_CATEGORIES, InvalidQuery, PublicRequest, QueryRefusal

S = ComplaintStatus


def status_note(status: ComplaintStatus) -> str:
    return {
        S.DITERIMA: _("Diterima, belum diperiksa"),
        S.DIVERIFIKASI: _("Sedang diperiksa"),
        S.MENUNGGU_INFORMASI: _("Menunggu informasi dari pelapor"),
        S.DIRUJUK: _("Dirujuk ke instansi lain"),
        S.SELESAI: _("Selesai"),
        S.DITOLAK: _("Ditolak"),
        S.BANDING: _("Banding sedang ditinjau"),
        S.DITUTUP: _("Ditutup"),
    }[status]


def service_requests(found: list[PublicRequest]) -> list[dict[str, object]]:
    """Words looked up once per answer rather than once per row."""
    statuses = {s: status_note(s) for s in ComplaintStatus}
    categories = {c: category_label(c.value) for c in {r.category for r in found}}
    other_agency = _("Instansi lain")
    return [
        {
            "service_request_id": r.reference,
            "status": "open" if r.status in OPEN_STATUSES else "closed",
            "status_notes": statuses[r.status],
            "service_code": r.category.value,
            "service_name": categories[r.category],
            "agency_responsible": r.agency or other_agency,
            "requested_datetime": r.requested,
            "updated_datetime": r.updated,
            "expected_datetime": r.expected,
            "address": r.address,
            "address_id": r.address_id,
        }
        for r in found
    ]


def services() -> list[dict[str, object]]:
    descriptions = {
        "terlewat": _("Pekerja informal yang memenuhi syarat tetapi belum terdaftar sebagai peserta."),
        "data_salah": _("Perbaikan data peserta atau calon peserta."),
        "masalah_kartu_klaim": _("Peserta dengan masalah kartu atau klaim BPJS Ketenagakerjaan."),
        "penerima_tidak_layak": _("Laporan penerima yang dianggap tidak memenuhi syarat."),
        "informasi": _("Pertanyaan tentang program."),
        "lainnya": _("Pengaduan lain tentang program SIGAP."),
    }
    return [
        {
            "service_code": c.value,
            "service_name": category_label(c.value),
            "description": descriptions.get(c.value, category_label(c.value)),
            "metadata": False,
            "type": "realtime",
            "keywords": "sigap,bpjs ketenagakerjaan,jkk,jkm",
            "group": "SIGAP",
        }
        for c in PUBLIC_CATEGORIES
    ]


def query_error(error: InvalidQuery) -> str:
    p = error.params
    name = p.get("name", "")
    match error.code:
        case QueryRefusal.NOT_A_MOMENT:
            return _("%(name)s harus berformat tanggal-waktu W3C, misalnya 2026-01-31T00:00:00+07:00.", name=name)
        case QueryRefusal.BAD_ZONE:
            return _("%(name)s: zona waktu tidak sah.", name=name)
        case QueryRefusal.NO_SUCH_DATE:
            return _("%(name)s bukan tanggal yang ada.", name=name)
        case QueryRefusal.NOT_A_WHOLE_NUMBER:
            return _("%(name)s harus bilangan bulat %(low)d sampai %(high)d.", name=name, low=p["low"], high=p["high"])
        case QueryRefusal.TOO_LONG:
            return _("%(name)s terlalu panjang.", name=name)
        case QueryRefusal.BAD_STATUS:
            return _("status harus open, closed, atau open,closed.")
    raise ValueError(f"no words for {error!r}")
