"""Operator commands: flask roster import, flask demo seed."""
from __future__ import annotations

import csv
import getpass
import os
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from portal.core.errors import RosterFileError
from portal.extensions import db
from portal.notifications.services.outbox import LEASE
from portal.roster.services.importing import import_roster
from portal.roster.services.imports import REJECTS_HEADER, reject_cells

roster_cli = AppGroup("roster", help="Roster (daftar peserta) dari Disnaker.")
demo_cli = AppGroup("demo", help="Data contoh untuk demo.")
outbox_cli = AppGroup("outbox", help="Email ke warga (antrean dengan percobaan ulang).")


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep sending every --interval seconds.")
@click.option("--interval", default=60, show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True, help="Messages per run.")
@click.option("--lease", type=click.IntRange(min=1), default=int(LEASE.total_seconds()), show_default=True,
              help="Seconds a claimed message stays this sender's; after that it is shown as uncertain.")
def outbox_send_command(loop: bool, interval: int, limit: int, lease: int) -> None:
    """Send queued emails, each claimed and recorded on its own (at most once); failures are
    retried later with a growing delay, and the ones that give up are shown to supervisors."""
    import time
    from datetime import timedelta

    from portal.notifications.sender import deliver_due
    from portal.web.settings import smtp_settings

    while True:
        report = deliver_due(session=db.session, smtp=smtp_settings(), limit=limit, lease=timedelta(seconds=lease))
        click.echo(f"Terkirim {report.sent}, gagal {report.retrying} (dicoba lagi nanti).")
        if report.gave_up:
            click.echo(f"Gagal permanen {report.gave_up}: tidak dicoba lagi. "
                       f"Periksa dan antrekan lagi di /petugas/email-bermasalah.")  # fmt: skip
        if report.unknown:
            click.echo(f"Tidak pasti {report.unknown}: pengirim berhenti sebelum tahu hasilnya, jadi tidak "
                       f"dikirim ulang otomatis. Periksa di /petugas/email-bermasalah.")  # fmt: skip
        if not loop:
            return
        time.sleep(interval)


@roster_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write rejected rows (default: FILE.rejects.csv).")  # fmt: skip
@click.option("--by", "imported_by", default=None, help="Who runs the import (default: OS user).")
def import_command(path: Path, rejects: Path | None, imported_by: str | None) -> None:
    """Import a roster CSV: upsert by NIK, bad rows to a rejects CSV, all or nothing."""
    rejects = rejects or path.with_suffix(".rejects.csv")
    imported_by = imported_by or f"cli:{getpass.getuser()}"
    size = path.stat().st_size
    with rejects.open("w", encoding="utf-8", newline="") as out, path.open("rb") as stream:
        writer = csv.writer(out)
        writer.writerow(REJECTS_HEADER)

        def on_reject(line: int, kind: str, reason: str, raw: dict) -> None:
            writer.writerow(reject_cells(line, kind, reason, raw))

        show_bar = size > 5_000_000 and sys.stderr.isatty() or os.environ.get("SIGAP_PROGRESS") == "1"
        with click.progressbar(length=size, label="Mengimpor", file=sys.stderr,
                               hidden=not show_bar) as bar:  # fmt: skip
            try:
                result = import_roster(
                    session=db.session, stream=stream, filename=path.name,
                    imported_by=imported_by, on_reject=on_reject, on_bytes=bar.update,
                )  # fmt: skip
                db.session.commit()
            except RosterFileError as error:
                db.session.rollback()
                raise click.ClickException(error.message) from None
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


@demo_cli.command("seed")
@click.option("--seed", default=2025, show_default=True, help="Random seed (same seed, same data).")
def seed_command(seed: int) -> None:
    """Fill the database with a synthetic roster for a demo (idempotent)."""
    from portal.demo.services.roster import demo_roster_csv, sample_people

    data = demo_roster_csv(seed=seed)
    result = import_roster(session=db.session, stream=data, filename="demo-roster.csv",
                           imported_by="demo seed")  # fmt: skip
    db.session.commit()
    click.echo(f"Roster contoh: {result.inserted} baru, {result.updated} diperbarui, "
               f"{result.unchanged} tidak berubah.")  # fmt: skip
    from portal.demo.services.cases import seed_complaints

    made = seed_complaints(session=db.session)
    db.session.commit()
    click.echo(f"Pengaduan contoh: {made} dibuat.")
    from portal.demo.services.accounts import seed_accounts

    credentials = seed_accounts(session=db.session)
    db.session.commit()
    from portal.demo.services.assistance import seed_assistance, seed_proposals

    helped, proposed = seed_assistance(session=db.session), seed_proposals(session=db.session)
    db.session.commit()
    click.echo(f"Permintaan bantuan contoh: {helped} dibuat; usulan calon peserta oleh petugas: {proposed}.")
    click.echo("Akun demo petugas (kata sandi baru setiap kali seed), masuk di /petugas/masuk:")
    for credential in credentials:
        line = f"  {credential.role.value:<11} {credential.email:<28} kata sandi: {credential.password}"
        if credential.totp_secret:
            line += f"  kunci TOTP: {credential.totp_secret}"
        click.echo(line)
    click.echo("Coba cek status dengan NIK dan nama berikut (data sintetis):")
    for status, nik, nama in sample_people(seed=seed):
        click.echo(f"  {status:<38} {nik}  {nama}")


def init_app(app: Flask) -> None:
    app.cli.add_command(roster_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(outbox_cli)
    from portal.letters.cli import letters_cli

    app.cli.add_command(letters_cli)
    from portal.accounts.cli import users_cli

    app.cli.add_command(users_cli)
    from portal.cli_backup import db_backup_command

    app.cli.add_command(db_backup_command)
    from portal.complaints.cli import attachments_cli

    app.cli.add_command(attachments_cli)
