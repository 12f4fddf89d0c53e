"""Validators shared by forms: each message says what to do."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    Field,
    Form,
    HiddenField,
    ValidationError,
)
from wtforms.validators import DataRequired
from wtforms.widgets import core as wtforms_widgets
from wtforms.widgets.core import clean_key

from portal.core.nik import NikError, parse_nik
from portal.web.numbers import as_id


class ValidNik:
    """Checks a NIK with the one NIK module and keeps the parsed value on the field."""

    def __call__(self, _form: Form, field: Field) -> None:
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


class OneOfTheChoices:
    """Like WTForms' own choice check, with a message in the portal's language."""

    def __call__(self, _form: Form, field: Field) -> None:
        allowed = {str(choice.value) for choice in field.choices}
        if field.data not in allowed:
            raise ValidationError(_l("Pilih salah satu pilihan yang tersedia."))


def first_error(active_form: tuple[str, FlaskForm] | None) -> tuple[str, str] | None:
    """(action, message) of a refused action form: shown above the actions when the page no longer
    offers that action (a stale page, or a request not made from the page)."""
    if active_form is None:
        return None
    messages = [message for errors in active_form[1].errors.values() for message in errors]
    return (active_form[0], messages[0]) if messages else None


class CaseForm(FlaskForm):
    """A form acting on a case (or a help request) as it was when the page was opened: a stale
    page's action is refused instead of overwriting a change it never saw."""

    # The version the page was opened at; missing only when the page is not the portal's own.
    version = HiddenField(
        validators=[
            DataRequired(message=_l("Data sudah berubah sejak halaman dibuka. Muat ulang halaman, lalu coba lagi."))
        ]
    )

    @property
    def version_number(self) -> int:
        version = as_id(self.version.data)
        return -1 if version is None else version
