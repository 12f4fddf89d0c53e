"""flask outbox send: deliver the queued e-mails to residents."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import current_session
from portal.notifications.services.outbox import LEASE

outbox_cli = AppGroup("outbox", help="Email ke warga (antrean dengan percobaan ulang).")


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep sending every --interval seconds.")
@click.option("--interval", default=60, show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True, help="Messages per run.")
@click.option(
    "--lease",
    type=click.IntRange(min=1),
    default=int(LEASE.total_seconds()),
    show_default=True,
    help="Seconds a claimed message stays this sender's; after that it is shown as uncertain.",
)
def outbox_send_command(loop: bool, interval: int, limit: int, lease: int) -> None:
    """Send queued emails, each claimed and recorded on its own (at most once); failures are
    retried later with a growing delay, and the ones that give up are shown to supervisors."""
    import time
    from datetime import timedelta

    from portal.notifications.sender import deliver_due
    from portal.web.settings import smtp_settings

    while True:
        report = deliver_due(
            session=current_session(), smtp=smtp_settings(), limit=limit, lease=timedelta(seconds=lease)
        )
        click.echo(f"Terkirim {report.sent}, gagal {report.retrying} (dicoba lagi nanti).")
        if report.gave_up:
            click.echo(
                f"Gagal permanen {report.gave_up}: tidak dicoba lagi. "
                f"Periksa dan antrekan lagi di /petugas/email-bermasalah."
            )
        if report.unknown:
            click.echo(
                f"Tidak pasti {report.unknown}: pengirim berhenti sebelum tahu hasilnya, jadi tidak "
                f"dikirim ulang otomatis. Periksa di /petugas/email-bermasalah."
            )
        if not loop:
            return
        time.sleep(interval)
