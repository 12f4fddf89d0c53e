"""flask roster import: the Disnaker roster file into the portal."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from portal.core import trail as audit
from portal.core.errors import RosterFileError
from portal.extensions import current_session, db
from portal.roster import labels
from portal.roster.services.importing import import_roster
from portal.roster.services.imports import REJECTS_HEADER, reject_cells
from portal.roster.services.rows import Problem
from portal.web import spreadsheet

roster_cli = AppGroup("roster", help="Roster (daftar peserta) dari Disnaker.")


@roster_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write rejected rows (default: FILE.rejects.csv).",
)
@click.option("--by", "imported_by", default=None, help="Who runs the import (default: OS user).")
def import_command(path: Path, rejects: Path | None, imported_by: str | None) -> None:
    """Import a roster CSV: upsert by NIK, bad rows to a rejects CSV, all or nothing."""
    rejects = rejects or path.with_suffix(".rejects.csv")
    imported_by = imported_by or f"cli:{getpass.getuser()}"
    size = path.stat().st_size
    with rejects.open("w", encoding="utf-8", newline="") as out, path.open("rb") as stream:
        out.write(spreadsheet.BOM + spreadsheet.line(REJECTS_HEADER))  # as the officers' other CSV files

        def on_reject(line: int, kind: str, problem: Problem, raw: dict) -> None:
            out.write(spreadsheet.line(reject_cells(line, kind, labels.row_problem(problem), raw)))

        show_bar = size > 5_000_000 and sys.stderr.isatty() or os.environ.get("SIGAP_PROGRESS") == "1"
        with click.progressbar(length=size, label="Mengimpor", file=sys.stderr, hidden=not show_bar) as bar:
            try:
                result = import_roster(
                    session=current_session(),
                    stream=stream,
                    filename=path.name,
                    imported_by=imported_by,
                    on_reject=on_reject,
                    on_bytes=bar.update,
                )
                audit.record(  # in the import's own transaction: no import without its row
                    session=current_session(),
                    actor=audit.COMMAND_LINE,
                    action="impor",
                    object_type="roster_batch",
                    object_id=result.batch_id,
                    detail=(
                        f"{audit.via_command_line()} {path.name[:120]}: {result.rows_read} dibaca, "
                        f"{result.inserted} baru, {result.updated} diperbarui, {result.unchanged} tetap, "
                        f"{result.rejected} ditolak, {result.warnings} peringatan"
                    ),
                )
                db.session.commit()
            except RosterFileError as error:
                db.session.rollback()
                raise click.ClickException(labels.file_error(error)) from None
            except BaseException:
                db.session.rollback()
                raise
    click.echo(
        f"Impor #{result.batch_id} selesai: {result.rows_read} baris dibaca, "
        f"{result.inserted} baru, {result.updated} diperbarui, {result.unchanged} tidak berubah, "
        f"{result.rejected} ditolak, {result.warnings} peringatan, "
        f"{result.status_changes} perubahan status."
    )
    if result.rejected or result.warnings:
        click.echo(f"Baris yang ditolak dan peringatan: {rejects}")
    else:
        rejects.unlink(missing_ok=True)
