"""Forms of the roster, admin and audit pages. Search and filter forms are GET forms (no CSRF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice

from portal.web.forms import GetForm, strip_filter


class AuditFilterForm(GetForm):
    jenis = SelectField(
        _l("Jenis objek"),
        validate_choice=False,
        choices=[
            SelectChoice("", _l("Semua")),
            SelectChoice("complaint", _l("Pengaduan")),
            SelectChoice("assistance", _l("Permintaan bantuan")),
            SelectChoice("person", _l("Warga (roster)")),
            SelectChoice("account", _l("Akun petugas")),
            SelectChoice("attachment", _l("Lampiran")),
            SelectChoice("roster_batch", _l("Impor roster")),
            SelectChoice("roster_import", _l("Unggahan roster")),
            SelectChoice("letter_batch", _l("Surat massal")),
            SelectChoice("report", _l("Laporan")),
            SelectChoice("ekspor", _l("Semua ekspor dan unduhan")),
            SelectChoice("ditolak", _l("Ditolak: di luar wilayah")),
            SelectChoice("setting", _l("Pengaturan program")),
            SelectChoice("database", _l("Cadangan basis data")),
            SelectChoice("response_template", _l("Templat balasan")),
            SelectChoice("outbox_message", _l("Email ke warga")),
            SelectChoice("audit", _l("Jejak audit")),
            SelectChoice("lockout", _l("Tebakan dari banyak alamat")),
        ],
    )
    objek = StringField(
        _l("Nomor pengaduan (SGP-…) atau bantuan (BTN-…), NIK, atau nomor objek"),
        filters=[strip_filter],
        render_kw={"autocomplete": "off", "maxlength": 40, "spellcheck": "false"},
    )
    petugas = SelectField(_l("Petugas"), validate_choice=False)
