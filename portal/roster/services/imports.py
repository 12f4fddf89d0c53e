"""A roster import started from the officer workspace: the same import as `flask roster import`,
with the rejected rows and warnings kept as a CSV file per batch for admins to download."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core import trail as audit
from portal.core.errors import RosterFileError
from portal.roster.models.person import RosterImportBatch
from portal.roster.services.importing import FileProblem, ImportResult, import_roster
from portal.roster.services.reading import check_columns, delimiter_of
from portal.roster.services.rows import Problem, RawRow

REJECTS_HEADER = ("baris", "jenis", "alasan", "nik", "nama")


def _cell(text: str) -> str:
    """A cell from the uploaded file that a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def reject_cells(line: int, kind: str, reason: str, raw: RawRow) -> list[str | int]:
    """One row of a rejects CSV (web and CLI imports alike)."""
    return [line, kind, reason, _cell((raw.get("nik") or "")[:40]), _cell((raw.get("nama") or "")[:150])]


HEADER_BYTES = 64 * 1024


def check_header(stream: BinaryIO) -> None:
    """Refuse at once, before a background import is queued, a file whose header row is not
    UTF-8 or lacks a column, an empty file and a small one with nothing under its header (the same
    RosterFileError the import would raise). The stream is
    left at its start. Problems further down are found by the import itself."""
    head = stream.read(HEADER_BYTES)
    stream.seek(0)
    first_line = head.split(b"\n", 1)[0]
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterFileError(FileProblem.NOT_UTF8) from None
    line = text.rstrip("\r")
    try:
        header = [cell.strip().lower() for cell in next(csv.reader([line], delimiter=delimiter_of(line)), [])]
    except csv.Error as error:
        raise RosterFileError(FileProblem.HEADER_UNREADABLE, e=str(error)) from None
    check_columns(header)
    rest = head.split(b"\n", 1)[1:]
    if len(head) < HEADER_BYTES and not (rest and rest[0].strip()):
        raise RosterFileError(FileProblem.NO_ROWS)  # the whole file is the header row


def rejects_path(*, directory: Path, batch_id: int) -> Path:
    return directory / f"{int(batch_id)}.csv"


def rejects_file(*, directory: Path, batch_id: int) -> Path | None:
    """The rejects CSV kept for a batch, when that import had rejected rows or warnings."""
    path = rejects_path(directory=directory, batch_id=batch_id)
    return path if path.is_file() else None


def import_upload(
    *,
    session: Session,
    stream: BinaryIO,
    filename: str,
    imported_by: str,
    rejects_dir: Path,
    who: audit.Actor,
    describe: Callable[[Problem], str],
    on_bytes: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import an uploaded roster file. Flushes; the caller commits once, or rolls back on
    RosterFileError (raised when the file cannot be read; then no rejects file is left either).
    `describe` words a rejected row's problem for the rejects file (roster.labels.row_problem).

    The rejects file is written next to its final name and moved there when the import is done;
    a batch id the database gives out again (SQLite after a rollback) gets its file replaced."""
    rejects_dir.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix="impor-", suffix=".tmp", dir=rejects_dir)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(REJECTS_HEADER)

            def on_reject(line: int, kind: str, problem: Problem, raw: RawRow) -> None:
                writer.writerow(reject_cells(line, kind, describe(problem), raw))

            result = import_roster(
                session=session,
                stream=stream,
                filename=filename,
                imported_by=imported_by,
                on_reject=on_reject,
                on_bytes=on_bytes,
            )
        final = rejects_path(directory=rejects_dir, batch_id=result.batch_id)
        if result.rejected or result.warnings:
            os.replace(temporary, final)
        else:
            os.unlink(temporary)
            final.unlink(missing_ok=True)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    audit.record(
        session=session,
        actor=who,
        action="impor",
        object_type="roster_batch",
        object_id=result.batch_id,
        detail=(
            f"{filename[:120]}: {result.rows_read} dibaca, {result.inserted} baru, {result.updated} "
            f"diperbarui, {result.unchanged} tetap, {result.rejected} ditolak, {result.warnings} peringatan"
        ),
    )
    return result


def import_batches(*, session: Session, limit: int = 50, before_id: int | None = None) -> list[RosterImportBatch]:
    query = sa.select(RosterImportBatch).order_by(RosterImportBatch.id.desc()).limit(limit)
    if before_id:
        query = query.where(RosterImportBatch.id < before_id)
    return list(session.scalars(query))
