"""Numbers a client sends (ids, versions, page numbers), read without trusting `str.isdigit()`.

`"²".isdigit()` is true but `int("²")` fails, and a 5,000-digit number fails `int()` too; a
number past the integer column's range fails inside the database driver. All three were 500s.
"""

from __future__ import annotations

MAX_ID = 2**31 - 1  # PostgreSQL `integer`, the type of every id and version column


def as_id(text: str | None, *, largest: int = MAX_ID) -> int | None:
    """ASCII digits that fit an integer column, as an int; None for anything else."""
    if not text or len(text) > 10 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= largest else None


def as_page(text: str | None) -> int:
    """A page number from the query string: 1 unless it is a plain number below 100,000."""
    return as_id(text, largest=99_999) or 1
