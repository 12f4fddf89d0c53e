"""Roster import on PostgreSQL: COPY into a staging table, then compare and merge set-wise.

The rows are read and checked in Python, one at a time, by the same `parse_row` as on SQLite
(so the rules, their order and the words of every rejection stay in one place); a rejected row
is reported at once with its line number, and each good row goes straight into
`COPY roster_stage FROM STDIN` (psycopg 3's `cursor.copy`), a TEMP table of the transaction.
Python then holds one row at a time: memory stays constant whatever the file's size. While
Python reads the next rows, the server stores the previous ones (two processes, two cores).

What needs the stored roster is then done by the database, a handful of statements over whole
tables instead of a round trip per 2,000 rows:

1. `roster_diff`: the last row of each NIK in the file (the later row wins, the earlier ones
   count as unchanged, as before), joined to `person` and classified: new (`n`), older than
   stored (`o`, rejected), unchanged (`s`) or changed (`c`).
2. The rows older than stored go to the reject sink, in line order, after the others.
3. `person_status_history` gets the old and new status of each changed row whose status or
   reason moves; the moves between `roster_summary` groups are counted in one GROUP BY.
4. One `INSERT ... SELECT ... ON CONFLICT (nik) DO UPDATE` writes the new and changed people,
   in NIK order (the unique index is filled left to right).

The staging tables are dropped at the end (and ON COMMIT DROP in any case). The transaction is
the caller's, as on SQLite: a refused or killed import leaves nothing behind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, cast

import psycopg
import sqlalchemy as sa

from portal.roster.services.reading import ImportResult, RejectSink
from portal.roster.services.rows import COLUMNS, Problem, RawRow, RowError, RowProblem, parse_row

PROGRESS_EVERY = 10_000
"""Rows between two calls of on_progress while the file is read."""
WORK_MEM = "256MB"
"""The import's sort and hash memory on the server (default 4 MB: the NIK sort of a large file
would go to disk); set for the import's statements only, then restored."""

_STAGE = "roster_stage"
_DIFF = "roster_diff"
_VALUES = (
    "nik",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "kelurahan_code",
    "pekerjaan",
    "desil",
    "status",
    "alasan",
    "kpj",
    "mulai",
    "selesai",
    "tanggal_data",
)
"""The columns of `person` an import writes, as in `parse_row`'s RosterRow."""
_COMPARED = _VALUES[1:]
_GROUP = ("status", "kelurahan_code", "jenis_kelamin", "mulai", "selesai", "tanggal_data")
"""portal.roster.services.summary.GROUP_COLUMNS, spelled out for the SQL below."""

_CREATE_STAGE = f"""
CREATE TEMP TABLE {_STAGE} (
    line integer NOT NULL,
    nik text NOT NULL,
    nama text NOT NULL,
    tanggal_lahir date NOT NULL,
    jenis_kelamin text NOT NULL,
    kelurahan_code text NOT NULL,
    pekerjaan text NOT NULL,
    desil smallint,
    status text NOT NULL,
    alasan text,
    kpj text,
    mulai date,
    selesai date,
    tanggal_data date NOT NULL,
    raw_nik text,
    raw_nama text
) ON COMMIT DROP
"""
"""raw_nik and raw_nama: the NIK and name as the file wrote them, only where they differ from the
cleaned values (spaces, dots, dashes), for the rejects file of a row older than stored."""

_CREATE_DIFF = f"""
CREATE TEMP TABLE {_DIFF} ON COMMIT DROP AS
SELECT s.*,
       p.id AS person_id,
       {", ".join(f"p.{c} AS old_{c}" for c in _GROUP + ("alasan",))},
       CASE WHEN p.id IS NULL THEN 'n'
            WHEN s.tanggal_data < p.tanggal_data THEN 'o'
            WHEN ({", ".join(f"s.{c}" for c in _COMPARED)})
                 IS NOT DISTINCT FROM ({", ".join(f"p.{c}" for c in _COMPARED)}) THEN 's'
            ELSE 'c' END AS kind
FROM (SELECT DISTINCT ON (nik) * FROM {_STAGE} ORDER BY nik, line DESC) AS s
LEFT JOIN person AS p ON p.nik = s.nik
"""  # noqa: S608 (constant names only)

