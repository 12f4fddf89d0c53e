"""Roster import on PostgreSQL: COPY into a staging table, then compare and merge set-wise.

The rows are read and checked in Python by the same `parse_row` as on SQLite (the rules, their
order and the words of every rejection stay in one place); a rejected row or a warning is
reported at once with its line number. The good rows of a segment (50,000 rows) are written in
COPY's text format and sent with one `COPY roster_stage FROM STDIN` (psycopg 3's
`cursor.copy`) into a TEMP table of the transaction. The database then compares and merges the
segment set-wise, in a handful of statements:

1. `roster_diff`: the last row of each NIK in the segment (the later row wins, the earlier ones
   count as unchanged), joined to `person` by NIK (an index lookup per row: a hash join would
   read all of `person` for every segment) and classified: new (`n`), older than stored (`o`,
   rejected), unchanged (`s`, counted, not kept) or changed (`c`);
2. the rows older than stored are fetched for the reject sink;
3. `person_status_history` gets the old and new status of every changed row whose status or
   reason moves; the moves between `roster_summary` groups are counted in one GROUP BY;
4. one plain `INSERT ... SELECT ... ORDER BY nik` writes the new people and one
   `INSERT ... SELECT ... ON CONFLICT (nik) DO UPDATE` the changed ones (an upsert for the new
   ones too cost about a tenth more server CPU on a million new rows: speculative insertion).

While the server merges one segment (a worker thread waits for it, holding no GIL), Python
reads and checks the next one: the two processes use the machine's two cores at once. Python
holds one segment of COPY text at a time (about 7 MB), so memory stays constant whatever the
file's size. A NIK that comes back in a later segment meets the row the earlier segment wrote,
as it met the earlier chunk's row on SQLite: the later row wins unless it is older.

The staging tables are dropped at the end (and ON COMMIT DROP in any case). The transaction is
the caller's, as on SQLite: a refused or killed import leaves nothing behind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import Any, cast

import psycopg
import sqlalchemy as sa

from portal.roster.services.reading import ImportResult, RejectSink
from portal.roster.services.rows import COLUMNS, PERSON_COLUMNS, Problem, RawRow, RowError, RowProblem, parse_row

SEGMENT_ROWS = 50_000
"""Rows read and checked in Python while the server merges the previous segment."""
WORK_MEM = "64MB"
"""The import's sort and hash memory on the server (default 4 MB: a segment's NIK sort would go
to disk); set for the import's statements only, then restored."""

_STAGE = "roster_stage"
_DIFF = "roster_diff"
_VALUES = PERSON_COLUMNS
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

_DIFF_ROWS = f"""
SELECT s.*,
       p.id AS person_id,
       {", ".join(f"p.{c} AS old_{c}" for c in _GROUP + ("alasan",))},
       CASE WHEN p.id IS NULL THEN 'n'
            WHEN s.tanggal_data < p.tanggal_data THEN 'o'
            WHEN ({", ".join(f"s.{c}" for c in _COMPARED)})
                 IS NOT DISTINCT FROM ({", ".join(f"p.{c}" for c in _COMPARED)}) THEN 's'
            ELSE 'c' END AS kind
FROM (SELECT DISTINCT ON (nik) * FROM {_STAGE} ORDER BY nik, line DESC) AS s
LEFT JOIN LATERAL (SELECT * FROM person AS p WHERE p.nik = s.nik OFFSET 0) AS p ON true
"""  # noqa: S608 (constant names only)

_SEEN = "roster_seen"
_CREATE_SEEN = f"CREATE TEMP TABLE {_SEEN} (nik text PRIMARY KEY, line integer NOT NULL) ON COMMIT DROP"
"""The NIKs of the file staged so far, with their line: a NIK's first good row is the one
imported; the later ones are rejected as duplicates (docs/roster.md)."""

_DUPLICATES = f"""
WITH firsts AS (SELECT DISTINCT ON (nik) nik, line FROM {_STAGE} ORDER BY nik, line),
     dup AS (
         SELECT s.line, COALESCE(seen.line, f.line) AS first_line
         FROM {_STAGE} AS s
         JOIN firsts AS f ON f.nik = s.nik
         LEFT JOIN LATERAL (SELECT line FROM {_SEEN} AS e WHERE e.nik = s.nik OFFSET 0) AS seen ON true
         WHERE seen.line IS NOT NULL OR s.line <> f.line
     )
DELETE FROM {_STAGE} AS s USING dup WHERE s.line = dup.line
RETURNING s.line, {", ".join(f"s.{c}" for c in _VALUES)}, s.raw_nik, s.raw_nama, dup.first_line
"""  # noqa: S608 (constant names only)
"""Take out of the stage the rows whose NIK came earlier in the file (in this segment or one
before), returned with the line of that earlier row."""
_REMEMBER = f"INSERT INTO {_SEEN} (nik, line) SELECT nik, line FROM {_STAGE}"  # noqa: S608

