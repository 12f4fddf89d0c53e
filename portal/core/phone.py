"""Indonesian phone numbers as people type them, normalised to E.164 (+62…) by `phonenumbers`.

Our own checks come first only for what the messages say (empty, not digits, not Indonesian);
whether the digits make a number that exists, and whether it is a mobile, is Google's
libphonenumber metadata (numbering plan of Indonesia), not a length range of ours.
"""

from __future__ import annotations

import re

import phonenumbers
from flask_babel import gettext as _
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult

_NOISE = re.compile(r"[\s().\-/]+")
_MOBILE = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_WRONG_LENGTH = frozenset({ValidationResult.TOO_SHORT, ValidationResult.TOO_LONG, ValidationResult.INVALID_LENGTH})


class PhoneError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _wrong_length() -> PhoneError:
    return PhoneError(_("Nomor telepon terlalu pendek atau terlalu panjang. Periksa kembali."))


def normalize_phone(raw: str, *, mobile_only: bool = False) -> str:
    """0812-3456-7890, +62 812 3456 7890, 62812… and 812… all become +6281234567890."""
    digits = _NOISE.sub("", raw or "")
    if not digits:
        raise PhoneError(_("Masukkan nomor telepon atau WhatsApp, misalnya 0812 3456 7890."))
    digits = digits.removeprefix("+")
    if not (digits.isascii() and digits.isdigit()):
        raise PhoneError(_("Nomor telepon hanya berisi angka, misalnya 0812 3456 7890."))
    if not digits.startswith(("62", "0", "8")):
        raise PhoneError(_("Nomor telepon harus nomor Indonesia, diawali 08 atau +62."))
    # 62… is always the country code (as people write it without the +), never an area code.
    try:
        number = phonenumbers.parse("+" + digits if digits.startswith("62") else digits, "ID")
    except NumberParseException:
        raise _wrong_length() from None
    # 8 to 12 digits after +62 (our rule before the library): a short number keeps its own message.
    national = str(number.national_number)
    if not 8 <= len(national) <= 12 or phonenumbers.is_possible_number_with_reason(number) in _WRONG_LENGTH:
        raise _wrong_length()
    if not phonenumbers.is_valid_number_for_region(number, "ID"):
        raise PhoneError(_("Nomor telepon ini tidak ada di Indonesia. Periksa kembali angkanya."))
    if mobile_only and phonenumbers.number_type(number) not in _MOBILE:
        raise PhoneError(_("Nomor WhatsApp harus nomor HP, diawali 08 atau +628."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
