"""flask db-backup OUT: an online copy of the SQLite database (docs/backups.md).

SQLite's backup API copies every page in one read transaction: a consistent snapshot while the
portal keeps serving (in WAL mode readers do not block writers). The copy is checked with
`PRAGMA integrity_check` and only then renamed to OUT, so OUT is never a half-written file.
PostgreSQL is backed up with pg_dump instead.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import click

from portal.core import trail as audit
from portal.extensions import current_session, db


@click.command("db-backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def db_backup_command(out: Path) -> None:
    """Copy the SQLite database to OUT while the portal runs (PostgreSQL: pg_dump)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException(
            "Basis data ini bukan berkas SQLite. Untuk PostgreSQL pakai pg_dump (lihat docs/backups.md)."
        )
    if out.exists():
        raise click.ClickException(f"{out} sudah ada. Pilih nama berkas lain.")
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    source, target = sqlite3.connect(url.database), sqlite3.connect(partial)
    try:
        source.backup(target)  # all pages in one step: one consistent snapshot
        check = target.execute("PRAGMA integrity_check").fetchone()[0]
        cases = target.execute("SELECT count(*) FROM complaint").fetchone()[0]
    finally:
        target.close()
        source.close()
    if check != "ok":
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"Salinan rusak ({check}); cadangan tidak dibuat.")
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, out)
    size = out.stat().st_size / 1_000_000
    audit.record(  # a copy of every resident's data left the portal: after the copy, so not in it
        session=current_session(),
        actor=audit.COMMAND_LINE,
        action="cadangan",
        object_type="database",
        object_id=out.name[:40],
        detail=f"{audit.via_command_line()}: {out} ({size:.1f} MB, {cases} pengaduan)",
    )
    db.session.commit()
    click.echo(f"Cadangan selesai: {out} ({size:.1f} MB, {cases} pengaduan).")
