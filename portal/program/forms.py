"""The settings form: each field holds a value as its environment variable would be written;
empty means the environment's (the default shown beside it)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from portal.core.program_settings import EDITABLE
from portal.program.labels import LABELS
from portal.web.forms import strip_filter


class ProgramSettingsForm(FlaskForm):
    pass


for _name in EDITABLE:
    setattr(
        ProgramSettingsForm,
        _name.lower(),
        StringField(
            LABELS[_name],
            filters=[strip_filter],
            validators=[Length(max=2000)],
            render_kw={"autocomplete": "off", "spellcheck": "false"},
        ),
    )
