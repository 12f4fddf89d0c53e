"""Roster import: stream a Disnaker CSV, upsert by NIK, keep history, reject bad rows.

One transaction for the whole file, so a broken file or a killed import writes nothing;
rows are read and written in chunks with executemany, so memory stays constant. A million rows
go through this loop, so it avoids per-row overhead (see bench/roster_import.py).

The same transaction keeps the per-group counts of the public statistics (roster_summary): each
new person joins a group, each changed one may move from one group to another; the moves are
tallied per group and written once at the end (portal.roster.services.summary). On PostgreSQL
imports take an advisory lock, so they run one at a time (SQLite's write lock does the same).
"""

from __future__ import annotations

import csv
import enum
import hashlib
import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from operator import attrgetter
from typing import Any, BinaryIO, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core.base import utcnow
from portal.core.errors import RosterFileError
from portal.core.signals import roster_statuses_changed
from portal.core.sql import table_of
from portal.roster.models.person import Person, PersonStatusHistory, RosterImportBatch
from portal.roster.services import summary as roster_summary
from portal.roster.services.rows import COLUMNS, Problem, RawRow, RosterRow, RowError, RowProblem, parse_row

CHUNK_SIZE = 2000
IMPORT_LOCK = 0x52535452  # "RSTR": PostgreSQL advisory lock held by the running import
SQLITE_IMPORT_CACHE_KIB = 64 * 1024
_COMPARED = (
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
COLUMNS_DB = ("nik", *_COMPARED)

T = TypeVar("T")
person_t = table_of(Person)
history_t = table_of(PersonStatusHistory)

RejectSink = Callable[[int, str, Problem, RawRow], None]
"""Called as sink(line_number, kind, problem, original_row); kind is 'ditolak' or 'peringatan'."""


class FileProblem(enum.StrEnum):
    """Why a whole file cannot be imported (RosterFileError's code; roster.labels words it)."""

    NOT_UTF8 = "not_utf8"
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


class _HashingReader(io.RawIOBase):
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


def _csv_rows(text: io.TextIOBase) -> Iterator[tuple[int, RawRow]]:
    try:
        reader = csv.DictReader(text, strict=False)
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    except UnicodeDecodeError:
        raise RosterFileError(FileProblem.NOT_UTF8) from None
    except csv.Error as error:
        raise RosterFileError(FileProblem.HEADER_UNREADABLE, e=str(error)) from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RosterFileError(FileProblem.MISSING_COLUMNS, cols=", ".join(missing), all=",".join(COLUMNS))
    # The rows as csv.DictReader makes them (blank lines skipped, missing fields None, extra
    # fields in a list under the key None), built here because DictReader.__next__ in Python
    # is a tenth of a million-row import.
    fields = reader.reader  # the csv.reader under DictReader, past the header
    width = len(header)
    empty: RawRow = dict.fromkeys(header)  # copied per row: already sized, unlike dict(zip(...))
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
            yield fields.line_num, row
    except UnicodeDecodeError:
        raise RosterFileError(FileProblem.NOT_UTF8_AT, line=fields.line_num + 1) from None
    except csv.Error as error:
        raise RosterFileError(FileProblem.LINE_UNREADABLE, line=fields.line_num, e=str(error)) from None


def _chunks(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


Parsed = dict[str, tuple[RosterRow, int, RawRow]]

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


def import_roster(
    *,
    session: Session,
    stream: BinaryIO,
    filename: str,
    imported_by: str,
    on_reject: RejectSink | None = None,
    on_bytes: Callable[[int], None] | None = None,
    today: date | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> ImportResult:
    """Import a roster CSV (DESIGN §5). Flushes; the caller commits the one transaction.

    Raises RosterFileError when the file as a whole cannot be read (then nothing is written,
    as long as the caller rolls back).
    """
    today = today or date.today()
    if session.get_bind().dialect.name == "postgresql":  # one import at a time: see roster_summary
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(IMPORT_LOCK)))
    batch = RosterImportBatch(filename=filename[:255], file_sha256="", imported_by=imported_by[:255])
    session.add(batch)
    session.flush()
    result = ImportResult(batch_id=batch.id)
    conn = session.connection()
    inserter = _PersonInserts(conn, batch.id)

    hashing = _HashingReader(stream, on_bytes)
    text = io.TextIOWrapper(io.BufferedReader(hashing, 1 << 16), encoding="utf-8-sig", newline="")
    report = on_reject or (lambda *_args: None)
    moves = roster_summary.changes()

    with _sqlite_bulk_settings(conn):
        for chunk in _chunks(_csv_rows(text), chunk_size):
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
                if row.nik in parsed:
                    result.unchanged += 1  # the later row of the same NIK wins within a file
                parsed[row.nik] = (row, line, raw)
            if parsed:
                _apply_chunk(conn, batch.id, parsed, result, report, inserter, moves)
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
