from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from portal.web.forms import ValidNik, strip_filter


class StatusCheckForm(FlaskForm):
    nik = StringField(
        _l("NIK"),
        description=_l("16 angka pada KTP Anda. Spasi, titik atau tanda hubung boleh."),
        validators=[ValidNik()],
        filters=[strip_filter],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 40, "spellcheck": "false"},
    )
    nama = StringField(
        _l("Nama lengkap"),
        description=_l("Tulis seperti di KTP. Huruf besar-kecil dan gelar (H., Hj., S.Pd.) tidak berpengaruh."),
        validators=[
            DataRequired(message=_l("Masukkan nama lengkap seperti tertulis di KTP.")),
            Length(max=150, message=_l("Nama terlalu panjang. Tulis paling banyak 150 huruf, seperti di KTP.")),
        ],
        filters=[strip_filter],
        render_kw={"autocomplete": "name", "maxlength": 150, "spellcheck": "false"},
    )
