"""Forms of the roster, admin and audit pages. Search and filter forms are GET forms (no CSRF)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from portal.complaints.forms import OneOfTheChoices
from portal.models.account import Role
from portal.models.complaint import ComplaintCategory, ComplaintStatus
from portal.services.accounts import AccountError, check_password_strength
from portal.services.regions import regions
from portal.web.forms import strip_filter

ROLE_CHOICES = [
    SelectChoice(Role.OFFICER.value, _l("Petugas: menangani pengaduan di wilayahnya")),
    SelectChoice(Role.SUPERVISOR.value, _l("Supervisor: menugaskan, memantau SLA, membaca jejak audit")),
    SelectChoice(Role.ADMIN.value, _l("Admin: akun, impor roster, templat (wajib verifikasi dua langkah)")),
]


def kecamatan_choices() -> list[SelectChoice]:
    return [SelectChoice(k.code, k.name) for k in sorted(regions().kecamatan.values(), key=lambda k: k.name)]


class GetForm(FlaskForm):
    class Meta:
        csrf = False


class PeopleSearchForm(GetForm):
    q = StringField(_l("NIK atau nama"), filters=[strip_filter],
                    description=_l("NIK lengkap 16 angka (boleh dengan spasi atau titik), atau sebagian nama."),
                    render_kw={"autocomplete": "off", "maxlength": 100, "spellcheck": "false"})  # fmt: skip
    status = SelectField(_l("Status"), validate_choice=False)  # choices: the route, with their labels


class AuditFilterForm(GetForm):
    jenis = SelectField(_l("Jenis objek"), validate_choice=False, choices=[
        SelectChoice("", _l("Semua")), SelectChoice("complaint", _l("Pengaduan")),
        SelectChoice("person", _l("Warga (roster)")), SelectChoice("account", _l("Akun petugas")),
        SelectChoice("attachment", _l("Lampiran")), SelectChoice("roster_batch", _l("Impor roster")),
        SelectChoice("response_template", _l("Templat balasan")), SelectChoice("outbox_message", _l("Email ke warga")),
        SelectChoice("audit", _l("Jejak audit")), SelectChoice("lockout", _l("Tebakan dari banyak alamat")),
    ])  # fmt: skip
    objek = StringField(_l("Nomor pengaduan, NIK, atau nomor objek"), filters=[strip_filter],
                        render_kw={"autocomplete": "off", "maxlength": 40, "spellcheck": "false"})  # fmt: skip
    petugas = SelectField(_l("Petugas"), validate_choice=False)


class RosterUploadForm(FlaskForm):
    file = FileField(_l("Berkas roster (CSV UTF-8)"),
                     description=_l("Kolom seperti ekspor Disnaker. Baris yang salah ditolak dan dapat diunduh; "
                                    "baris lain tetap diimpor. Berkas yang tidak terbaca tidak mengubah apa pun."),
                     validators=[FileRequired(message=_l("Pilih berkas CSV roster yang akan diimpor."))])  # fmt: skip


class _AccountFields(FlaskForm):
    name = StringField(_l("Nama"), filters=[strip_filter],
                       validators=[DataRequired(message=_l("Tulis nama petugas.")),
                                   Length(max=150, message=_l("Nama paling banyak 150 huruf."))],
                       render_kw={"maxlength": 150, "autocomplete": "off"})  # fmt: skip
    role = RadioField(_l("Peran"), choices=ROLE_CHOICES, validate_choice=False,
                      validators=[InputRequired(message=_l("Pilih peran.")), OneOfTheChoices()])  # fmt: skip
    kecamatan = SelectMultipleField(_l("Wilayah kerja (kecamatan)"), validate_choice=False,
                                    description=_l("Kosongkan untuk seluruh Kota Bekasi. Supervisor dan admin "
                                                   "selalu melihat seluruh kota."),
                                    widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())  # fmt: skip

    def validate_kecamatan(self, field) -> None:
        if any(code not in regions().kecamatan for code in field.data or []):
            raise ValidationError(_l("Pilih kecamatan dari daftar."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kecamatan.choices = kecamatan_choices()


class AccountCreateForm(_AccountFields):
    email = StringField(_l("Email"), filters=[strip_filter],
                        validators=[DataRequired(message=_l("Tulis email petugas.")),
                                    Length(max=254, message=_l("Email terlalu panjang."))],
                        render_kw={"inputmode": "email", "maxlength": 254, "autocomplete": "off"})  # fmt: skip
    password = PasswordField(_l("Kata sandi awal"),
                             description=_l("Paling sedikit 12 karakter. Sampaikan langsung kepada pemilik akun; "
                                            "ia dapat menggantinya di Akun saya."),
                             validators=[DataRequired(message=_l("Tulis kata sandi awal."))],
                             render_kw={"autocomplete": "new-password"})  # fmt: skip

    def validate_password(self, field) -> None:
        try:
            check_password_strength(field.data or "", email=self.email.data or "")
        except AccountError as error:
            raise ValidationError(error.message) from None


class AccountEditForm(_AccountFields):
    active = BooleanField(_l("Aktif (boleh masuk)"),
                          description=_l("Akun yang dinonaktifkan langsung dikeluarkan dari semua sesi."))  # fmt: skip


class PasswordResetForm(FlaskForm):
    new = PasswordField(_l("Kata sandi baru"), description=_l("Paling sedikit 12 karakter. Semua sesi akun ini "
                                                             "akan dikeluarkan."),
                        validators=[DataRequired(message=_l("Tulis kata sandi baru."))],
                        render_kw={"autocomplete": "new-password"})  # fmt: skip
    confirm = PasswordField(_l("Ulangi kata sandi baru"),
                            validators=[EqualTo("new", message=_l("Kedua kata sandi baru harus sama."))],
                            render_kw={"autocomplete": "new-password"})  # fmt: skip

    def __init__(self, *args, email: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._email = email

    def validate_new(self, field) -> None:
        try:
            check_password_strength(field.data or "", email=self._email)
        except AccountError as error:
            raise ValidationError(error.message) from None


class TwoFactorResetForm(FlaskForm):
    identity_checked = BooleanField(
        _l("Saya sudah memastikan bahwa yang meminta adalah pemilik akun ini"),
        description=_l("Misalnya bertemu langsung atau menelepon nomor kantornya. Orang yang mengaku kehilangan "
                       "ponsel bisa saja bukan pemilik akun."),
        validators=[DataRequired(message=_l("Pastikan dulu identitas pemilik akun, lalu centang kotak ini."))],
    )  # fmt: skip


def _optional_choices(everything, values) -> list[SelectChoice]:
    return [SelectChoice("", everything)] + [SelectChoice(v.value, v.value.replace("_", " ")) for v in values]


class TemplateForm(FlaskForm):
    title = StringField(_l("Judul"), filters=[strip_filter],
                        validators=[DataRequired(message=_l("Tulis judul templat.")),
                                    Length(max=120, message=_l("Judul paling banyak 120 huruf."))],
                        render_kw={"maxlength": 120})  # fmt: skip
    body = TextAreaField(_l("Isi balasan"), filters=[strip_filter],
                         description=_l("Teks awal balasan untuk warga. Petugas menyesuaikannya sebelum mengirim."),
                         validators=[DataRequired(message=_l("Tulis isi templat.")),
                                     Length(max=2000, message=_l("Paling banyak 2.000 huruf."))],
                         render_kw={"rows": 8, "maxlength": 2000})  # fmt: skip
    category = SelectField(_l("Untuk jenis pengaduan"), validate_choice=False,
                           choices=_optional_choices(_l("Semua jenis"), ComplaintCategory),
                           validators=[OneOfTheChoices()])  # fmt: skip
    status = SelectField(_l("Untuk status"), validate_choice=False,
                         choices=_optional_choices(_l("Semua status"), ComplaintStatus),
                         validators=[OneOfTheChoices()])  # fmt: skip
    active = BooleanField(_l("Aktif (ditawarkan di halaman pengaduan)"), default=True)
