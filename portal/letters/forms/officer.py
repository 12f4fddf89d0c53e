"""Forms of the letters section of the person page and of the letter batch page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.accounts.models import Account
from portal.core.regions import regions
from portal.letters.labels import replace_reason_label
from portal.letters.services.officer import ReplaceReason
from portal.web.forms import OneOfTheChoices

WHOLE_CITY = "semua"


class IssueLetterForm(FlaskForm):
    """Issue the letter (first time, or again after the roster changed): only the CSRF token."""


class ReplaceLetterForm(FlaskForm):
    alasan = RadioField(
        _l("Alasan mengganti surat"),
        validate_choice=False,
        description=_l(
            "Surat baru mendapat nomor dan kode baru; surat lama tidak lagi "
            'berlaku dan tampil sebagai "diganti" saat diperiksa.'
        ),
        validators=[InputRequired(message=_l("Pilih alasan mengganti surat.")), OneOfTheChoices()],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.alasan.choices = [SelectChoice(r.value, replace_reason_label(r)) for r in ReplaceReason]


def scope_value(scope: str, code: str | None) -> str:
    return WHOLE_CITY if scope == WHOLE_CITY else f"{scope}:{code}"


def parse_scope(value: str | None) -> tuple[str, str | None] | None:
    """("kelurahan", code) | ("kecamatan", code) | ("semua", None) from the select's value."""
    if value == WHOLE_CITY:
        return WHOLE_CITY, None
    scope, _, code = (value or "").partition(":")
    known = regions()
    if (scope == "kelurahan" and code in known.kelurahan) or (scope == "kecamatan" and code in known.kecamatan):
        return scope, code
    return None


def scope_choices(viewer: Account) -> list[SelectChoice]:
    """The regions this viewer may batch: supervisors and admins everything including the whole
    city; an officer their kecamatan (all of them when the account has none)."""
    known = regions()
    own = [] if viewer.is_supervisor else viewer.kecamatan_codes
    choices = [SelectChoice(WHOLE_CITY, _l("Seluruh Kota Bekasi"))] if viewer.is_supervisor else []
    for kecamatan in sorted(known.kecamatan.values(), key=lambda k: k.name):
        if own and kecamatan.code not in own:
            continue
        group = _l("Kecamatan %(name)s", name=kecamatan.name)
        choices.append(
            SelectChoice(
                scope_value("kecamatan", kecamatan.code),
                _l("Seluruh Kecamatan %(name)s", name=kecamatan.name),
                optgroup=group,
            )
        )
        places = sorted(
            (k for k in known.kelurahan.values() if k.kecamatan.code == kecamatan.code), key=lambda k: k.name
        )
        for place in places:
            choices.append(
                SelectChoice(
                    scope_value("kelurahan", place.code), _l("Kelurahan %(name)s", name=place.name), optgroup=group
                )
            )
    return choices


class LetterBatchForm(FlaskForm):
    wilayah = SelectField(
        _l("Wilayah"),
        validate_choice=False,
        description=_l(
            "Semua peserta aktif di wilayah ini, urut per kelurahan lalu nama, "
            "dalam satu PDF untuk dibagikan melalui RT/RW."
        ),
        validators=[InputRequired(message=_l("Pilih wilayah.")), OneOfTheChoices()],
    )

    def __init__(self, *args, viewer: Account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Nothing chosen at first: the whole city (11,666 letters) is not one careless click away.
        self.wilayah.choices = [SelectChoice("", _l("Pilih wilayah…")), *scope_choices(viewer)]
