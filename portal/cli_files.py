"""flask files migrate: the local folders' files copied into the database store, before
switching FILE_STORE to "database" (docs/operations.md, "Files").

Each file is streamed (never whole in memory) and committed on its own, under the same key, so
existing rows (attachment.storage_key) find their files in the database at once; a file already
there is skipped, so the command can be run again after an interruption, and once more right
after the switch for files written meanwhile. The local files are left in place: remove them
once the portal runs on the database store.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import current_session, db

files_cli = AppGroup("files", help="Penyimpanan berkas (FILE_STORE).")


@files_cli.command("migrate")
@click.option(
    "--area",
    "areas",
    multiple=True,
    help="Bagian yang disalin (bawaan: semua), mis. --area attachments.",
)
def migrate_command(areas: tuple[str, ...]) -> None:
    """Copy the files of the local folders into the database store (already there: skipped)."""
    from portal.core.files import Area, LocalFileStore, copy_file
    from portal.core.files_db import DatabaseFileStore
    from portal.web.settings import local_folder

    known = [area.value for area in Area]
    unknown = sorted(set(areas) - set(known))
    if unknown:
        raise click.ClickException(f"Bagian tidak dikenal: {', '.join(unknown)}. Pilih dari: {', '.join(known)}.")
    for area in areas or known:
        source = LocalFileStore(area=area, folder=local_folder(area))
        target = DatabaseFileStore(area=area, engine=db.engine)
        copied = skipped = size = 0
        for found in source.listing():
            try:
                written = copy_file(source=source, target=target, key=found.key, session=current_session())
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
            if written is None:
                skipped += 1
                continue
            if written.size != found.size:
                raise click.ClickException(f"{area}/{found.key}: {written.size} bita tersalin dari {found.size}.")
            copied += 1
            size += written.size
        click.echo(
            f"{area}: {copied} berkas disalin ({size / 1024 / 1024:.1f} MB), {skipped} sudah ada. "
            f"Dari {source.folder} ke basis data."
        )
