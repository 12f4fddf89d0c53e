"""CSV files for staff, made to open in columns in Excel set to Indonesian (issue 16 point 14).

Excel opening a .csv by double-click splits it at the list separator of Windows' regional
settings and reads numbers with its decimal sign: in Indonesian, `;` and `,`. A comma-separated
file opens as one column there, and "79.2" is not a number (the dot groups thousands). So these
files are: UTF-8 with a byte order mark (Excel then reads "Pondok Melati" names and dashes right),
`;` between cells, CRLF line ends, whole numbers without ".0", other numbers with a decimal comma
("79,2"), dates as YYYY-MM-DD (a date in any locale), sent as an attachment. docs/operations.md
("CSV untuk petugas") says why not `sep=` and what to do in Excel set to English.

The open data of /statistik stays comma-separated with a decimal point: it is for programs and
for anyone anywhere, the files here are for the office.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

BOM = "\ufeff"
DELIMITER = ";"


def cell(value: object) -> str:
    """A value as the Indonesian spreadsheet reads it: 12.0 → "12", 79.25 → "79,3"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        rounded = round(value, 1)
        if rounded == int(rounded):
            return str(int(rounded))
        return f"{rounded:.1f}".replace(".", ",")
    return str(value)


def line(values: Sequence[object]) -> str:
    """One line of the file (its CRLF included), for a file written row by row."""
    out = io.StringIO()
    csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n").writerow([cell(v) for v in values])
    return out.getvalue()


def lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The file, line by line (stream it): the byte order mark, the header, the rows."""
    yield BOM + line(header)
    for row in rows:
        yield line(row)
