"""flask attachments purge-orphans: files in ATTACHMENT_DIR that nothing uses, removed
(services.attachment_purge; run it hourly or daily from cron or a scheduled task)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import current_session, db

attachments_cli = AppGroup("attachments", help="Lampiran warga (berkas di ATTACHMENT_DIR).")


@attachments_cli.command("purge-orphans")
def purge_orphans_command() -> None:
    """Remove files without a row (older than an hour) and the files of abandoned drafts."""
    from portal.complaints.services.attachment_purge import purge_orphans
    from portal.web.settings import attachment_dir

    try:
        report = purge_orphans(session=current_session(), directory=attachment_dir())
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    click.echo(
        f"Dihapus: {report.orphan_files} berkas tanpa catatan, {report.draft_files} berkas dan "
        f"{report.drafts} draf yang ditinggalkan. Dibiarkan: {report.kept_recent} berkas baru "
        "(mungkin masih diunggah)."
    )
