"""Duplicate NIKs within one roster file: the first row that passes the row checks is imported,
every later row of that NIK is rejected naming the first one's line (docs/roster.md)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from portal.roster.services.reading import ImportResult, RejectSink
from portal.roster.services.rows import Problem, RawRow, RosterRow, RowProblem

Parsed = dict[str, tuple[RosterRow, int, RawRow]]
"""A chunk's good rows by NIK: (row, line, the raw row for the rejects file)."""


class SeenNiks:
    """The NIKs of the file imported so far (rows that passed the row checks), with their line:
    a TEMP table, so memory stays constant whatever the file's size."""

    TABLE = "roster_seen"

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn
        self._find = sa.text(f"SELECT nik, line FROM {self.TABLE} WHERE nik IN :niks").bindparams(  # noqa: S608
            sa.bindparam("niks", expanding=True)
        )
        self._add = sa.text(f"INSERT INTO {self.TABLE} (nik, line) VALUES (:nik, :line)")  # noqa: S608

    def drop_earlier(self, parsed: Parsed, result: ImportResult, report: RejectSink) -> None:
        """Reject the rows of a chunk whose NIK an earlier chunk already had (that row is the
        one imported), then remember the others."""
        for found in self._conn.execute(self._find, {"niks": list(parsed)}):
            first_line = int(found.line)
            _row, line, raw = parsed.pop(str(found.nik))
            result.rejected += 1
            report(line, "ditolak", Problem(RowProblem.DUPLICATE_NIK, {"line": first_line}), raw)
        if parsed:
            self._conn.execute(self._add, [{"nik": nik, "line": line} for nik, (_row, line, _raw) in parsed.items()])


@contextmanager
def seen_niks(conn: sa.Connection) -> Iterator[SeenNiks]:
    """The TEMP table for the import; an import that fails leaves it to the caller's rollback
    (SQLite's DDL is transactional) and the next import drops any leftover first."""
    table = SeenNiks.TABLE
    rowid = " WITHOUT ROWID" if conn.dialect.name == "sqlite" else ""
    conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
    conn.execute(sa.text(f"CREATE TEMP TABLE {table} (nik VARCHAR(16) PRIMARY KEY, line INTEGER NOT NULL){rowid}"))
    yield SeenNiks(conn)
    conn.execute(sa.text(f"DROP TABLE {table}"))