_HISTORY = f"""
INSERT INTO person_status_history (person_id, old_status, old_alasan, new_status, new_alasan,
                                   old_tanggal_data, new_tanggal_data, import_batch_id, changed_at)
SELECT person_id, old_status, old_alasan, status, alasan, old_tanggal_data, tanggal_data, :batch_id, :now
FROM {_DIFF}
WHERE kind = 'c' AND (status, alasan) IS DISTINCT FROM (old_status, old_alasan)
ORDER BY nik
"""  # noqa: S608 (constant names only)

_MOVES = f"""
SELECT kind, {", ".join(_GROUP)}, {", ".join(f"old_{c}" for c in _GROUP)}, count(*)
FROM {_DIFF}
WHERE kind = 'n'
   OR kind = 'c' AND ({", ".join(_GROUP)}) IS DISTINCT FROM ({", ".join(f"old_{c}" for c in _GROUP)})
GROUP BY {", ".join(str(n) for n in range(1, 2 * len(_GROUP) + 2))}
"""  # noqa: S608 (constant names only)

_KINDS = f"SELECT kind, count(*) FROM {_DIFF} GROUP BY kind"  # noqa: S608 (constant names only)

_OLDER = f"""
SELECT line, {", ".join(_VALUES)}, raw_nik, raw_nama, old_tanggal_data
FROM {_DIFF} WHERE kind = 'o' ORDER BY line
"""  # noqa: S608 (constant names only)

_MERGE = f"""
INSERT INTO person ({", ".join(_VALUES)}, import_batch_id, updated_at)
SELECT {", ".join(_VALUES)}, :batch_id, :now FROM {_DIFF} WHERE kind IN ('n', 'c') ORDER BY nik
ON CONFLICT (nik) DO UPDATE SET
{", ".join(f"{c} = EXCLUDED.{c}" for c in (*_COMPARED, "import_batch_id", "updated_at"))}
"""  # noqa: S608 (constant names only)


def _copy_rows(
    copy: psycopg.Copy,
    rows: Iterator[tuple[int, RawRow]],
    *,
    today: date,
    result: ImportResult,
    report: RejectSink,
    on_progress: Callable[[int], None] | None,
) -> int:
    """Check each row; the good ones into COPY, the others to `report`. Returns rows staged.

    Runs a million times on a large file: locals only, enums written as their values."""
    write = copy.write_row
    read = rejected = warnings = staged = 0
    try:
        for line, raw in rows:
            read += 1
            if on_progress is not None and not read % PROGRESS_EVERY:
                on_progress(read)
            try:
                r = parse_row(raw, today=today)
            except RowError as error:
                rejected += 1
                report(line, "ditolak", error.problem, raw)
                continue
            if r.warning:
                warnings += 1
                report(line, "peringatan", r.warning, raw)
            nik_text, nama_text = raw["nik"], raw["nama"]
            write(
                (
                    line,
                    r.nik,
                    r.nama,
                    r.tanggal_lahir,
                    r.jenis_kelamin.value,
                    r.kelurahan_code,
                    r.pekerjaan,
                    r.desil,
                    r.status.value,
                    None if r.alasan is None else r.alasan.value,
                    r.kpj,
                    r.mulai,
                    r.selesai,
                    r.tanggal_data,
                    None if nik_text == r.nik else nik_text,
                    None if nama_text == r.nama else nama_text,
                )
            )
            staged += 1
    finally:
        result.rows_read += read
        result.rejected += rejected
        result.warnings += warnings
    if on_progress is not None and read % PROGRESS_EVERY:
        on_progress(read)
    return staged


