from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

from portal.web.forms import ValidNik, strip_filter

SAVED_NAME_MAX = 60


class NikSearchForm(FlaskForm):
    """The queue's search by NIK: sent by POST, so the NIK is never in an address."""

    nik = StringField(
        _l("Cari dengan NIK"),
        validators=[ValidNik()],
        filters=[strip_filter],
        description=_l("16 angka. Dikirim tanpa tercantum di alamat halaman."),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 40, "spellcheck": "false"},
    )


class SaveFilterForm(FlaskForm):
    """Save the queue's current filters under a name (the filters come as hidden fields)."""

    nama_filter = StringField(
        _l("Nama filter"),
        filters=[strip_filter],
        description=_l("Misalnya: Terlambat di Bekasi Timur. Nama yang sama menimpa filter lama."),
        render_kw={"maxlength": SAVED_NAME_MAX, "autocomplete": "off"},
    )
