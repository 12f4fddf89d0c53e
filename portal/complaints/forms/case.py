"""Forms for officers' case actions. Every form carries the case version the officer saw."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.complaints.labels import resolution_label
from portal.complaints.models.complaint import ComplaintStatus, ReferralAgency
from portal.complaints.services.decisions import CODES_FOR_OUTCOME
from portal.notifications.labels import CONTACT_METHOD_WORDS
from portal.notifications.models import ContactMethod, ContactOutcome
from portal.web.forms import CaseForm, OneOfTheChoices, strip_filter

AGENCIES = [
    SelectChoice(ReferralAgency.DUKCAPIL.value, "Disdukcapil"),
    SelectChoice(ReferralAgency.DINSOS.value, "Dinas Sosial"),
    SelectChoice(ReferralAgency.BPJS_KETENAGAKERJAAN.value, "BPJS Ketenagakerjaan"),
    SelectChoice(ReferralAgency.SP4N_LAPOR.value, "SP4N-LAPOR!"),
    SelectChoice(ReferralAgency.LAINNYA.value, _l("Instansi lain")),
]


def resolution_choices() -> dict[str, list[SelectChoice]]:
    """The reasons grouped (<optgroup>) under the outcome they fit (complaints.services.decisions):
    only fitting pairs are offered, and conclude() refuses any other."""
    groups = ((_("Jika selesai"), ComplaintStatus.SELESAI), (_("Jika ditolak"), ComplaintStatus.DITOLAK))
    return {
        label: [SelectChoice(code.value, resolution_label(code.value)) for code in CODES_FOR_OUTCOME[outcome]]
        for label, outcome in groups
    }


def _message(label, required=True, description=None):
    validators = [Length(max=2000, message=_l("Paling banyak 2.000 huruf."))]
    if required:
        validators.insert(0, DataRequired(message=_l("Tulis pesannya.")))
    return TextAreaField(
        label,
        description=description,
        filters=[strip_filter],
        validators=validators,
        render_kw={"rows": 4, "maxlength": 2000},
    )


class ClaimForm(CaseForm):
    pass


class VerifyForm(CaseForm):
    pass


class AssignForm(CaseForm):
    assignee = SelectField(
        _l("Tugaskan kepada"),
        coerce=str,
        validators=[DataRequired(message=_l("Pilih petugas."))],
        validate_choice=False,
    )


class ReplyForm(CaseForm):
    message = _message(_l("Balasan untuk warga (terlihat di halaman lacak)"))


class ReissueCodeForm(CaseForm):
    checked_how = StringField(
        _l("Bagaimana identitas pelapor diperiksa?"),
        description=_l(
            "Misalnya: KTP asli dilihat di kantor kecamatan, nama dan NIK cocok dengan pengaduan. "
            "Dicatat di jejak audit; kode akses tidak dicatat."
        ),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Tulis bagaimana identitas pelapor diperiksa.")),
            Length(max=200, message=_l("Paling banyak 200 huruf.")),
        ],
    )


class NoteForm(CaseForm):
    message = _message(_l("Catatan internal (tidak terlihat warga)"))


class RequestInfoForm(CaseForm):
    message = _message(_l("Informasi apa yang diperlukan dari warga?"))


class ReferForm(CaseForm):
    agency = SelectField(
        _l("Dirujuk ke"),
        choices=AGENCIES,
        validate_choice=False,
        validators=[DataRequired(message=_l("Pilih instansi.")), OneOfTheChoices()],
    )
    reference = StringField(
        _l("Nomor rujukan di instansi tersebut (jika ada)"),
        filters=[strip_filter],
        validators=[Length(max=60, message=_l("Paling banyak 60 huruf."))],
    )
    follow_up_on = DateField(_l("Tanggal tindak lanjut"), validators=[Optional()], render_kw={"type": "date"})
    message = _message(_l("Pesan untuk warga"))


class ConcludeForm(CaseForm):
    outcome = RadioField(
        _l("Hasil"),
        choices=[SelectChoice("selesai", _l("Selesai")), SelectChoice("ditolak", _l("Ditolak"))],
        validate_choice=False,
        validators=[InputRequired(message=_l("Pilih selesai atau ditolak.")), OneOfTheChoices()],
    )
    code = SelectField(
        _l("Alasan"),
        description=_l("Pilih alasan dari kelompok hasil yang Anda pilih di atas."),
        validate_choice=False,
        validators=[DataRequired(message=_l("Pilih alasan.")), OneOfTheChoices()],
    )
    next_step = StringField(
        _l("Langkah berikutnya bagi warga"),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Tulis langkah berikutnya bagi warga.")),
            Length(max=500, message=_l("Paling banyak 500 huruf.")),
        ],
    )
    message = _message(_l("Penjelasan untuk warga"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.code.choices = resolution_choices()


class AppealForm(CaseForm):
    decision = RadioField(
        _l("Keputusan banding"),
        choices=[
            SelectChoice("kuatkan", _l("Kuatkan penyelesaian")),
            SelectChoice("buka", _l("Buka kembali untuk diperiksa ulang")),
        ],
        validate_choice=False,
        validators=[InputRequired(message=_l("Pilih keputusan.")), OneOfTheChoices()],
    )
    message = _message(_l("Penjelasan untuk warga"))


class DuplicateForm(CaseForm):
    of_reference = StringField(
        _l("Sama dengan pengaduan nomor"),
        filters=[strip_filter],
        validators=[DataRequired(message=_l("Tulis nomor pengaduan asal."))],
    )
    override_note = StringField(
        _l("Pengecualian supervisor: alasan menandai ganda walau NIK berbeda"),
        description=_l("Kosongkan bila orangnya sama. Dicatat di riwayat internal dan jejak audit."),
        filters=[strip_filter],
        validators=[Optional(), Length(max=300, message=_l("Paling banyak 300 huruf."))],
    )


class TransferForm(CaseForm):
    kelurahan = SelectField(
        _l("Pindahkan ke kelurahan"),
        description=_l(
            "Tempat tinggal warga yang benar. Pengaduan di kecamatan lain ditangani petugas kecamatan tersebut."
        ),
        validate_choice=False,
        validators=[DataRequired(message=_l("Pilih kelurahan tujuan."))],
    )
    reason = StringField(
        _l("Alasan pemindahan"),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Tulis alasan pemindahan.")),
            Length(max=300, message=_l("Paling banyak 300 huruf.")),
        ],
    )


class TemplatePickForm(FlaskForm):
    class Meta:
        csrf = False

    templat = IntegerField(validators=[Optional()])


CONTACT_METHODS = [SelectChoice(method.value, words) for method, words in CONTACT_METHOD_WORDS.items()]
CONTACT_OUTCOMES = [
    SelectChoice(ContactOutcome.TERHUBUNG.value, _l("Terhubung, sudah bicara dengan warga")),
    SelectChoice(ContactOutcome.TIDAK_DIANGKAT.value, _l("Tidak diangkat atau tidak dibalas")),
    SelectChoice(ContactOutcome.PESAN_DITINGGALKAN.value, _l("Pesan ditinggalkan")),
    SelectChoice(ContactOutcome.NOMOR_SALAH.value, _l("Nomor salah atau tidak aktif")),
    SelectChoice(ContactOutcome.TIDAK_DI_RUMAH.value, _l("Warga tidak di rumah")),
]


class ContactForm(CaseForm):
    method = RadioField(
        _l("Cara menghubungi"),
        choices=CONTACT_METHODS,
        validators=[InputRequired(message=_l("Pilih cara menghubungi warga.")), OneOfTheChoices()],
    )
    outcome = SelectField(
        _l("Hasilnya"),
        choices=CONTACT_OUTCOMES,
        validators=[DataRequired(message=_l("Pilih hasil kontak.")), OneOfTheChoices()],
    )
    note = TextAreaField(
        _l("Catatan (tidak terlihat warga)"),
        filters=[strip_filter],
        validators=[Optional(), Length(max=1000, message=_l("Paling banyak 1.000 huruf."))],
        render_kw={"rows": 2, "maxlength": 1000},
    )


class AnswerReceivedForm(CaseForm):
    method = RadioField(
        _l("Jawaban datang lewat"),
        choices=[c for c in CONTACT_METHODS if c.value != ContactMethod.KUNJUNGAN.value],
        validators=[InputRequired(message=_l("Pilih lewat apa jawaban warga datang.")), OneOfTheChoices()],
    )
    message = _message(
        _l("Jawaban warga (tulis seperti yang disampaikan)"),
        description=_l(
            "Warga dapat membaca teks ini di halaman Lacak pengaduan, persis seperti yang Anda tulis. "
            "Jangan tulis catatan untuk petugas di sini: pakai “Catatan internal”."
        ),
    )
