"""flask demo seed: synthetic data for a demo."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import current_session, db
from portal.roster.services.importing import import_roster

demo_cli = AppGroup("demo", help="Data contoh untuk demo.")


@demo_cli.command("seed")
@click.option("--seed", default=2025, show_default=True, help="Random seed (same seed, same data).")
def seed_command(seed: int) -> None:
    """Fill the database with a synthetic roster for a demo (idempotent)."""
    from portal.demo.services.roster import demo_roster_csv, sample_people

    data = demo_roster_csv(seed=seed)
    result = import_roster(session=current_session(), stream=data, filename="demo-roster.csv", imported_by="demo seed")
    db.session.commit()
    click.echo(f"Roster contoh: {result.inserted} baru, {result.updated} diperbarui, {result.unchanged} tidak berubah.")
    from portal.demo.services.cases import seed_complaints

    made = seed_complaints(session=current_session())
    db.session.commit()
    click.echo(f"Pengaduan contoh: {made} dibuat.")
    from portal.demo.services.accounts import seed_accounts

    credentials = seed_accounts(session=current_session())
    db.session.commit()
    from portal.demo.services.assistance import seed_assistance, seed_proposals

    helped, proposed = seed_assistance(session=current_session()), seed_proposals(session=current_session())
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
