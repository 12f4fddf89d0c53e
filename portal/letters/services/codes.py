"""Letter verification codes: 16 characters of Crockford base32, printed as XXXX-XXXX-XXXX-XXXX
under the QR code and typed back by people reading them off paper.

Fifteen characters are random (75 bits); the last is a check character, so a typo is told apart
from a code that no letter has (/verifikasi). Codes issued before the check character (16 random
characters) are still found: a code is looked up first, and only one that is not found is checked.
"""

from __future__ import annotations

import secrets

# Crockford base32: no I, L, O, U, so a code read aloud or typed from paper survives.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 15 random characters (75 bits) and a check character
_CODE_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})


# The last character of a code is a check character: a Damm-style check over GF(32) (x^5 + x^2 + 1),
# the field of the 32 symbols. Every single wrong character and every swap of two neighbours
# (or of two characters one apart) changes it, so a mistyped code is told apart from a code no
# letter ever had. Codes issued before it (16 random characters) still verify: a code is looked up
# first, and only a code that is not found is checked.
_GF32_MODULUS = 0b100101


def _times_x(value: int) -> int:
    value <<= 1
    return value ^ _GF32_MODULUS if value & 0b100000 else value


def _check_value(symbols: str) -> int:
    interim = 0
    for symbol in symbols:
        interim = _times_x(interim) ^ CODE_ALPHABET.index(symbol)
    return interim


def check_character(body: str) -> str:
    """The character that completes `body` (15 symbols) into a code whose check comes out 0."""
    return CODE_ALPHABET[_times_x(_check_value(body))]


def new_code() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH - 1))  # 75 random bits
    return body + check_character(body)


def code_is_well_formed(code: str) -> bool:
    """A normalised code whose check character fits: typed as printed (or a code from before the
    check character that happens to fit, 1 in 32). False: almost surely mistyped."""
    return _check_value(code) == 0


def normalize_code(raw: str | None) -> str | None:
    """The stored code from what someone typed: any case, spaces and dashes, O for 0, I/L for 1."""
    text = "".join((raw or "").split()).replace("-", "").upper().translate(_CODE_TYPOS)
    if len(text) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in text):
        return None
    return text


def display_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
