"""The complaint forms as an officer uses them to file for someone (assisted filing): the same
fields, the candidate proposal's extra fields, and consent that is always recorded."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import Label
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from portal.complaints.forms.incident import ANONYMOUS, CONTACT, IncidentDetailsForm
from portal.complaints.forms.public import CHANNEL_CHOICES, PROPOSAL_CHOICE, CategoryForm, DetailsForm
from portal.complaints.models.complaint import ComplaintCategory, ContactChannel
from portal.core.filers import FilerRelation
from portal.web.forms import OneOfTheChoices, strip_filter

C = ComplaintCategory

# The categories as the officer reads them: the resident is "warga", never "saya".
ASSISTED_CATEGORY_CHOICES = [
    PROPOSAL_CHOICE,
    SelectChoice(C.TERLEWAT.value, _l("Warga memenuhi syarat tetapi tidak terdaftar")),
    SelectChoice(C.DATA_SALAH.value, _l("Data warga salah (nama, NIK, alamat, pekerjaan, atau status)")),
    SelectChoice(C.MASALAH_KARTU_KLAIM.value, _l("Sudah terdaftar, tetapi ada masalah kartu atau klaim")),
    SelectChoice(C.PENERIMA_TIDAK_LAYAK.value, _l("Warga melaporkan penerima yang menurutnya tidak layak")),
    SelectChoice(C.PUNGLI.value, _l("Pungli, calo, atau perilaku petugas")),
    SelectChoice(C.INFORMASI.value, _l("Warga ingin bertanya atau minta informasi")),
    SelectChoice(C.LAINNYA.value, _l("Lainnya")),
]
ASSISTED_CATEGORY_HINTS = {
    C.TERLEWAT.value: _l(
        "Pekerja informal ber-KTP Kota Bekasi yang keluarganya tercatat di DTSEN pada desil 1–5, tetapi hasil "
        "cek statusnya tidak terdaftar atau daftar tunggu."
    ),
    C.DATA_SALAH.value: _l("Petugas pengaduan memeriksa dan memperbaiki datanya."),
    C.MASALAH_KARTU_KLAIM.value: _l("Misalnya kartu belum diterima, atau klaim ke BPJS Ketenagakerjaan terkendala."),
    C.PENERIMA_TIDAK_LAYAK.value: _l("Misalnya penerima sudah mampu, sudah pindah, atau sudah meninggal."),
    C.PUNGLI.value: _l(
        "Selalu dirahasiakan. Ada yang meminta uang, menjadi calo, atau petugas berperilaku tidak pantas."
    ),
    C.INFORMASI.value: _l("Pertanyaan warga tentang program, syarat, atau manfaat."),
    C.LAINNYA.value: _l("Hal lain tentang program SIGAP."),
    C.USULAN_CALON.value: _l(
        "Untuk warga yang belum terdaftar: Disnaker dan Dinsos memeriksa KTP, KK, pekerjaan, dan desil DTSEN-nya."
    ),
}
ASSISTED_IDENTITY_CHOICES = [
    SelectChoice(CONTACT, _l("Petugas boleh menghubungi pelapor")),
    SelectChoice(ANONYMOUS, _l("Tanpa identitas: tanpa nama dan tanpa nomor HP pelapor")),
]
ASSISTED_IDENTITY_HINTS = {
    CONTACT: _l("Nama dan nomor pelapor dirahasiakan dari yang dilaporkan. Nama boleh dikosongkan."),
    ANONYMOUS: _l(
        "Petugas tidak bisa menghubungi pelapor. Pelapor memantau laporan hanya dengan nomor pengaduan dan kode "
        "akses di tanda terima; pertanyaan petugas muncul di halaman lacak."
    ),
}

WHO_CONSENTS = [
    SelectChoice(FilerRelation.SENDIRI.value, _l("Yang bersangkutan sendiri (hadir atau ditelepon)")),
    SelectChoice(FilerRelation.KELUARGA.value, _l("Anggota keluarganya")),
    SelectChoice(FilerRelation.PENDAMPING.value, _l("Pendampingnya (misalnya pendamping penyandang disabilitas)")),
    SelectChoice(FilerRelation.RT_RW.value, _l("Pengurus RT/RW")),
    SelectChoice(FilerRelation.LAINNYA.value, _l("Orang lain")),
]


class AssistedCategoryForm(CategoryForm):
    kategori = RadioField(
        _l("Apa yang diajukan untuk warga?"),
        choices=ASSISTED_CATEGORY_CHOICES,
        validators=[InputRequired(message=_l("Pilih jenis pengaduan.")), OneOfTheChoices()],
        validate_choice=False,
    )
    bantuan = HiddenField()  # the assistance request (BTN-…) this filing comes from, if any


def _line(label, description, max_length, **render_kw):
    return StringField(
        label,
        description=description,
        filters=[strip_filter],
        validators=[Length(max=max_length, message=_l("Terlalu panjang."))],
        render_kw={"maxlength": max_length, **render_kw},
    )


class AssistedDetailsForm(DetailsForm):
    residents_report_about_someone = False
    pelapor = RadioField(
        _l("Siapa yang meminta pengajuan ini dan memberi persetujuan?"),
        choices=WHO_CONSENTS,
        default=FilerRelation.SENDIRI.value,
        validators=[InputRequired(message=_l("Pilih siapa yang memberi persetujuan.")), OneOfTheChoices()],
        validate_choice=False,
    )
    nama_pelapor = _line(_l("Nama keluarga atau pendamping"), _l("Isi jika bukan yang bersangkutan sendiri."), 150)
    hubungan = _line(
        _l("Hubungannya dengan yang bersangkutan"), _l("Misalnya: anak, istri, pendamping, ketua RT 03."), 100
    )
    persetujuan = BooleanField(
        _l("Yang bersangkutan (atau keluarga/pendampingnya) sudah setuju petugas mengajukan ini atas namanya."),
    )
    kk = _line(_l("Nomor KK"), _l("16 angka pada Kartu Keluarga."), 40, inputmode="numeric", autocomplete="off")
    jalan = _line(_l("Alamat: jalan, nomor rumah, atau patokan"), None, 200, autocomplete="off")
    rt = _line(_l("RT"), None, 3, inputmode="numeric", autocomplete="off")
    rw = _line(_l("RW"), None, 3, inputmode="numeric", autocomplete="off")
    pekerjaan = _line(
        _l("Pekerjaan"), _l("Misalnya: ojek online, pedagang kaki lima, buruh harian, pekerja rumah tangga."), 100
    )

    saluran = RadioField(
        _l("Warga lebih mudah dihubungi lewat"),
        choices=CHANNEL_CHOICES,
        default=ContactChannel.WHATSAPP.value,
        validators=[InputRequired(message=_l("Pilih cara menghubungi warga.")), OneOfTheChoices()],
        validate_choice=False,
    )
    rahasia = BooleanField(
        _l("Hanya petugas yang menangani dan supervisor yang boleh melihat identitas warga"),
        description=_l(
            "Identitas warga tidak pernah ditampilkan kepada publik. Tanpa centang ini, petugas pengaduan lain di "
            "kecamatannya juga dapat melihatnya untuk membantu menangani."
        ),
    )

    def __init__(self, *args, category: ComplaintCategory, **kwargs):
        super().__init__(*args, category=category, **kwargs)
        _speak_to_the_officer(self)
        if self.proposal:
            self.uraian.label = Label(self.uraian.id, _l("Mengapa orang ini mungkin memenuhi syarat"))
            self.uraian.description = _l(
                "Misalnya desil DTSEN jika diketahui, penghasilan, tanggungan, kondisi "
                "rumah, disabilitas (hanya jika ia setuju). Paling banyak 2.000 huruf."
            )

    @property
    def proposal(self) -> bool:
        return self.category is ComplaintCategory.USULAN_CALON

    def validate_persetujuan(self, field):
        if not field.data:
            raise ValidationError(_l("Pengajuan atas nama warga perlu persetujuannya. Tanyakan dulu, lalu centang."))

    def validate_nama_pelapor(self, field):
        if self._for_someone_else() and not field.data:
            raise ValidationError(_l("Masukkan nama pelapor (keluarga atau pendamping)."))

    def validate_hubungan(self, field):
        if self._for_someone_else() and not field.data:
            raise ValidationError(_l("Tulis hubungan pelapor dengan yang bersangkutan."))

    def validate_kk(self, field):
        digits = "".join(c for c in field.data or "" if c.isascii() and c.isdigit())
        if not field.data:
            if self.proposal:
                raise ValidationError(_l("Masukkan nomor KK 16 angka."))
            return
        if len(digits) != 16 or not all(c in "0123456789 .-" for c in field.data):
            raise ValidationError(_l("Nomor KK terdiri dari 16 angka. Periksa kembali."))
        field.data = digits

    def validate_jalan(self, field):
        if self.proposal and not field.data:
            raise ValidationError(_l("Tulis alamat tempat tinggalnya."))

    def validate_pekerjaan(self, field):
        if self.proposal and not field.data:
            raise ValidationError(_l("Tulis pekerjaannya, misalnya ojek online."))

    def validate_rt(self, field):
        _number(field, _l("RT ditulis dengan angka, misalnya 003."))

    def validate_rw(self, field):
        _number(field, _l("RW ditulis dengan angka, misalnya 005."))


class AssistedIncidentForm(IncidentDetailsForm):
    """A pungli report an officer files for a resident who tells it (at a desk, on a visit): the
    incident as residents give it (issue 18, point 3), names optional, the reporter anonymous if
    they wish, and the reporter's agreement that the officer sends it."""

    persetujuan = BooleanField(
        _l("Pelapor sudah setuju petugas mengirim laporan ini untuknya."),
        description=_l("Bacakan isiannya kepada pelapor lebih dulu."),
    )
    identitas = RadioField(
        _l("Boleh pelapor dihubungi petugas?"),
        choices=ASSISTED_IDENTITY_CHOICES,
        default=CONTACT,
        validators=[InputRequired(message=_l("Pilih apakah petugas boleh menghubungi pelapor.")), OneOfTheChoices()],
        validate_choice=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _speak_to_the_officer(self)
        self.tempat.description = _l(
            "Misalnya: kantor kelurahan, kantor Disnaker, di rumah pelapor, atau lewat WhatsApp."
        )
        self.kelurahan.description = _l(
            "Jika terjadi di kantor dinas atau lewat telepon, pilih kelurahan tempat pelapor tinggal."
        )
        self.nama.description = _l("Nama, jabatan, atau ciri-cirinya, jika pelapor tahu. Boleh dikosongkan.")
        self.nama_pelapor.label.text = _l("Nama pelapor (tidak wajib)")
        self.nama_pelapor.description = _l(
            "Laporan ini selalu dirahasiakan: nama pelapor hanya dilihat petugas yang menangani dan supervisor."
        )
        self.telepon.label.text = _l("Nomor HP atau WhatsApp pelapor (jika boleh dihubungi)")
        self.uraian.description = _l(
            "Apa yang terjadi, siapa saja yang ada di sana, dan apa yang diharapkan pelapor. Paling banyak 2.000 huruf."
        )

    def validate_persetujuan(self, field):
        if not field.data:
            raise ValidationError(_l("Laporan atas nama warga perlu persetujuannya. Tanyakan dulu, lalu centang."))


def _speak_to_the_officer(form: DetailsForm) -> None:
    """The residents' descriptions of the shared fields, said about the resident ("warga")."""
    form.telepon.description = _l("Nomor untuk menghubungi warga. Contoh: 0812 3456 7890.")
    form.email.description = _l("Jika diisi, warga menerima kabar perubahan status di email ini.")
    form.uraian.description = _l("Apa yang terjadi, kapan, dan apa yang diharapkan warga. Paling banyak 2.000 huruf.")
    form.uraian.validators = [
        DataRequired(message=_l("Ceritakan masalahnya.")),
        Length(max=2000, message=_l("Uraian paling banyak 2.000 huruf; persingkat uraiannya.")),
    ]


def _number(field, message) -> None:
    if field.data:
        if not (field.data.isascii() and field.data.isdigit()):
            raise ValidationError(message)
        field.data = field.data.zfill(3)
