from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.web.forms import strip_filter


class SignInForm(FlaskForm):
    email = StringField(
        _l("Email"),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Masukkan email akun petugas Anda.")),
            Length(max=254, message=_l("Email terlalu panjang.")),
        ],
        render_kw={"autocomplete": "username", "inputmode": "email", "maxlength": 254},
    )
    password = PasswordField(
        _l("Kata sandi"),
        validators=[
            DataRequired(message=_l("Masukkan kata sandi Anda.")),
            Length(max=200, message=_l("Kata sandi terlalu panjang.")),
        ],
        render_kw={"autocomplete": "current-password", "maxlength": 200},
    )


class TotpForm(FlaskForm):
    # The new key travels with the set-up page (which shows it anyway), never in the session
    # cookie: signed, not encrypted, and kept by the browser.
    secret = HiddenField()
    code = StringField(
        _l("Kode dari aplikasi autentikator"),
        description=_l("6 angka dari aplikasi seperti Google Authenticator atau Aegis."),
        filters=[strip_filter],
        validators=[DataRequired(message=_l("Masukkan kode 6 angka."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 10},
    )


class PasswordChangeForm(FlaskForm):
    current = PasswordField(
        _l("Kata sandi saat ini"),
        validators=[DataRequired(message=_l("Masukkan kata sandi saat ini."))],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("Kata sandi baru"),
        description=_l("Paling sedikit 12 karakter."),
        validators=[DataRequired(message=_l("Masukkan kata sandi baru."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[EqualTo("new", message=_l("Kedua kata sandi baru harus sama."))],
        render_kw={"autocomplete": "new-password"},
    )
