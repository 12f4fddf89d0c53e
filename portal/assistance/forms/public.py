"""The assistance request form: for whom, what help, how to reach them, where, and (optionally,
with its own consent) the disability."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    Form,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.assistance.models import AssistanceKind, AssistanceTopic, ContactPreference, DisabilityCategory, TimeOfDay
from portal.core.filers import FilerRelation
from portal.core.phone import PhoneError, normalize_phone
from portal.core.regions import regions
from portal.web.forms import OneOfTheChoices, strip_filter

K = AssistanceKind


class CheckboxListField(SelectMultipleField):
    """Several choices as checkboxes (rendered by the `checkboxes` macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AllOfTheChoices:
    def __call__(self, _form: Form, field: Field) -> None:
        allowed = {str(choice.value) for choice in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(_l("Pilih dari pilihan yang tersedia."))


RELATIONS = [
    SelectChoice(FilerRelation.SENDIRI.value, _l("Untuk saya sendiri")),
    SelectChoice(FilerRelation.KELUARGA.value, _l("Untuk anggota keluarga saya")),
    SelectChoice(FilerRelation.PENDAMPING.value, _l("Saya pendamping orang yang memerlukan bantuan")),
    SelectChoice(FilerRelation.RT_RW.value, _l("Saya pengurus RT/RW, untuk warga saya")),
    SelectChoice(FilerRelation.LAINNYA.value, _l("Untuk orang lain")),
]
KINDS = [
    SelectChoice(K.KUNJUNGAN_RUMAH.value, _l("Petugas datang ke rumah (jemput bola)")),
    SelectChoice(K.TELEPON.value, _l("Ditelepon kembali oleh petugas")),
    SelectChoice(K.WHATSAPP.value, _l("Dihubungi lewat WhatsApp (pesan atau panggilan video)")),
    SelectChoice(K.JURU_BAHASA_ISYARAT.value, _l("Juru bahasa isyarat (BISINDO)")),
    SelectChoice(K.PENDAMPINGAN_KANTOR.value, _l("Didampingi saat datang ke kantor")),
    SelectChoice(K.BANTUAN_FORMULIR.value, _l("Dibantu membaca atau mengisi formulir")),
]
TOPICS = [
    SelectChoice(AssistanceTopic.CEK_STATUS.value, _l("Mengecek apakah sudah terdaftar")),
    SelectChoice(AssistanceTopic.PENGADUAN.value, _l("Menyampaikan pengaduan")),
    SelectChoice(AssistanceTopic.USULAN_CALON.value, _l("Didaftarkan sebagai calon peserta")),
    SelectChoice(AssistanceTopic.SURAT.value, _l("Surat kepesertaan")),
    SelectChoice(AssistanceTopic.LAINNYA.value, _l("Hal lain")),
]
CHANNELS = [
    SelectChoice(ContactPreference.TELEPON.value, _l("Telepon")),
    SelectChoice(ContactPreference.SMS.value, _l("SMS")),
    SelectChoice(ContactPreference.WHATSAPP_PESAN.value, _l("Pesan WhatsApp")),
    SelectChoice(
        ContactPreference.WHATSAPP_VIDEO.value, _l("Panggilan video WhatsApp (misalnya untuk bahasa isyarat)")
    ),
]
TIMES = [
    SelectChoice(TimeOfDay.PAGI.value, _l("Pagi, pukul 08.00–11.00")),
    SelectChoice(TimeOfDay.SIANG.value, _l("Siang, pukul 11.00–14.00")),
    SelectChoice(TimeOfDay.SORE.value, _l("Sore, pukul 14.00–17.00")),
]
DISABILITIES = [
    SelectChoice(DisabilityCategory.FISIK.value, _l("Fisik (misalnya gerak tubuh, memakai kursi roda)")),
    SelectChoice(DisabilityCategory.INTELEKTUAL.value, _l("Intelektual (misalnya lambat belajar)")),
    SelectChoice(
        DisabilityCategory.MENTAL.value,
        _l("Mental atau psikososial (gangguan jiwa atau kesehatan mental, misalnya depresi berat)"),
    ),
    SelectChoice(DisabilityCategory.SENSORIK_NETRA.value, _l("Sensorik netra (buta atau sulit melihat)")),
    SelectChoice(DisabilityCategory.SENSORIK_RUNGU.value, _l("Sensorik rungu (tuli atau sulit mendengar)")),
    SelectChoice(DisabilityCategory.SENSORIK_WICARA.value, _l("Sensorik wicara (tidak dapat atau sulit berbicara)")),
]


def kecamatan_choices() -> list[SelectChoice]:
    places = sorted(regions().kecamatan.values(), key=lambda k: k.name)
    return [SelectChoice("", str(_l("Pilih kecamatan"))), *(SelectChoice(k.code, k.name) for k in places)]


def kelurahan_choices_for(kecamatan: str | None) -> list[SelectChoice]:
    """The kelurahan of one kecamatan, or all 56 grouped by kecamatan when none is chosen."""
    places = sorted(regions().kelurahan.values(), key=lambda k: (k.kecamatan.name, k.name))
    if kecamatan in regions().kecamatan:
        chosen = [SelectChoice(k.code, k.name) for k in places if k.kecamatan.code == kecamatan]
        return [SelectChoice("", str(_l("Pilih kelurahan"))), *chosen]
    return [
        SelectChoice("", str(_l("Pilih kelurahan"))),
        *(SelectChoice(k.code, k.name, optgroup=f"Kecamatan {k.kecamatan.name}") for k in places),
    ]


def _rt_rw(label):
    return StringField(
        label, filters=[strip_filter], render_kw={"inputmode": "numeric", "maxlength": 3, "autocomplete": "off"}
    )


class AssistanceForm(FlaskForm):
    pemohon = RadioField(
        _l("Untuk siapa bantuan ini?"),
        choices=RELATIONS,
        default=FilerRelation.SENDIRI.value,
        validators=[InputRequired(message=_l("Pilih untuk siapa bantuan ini.")), OneOfTheChoices()],
        validate_choice=False,
    )
    nama = StringField(
        _l("Nama orang yang memerlukan bantuan"),
        validators=[
            DataRequired(message=_l("Tulis nama orang yang memerlukan bantuan.")),
            Length(max=150, message=_l("Nama terlalu panjang. Tulis paling banyak 150 huruf.")),
        ],
        filters=[strip_filter],
        render_kw={"maxlength": 150, "spellcheck": "false"},
    )
    nama_pemohon = StringField(
        _l("Nama Anda"),
        description=_l("Isi jika Anda meminta bantuan untuk orang lain."),
        filters=[strip_filter],
        validators=[Length(max=150, message=_l("Nama terlalu panjang."))],
        render_kw={"maxlength": 150, "autocomplete": "name"},
    )
    hubungan = StringField(
        _l("Hubungan Anda dengan orang tersebut"),
        description=_l("Misalnya: anak, pendamping, ketua RT 03."),
        filters=[strip_filter],
        validators=[Length(max=100, message=_l("Tulis paling banyak 100 huruf."))],
        render_kw={"maxlength": 100},
    )
    persetujuan = BooleanField(_l("Orang tersebut sudah setuju saya meminta bantuan untuknya."))

    bantuan = CheckboxListField(
        _l("Bantuan apa yang diperlukan?"),
        choices=KINDS,
        description=_l("Boleh pilih lebih dari satu."),
        validators=[DataRequired(message=_l("Pilih paling sedikit satu jenis bantuan.")), AllOfTheChoices()],
        validate_choice=False,
    )
    keperluan = RadioField(
        _l("Bantuan ini untuk keperluan apa?"),
        choices=TOPICS,
        validators=[InputRequired(message=_l("Pilih keperluannya.")), OneOfTheChoices()],
        validate_choice=False,
    )
    uraian = TextAreaField(
        _l("Ceritakan singkat (tidak wajib)"),
        description=_l(
            "Misalnya apa yang sudah dicoba, atau hal yang perlu petugas ketahui. Paling banyak 1.000 huruf."
        ),
        filters=[strip_filter],
        validators=[Length(max=1000, message=_l("Paling banyak 1.000 huruf; persingkat cerita Anda."))],
        render_kw={"rows": 4, "maxlength": 1000},
    )

    telepon = StringField(
        _l("Nomor HP atau WhatsApp"),
        description=_l("Petugas akan menghubungi nomor ini. Contoh: 0812 3456 7890."),
        filters=[strip_filter],
        render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 25},
    )
    saluran = RadioField(
        _l("Cara menghubungi yang paling mudah"),
        choices=CHANNELS,
        default=ContactPreference.TELEPON.value,
        validators=[InputRequired(message=_l("Pilih cara menghubungi.")), OneOfTheChoices()],
        validate_choice=False,
    )
    waktu = CheckboxListField(
        _l("Waktu yang paling cocok"),
        choices=TIMES,
        description=_l("Hari kerja, Senin sampai Jumat. Kosongkan jika kapan saja bisa."),
        validators=[AllOfTheChoices()],
        validate_choice=False,
    )
    catatan_waktu = StringField(
        _l("Catatan waktu (tidak wajib)"),
        description=_l("Misalnya: tidak bisa hari Jumat."),
        filters=[strip_filter],
        validators=[Length(max=200, message=_l("Tulis paling banyak 200 huruf."))],
        render_kw={"maxlength": 200},
    )

    kecamatan = SelectField(
        _l("Kecamatan"),
        choices=kecamatan_choices,
        validators=[DataRequired(message=_l("Pilih kecamatan tempat tinggal.")), OneOfTheChoices()],
        validate_choice=False,
    )
    kelurahan = SelectField(
        _l("Kelurahan"),
        description=_l("Pilihan kelurahan mengikuti kecamatan yang dipilih."),
        validators=[DataRequired(message=_l("Pilih kelurahan tempat tinggal."))],
        validate_choice=False,
    )
    jalan = StringField(
        _l("Alamat: jalan, nomor rumah, atau patokan"),
        description=_l("Wajib jika petugas perlu datang ke rumah."),
        filters=[strip_filter],
        validators=[Length(max=200, message=_l("Tulis paling banyak 200 huruf."))],
        render_kw={"maxlength": 200, "autocomplete": "street-address"},
    )
    rt = _rt_rw(_l("RT (tidak wajib)"))
    rw = _rt_rw(_l("RW (tidak wajib)"))

    disabilitas = CheckboxListField(
        _l("Ragam disabilitas (tidak wajib)"),
        choices=DISABILITIES,
        description=_l("Pilih semua yang sesuai. Lebih dari satu berarti disabilitas ganda."),
        validators=[AllOfTheChoices()],
        validate_choice=False,
    )
    kebutuhan = TextAreaField(
        _l("Kebutuhan khusus (tidak wajib)"),
        description=_l("Misalnya: memakai kursi roda, rumah di lantai dua, perlu huruf besar."),
        filters=[strip_filter],
        validators=[Length(max=500, message=_l("Paling banyak 500 huruf."))],
        render_kw={"rows": 3, "maxlength": 500},
    )
    persetujuan_disabilitas = BooleanField(
        _l("Saya setuju data disabilitas ini disimpan dan hanya dipakai untuk menyiapkan bantuan."),
        description=_l("Jika untuk orang lain: orang tersebut sudah setuju."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_kelurahan()

    def narrow_kelurahan(self) -> None:
        """Offer the kelurahan of the chosen kecamatan only (all 56, grouped, when none is)."""
        self.kelurahan.choices = kelurahan_choices_for(self.kecamatan.data)

    def _for_someone_else(self) -> bool:
        return self.pemohon.data not in (None, FilerRelation.SENDIRI.value)

    def validate_nama_pemohon(self, field):
        if self._for_someone_else() and not field.data:
            raise ValidationError(_l("Tulis nama Anda sebagai pemohon."))

    def validate_hubungan(self, field):
        if self._for_someone_else() and not field.data:
            raise ValidationError(_l("Tulis hubungan Anda dengan orang yang memerlukan bantuan."))

    def validate_persetujuan(self, field):
        if self._for_someone_else() and not field.data:
            raise ValidationError(_l("Bantuan untuk orang lain perlu persetujuannya. Centang jika ia sudah setuju."))

    def validate_telepon(self, field):
        try:
            field.normalized = normalize_phone(
                field.data or "",
                mobile_only=self.saluran.data
                in (ContactPreference.WHATSAPP_PESAN.value, ContactPreference.WHATSAPP_VIDEO.value),
            )
        except PhoneError as error:
            raise ValidationError(error.message) from None

    def validate_kelurahan(self, field):
        place = regions().kelurahan.get(field.data or "")
        if place is None:
            raise ValidationError(_l("Pilih kelurahan tempat tinggal."))
        kecamatan = regions().kecamatan.get(self.kecamatan.data or "")
        if kecamatan is not None and place.kecamatan.code != kecamatan.code:
            raise ValidationError(
                _l(
                    "Kelurahan ini tidak berada di Kecamatan %(name)s. Pilih kelurahan di "
                    "kecamatan itu, atau ubah kecamatannya.",
                    name=kecamatan.name,
                )
            )

    def validate_jalan(self, field):
        if K.KUNJUNGAN_RUMAH.value in (self.bantuan.data or []) and not field.data:
            raise ValidationError(_l("Tulis alamat rumah agar petugas dapat datang."))

    def validate_rt(self, field):
        _digits(field, _l("RT ditulis dengan angka, misalnya 003."))

    def validate_rw(self, field):
        _digits(field, _l("RW ditulis dengan angka, misalnya 005."))

    def validate_persetujuan_disabilitas(self, field):
        if (self.disabilitas.data or self.kebutuhan.data) and not field.data:
            raise ValidationError(
                _l(
                    "Anda mengisi data disabilitas tetapi belum memberi persetujuan. Centang persetujuan, atau "
                    "kosongkan data disabilitas: bantuan tetap diberikan tanpa data ini."
                )
            )


def _digits(field, message) -> None:
    if field.data:
        if not (field.data.isascii() and field.data.isdigit()) or len(field.data) > 3:
            raise ValidationError(message)
        field.data = field.data.zfill(3)
