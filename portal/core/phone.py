"""Indonesian phone numbers as people type them, normalised to +62."""

from __future__ import annotations

import re

from flask_babel import gettext as _

_NOISE = re.compile(r"[\s().\-/]+")


class PhoneError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def normalize_phone(raw: str, *, mobile_only: bool = False) -> str:
    """0812-3456-7890, +62 812 3456 7890, 62812… and 812… all become +6281234567890."""
    digits = _NOISE.sub("", raw or "")
    if not digits:
        raise PhoneError(_("Masukkan nomor telepon atau WhatsApp, misalnya 0812 3456 7890."))
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        raise PhoneError(_("Nomor telepon hanya berisi angka, misalnya 0812 3456 7890."))
    if digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    elif digits.startswith("8"):
        national = digits
    else:
        raise PhoneError(_("Nomor telepon harus nomor Indonesia, diawali 08 atau +62."))
    if national.startswith("0"):
        national = national.lstrip("0")
    if not 8 <= len(national) <= 12:
        raise PhoneError(_("Nomor telepon terlalu pendek atau terlalu panjang. Periksa kembali."))
    if mobile_only and not national.startswith("8"):
        raise PhoneError(_("Nomor WhatsApp harus nomor HP, diawali 08 atau +628."))
    return "+62" + national
