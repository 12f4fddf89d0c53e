"""Roster import: stream a Disnaker CSV, upsert by NIK, keep history, reject bad rows.

One transaction for the whole file, so a broken file or a killed import writes nothing. On
PostgreSQL the rows are checked in Python while they stream through COPY into a staging table,
and compared and merged set-wise there (portal.roster.services.bulk). On SQLite (and any other
database) rows are read and written in chunks with executemany; memory stays constant either
way. A million rows go through these loops, so they avoid per-row overhead (see
bench/roster_import.py and docs/roster.md).

The same transaction keeps the per-group counts of the public statistics (roster_summary): each
new person joins a group, each changed one may move from one group to another; the moves are
tallied per group and written once at the end (portal.roster.services.summary). On PostgreSQL
imports take an advisory lock, so they run one at a time (SQLite's write lock does the same).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from itertools import islice
from operator import attrgetter
from typing import Any, BinaryIO, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core.base import utcnow
from portal.core.signals import roster_statuses_changed
from portal.core.sql import table_of
from portal.roster.models.person import Person, PersonStatusHistory, RosterImportBatch
from portal.roster.services import summary as roster_summary
from portal.roster.services.reading import FileProblem, HashingReader, ImportResult, RejectSink, csv_rows, text_of
from portal.roster.services.rows import (
    COMPARED_COLUMNS,
    PERSON_COLUMNS,
    Problem,
    RawRow,
    RosterRow,
    RowError,
    RowProblem,
    parse_row,
)
from portal.roster.services.seen_niks import Parsed, seen_niks

__all__ = ["CHUNK_SIZE", "FileProblem", "ImportResult", "RejectSink", "import_roster"]

CHUNK_SIZE = 2000
IMPORT_LOCK = 0x52535452  # "RSTR": PostgreSQL advisory lock held by the running import
SQLITE_IMPORT_CACHE_KIB = 64 * 1024
_COMPARED = COMPARED_COLUMNS
COLUMNS_DB = PERSON_COLUMNS

T = TypeVar("T")
person_t = table_of(Person)
history_t = table_of(PersonStatusHistory)


def _chunks(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


_compared_of = attrgetter(*_COMPARED)
_STORED = sa.select(person_t.c.id, person_t.c.nik, *(person_t.c[c] for c in _COMPARED)).where(
    person_t.c.nik.in_(sa.bindparam("niks", expanding=True))
)
"""What is stored for the NIKs of one chunk, in _COMPARED order after id and nik."""


class _PersonInserts:
    """INSERTs of new people, one executemany per chunk.

    On SQLite, SQLAlchemy's per-row bind processing (four dates, three enums, a timestamp)
    costs as much as SQLite's own work on a million-row import, so the sqlite3 driver gets
    ready values: dates as ISO text, which is how SQLAlchemy stores a Date on SQLite, and
    the constant columns processed once. Other databases go through Core as usual.
    """

    def __init__(self, conn: sa.Connection, batch_id: int) -> None:
        self._conn = conn
        self._batch_id = batch_id
        self._driver_sql = self._sqlite_statement(conn.dialect)

    @staticmethod
    def _sqlite_statement(dialect: sa.Dialect) -> str | None:
        """The INSERT for the sqlite3 driver, or None where values must go through Core."""
        if dialect.name != "sqlite":
            return None
        stored_date = person_t.c.tanggal_data.type.dialect_impl(dialect).bind_processor(dialect)
        if stored_date is None or stored_date(date(2001, 2, 3)) != "2001-02-03":
            return None  # not the ISO text the rows below hand the driver
        columns = [*COLUMNS_DB, "import_batch_id", "updated_at"]
        compiled = person_t.insert().compile(dialect=dialect, column_keys=columns)
        if not compiled.positional or compiled.positiontup is None or list(compiled.positiontup) != columns:
            return None
        return str(compiled)

    def execute(self, rows: list[RosterRow], now: datetime) -> None:
        if not rows:
            return
        batch_id = self._batch_id
        if self._driver_sql is None:
            self._conn.execute(
                person_t.insert(),
                [
                    {**{c: getattr(row, c) for c in COLUMNS_DB}, "import_batch_id": batch_id, "updated_at": now}
                    for row in rows
                ],
            )
            return
        dialect = self._conn.dialect
        process = person_t.c.updated_at.type.dialect_impl(dialect).bind_processor(dialect)
        updated_at = process(now) if process is not None else now
        self._conn.exec_driver_sql(
            self._driver_sql,
            [
                (
                    r.nik,
                    r.nama,
                    r.tanggal_lahir.isoformat(),
                    r.jenis_kelamin.value,
                    r.kelurahan_code,
                    r.pekerjaan,
                    r.desil,
                    r.status.value,
                    r.alasan.value if r.alasan is not None else None,
                    r.kpj,
                    r.mulai.isoformat() if r.mulai is not None else None,
                    r.selesai.isoformat() if r.selesai is not None else None,
                    r.tanggal_data.isoformat(),
                    batch_id,
                    updated_at,
                )
                for r in rows
            ],
        )


@contextmanager
def _sqlite_bulk_settings(conn: sa.Connection) -> Iterator[None]:
    """SQLite, while importing: a 64 MB page cache and no re-checking of enum CHECKs.

    Each new NIK goes to a random place in the unique NIK index; with the default 2 MB cache,
    once that index outgrows it, SQLite spills dirty pages to the WAL and reads them back,
    which makes a million inserts a third slower or worse. And SQLite evaluates each
    `CHECK (status IN (...))` by building a small table of the allowed values for every row:
    a sixth of the import. The rows written here take jenis_kelamin, status and alasan from
    the enums themselves (RosterRow holds Sex, PersonStatus, StatusReason), so those checks
    cannot fail. The connection gets its usual settings back afterwards.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    previous_cache = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    previous_checks = int(conn.exec_driver_sql("PRAGMA ignore_check_constraints").scalar_one())
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_IMPORT_CACHE_KIB:d}")
    conn.exec_driver_sql("PRAGMA ignore_check_constraints=ON")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA ignore_check_constraints={previous_checks:d}")
        conn.exec_driver_sql(f"PRAGMA cache_size={previous_cache:d}")


