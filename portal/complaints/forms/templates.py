"""The admin's form of a template (the kind of message, its text with placeholders, where it fits)."""

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

from portal.complaints.labels import category_label, officer_status_label, template_kind_label
from portal.complaints.models.complaint import ComplaintCategory, ComplaintStatus
from portal.complaints.models.response_template import TemplateKind
from portal.web.forms import OneOfTheChoices, strip_filter


def _categories() -> list[SelectChoice]:
    return [SelectChoice("", str(_l("Semua jenis")))] + [
        SelectChoice(c.value, category_label(c.value)) for c in ComplaintCategory
    ]


def _statuses() -> list[SelectChoice]:
    return [SelectChoice("", str(_l("Semua status")))] + [
        SelectChoice(s.value, officer_status_label(s)) for s in ComplaintStatus
    ]


def _kinds() -> list[SelectChoice]:
    return [SelectChoice(k.value, template_kind_label(k)) for k in TemplateKind]


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
    kind = SelectField(
        _l("Dipakai untuk"),
        description=_l("Pesan mana di halaman pengaduan yang dimulai dengan templat ini."),
        validate_choice=False,
        choices=_kinds,
        default=TemplateKind.BALAS.value,
        validators=[OneOfTheChoices()],
    )
    body = TextAreaField(
        _l("Isi templat"),
        filters=[strip_filter],
        description=_l(
            "Teks awal pesan untuk warga; petugas menyesuaikannya sebelum mengirim. Isian otomatis: {nama} "
            "(nama warga), {nomor} (nomor pengaduan), {batas_waktu} (batas waktu jawaban)."
        ),
        validators=[
            DataRequired(message=_l("Tulis isi templat.")),
            Length(max=2000, message=_l("Paling banyak 2.000 huruf.")),
        ],
        render_kw={"rows": 8, "maxlength": 2000},
    )
    category = SelectField(
        _l("Untuk jenis pengaduan"),
        validate_choice=False,
        choices=_categories,
        validators=[OneOfTheChoices()],
    )
    status = SelectField(
        _l("Untuk status"),
        validate_choice=False,
        choices=_statuses,
        validators=[OneOfTheChoices()],
    )
    active = BooleanField(_l("Aktif (ditawarkan di halaman pengaduan)"), default=True)
