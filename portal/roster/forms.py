"""Forms of the roster, admin and audit pages. Search and filter forms are GET forms (no CSRF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    SelectField,
    StringField,
)

from portal.web.forms import GetForm, strip_filter


class PeopleSearchForm(GetForm):
    q = StringField(
        _l("NIK atau nama"),
        filters=[strip_filter],
        description=_l("NIK lengkap 16 angka (boleh dengan spasi atau titik), atau sebagian nama."),
        render_kw={"autocomplete": "off", "maxlength": 100, "spellcheck": "false"},
    )
    status = SelectField(_l("Status"), validate_choice=False)  # choices: the route, with their labels


class RosterUploadForm(FlaskForm):
    file = FileField(
        _l("Berkas roster (CSV UTF-8)"),
        description=_l(
            "Kolom seperti ekspor Disnaker. Baris yang salah ditolak dan dapat diunduh; "
            "baris lain tetap diimpor. Berkas yang tidak terbaca tidak mengubah apa pun."
        ),
        validators=[FileRequired(message=_l("Pilih berkas CSV roster yang akan diimpor."))],
    )
