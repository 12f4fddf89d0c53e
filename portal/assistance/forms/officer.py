"""Forms for officers' actions on an assistance request; each carries the version they saw."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal.assistance.models import AppointmentKind, AssistanceOutcome
from portal.core.references import normalize_reference
from portal.web.forms import CaseForm, OneOfTheChoices, strip_filter

APPOINTMENTS = [
    SelectChoice(AppointmentKind.KUNJUNGAN_RUMAH.value, _l("Kunjungan ke rumah")),
    SelectChoice(AppointmentKind.TELEPON.value, _l("Panggilan telepon")),
    SelectChoice(AppointmentKind.WHATSAPP.value, _l("Panggilan WhatsApp (suara atau video)")),
    SelectChoice(AppointmentKind.KANTOR.value, _l("Pendampingan di kantor")),
]
OUTCOMES = [
    SelectChoice(AssistanceOutcome.CEK_STATUS.value, _l("Dibantu mengecek status")),
    SelectChoice(AssistanceOutcome.PENGADUAN_DIAJUKAN.value, _l("Pengaduan diajukan atas nama warga")),
    SelectChoice(AssistanceOutcome.DIUSULKAN.value, _l("Diusulkan sebagai calon peserta untuk diverifikasi")),
    SelectChoice(AssistanceOutcome.INFORMASI.value, _l("Informasi diberikan")),
    SelectChoice(AssistanceOutcome.TIDAK_DAPAT_DIHUBUNGI.value, _l("Tidak dapat dihubungi")),
]


def _message(label, description=None):
    return TextAreaField(
        label,
        description=description,
        filters=[strip_filter],
        validators=[Length(max=2000, message=_l("Paling banyak 2.000 huruf."))],
        render_kw={"rows": 3, "maxlength": 2000},
    )


class ClaimForm(CaseForm):
    pass


class DeleteDisabilityForm(CaseForm):
    pass


class ScheduleForm(CaseForm):
    kind = RadioField(
        _l("Jenis janji"),
        choices=APPOINTMENTS,
        validate_choice=False,
        validators=[InputRequired(message=_l("Pilih jenis janji.")), OneOfTheChoices()],
    )
    on = DateField(
        _l("Tanggal"), validators=[InputRequired(message=_l("Tulis tanggal janji."))], render_kw={"type": "date"}
    )
    at = TimeField(
        _l("Jam (WIB)"),
        description=_l("Misalnya 10:00."),
        validators=[InputRequired(message=_l("Tulis jam janji, misalnya 10:00."))],
        render_kw={"type": "time"},
    )
    outside_asked = BooleanField(
        _l("Waktu di luar permintaan warga sudah disepakati dengan warga"),
        description=_l("Centang hanya bila warga sudah setuju, misalnya lewat telepon."),
    )
    officer = SelectField(
        _l("Petugas yang datang atau menghubungi"),
        coerce=str,
        validate_choice=False,
        validators=[DataRequired(message=_l("Pilih petugas."))],
    )
    message = _message(
        _l("Pesan untuk warga (tidak wajib)"),
        _l("Terlihat di halaman lacak, misalnya: petugas datang bersama juru bahasa isyarat."),
    )


class OutcomeForm(CaseForm):
    outcome = RadioField(
        _l("Hasil"),
        choices=OUTCOMES,
        validate_choice=False,
        validators=[InputRequired(message=_l("Pilih hasilnya.")), OneOfTheChoices()],
    )
    reference = StringField(
        _l("Nomor pengaduan atau usulan (jika ada)"),
        description=_l("Wajib jika pengaduan atau usulan diajukan, misalnya SGP-2026-000123."),
        filters=[strip_filter],
        validators=[Optional(), Length(max=20)],
        render_kw={"maxlength": 20, "autocapitalize": "characters"},
    )
    message = _message(_l("Pesan untuk warga (tidak wajib)"), _l("Terlihat di halaman lacak."))
    override_note = StringField(
        _l("Pengecualian supervisor: alasan memakai nomor pengaduan orang lain"),
        description=_l(
            "Kosongkan bila pengaduan itu tentang orang yang sama. Dicatat di riwayat internal dan jejak audit."
        ),
        filters=[strip_filter],
        validators=[Optional(), Length(max=300, message=_l("Paling banyak 300 huruf."))],
    )

    def validate_reference(self, field):
        if field.data:
            field.data = normalize_reference(field.data)
            if not field.data.startswith("SGP-"):
                raise ValidationError(_l("Tulis nomor pengaduan seperti SGP-2026-000123."))


class NoteForm(CaseForm):
    message = TextAreaField(
        _l("Catatan internal (tidak terlihat warga)"),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Tulis catatannya.")),
            Length(max=2000, message=_l("Paling banyak 2.000 huruf.")),
        ],
        render_kw={"rows": 3, "maxlength": 2000},
    )
