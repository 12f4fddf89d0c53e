"""Forms of the roster, admin and audit pages. Search and filter forms are GET forms (no CSRF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class RosterUploadForm(FlaskForm):
    file = FileField(
        _l("Berkas roster (CSV UTF-8)"),
        description=_l(
            "Kolom seperti ekspor Disnaker, dipisah koma (,) atau titik koma (;) seperti CSV dari Excel "
            "berbahasa Indonesia. Baris yang salah ditolak dan dapat diunduh; "
            "baris lain tetap diimpor. Berkas yang tidak terbaca tidak mengubah apa pun."
        ),
        validators=[FileRequired(message=_l("Pilih berkas CSV roster yang akan diimpor."))],
    )