_HISTORY = f"""
INSERT INTO person_status_history (person_id, old_status, old_alasan, new_status, new_alasan,
                                   old_tanggal_data, new_tanggal_data, import_batch_id, changed_at)
SELECT person_id, old_status, old_alasan, status, alasan, old_tanggal_data, tanggal_data, %(batch_id)s, %(now)s
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

_OLDER = f"""
SELECT line, {", ".join(_VALUES)}, raw_nik, raw_nama, old_tanggal_data
FROM {_DIFF} WHERE kind = 'o' ORDER BY line
"""  # noqa: S608 (constant names only)

_MERGE = f"""
INSERT INTO person ({", ".join(_VALUES)}, import_batch_id, updated_at)
SELECT {", ".join(_VALUES)}, %(batch_id)s, %(now)s FROM {_DIFF} WHERE kind = 'c' ORDER BY nik
ON CONFLICT (nik) DO UPDATE SET
{", ".join(f"{c} = EXCLUDED.{c}" for c in (*_COMPARED, "import_batch_id", "updated_at"))}
"""  # noqa: S608 (constant names only)


_CREATE_DIFF = f"CREATE TEMP TABLE {_DIFF} ON COMMIT DROP AS {_DIFF_ROWS} WITH NO DATA"
_FILL_DIFF = f"""
WITH classified AS MATERIALIZED ({_DIFF_ROWS}),
     kept AS (INSERT INTO {_DIFF} SELECT * FROM classified WHERE kind <> 's')
SELECT kind, count(*) FROM classified GROUP BY kind
"""  # noqa: S608 (constant names only)
"""The segment's rows classified; only those that write or reject something are kept."""
_INSERT_NEW = f"""
INSERT INTO person ({", ".join(_VALUES)}, import_batch_id, updated_at)
SELECT {", ".join(_VALUES)}, %(batch_id)s, %(now)s FROM {_DIFF} WHERE kind = 'n' ORDER BY nik
"""  # noqa: S608 (constant names only)
_NEXT_SEGMENT = f"TRUNCATE {_STAGE}, {_DIFF}"
_DROP = f"DROP TABLE IF EXISTS pg_temp.{_DIFF}, pg_temp.{_STAGE}, pg_temp.{_SEEN}"
_N = "\\N"


def _text(value: str) -> str:
    """A value in COPY's text format (backslash, tab and line ends escaped)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


@dataclass(slots=True)
class _Staged:
    data: bytes  # the segment's good rows, in COPY's text format
    rows: int  # how many
    read: int  # rows of the file in the segment


def _stage(rows: Iterable[tuple[int, RawRow]], *, today: date, result: ImportResult, report: RejectSink) -> _Staged:
    """Check a segment's rows: rejected ones and warnings to `report`, good ones as COPY lines.

    Runs a million times on a large file: locals only, dates as ISO text, enums as values."""
    lines: list[str] = []
    append = lines.append
    read = 0
    for line, raw in rows:
        read += 1
        try:
            r = parse_row(raw, today=today)
        except RowError as error:
            result.rejected += 1
            report(line, "ditolak", error.problem, raw)
            continue
        if r.warning:
            result.warnings += 1
            report(line, "peringatan", r.warning, raw)
        nik_text, nama_text = raw["nik"], raw["nama"]
        append(
            "\t".join(
                (
                    str(line),
                    r.nik,
                    _text(r.nama),
                    r.tanggal_lahir.isoformat(),
                    r.jenis_kelamin.value,
                    r.kelurahan_code,
                    _text(r.pekerjaan),
                    _N if r.desil is None else str(r.desil),
                    r.status.value,
                    _N if r.alasan is None else r.alasan.value,
                    r.kpj or _N,
                    _N if r.mulai is None else r.mulai.isoformat(),
                    _N if r.selesai is None else r.selesai.isoformat(),
                    r.tanggal_data.isoformat(),
                    _N if nik_text == r.nik else _text(nik_text),
                    _N if nama_text == r.nama else _text(nama_text),
                )
            )
        )
    staged = len(lines)
    append("")
    return _Staged(data="\n".join(lines).encode() if staged else b"", rows=staged, read=read)


@dataclass(slots=True)
class _Merged:
    counts: dict[str, int]  # rows per kind: n(ew), o(lder than stored), s(ame), c(hanged)
    status_changes: int
    moves: list[tuple[Any, ...]]  # kind, new group, old group, people
    older: list[tuple[Any, ...]]  # line, the row's values, raw_nik, raw_nama, old_tanggal_data
    duplicates: list[tuple[Any, ...]]  # line, the row's values, raw_nik, raw_nama, the NIK's first line


def _merge(driver: psycopg.Connection, *, batch_id: int, now: datetime) -> _Merged:
    """Compare and merge the staged segment (runs in the worker thread), then empty the stage."""
    params = {"batch_id": batch_id, "now": now}
    with driver.cursor() as cursor:
        duplicates = sorted(cursor.execute(_DUPLICATES).fetchall())
        cursor.execute(_REMEMBER)
        counts: dict[str, int] = dict(cursor.execute(_FILL_DIFF).fetchall())
        older = cursor.execute(_OLDER).fetchall() if counts.get("o") else []
        status_changes = cursor.execute(_HISTORY, params).rowcount if counts.get("c") else 0
        moves = cursor.execute(_MOVES).fetchall() if counts.get("n") or counts.get("c") else []
        if counts.get("n"):
            cursor.execute(_INSERT_NEW, params)
        if counts.get("c"):
            cursor.execute(_MERGE, params)
        cursor.execute(_NEXT_SEGMENT)
    return _Merged(counts=counts, status_changes=status_changes, moves=moves, older=older, duplicates=duplicates)


def _raw_of(row: tuple[Any, ...]) -> RawRow:
    """A staged row as the reject sink takes a file's row (the NIK and name as written)."""
    raw: RawRow = {
        column: "" if value is None else value.isoformat() if isinstance(value, date) else str(value)
        for column, value in zip(COLUMNS, row[1:14], strict=True)
    }
    raw["nik"] = row[14] or row[1]
    raw["nama"] = row[15] or row[2]
    return raw


