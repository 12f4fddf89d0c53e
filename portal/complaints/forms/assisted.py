"""The complaint forms as an officer uses them to file for someone (assisted filing): the same
fields, the candidate proposal's extra fields, and consent that is always recorded."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import Label
from wtforms.validators import InputRequired, Length, ValidationError

from portal.complaints.forms.incident import IncidentDetailsForm
from portal.complaints.forms.public import OFFICER_CATEGORY_CHOICES, CategoryForm, DetailsForm
from portal.complaints.models.complaint import ComplaintCategory
from portal.core.filers import FilerRelation
from portal.web.forms import OneOfTheChoices, strip_filter

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
        choices=OFFICER_CATEGORY_CHOICES,
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

    def __init__(self, *args, category: ComplaintCategory, **kwargs):
        super().__init__(*args, category=category, **kwargs)
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

    def validate_persetujuan(self, field):
        if not field.data:
            raise ValidationError(_l("Laporan atas nama warga perlu persetujuannya. Tanyakan dulu, lalu centang."))


def _number(field, message) -> None:
    if field.data:
        if not (field.data.isascii() and field.data.isdigit()):
            raise ValidationError(message)
        field.data = field.data.zfill(3)
