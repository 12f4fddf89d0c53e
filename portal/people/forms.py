"""TODO docstring."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    SelectField,
    StringField,
)

from portal.web.forms import GetForm, strip_filter


class PeopleSearchForm(GetForm):
    q = StringField(
        _l("NIK atau nama"),
        filters=[strip_filter],
        description=_l("NIK lengkap 16 angka (boleh dengan spasi atau titik), atau sebagian nama."),
        render_kw={"autocomplete": "off", "maxlength": 100, "spellcheck": "false"},
    )
    status = SelectField(_l("Status"), validate_choice=False)  # choices: the route, with their labels
