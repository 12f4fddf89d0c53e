"""Reading a roster file, shared by both import paths (portal.roster.services.importing for
SQLite, portal.roster.services.bulk for PostgreSQL): the CSV rows with their line numbers, the
file's SHA-256 and byte count, what a whole file can be refused for, and the import's counts."""

from __future__ import annotations

import csv
import enum
import hashlib
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from portal.core.errors import RosterFileError
from portal.roster.services.rows import COLUMNS, Problem, RawRow

RejectSink = Callable[[int, str, Problem, RawRow], None]
"""Called as sink(line_number, kind, problem, original_row); kind is 'ditolak' or 'peringatan'."""


DELIMITERS = ",;"
"""Between cells: a comma (Disnaker's export, a spreadsheet in English) or a semicolon (a
spreadsheet set to Indonesian saves "CSV" with `;`, as the officers' own CSV files are)."""


def delimiter_of(header_line: str) -> str:
    """The header line's separator, `,` or `;`, as csv.Sniffer reads it (a comma when it
    cannot tell: a one-column line, an empty one)."""
    try:
        return csv.Sniffer().sniff(header_line, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def check_columns(header: list[str]) -> None:
    """Raise RosterFileError when a column of COLUMNS is missing from the (lower-cased) header,
    or when there is no header at all (an empty file)."""
    if not any(header):
        raise RosterFileError(FileProblem.EMPTY)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RosterFileError(FileProblem.MISSING_COLUMNS, cols=", ".join(missing), all=",".join(COLUMNS))


class FileProblem(enum.StrEnum):
    """Why a whole file cannot be imported (RosterFileError's code; roster.labels words it)."""

    NOT_UTF8 = "not_utf8"
    EMPTY = "empty"  # nothing but blank space: no header row
    NO_ROWS = "no_rows"  # the header row and no row under it
    HEADER_UNREADABLE = "header_unreadable"  # e
    MISSING_COLUMNS = "missing_columns"  # cols, all
    NOT_UTF8_AT = "not_utf8_at"  # line
    LINE_UNREADABLE = "line_unreadable"  # line, e


@dataclass(slots=True)
class ImportResult:
    batch_id: int
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    warnings: int = 0
    status_changes: int = 0
    letters_revoked: int = 0


class HashingReader(io.RawIOBase):
    """Reads through to the file while hashing it and counting bytes for the progress bar."""

    def __init__(self, raw: BinaryIO, on_bytes: Callable[[int], None] | None) -> None:
        self._raw = raw
        self._on_bytes = on_bytes
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.sha256.update(data)
        if self._on_bytes and n:
            self._on_bytes(n)
        return n


def text_of(hashing: HashingReader) -> io.TextIOWrapper:
    """The file as text: UTF-8 (a BOM is skipped), line ends left to the csv module."""
    return io.TextIOWrapper(io.BufferedReader(hashing, 1 << 16), encoding="utf-8-sig", newline="")


def csv_rows(text: io.TextIOBase) -> Iterator[tuple[int, RawRow]]:
    """Each row with the line it ends on, as csv.DictReader makes them; RosterFileError when the
    file as a whole cannot be read (header, columns, encoding, quoting). Cells are split by the
    header line's separator (delimiter_of), the same for every line of the file."""
    try:
        first = text.readline()
        reader = csv.DictReader(itertools.chain((first,), text), strict=False, delimiter=delimiter_of(first))
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    except UnicodeDecodeError:
        raise RosterFileError(FileProblem.NOT_UTF8) from None
    except csv.Error as error:
        raise RosterFileError(FileProblem.HEADER_UNREADABLE, e=str(error)) from None
    check_columns(header)
    # The rows as csv.DictReader makes them (blank lines skipped, missing fields None, extra
    # fields in a list under the key None), built here because DictReader.__next__ in Python
    # is a tenth of a million-row import.
    fields = reader.reader  # the csv.reader under DictReader, past the header
    width = len(header)
    empty: RawRow = dict.fromkeys(header)  # copied per row: already sized, unlike dict(zip(...))
    any_row = False
    try:
        for values in fields:
            if not values:
                continue
            row = empty.copy()
            row.update(zip(header, values))  # noqa: B905 (lengths differ on bad rows)
            if len(values) != width:
                if len(values) > width:
                    row[None] = values[width:]
                else:
                    for key in header[len(values) :]:
                        row[key] = None
            any_row = True
            yield fields.line_num, row
    except UnicodeDecodeError:
        raise RosterFileError(FileProblem.NOT_UTF8_AT, line=fields.line_num + 1) from None
    except csv.Error as error:
        raise RosterFileError(FileProblem.LINE_UNREADABLE, line=fields.line_num, e=str(error)) from None
    if not any_row:
        raise RosterFileError(FileProblem.NO_ROWS)
