"""Validators shared by forms: each message says what to do."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    Form,
    HiddenField,
    ValidationError,
)
from wtforms.validators import DataRequired

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


class GetForm(FlaskForm):
    """A search or filter form sent by GET: nothing to protect with a CSRF token."""

    class Meta:
        csrf = False


class OneOfTheChoices:
    """Like WTForms' own choice check, with a message in the portal's language."""

    def __call__(self, _form: Form, field: Field) -> None:
        choices = field.choices
        if isinstance(choices, dict):  # grouped (<optgroup>): the choices of every group
            choices = [choice for group in choices.values() for choice in group]
        allowed = {str(choice.value) for choice in choices}
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

    # What the page showed: "<last timeline line's id>.<assigned account's id or 0>". When the
    # version no longer matches, the page shown again says what changed since (issue 16 point 1).
    seen = HiddenField()

    @property
    def version_number(self) -> int:
        version = as_id(self.version.data)
        return -1 if version is None else version

    @property
    def seen_state(self) -> tuple[int, int | None] | None:
        """(last timeline line id, assigned account id) the page showed, None when not sent."""
        parts = (self.seen.data or "").split(".")
        if len(parts) != 2 or not all(part.isdigit() for part in parts):
            return None
        return int(parts[0]), int(parts[1]) or None


def seen_value(last_event_id: int | None, assigned_to_id: int | None) -> str:
    """CaseForm.seen for a page that shows these (the inverse of CaseForm.seen_state)."""
    return f"{last_event_id or 0}.{assigned_to_id or 0}"
