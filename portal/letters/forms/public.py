from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, Form, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from portal.letters.services.letters import normalize_code
from portal.web.forms import strip_filter


class IssueLetterForm(FlaskForm):
    """The button(s) on /surat: the letter as a PDF file or as a page on the screen."""

    bentuk = SelectField(
        choices=[SelectChoice("pdf", _l("PDF")), SelectChoice("html", _l("Halaman web"))], default="pdf"
    )


def _valid_code(_form: Form, field: Field) -> None:
    field.code = normalize_code(field.data)
    if field.code is None:
        raise ValidationError(
            _l(
                "Kode verifikasi terdiri dari 16 huruf dan angka, misalnya "
                "7K3M-Q9PX-2D4F-HT6W. Periksa kembali kode di bawah kode QR "
                "pada surat."
            )
        )


class VerifyCodeForm(FlaskForm):
    """GET /verifikasi?kode=…: a bookmarkable look-up, so no CSRF token."""

    class Meta:
        csrf = False

    kode = StringField(
        _l("Kode verifikasi"),
        description=_l(
            "16 huruf dan angka yang tercetak di bawah kode QR pada surat. Tanda "
            "hubung dan huruf besar-kecil tidak berpengaruh."
        ),
        validators=[DataRequired(message=_l("Ketik kode verifikasi yang tercetak pada surat.")), _valid_code],
        filters=[strip_filter],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "maxlength": 40},
    )