def _raw_of(row: sa.Row[Any]) -> RawRow:
    """A staged row as the reject sink takes a file's row (the NIK and name as written)."""
    values: tuple[Any, ...] = tuple(row)[1:14]
    raw: RawRow = {
        column: "" if value is None else value.isoformat() if isinstance(value, date) else str(value)
        for column, value in zip(COLUMNS, values, strict=True)
    }
    raw["nik"] = row.raw_nik or row.nik
    raw["nama"] = row.raw_nama or row.nama
    return raw


def _report_older(conn: sa.Connection, report: RejectSink) -> int:
    """The rows older than what is stored, in line order, streamed (there may be many)."""
    n = 0
    for row in conn.execute(sa.text(_OLDER), execution_options={"yield_per": 2000}):
        n += 1
        problem = Problem(
            RowProblem.OLDER_THAN_STORED,
            {"new": row.tanggal_data.isoformat(), "old": row.old_tanggal_data.isoformat()},
        )
        report(row.line, "ditolak", problem, _raw_of(row))
    return n


def _moves(conn: sa.Connection, moves: Counter[tuple[Any, ...]]) -> None:
    width = len(_GROUP)
    for row in conn.execute(sa.text(_MOVES)):
        kind, new, old, n = row[0], tuple(row[1 : 1 + width]), tuple(row[1 + width : 1 + 2 * width]), row[-1]
        moves[new] += n
        if kind == "c":
            moves[old] -= n


def import_postgresql(
    conn: sa.Connection,
    *,
    batch_id: int,
    rows: Iterator[tuple[int, RawRow]],
    today: date,
    now: datetime,
    result: ImportResult,
    report: RejectSink,
    moves: Counter[tuple[Any, ...]],
    on_progress: Callable[[int], None] | None = None,
) -> None:
    """Stage, compare and merge the rows of one file; counts into `result`, group moves into
    `moves`. The caller holds the import lock and owns the transaction."""
    driver = cast(psycopg.Connection, conn.connection.driver_connection)
    # The lock the merge will take, taken now: a conflicting one (CREATE INDEX, a TRUNCATE)
    # makes the import wait before it reads the file rather than after; readers are not blocked.
    conn.exec_driver_sql("LOCK TABLE person IN ROW EXCLUSIVE MODE")
    work_mem: str = conn.exec_driver_sql("SHOW work_mem").scalar_one()
    conn.exec_driver_sql(f"SET LOCAL work_mem = '{WORK_MEM}'")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS pg_temp.{_DIFF}, pg_temp.{_STAGE}")
    conn.exec_driver_sql(_CREATE_STAGE)
    with driver.cursor() as cursor, cursor.copy(f"COPY {_STAGE} FROM STDIN") as copy:
        staged = _copy_rows(copy, rows, today=today, result=result, report=report, on_progress=on_progress)
    if staged:
        conn.exec_driver_sql(f"ANALYZE {_STAGE}")
        conn.exec_driver_sql(_CREATE_DIFF)
        counts: dict[str, int] = dict(conn.exec_driver_sql(_KINDS).all())
        distinct = sum(counts.values())
        result.inserted += counts.get("n", 0)
        result.updated += counts.get("c", 0)
        result.unchanged += counts.get("s", 0) + staged - distinct  # the earlier rows of a NIK
        if counts.get("o"):
            result.rejected += _report_older(conn, report)
        if counts.get("c"):
            history = conn.execute(sa.text(_HISTORY), {"batch_id": batch_id, "now": now})
            result.status_changes += history.rowcount
        _moves(conn, moves)
        if counts.get("n") or counts.get("c"):
            conn.execute(sa.text(_MERGE), {"batch_id": batch_id, "now": now})
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS pg_temp.{_DIFF}, pg_temp.{_STAGE}")
    conn.execute(sa.select(sa.func.set_config("work_mem", work_mem, True)))
