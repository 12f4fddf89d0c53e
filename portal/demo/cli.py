"""flask demo seed: synthetic data for a demo (never on a production database unless forced)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.demo.services.guard import DEMO_IMPORTER, real_data
from portal.extensions import current_session, db
from portal.roster.services.importing import import_roster

demo_cli = AppGroup("demo", help="Data contoh untuk demo.")


@demo_cli.command("seed")
@click.option("--seed", default=2025, show_default=True, help="Random seed (same seed, same data).")
@click.option(
    "--force",
    is_flag=True,
    help="Seed even under SIGAP_ENV=production or a database with real accounts or roster imports.",
)
def seed_command(seed: int, force: bool) -> None:
    """Fill the database with a synthetic roster for a demo (idempotent)."""
    if not force:
        _refuse_a_production_database()
    from portal.demo.services.roster import demo_roster_csv, sample_people

    data = demo_roster_csv(seed=seed)
    result = import_roster(
        session=current_session(), stream=data, filename="demo-roster.csv", imported_by=DEMO_IMPORTER
    )
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
    from portal.demo.services.templates import seed_templates

    templates = seed_templates(session=current_session())
    db.session.commit()
    click.echo(f"Templat pesan contoh: {templates} dibuat.")
    click.echo("Akun demo petugas (kata sandi baru setiap kali seed), masuk di /petugas/masuk:")
    for credential in credentials:
        line = f"  {credential.role.value:<11} {credential.email:<28} kata sandi: {credential.password}"
        if credential.totp_secret:
            line += f"  kunci TOTP: {credential.totp_secret}"
        click.echo(line)
    click.echo("Coba cek status dengan NIK dan nama berikut (data sintetis):")
    for status, nik, nama in sample_people(seed=seed):
        click.echo(f"  {status:<38} {nik}  {nama}")
    from portal.web.settings import signing_key

    certificate = signing_key().certificate
    marked = (
        "DEMO, sertifikat buatan sendiri: bukan milik Pemerintah Kota Bekasi" if certificate.demo else "sertifikat kota"
    )
    click.echo(f"Surat ditandatangani dengan: {certificate.subject} ({marked}; docs/letters-signing.md)")


def _refuse_a_production_database() -> None:
    """The seed adds officer accounts with known e-mails and thousands of made-up people: never
    on a production portal by mistake (SIGAP_ENV, or data the demo did not make)."""
    why = []
    if current_app.config["SIGAP_ENV"] == "production":
        why.append("SIGAP_ENV=production (atau SIGAP_ENV tidak diisi)")
    found = real_data(session=current_session())
    if found.accounts:
        why.append(
            f"{found.accounts} akun petugas yang bukan akun demo ({_some(found.account_emails, found.accounts)})"
        )
    if found.imports:
        why.append(f"{found.imports} impor roster yang bukan dari demo (oleh {_some(found.importers, found.imports)})")
    if why:
        raise click.ClickException(
            "Data demo tidak dimuat: ini tampaknya database produksi: "
            + "; ".join(why)
            + ". Data demo menambahkan akun petugas dengan e-mail yang diketahui dan ribuan warga fiktif. "
            "Untuk demo lokal: SIGAP_ENV=development dengan database kosong. "
            "Jika memang disengaja: flask demo seed --force."
        )


def _some(shown: tuple[str, ...], total: int) -> str:
    return ", ".join(shown) + (", …" if total > len(shown) else "")
