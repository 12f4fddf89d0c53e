from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from portal.complaints.labels import error_message
from portal.complaints.models.complaint import ComplaintCategory, ContactChannel, Satisfaction
from portal.complaints.services.filing import NEEDS_NIK, REPORTS_ABOUT_SOMEONE
from portal.complaints.services.lifecycle import CaseRefusal
from portal.core.errors import DomainError
from portal.core.filers import FilerRelation
from portal.core.phone import PhoneError, normalize_phone
from portal.core.regions import regions
from portal.web.forms import OneOfTheChoices, ValidNik, strip_filter

# What the file picker offers (the server checks each file by its content, not by this).
ACCEPTED_FILES = "image/jpeg,image/png,image/heic,image/heif,.heic,.heif,application/pdf"

C = ComplaintCategory

CATEGORY_CHOICES = [
    SelectChoice(C.TERLEWAT.value, _l("Saya (atau orang ini) memenuhi syarat tetapi tidak terdaftar")),
    SelectChoice(C.DATA_SALAH.value, _l("Data saya salah (nama, NIK, alamat, pekerjaan, atau status)")),
    SelectChoice(C.MASALAH_KARTU_KLAIM.value, _l("Sudah terdaftar, tetapi ada masalah kartu atau klaim")),
    SelectChoice(C.PENERIMA_TIDAK_LAYAK.value, _l("Ada penerima yang menurut saya tidak layak")),
    SelectChoice(C.PUNGLI.value, _l("Pungli, calo, atau perilaku petugas")),
    SelectChoice(C.INFORMASI.value, _l("Saya ingin bertanya atau minta informasi")),
    SelectChoice(C.LAINNYA.value, _l("Lainnya")),
]
# Filed only by officers (assisted registration): a candidate proposal for verification.
PROPOSAL_CHOICE = SelectChoice(
    C.USULAN_CALON.value, _l("Usulan calon peserta (didaftarkan petugas untuk diverifikasi)")
)
OFFICER_CATEGORY_CHOICES = [PROPOSAL_CHOICE, *CATEGORY_CHOICES]
CATEGORY_HINTS = {
    C.TERLEWAT.value: _l(
        "Anda pekerja informal ber-KTP Kota Bekasi, dan keluarga Anda tercatat di DTSEN (data pemerintah tentang "
        "keadaan ekonomi keluarga) pada desil 1–5, yaitu separuh keluarga dengan keadaan ekonomi paling lemah; "
        "tetapi hasil cek status tidak terdaftar atau daftar tunggu."
    ),
    C.DATA_SALAH.value: _l("Petugas akan memeriksa dan memperbaiki data Anda."),
    C.MASALAH_KARTU_KLAIM.value: _l("Misalnya kartu belum diterima, atau klaim ke BPJS Ketenagakerjaan terkendala."),
    C.PENERIMA_TIDAK_LAYAK.value: _l("Misalnya penerima sudah mampu, sudah pindah, atau sudah meninggal."),
    C.PUNGLI.value: _l(
        "Selalu dirahasiakan. Ada yang meminta uang, menjadi calo, atau petugas berperilaku tidak pantas."
    ),
    C.INFORMASI.value: _l("Pertanyaan tentang program, syarat, atau manfaat."),
    C.LAINNYA.value: _l("Hal lain tentang program SIGAP."),
    C.USULAN_CALON.value: _l(
        "Untuk warga yang belum terdaftar: Disnaker dan Dinsos memeriksa KTP, KK, pekerjaan, dan desil DTSEN-nya."
    ),
}

RELATION_CHOICES = [
    SelectChoice(FilerRelation.SENDIRI.value, _l("Saya sendiri")),
    SelectChoice(FilerRelation.KELUARGA.value, _l("Anggota keluarga")),
    SelectChoice(FilerRelation.PENDAMPING.value, _l("Pendamping (misalnya pendamping penyandang disabilitas)")),
    SelectChoice(FilerRelation.RT_RW.value, _l("Pengurus RT/RW")),
    SelectChoice(FilerRelation.LAINNYA.value, _l("Orang lain")),
]
CHANNEL_CHOICES = [
    SelectChoice(ContactChannel.WHATSAPP.value, _l("WhatsApp")),
    SelectChoice(ContactChannel.TELEPON.value, _l("Telepon atau SMS")),
]


def kelurahan_choices() -> list[SelectChoice]:
    """The 56 kelurahan grouped by kecamatan, after an empty "choose" option."""
    places = sorted(regions().kelurahan.values(), key=lambda k: (k.kecamatan.name, k.name))
    return [
        SelectChoice("", str(_l("Pilih kelurahan"))),
        *(SelectChoice(k.code, k.name, optgroup=f"Kecamatan {k.kecamatan.name}") for k in places),
    ]


class CategoryForm(FlaskForm):
    kategori = RadioField(
        _l("Apa yang ingin Anda sampaikan?"),
        choices=CATEGORY_CHOICES,
        validators=[InputRequired(message=_l("Pilih jenis pengaduan.")), OneOfTheChoices()],
        validate_choice=False,
    )