def _apply_chunk(
    conn: sa.Connection,
    batch_id: int,
    parsed: Parsed,
    result: ImportResult,
    report: RejectSink,
    inserter: _PersonInserts,
    moves: Counter[tuple[Any, ...]],
) -> None:
    now = utcnow()
    existing = {r.nik: r for r in conn.execute(_STORED, {"niks": list(parsed)}).all()}
    inserts, updates, history = [], [], []
    for nik, (row, line, raw) in parsed.items():
        old = existing.get(nik)
        if old is None:
            inserts.append(row)
            continue
        if row.tanggal_data < old.tanggal_data:
            result.rejected += 1
            report(
                line,
                "ditolak",
                Problem(
                    RowProblem.OLDER_THAN_STORED,
                    {"new": row.tanggal_data.isoformat(), "old": old.tanggal_data.isoformat()},
                ),
                raw,
            )
            continue
        if _compared_of(row) == tuple(old)[2:]:
            result.unchanged += 1
            continue
        updates.append(
            {
                **{f"v_{c}": getattr(row, c) for c in COLUMNS_DB},
                "b_id": old.id,
                "v_import_batch_id": batch_id,
                "v_updated_at": now,
            }
        )
        before, after = roster_summary.group_of(old), roster_summary.group_of(row)
        if before != after:
            moves[before] -= 1
            moves[after] += 1
        if old.status != row.status or old.alasan != row.alasan:
            history.append(
                {
                    "person_id": old.id,
                    "old_status": old.status,
                    "old_alasan": old.alasan,
                    "new_status": row.status,
                    "new_alasan": row.alasan,
                    "old_tanggal_data": old.tanggal_data,
                    "new_tanggal_data": row.tanggal_data,
                    "import_batch_id": batch_id,
                    "changed_at": now,
                }
            )
    inserter.execute(inserts, now)
    moves.update(map(roster_summary.group_of, inserts))
    if updates:
        columns = [*COLUMNS_DB, "import_batch_id", "updated_at"]
        conn.execute(
            person_t.update()
            .where(person_t.c.id == sa.bindparam("b_id"))
            .values({c: sa.bindparam(f"v_{c}") for c in columns}),
            updates,
        )
    if history:
        conn.execute(history_t.insert(), history)
    result.inserted += len(inserts)
    result.updated += len(updates)
    result.status_changes += len(history)


