"""Forms of the roster, admin and audit pages. Search and filter forms are GET forms (no CSRF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectMultipleField,
    StringField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.accounts.labels import error_message
from portal.accounts.services.accounts import AccountError, check_password_strength
from portal.core.regions import regions
from portal.core.roles import Role
from portal.web.forms import OneOfTheChoices, strip_filter

ROLE_CHOICES = [
    SelectChoice(Role.OFFICER.value, _l("Petugas: menangani pengaduan di wilayahnya")),
    SelectChoice(Role.SUPERVISOR.value, _l("Supervisor: menugaskan, memantau SLA, membaca jejak audit")),
    SelectChoice(Role.ADMIN.value, _l("Admin: akun, impor roster, templat, pengaturan")),
]


CITY_WIDE = "seluruh"
SOME_KECAMATAN = "kecamatan"
SCOPE_CHOICES = [
    SelectChoice(CITY_WIDE, _l("Seluruh Kota Bekasi (semua kecamatan)")),
    SelectChoice(SOME_KECAMATAN, _l("Kecamatan tertentu, dipilih di bawah")),
]


def kecamatan_choices() -> list[SelectChoice]:
    return [SelectChoice(k.code, k.name) for k in sorted(regions().kecamatan.values(), key=lambda k: k.name)]


class _AccountFields(FlaskForm):
    name = StringField(
        _l("Nama"),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Tulis nama petugas.")),
            Length(max=150, message=_l("Nama paling banyak 150 huruf.")),
        ],
        render_kw={"maxlength": 150, "autocomplete": "off"},
    )
    role = RadioField(
        _l("Peran"),
        choices=ROLE_CHOICES,
        validate_choice=False,
        validators=[InputRequired(message=_l("Pilih peran.")), OneOfTheChoices()],
    )
    scope = RadioField(
        _l("Wilayah kerja petugas"),
        choices=SCOPE_CHOICES,
        validate_choice=False,
        description=_l("Wajib dipilih untuk peran petugas. Supervisor dan admin selalu melihat seluruh kota."),
        validators=[Optional(), OneOfTheChoices()],
    )
    kecamatan = SelectMultipleField(
        _l("Kecamatan"),
        validate_choice=False,
        description=_l("Bila memilih kecamatan tertentu: centang satu atau beberapa."),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )

    def validate_kecamatan(self, field) -> None:
        if any(code not in regions().kecamatan for code in field.data or []):
            raise ValidationError(_l("Pilih kecamatan dari daftar."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kecamatan.choices = kecamatan_choices()

    @property
    def chosen_codes(self) -> list[str]:
        """The kecamatan ticked (with "Seluruh Kota Bekasi" chosen too, accounts.check_scope
        refuses both)."""
        return list(self.kecamatan.data or [])

    @property
    def city_wide(self) -> bool:
        return self.scope.data == CITY_WIDE


class AccountCreateForm(_AccountFields):
    email = StringField(
        _l("Email"),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Tulis email petugas.")),
            Length(max=254, message=_l("Email terlalu panjang.")),
        ],
        render_kw={"inputmode": "email", "maxlength": 254, "autocomplete": "off"},
    )
    password = PasswordField(
        _l("Kata sandi awal"),
        description=_l(
            "Paling sedikit 12 karakter. Sampaikan langsung kepada pemilik akun; ia dapat menggantinya di Akun saya."
        ),
        validators=[DataRequired(message=_l("Tulis kata sandi awal."))],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_password(self, field) -> None:
        try:
            check_password_strength(field.data or "", email=self.email.data or "")
        except AccountError as error:
            raise ValidationError(error_message(error)) from None


class AccountEditForm(_AccountFields):
    active = BooleanField(
        _l("Aktif (boleh masuk)"), description=_l("Akun yang dinonaktifkan langsung dikeluarkan dari semua sesi.")
    )
    release = BooleanField(
        _l("Kembalikan pengaduan dan permintaan bantuannya yang masih terbuka ke antrean supervisor"),
        description=_l(
            "Hanya yang tidak akan terlihat lagi olehnya (akun nonaktif, atau di luar wilayah barunya). "
            "Semuanya menjadi belum ditugaskan, dengan catatan di riwayatnya."
        ),
    )


class PasswordResetForm(FlaskForm):
    new = PasswordField(
        _l("Kata sandi baru"),
        description=_l("Paling sedikit 12 karakter. Semua sesi akun ini akan dikeluarkan."),
        validators=[DataRequired(message=_l("Tulis kata sandi baru."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[EqualTo("new", message=_l("Kedua kata sandi baru harus sama."))],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, email: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._email = email

    def validate_new(self, field) -> None:
        try:
            check_password_strength(field.data or "", email=self._email)
        except AccountError as error:
            raise ValidationError(error_message(error)) from None


class TwoFactorResetForm(FlaskForm):
    identity_checked = BooleanField(
        _l("Saya sudah memastikan bahwa yang meminta adalah pemilik akun ini"),
        description=_l(
            "Misalnya bertemu langsung atau menelepon nomor kantornya. Orang yang mengaku kehilangan "
            "ponsel bisa saja bukan pemilik akun."
        ),
        validators=[DataRequired(message=_l("Pastikan dulu identitas pemilik akun, lalu centang kotak ini."))],
    )
