"""Validators shared by forms: each message says what to do."""

from __future__ import annotations

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field, Form, ValidationError
from wtforms.widgets import core as wtforms_widgets
from wtforms.widgets.core import clean_key

from portal.core.nik import NikError, parse_nik


class ValidNik:
    """Checks a NIK with the one NIK module and keeps the parsed value on the field."""

    def __call__(self, form: Form, field: Field) -> None:
        try:
            field.parsed = parse_nik(field.data or "")
        except NikError as error:
            field.parsed = None
            raise ValidationError(error.message) from None


def strip_filter(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _fast_html_params(**kwargs) -> Markup:
    """WTForms' `html_params`, same output, without `Markup.format`.

    WTForms builds each attribute with `Markup('{k}="{v}"').format(...)`, whose escaping
    formatter costs about 30 µs an attribute: a third of a millisecond for one input, on every
    form page. tests/unit/test_forms_html_params.py checks the output is identical.
    """
    params = []
    for key, value in sorted(kwargs.items()):
        key = clean_key(key)
        if value is True:
            params.append(str(escape(key)))
        elif value is not False:
            params.append(f'{escape(key)}="{escape(value).replace(_QUOTE, _QUOTE_ENTITY)}"')
    return Markup(" ".join(params))  # noqa: S704 (every key and value went through escape())


_QUOTE, _QUOTE_ENTITY = Markup('"'), Markup("&quot;")
WTFORMS_HTML_PARAMS = wtforms_widgets.html_params


def install_fast_html_params() -> None:
    """Widgets call the module's `html_params`; `Input` and `Button` keep their own reference."""
    wtforms_widgets.html_params = _fast_html_params
    for widget in (wtforms_widgets.Input, wtforms_widgets.Button):
        if widget.__dict__.get("html_params") is not None:
            widget.html_params = staticmethod(_fast_html_params)


class GetForm(FlaskForm):
    """A search or filter form sent by GET: nothing to protect with a CSRF token."""

    class Meta:
        csrf = False
