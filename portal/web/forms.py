"""Validators shared by forms: each message says what to do."""
from __future__ import annotations

from wtforms import Field, Form, ValidationError

from portal.services.nik import NikError, parse_nik


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

