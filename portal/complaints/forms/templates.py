"""Forms of the roster, admin and audit pages. Search and filter forms are GET forms (no CSRF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from portal.complaints.models.complaint import ComplaintCategory, ComplaintStatus
from portal.web.forms import OneOfTheChoices, strip_filter


def _optional_choices(everything, values) -> list[SelectChoice]:
    return [SelectChoice("", everything)] + [SelectChoice(v.value, v.value.replace("_", " ")) for v in values]


class TemplateForm(FlaskForm):
    title = StringField(
        _l("Judul"),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Tulis judul templat.")),
            Length(max=120, message=_l("Judul paling banyak 120 huruf.")),
        ],
        render_kw={"maxlength": 120},
    )
    body = TextAreaField(
        _l("Isi balasan"),
        filters=[strip_filter],
        description=_l("Teks awal balasan untuk warga. Petugas menyesuaikannya sebelum mengirim."),
        validators=[
            DataRequired(message=_l("Tulis isi templat.")),
            Length(max=2000, message=_l("Paling banyak 2.000 huruf.")),
        ],
        render_kw={"rows": 8, "maxlength": 2000},
    )
    category = SelectField(
        _l("Untuk jenis pengaduan"),
        validate_choice=False,
        choices=_optional_choices(_l("Semua jenis"), ComplaintCategory),
        validators=[OneOfTheChoices()],
    )
    status = SelectField(
        _l("Untuk status"),
        validate_choice=False,
        choices=_optional_choices(_l("Semua status"), ComplaintStatus),
        validators=[OneOfTheChoices()],
    )
    active = BooleanField(_l("Aktif (ditawarkan di halaman pengaduan)"), default=True)