class DetailsForm(FlaskForm):
    nik = StringField(
        _l("NIK orang yang bersangkutan"),
        description=_l("16 angka pada KTP. Wajib untuk pengaduan tentang kepesertaan."),
        filters=[strip_filter],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 40, "spellcheck": "false"},
    )
    nama = StringField(
        _l("Nama lengkap orang yang bersangkutan"),
        description=_l("Seperti tertulis di KTP."),
        validators=[
            DataRequired(message=_l("Masukkan nama lengkap orang yang bersangkutan.")),
            Length(max=150, message=_l("Nama terlalu panjang. Tulis paling banyak 150 huruf.")),
        ],
        filters=[strip_filter],
        render_kw={"maxlength": 150, "spellcheck": "false"},
    )
    kelurahan = SelectField(
        _l("Kelurahan tempat tinggal"),
        choices=kelurahan_choices,
        validators=[DataRequired(message=_l("Pilih kelurahan tempat tinggal.")), OneOfTheChoices()],
        validate_choice=False,
    )
    pelapor = RadioField(
        _l("Siapa yang mengajukan pengaduan ini?"),
        choices=RELATION_CHOICES,
        default=FilerRelation.SENDIRI.value,
        validators=[InputRequired(message=_l("Pilih siapa yang mengajukan pengaduan.")), OneOfTheChoices()],
        validate_choice=False,
    )
    nama_pelapor = StringField(
        _l("Nama Anda"),
        description=_l("Isi jika Anda mengajukan untuk orang lain."),
        filters=[strip_filter],
        validators=[Length(max=150, message=_l("Nama terlalu panjang."))],
        render_kw={"maxlength": 150, "autocomplete": "name"},
    )
    hubungan = StringField(
        _l("Hubungan Anda dengan orang tersebut"),
        description=_l("Misalnya: anak, istri, pendamping, ketua RT 03."),
        filters=[strip_filter],
        validators=[Length(max=100, message=_l("Tulis paling banyak 100 huruf."))],
        render_kw={"maxlength": 100},
    )
    persetujuan = BooleanField(_l("Orang yang bersangkutan sudah setuju saya mengajukan pengaduan ini untuknya."))
    telepon = StringField(
        _l("Nomor HP atau WhatsApp"),
        description=_l("Petugas akan menghubungi nomor ini. Contoh: 0812 3456 7890."),
        filters=[strip_filter],
        render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 25},
    )
    saluran = RadioField(
        _l("Lebih mudah dihubungi lewat"),
        choices=CHANNEL_CHOICES,
        default=ContactChannel.WHATSAPP.value,
        validators=[InputRequired(message=_l("Pilih cara menghubungi Anda.")), OneOfTheChoices()],
        validate_choice=False,
    )
    email = StringField(
        _l("Email (tidak wajib)"),
        description=_l("Jika diisi, kami mengirim kabar perubahan status ke email ini."),
        filters=[strip_filter],
        validators=[
            Optional(),
            Length(max=254, message=_l("Email terlalu panjang.")),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message=_l("Tulis email lengkap, misalnya nama@contoh.com, atau kosongkan."),
            ),
        ],
        render_kw={"inputmode": "email", "autocomplete": "email", "maxlength": 254},
    )
    uraian = TextAreaField(
        _l("Ceritakan masalahnya"),
        description=_l("Apa yang terjadi, kapan, dan apa yang Anda harapkan. Paling banyak 2.000 huruf."),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Ceritakan masalahnya.")),
            Length(max=2000, message=_l("Uraian paling banyak 2.000 huruf; persingkat uraian Anda.")),
        ],
        render_kw={"rows": 6, "maxlength": 2000},
    )
    lampiran = MultipleFileField(
        _l("Lampiran (tidak wajib)"),
        description=_l(
            "Paling banyak 3 berkas: foto (JPG, PNG, atau HEIC dari iPhone) paling besar 15 MB, PDF paling besar "
            "5 MB. Misalnya foto KTP, KK, atau bukti."
        ),
        render_kw={"accept": ACCEPTED_FILES},
    )
    rahasia = BooleanField(
        _l("Hanya petugas yang menangani dan supervisor yang boleh melihat identitas saya"),
        description=_l(
            "Identitas Anda tidak pernah ditampilkan kepada publik. Tanpa centang ini, petugas pengaduan lain di "
            "kecamatan Anda juga dapat melihatnya untuk membantu menangani."
        ),
    )

    residents_report_about_someone = True  # officers filing for a resident always ask consent
    incident_report = False  # a pungli report asks for the incident instead (forms.incident)

    def __init__(self, *args, category: ComplaintCategory, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        self.reporting_about = self.residents_report_about_someone and category in REPORTS_ABOUT_SOMEONE
        if self.reporting_about:  # the reporter is not acting for the person reported
            self.pelapor.data = FilerRelation.LAINNYA.value
            self.nama_pelapor.label.text = _l("Nama Anda (tidak wajib)")
            self.nama_pelapor.description = _l(
                "Laporan ini selalu dirahasiakan: nama Anda hanya dilihat petugas yang menangani dan supervisor."
            )
            if self.nik is not None:  # a reporter seldom knows the NIK of the person reported
                self.nik.description = _l("Tidak wajib: isi hanya jika Anda tahu. 16 angka pada KTP.")
                self.nama.description = _l("Nama yang Anda ketahui; tidak harus persis seperti di KTP.")

    def validate_nik(self, field):
        if not field.data:
            field.parsed = None
            if self.category in NEEDS_NIK:
                raise ValidationError(_l("Masukkan NIK 16 angka orang yang bersangkutan."))
            return
        ValidNik()(self, field)

    def validate_telepon(self, field):
        try:
            field.normalized = normalize_phone(
                field.data or "", mobile_only=self.saluran.data == ContactChannel.WHATSAPP.value
            )
        except PhoneError as error:
            raise ValidationError(error.message) from None

    def _for_someone_else(self) -> bool:
        """Filing *for* someone (family, companion, RT/RW): their consent and the filer's name."""
        return not self.reporting_about and self.pelapor.data not in (None, FilerRelation.SENDIRI.value)

    def validate_nama_pelapor(self, field):
        if self._for_someone_else() and not field.data:
            raise ValidationError(_l("Masukkan nama Anda sebagai pelapor."))

    def validate_hubungan(self, field):
        if self._for_someone_else() and not field.data:
            raise ValidationError(_l("Tulis hubungan Anda dengan orang yang bersangkutan."))

    def validate_persetujuan(self, field):
        if self._for_someone_else() and not field.data:
            raise ValidationError(_l("Pengaduan untuk orang lain perlu persetujuannya. Centang jika ia sudah setuju."))


class TrackForm(FlaskForm):
    nomor = StringField(
        _l("Nomor pengaduan atau permintaan bantuan"),
        description=_l("Contoh: SGP-2026-000123, atau BTN-2026-000045 untuk permintaan bantuan."),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Masukkan nomor pengaduan atau permintaan bantuan, misalnya SGP-2026-000123.")),
            Length(max=30, message=_l("Nomor pengaduan terlalu panjang.")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false", "maxlength": 30, "autocapitalize": "characters"},
    )
    kode = StringField(
        _l("Kode akses"),
        description=_l("8 huruf dan angka yang Anda terima bersama nomor tersebut."),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Masukkan kode akses 8 huruf dan angka.")),
            Length(max=20, message=_l("Kode akses terlalu panjang.")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false", "maxlength": 20, "autocapitalize": "characters"},
    )


def residents_files(label=None) -> MultipleFileField:
    """The files a resident may add to a case already filed (an answer, an appeal): the same kinds
    and limits as at filing (services.attachments), checked by routes.uploads.read_uploads."""
    return MultipleFileField(
        label or _l("Lampiran (tidak wajib)"),
        description=_l(
            "Paling banyak 3 berkas: foto (JPG, PNG, atau HEIC dari iPhone) paling besar 15 MB, PDF paling besar 5 MB."
        ),
        render_kw={"accept": ACCEPTED_FILES},
    )


class AnswerForm(FlaskForm):
    jawaban = TextAreaField(
        _l("Jawaban Anda"),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Tulis jawaban Anda.")),
            Length(max=2000, message=_l("Jawaban paling banyak 2.000 huruf.")),
        ],
        render_kw={"rows": 5, "maxlength": 2000},
    )
    lampiran = residents_files()


class RatingForm(FlaskForm):
    penilaian = RadioField(
        _l("Apakah Anda puas dengan penyelesaian pengaduan ini?"),
        choices=[
            SelectChoice(Satisfaction.PUAS.value, _l("Puas")),
            SelectChoice(Satisfaction.BELUM_PUAS.value, _l("Belum puas — ajukan banding")),
        ],
        validators=[InputRequired(message=_l("Pilih puas atau belum puas.")), OneOfTheChoices()],
        validate_choice=False,
    )
    alasan = TextAreaField(
        _l("Apa yang belum selesai menurut Anda?"),
        description=_l("Wajib diisi jika belum puas: supervisor lain menilai banding Anda dari penjelasan ini."),
        filters=[strip_filter],
        validators=[Length(max=2000, message=_l("Paling banyak 2.000 huruf."))],
        render_kw={"rows": 4, "maxlength": 2000},
    )
    lampiran = residents_files(_l("Lampiran banding (tidak wajib, hanya jika belum puas)"))

    def validate_alasan(self, field) -> None:
        if self.penilaian.data == Satisfaction.BELUM_PUAS.value and not field.data:
            raise ValidationError(
                _l("Tulis apa yang belum selesai menurut Anda, agar supervisor bisa menilai banding Anda.")
            )

    def validate_lampiran(self, field) -> None:
        """Files come only with an appeal: a resident who is satisfied is asked to leave them out,
        rather than have them dropped unseen or kept without a reason (nothing is recorded)."""
        chosen = [f for f in field.data or [] if isinstance(f, FileStorage) and f.filename]
        if chosen and self.penilaian.data != Satisfaction.BELUM_PUAS.value:
            raise ValidationError(error_message(DomainError(CaseRefusal.FILES_ONLY_WITH_APPEAL)))
