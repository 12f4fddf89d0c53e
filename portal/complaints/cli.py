"""flask attachments purge-orphans: files in the attachments store (FILE_STORE: ATTACHMENT_DIR
or the database) that nothing uses, removed (services.attachment_purge; run it hourly or daily
from cron or a scheduled task)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import current_session, db

attachments_cli = AppGroup("attachments", help="Lampiran warga (berkas di FILE_STORE: ATTACHMENT_DIR atau basis data).")


@attachments_cli.command("purge-orphans")
def purge_orphans_command() -> None:
    """Remove files without a row (older than an hour) and the files of abandoned drafts."""
    from portal.complaints.services.attachment_purge import purge_orphans
    from portal.web.settings import attachment_store

    try:
        report = purge_orphans(session=current_session(), store=attachment_store())
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    click.echo(
        f"Dihapus: {report.orphan_files} berkas tanpa catatan, {report.draft_files} berkas dan "
        f"{report.drafts} draf yang ditinggalkan. Dibiarkan: {report.kept_recent} berkas baru "
        "(mungkin masih diunggah)."
    )