def _take(merged: _Merged, result: ImportResult, report: RejectSink, moves: Counter[tuple[Any, ...]]) -> None:
    """A merged segment's counts, rejects and group moves, in the main thread."""
    counts = merged.counts
    result.inserted += counts.get("n", 0)
    result.updated += counts.get("c", 0)
    result.unchanged += counts.get("s", 0)
    result.rejected += len(merged.older) + len(merged.duplicates)
    result.status_changes += merged.status_changes
    for row in merged.duplicates:
        report(row[0], "ditolak", Problem(RowProblem.DUPLICATE_NIK, {"line": row[16]}), _raw_of(row))
    for row in merged.older:
        problem = Problem(RowProblem.OLDER_THAN_STORED, {"new": row[13].isoformat(), "old": row[16].isoformat()})
        report(row[0], "ditolak", problem, _raw_of(row))
    width = len(_GROUP)
    for row in merged.moves:
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
    segment_rows: int = SEGMENT_ROWS,
) -> None:
    """Stage, compare and merge the rows of one file, segment by segment; counts into `result`,
    group moves into `moves`. The caller holds the import lock and owns the transaction."""
    driver = cast(psycopg.Connection, conn.connection.driver_connection)
    with driver.cursor() as cursor:
        # The lock the merge will take, taken now: a conflicting one (CREATE INDEX, TRUNCATE)
        # makes the import wait before it reads the file rather than after; readers go on.
        cursor.execute("LOCK TABLE person IN ROW EXCLUSIVE MODE")
        settings = cursor.execute("SELECT current_setting('work_mem'), current_setting('jit')").fetchone()
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        cursor.execute("SET LOCAL jit = off")  # compiling each segment's statements costs more than it saves
        cursor.execute(_DROP)
        cursor.execute(_CREATE_STAGE)
        cursor.execute(_CREATE_DIFF)
        cursor.execute(_CREATE_SEEN)
    pending: Future[_Merged] | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="roster-merge") as worker:
        try:
            while (staged := _stage(islice(rows, segment_rows), today=today, result=result, report=report)).read:
                result.rows_read += staged.read
                if on_progress is not None:
                    on_progress(result.rows_read)
                if pending is not None:
                    _take(pending.result(), result, report, moves)
                    pending = None
                if staged.rows:
                    with driver.cursor() as cursor, cursor.copy(f"COPY {_STAGE} FROM STDIN") as copy:
                        copy.write(staged.data)
                    pending = worker.submit(_merge, driver, batch_id=batch_id, now=now)
            if pending is not None:
                _take(pending.result(), result, report, moves)
                pending = None
        finally:
            if pending is not None:  # an error in the main thread: let the merge end first
                wait([pending])
    with driver.cursor() as cursor:
        cursor.execute(_DROP)
        cursor.execute("SELECT set_config('work_mem', %s, true), set_config('jit', %s, true)", settings)