def _import_in_chunks(
    conn: sa.Connection,
    *,
    batch_id: int,
    rows: Iterator[tuple[int, RawRow]],
    today: date,
    result: ImportResult,
    report: RejectSink,
    moves: Counter[tuple[Any, ...]],
    on_progress: Callable[[int], None] | None,
    chunk_size: int,
) -> None:
    """SQLite (and any database without COPY): look up, compare and write chunk by chunk."""
    inserter = _PersonInserts(conn, batch_id)
    with _sqlite_bulk_settings(conn), seen_niks(conn) as seen:
        for chunk in _chunks(rows, chunk_size):
            parsed: Parsed = {}
            result.rows_read += len(chunk)
            for line, raw in chunk:
                try:
                    row = parse_row(raw, today=today)
                except RowError as error:
                    result.rejected += 1
                    report(line, "ditolak", error.problem, raw)
                    continue
                if row.warning:
                    result.warnings += 1
                    report(line, "peringatan", row.warning, raw)
                if row.nik in parsed:  # the first row of a NIK is the one imported (docs/roster.md)
                    result.rejected += 1
                    report(line, "ditolak", Problem(RowProblem.DUPLICATE_NIK, {"line": parsed[row.nik][1]}), raw)
                    continue
                parsed[row.nik] = (row, line, raw)
            if parsed:
                seen.drop_earlier(parsed, result, report)
            if parsed:
                _apply_chunk(conn, batch_id, parsed, result, report, inserter, moves)
            if on_progress is not None:
                on_progress(result.rows_read)


def import_roster(
    *,
    session: Session,
    stream: BinaryIO,
    filename: str,
    imported_by: str,
    on_reject: RejectSink | None = None,
    on_bytes: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    today: date | None = None,
    chunk_size: int | None = None,
) -> ImportResult:
    """Import a roster CSV (DESIGN §5, docs/roster.md). Flushes; the caller commits the one
    transaction (or rolls it back: then nothing of the import remains).

    - `stream`: the file, opened in binary mode (`open(path, "rb")`, an upload's stream); read
      once, front to back. `filename` is only recorded in the batch, with `imported_by`.
    - `on_reject(line, kind, problem, raw_row)`: each rejected row ("ditolak") and each warning
      ("peringatan"), with its line number in the file; roster.labels.row_problem words the
      problem. Rows refused by their own content come as they are read; on PostgreSQL, the rows
      older than what is stored come after them, in line order.
    - `on_bytes(n)`: n more bytes read (a progress bar over the file's size).
    - `on_progress(rows_done)`: rows read so far, every chunk (SQLite) or every 10,000 rows
      (PostgreSQL, whose merge then takes a few more seconds at the end).
    - `today`: the date "not in the future" is checked against (default: the date today).
    - `chunk_size`: rows looked up and written together (SQLite, default 2,000), or rows per
      COPY segment (PostgreSQL, default 50,000).

    Raises RosterFileError when the file as a whole cannot be read (then nothing is written,
    as long as the caller rolls back). Takes the import lock (PostgreSQL: an advisory lock for
    the rest of the transaction), so a background task can call it like the CLI does.
    """
    today = today or date.today()
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql:  # one import at a time: see roster_summary
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(IMPORT_LOCK)))
    batch = RosterImportBatch(filename=filename[:255], file_sha256="", imported_by=imported_by[:255])
    session.add(batch)
    session.flush()
    result = ImportResult(batch_id=batch.id)
    conn = session.connection()

    hashing = HashingReader(stream, on_bytes)
    rows = csv_rows(text_of(hashing))
    report = on_reject or (lambda *_args: None)
    moves = roster_summary.changes()
    if postgresql:
        # Imported here: psycopg adds about 20 MB to an SQLite import's process for nothing.
        from portal.roster.services.bulk import SEGMENT_ROWS, import_postgresql

        import_postgresql(
            conn,
            batch_id=batch.id,
            rows=rows,
            today=today,
            now=utcnow(),
            result=result,
            report=report,
            moves=moves,
            on_progress=on_progress,
            segment_rows=chunk_size or SEGMENT_ROWS,
        )
    else:
        _import_in_chunks(
            conn,
            batch_id=batch.id,
            rows=rows,
            today=today,
            result=result,
            report=report,
            moves=moves,
            on_progress=on_progress,
            chunk_size=chunk_size or CHUNK_SIZE,
        )
    roster_summary.apply_changes(session=session, moves=moves)

    if result.status_changes:
        # A participant who is no longer active must not keep a valid letter of participation:
        # portal.letters revokes them (core.signals), in this transaction.
        replies = roster_statuses_changed.send("roster-import", session=session)
        result.letters_revoked = sum(changed for _receiver, changed in replies if isinstance(changed, int))
    batch.file_sha256 = hashing.sha256.hexdigest()
    batch.finished_at = utcnow()
    for field in ("rows_read", "inserted", "updated", "unchanged", "rejected"):
        setattr(batch, field, getattr(result, field))
    session.flush()
    return result
