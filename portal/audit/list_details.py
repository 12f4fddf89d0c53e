"""The detail of a list view or a search in the trail ("status=terbuka hasil=135 ditampilkan=25")
in words ("status: terbuka · 135 hasil, 25 ditampilkan"). The keys are those the queues and the
people search write (trail.described); a value this module does not know is shown as stored."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _

from portal.complaints.labels import category_label, officer_status_label
from portal.complaints.models.complaint import ComplaintStatus
from portal.core.regions import regions

LIST_ACTIONS = ("lihat_daftar", "cari_nik", "cari")
_KEYS = (
    "status",
    "kategori",
    "kecamatan",
    "ditugaskan",
    "terlambat",
    "segera",
    "rahasia",
    "tak_terjangkau",
    "jenis",
    "keperluan",
    "q",
    "nama",
    "hal",
    "hasil",
    "ditampilkan",
)
_SPLIT = re.compile(r"(?:^|\s)(" + "|".join(_KEYS) + r")=")


def _status(value: str) -> str:
    if value == "terbuka":
        return _("status: terbuka")
    if value in ComplaintStatus.__members__.values():
        return _("status: %(status)s", status=officer_status_label(ComplaintStatus(value)))
    return _("status: %(status)s", status=value.replace("_", " "))


def _kecamatan(value: str) -> str:
    known = regions().kecamatan
    return _("Kecamatan %(name)s", name=known[value].name) if value in known else value


def _assigned(names: dict[int, str]) -> Callable[[str], str]:
    def said(value: str) -> str:
        if value == "saya":
            return _("ditugaskan kepada yang melihat")
        if value in ("belum", "kosong"):
            return _("belum ditugaskan")
        if value.isdigit():
            return _("ditugaskan kepada %(name)s", name=names.get(int(value), f"#{value}"))
        return _("ditugaskan: %(who)s", who=value)

    return said


NOT_ON_ROSTER = "tidak ada di roster"  # what a NIK search that found nobody writes among its filters


def list_detail_label(detail: str, names: dict[int, str]) -> str:
    missing = NOT_ON_ROSTER in detail
    pieces = _SPLIT.split(detail.replace(NOT_ON_ROSTER, " "))
    lead, pairs = pieces[0].strip(), list(zip(pieces[1::2], (v.strip() for v in pieces[2::2]), strict=True))
    words: dict[str, Callable[[str], str]] = {
        "status": _status,
        "kategori": lambda v: _("kategori: %(name)s", name=category_label(v)),
        "kecamatan": _kecamatan,
        "ditugaskan": _assigned(names),
        "terlambat": lambda _v: _("hanya yang terlambat"),
        "segera": lambda _v: _("hanya yang segera jatuh tempo"),
        "rahasia": lambda _v: _("hanya yang rahasia"),
        "tak_terjangkau": lambda _v: _("hanya warga yang tak bisa dikabari"),
        "jenis": lambda v: _("jenis bantuan: %(kind)s", kind=v.replace("_", " ")),
        "keperluan": lambda v: _("keperluan: %(topic)s", topic=v.replace("_", " ")),
        "q": lambda v: _("dicari: “%(text)s”", text=v),
        "nama": lambda v: _("dicari: “%(text)s”", text=v),
        "hal": lambda v: _("halaman %(n)s", n=v),
    }
    said = [_("dengan NIK") if lead == "nik" else lead] if lead else []
    said += [words[key](value) for key, value in pairs if key in words]
    if missing:
        said.append(_("NIK tidak ada di roster"))
    counts = dict((key, value) for key, value in pairs if key in ("hasil", "ditampilkan"))
    if "hasil" in counts and "ditampilkan" in counts:
        said.append(_("%(found)s hasil, %(shown)s ditampilkan", found=counts["hasil"], shown=counts["ditampilkan"]))
    elif "hasil" in counts:
        said.append(_("%(found)s hasil", found=counts["hasil"]))
    return " · ".join(part for part in said if part)
