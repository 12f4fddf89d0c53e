"""A report of pungli, a broker or an officer's conduct, as a resident files it: the incident
(where, when, what was asked for, who if known), not the person's KTP data, which a reporter
cannot know; the reporter's name optional, and a report without any identity at all (issue 18,
point 3)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from portal.complaints.forms.public import DetailsForm, kelurahan_choices
from portal.core.base import utcnow
from portal.core.workdays import local_date
from portal.web.forms import OneOfTheChoices, strip_filter

CONTACT = "kontak"
ANONYMOUS = "anonim"
IDENTITY_CHOICES = [
    SelectChoice(CONTACT, _l("Petugas boleh menghubungi saya")),
    SelectChoice(ANONYMOUS, _l("Tanpa identitas: tanpa nama dan tanpa nomor HP")),
]
IDENTITY_HINTS = {
    CONTACT: _l("Nama dan nomor Anda dirahasiakan dari yang dilaporkan. Nama boleh dikosongkan."),
    ANONYMOUS: _l(
        "Petugas tidak bisa menghubungi Anda. Anda memantau laporan hanya dengan nomor pengaduan dan kode akses; "
        "pertanyaan petugas muncul di halaman lacak."
    ),
}
# Typed by hand where the phone shows no date picker: 3-11-2026, 03/11/2026, 2026-11-03.
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


def parse_date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


class IncidentDetailsForm(DetailsForm):
    """The details step for a pungli report. Who did it is `nama` (optional), the incident's
    kelurahan is `kelurahan`; no NIK, no relation, no consent."""

    nik = None
    hubungan = None
    persetujuan = None
    rahasia = None  # always confidential

    tempat = StringField(
        _l("Di mana kejadiannya?"),
        description=_l("Misalnya: kantor kelurahan, kantor Disnaker, di rumah Anda, atau lewat WhatsApp."),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Tulis di mana kejadiannya.")),
            Length(max=200, message=_l("Tulis paling banyak 200 huruf.")),
        ],
        render_kw={"maxlength": 200},
    )
    kelurahan = SelectField(
        _l("Kelurahan tempat kejadian"),
        description=_l("Jika terjadi di kantor dinas atau lewat telepon, pilih kelurahan tempat Anda tinggal."),
        choices=kelurahan_choices,
        validators=[DataRequired(message=_l("Pilih kelurahan tempat kejadian.")), OneOfTheChoices()],
        validate_choice=False,
    )
    tanggal = StringField(
        _l("Kapan kejadiannya?"),
        description=_l("Jika tidak ingat persis, isi perkiraannya. Contoh: 03-11-2026."),
        filters=[strip_filter],
        validators=[DataRequired(message=_l("Tulis tanggal kejadian, atau perkiraannya."))],
        render_kw={"maxlength": 10, "autocomplete": "off"},
    )
    diminta = StringField(
        _l("Apa yang diminta? (tidak wajib)"),
        description=_l("Misalnya: uang Rp 300.000 untuk “biaya pendaftaran”, atau imbalan agar cepat diurus."),
        filters=[strip_filter],
        validators=[Length(max=300, message=_l("Tulis paling banyak 300 huruf."))],
        render_kw={"maxlength": 300},
    )
    nama = StringField(
        _l("Siapa yang melakukannya? (tidak wajib)"),
        description=_l("Nama, jabatan, atau ciri-cirinya, jika Anda tahu. Boleh dikosongkan."),
        filters=[strip_filter],
        validators=[Length(max=150, message=_l("Tulis paling banyak 150 huruf."))],
        render_kw={"maxlength": 150, "spellcheck": "false"},
    )
    uraian = TextAreaField(
        _l("Ceritakan kejadiannya"),
        description=_l(
            "Apa yang terjadi, siapa saja yang ada di sana, dan apa yang Anda harapkan. Paling banyak 2.000 huruf."
        ),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Ceritakan kejadiannya.")),
            Length(max=2000, message=_l("Uraian paling banyak 2.000 huruf; persingkat uraian Anda.")),
        ],
        render_kw={"rows": 6, "maxlength": 2000},
    )
    identitas = RadioField(
        _l("Boleh dihubungi petugas?"),
        choices=IDENTITY_CHOICES,
        default=CONTACT,
        validators=[InputRequired(message=_l("Pilih apakah petugas boleh menghubungi Anda.")), OneOfTheChoices()],
        validate_choice=False,
    )

    incident_report = True
    contact_choice = CONTACT  # the answer of `identitas` for which the contact fields are used
    contact_dropped = False  # set by validate()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tanggal.parsed = parse_date(self.tanggal.data or "")
        self.telepon.label.text = _l("Nomor HP atau WhatsApp (jika boleh dihubungi)")

    @property
    def anonymous(self) -> bool:
        return self.identitas.data == ANONYMOUS

    def validate_tanggal(self, field):
        parsed = parse_date(field.data or "")
        if parsed is None:
            raise ValidationError(_l("Tulis tanggal seperti 03-11-2026 (tanggal-bulan-tahun)."))
        if parsed > local_date(utcnow()):
            raise ValidationError(_l("Tanggal kejadian tidak bisa di masa depan."))
        if parsed.year < 2000:
            raise ValidationError(_l("Periksa tahunnya."))
        field.parsed = parsed

    def validate_telepon(self, field):
        if self.anonymous:
            field.normalized = None
            return
        super().validate_telepon(field)

    def validate(self, extra_validators=None) -> bool:
        """An anonymous report: what was typed in the contact fields is neither checked nor kept,
        and `contact_dropped` says whether anything was (the check step tells the reporter)."""
        self.contact_dropped = False
        if self.anonymous:
            for field in (self.nama_pelapor, self.telepon, self.email):
                self.contact_dropped |= bool((field.data or "").strip())
                field.data, field.raw_data = None, []
        return super().validate(extra_validators)
