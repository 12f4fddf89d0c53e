"""The words of /statistik, its open data and Open311, in the reader's language: the figures
(statistics.services) are language-neutral and cached; these name their tables, rows, columns and
statuses when a page or a file is written."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from portal.complaints.labels import category_label
from portal.core.regions import regions
from portal.statistics.services.tables import APPEALS, COMPLAINTS, PARTICIPANTS, TREND


def table_title(name: str) -> str:
    return {
        PARTICIPANTS: _("Peserta aktif per kecamatan dan jenis kelamin"),
        COMPLAINTS: _("Pengaduan per jenis dan status"),
        TREND: _("Pengaduan tanpa pengaduan rahasia, diterima dan dijawab per bulan"),
        APPEALS: _("Banding diajukan"),
    }[name]


def column_label(key: str) -> str:
    labels = {
        "L": _("Laki-laki"),
        "P": _("Perempuan"),
        "terbuka": _("Terbuka"),
        "selesai": _("Selesai"),
        "ditolak": _("Ditolak"),
        "ditutup": _("Ditutup"),
        "diterima": _("Diterima"),
        "dijawab": _("Dijawab"),
        "banding": _("Banding"),
    }
    return labels[key]


def column_short(name: str, key: str) -> str | None:
    """A short column heading for narrow screens (the full one stays for screen readers)."""
    return key if name == PARTICIPANTS else None


def month_label(key: str, *, short: bool = False) -> str:
    """'2026-03' as "Maret 2026" (or "Mar 26"), in the reader's language."""
    return format_date(date(int(key[:4]), int(key[5:7]), 1), "MMM yy" if short else "MMMM y")


def row_label(name: str, key: str) -> str:
    if name == PARTICIPANTS:
        known = regions().kecamatan.get(key)
        return known.name if known else _("Lainnya (%(code)s)", code=key)
    if name == COMPLAINTS:
        return category_label(key)
    if name == TREND:
        return month_label(key)
    return {"ditinjau": _("Sedang ditinjau"), "diputus": _("Sudah diputus")}[key]
