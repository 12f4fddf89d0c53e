"""flask letters batch | revoke-inactive: letters of participation for distribution, revocation."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click
from flask.cli import AppGroup

from portal.core import trail as audit
from portal.extensions import current_session, db
from portal.web.settings import letter_number_pattern

letters_cli = AppGroup("letters", help="Surat keterangan kepesertaan.")


@letters_cli.command("batch")
@click.option("--kelurahan", metavar="CODE", help="One kelurahan, e.g. 32.75.01.1001.")
@click.option("--kecamatan", metavar="CODE", help="A whole kecamatan, e.g. 32.75.01.")
@click.option("--all", "everyone", is_flag=True, help="Every active participant of the city.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The merged PDF to write.")
@click.option(
    "--workers", type=click.IntRange(min=1), default=None, help="Processes that render (default: every core)."
)
@click.option(
    "--chunk-size", type=click.IntRange(min=1), default=200, show_default=True, help="Letters per WeasyPrint document."
)
@click.option(
    "--tagged", is_flag=True, help="Tagged PDF/UA parts (slower; the merged file keeps title and language only)."
)
@click.option("--keep-parts", is_flag=True, help="Keep the per-chunk PDFs next to --out.")
def batch_command(
    kelurahan: str | None,
    kecamatan: str | None,
    everyone: bool,
    out: Path,
    workers: int | None,
    chunk_size: int,
    tagged: bool,
    keep_parts: bool,
) -> None:
    """One merged PDF of the letters of every active participant in scope, for RT/RW.

    Numbers are assigned in the database first, in one transaction; rendering then runs on
    every core and can be interrupted: run the same command again and it goes on where it
    stopped, with the same letters and numbers.
    """
    from portal.letters.documents.batch_pdf import default_workers, render_batch
    from portal.letters.documents.render import document_title
    from portal.letters.services import batch as letters_batch

    if sum((kelurahan is not None, kecamatan is not None, everyone)) != 1:
        raise click.UsageError("Pilih tepat satu: --kelurahan CODE, --kecamatan CODE atau --all.")
    try:
        codes = letters_batch.kelurahan_in_scope(kelurahan=kelurahan, kecamatan=kecamatan)
    except letters_batch.UnknownRegion as error:
        raise click.BadParameter(str(error)) from None
    started = time.perf_counter()
    pattern = letter_number_pattern()
    assigned = letters_batch.assign_batch_letters(session=current_session(), kelurahan_codes=codes, pattern=pattern)
    audit.record(  # with the numbers, in one transaction
        session=current_session(),
        actor=audit.COMMAND_LINE,
        action="surat_massal",
        object_type="letter_batch",
        object_id="cli",
        detail=(
            f"{audit.via_command_line()} {kelurahan or kecamatan or 'semua'}: {len(assigned.letter_ids)} surat "
            f"({assigned.issued} baru, {assigned.reused} dipakai ulang, {assigned.superseded} pengganti) "
            f"ke {out.name[:80]}"
        ),
    )
    db.session.commit()
    click.echo(
        f"Surat: {len(assigned.letter_ids)} ({assigned.issued} baru, {assigned.reused} "
        f"dipakai ulang, {assigned.superseded} menggantikan surat lama)."
    )
    if not assigned.letter_ids:
        click.echo("Tidak ada peserta aktif di wilayah ini; tidak ada PDF yang dibuat.")
        return
    title = f"{document_title()} — {_scope_name(kelurahan, kecamatan)}"
    show_bar = sys.stderr.isatty() or os.environ.get("SIGAP_PROGRESS") == "1"
    workers = workers or default_workers()
    with click.progressbar(
        length=len(assigned.letter_ids),
        label="Membuat PDF",
        file=sys.stderr,
        hidden=not show_bar,
        show_pos=True,
        show_eta=True,
    ) as bar:
        report = render_batch(
            letter_ids=assigned.letter_ids,
            out=out,
            title=title,
            workers=workers,
            chunk_size=chunk_size,
            tagged=tagged,
            keep_parts=keep_parts,
            on_progress=bar.update,
        )
    seconds = time.perf_counter() - started
    click.echo(
        f"PDF: {report.out} — {report.letters} halaman, {report.parts} bagian "
        f"({report.rendered} dibuat, {report.reused} dari proses sebelumnya), "
        f"{workers} proses, {seconds:.1f} detik."
    )


def _scope_name(kelurahan: str | None, kecamatan: str | None) -> str:
    from portal.core.regions import regions

    if kelurahan:
        place = regions().kelurahan[kelurahan]
        return f"Kelurahan {place.name}, Kecamatan {place.kecamatan.name}"
    if kecamatan:
        return f"Kecamatan {regions().kecamatan[kecamatan].name}"
    return "Kota Bekasi"


@letters_cli.command("revoke-inactive")
def revoke_inactive_command() -> None:
    """Revoke every valid letter whose holder is no longer an active participant."""
    from portal.letters.services.letters import revoke_letters_for_inactive

    revoked = revoke_letters_for_inactive(session=current_session())
    audit.record(
        session=current_session(),
        actor=audit.COMMAND_LINE,
        action="cabut_surat_nonaktif",
        object_type="letter_batch",
        object_id="cli",
        detail=f"{audit.via_command_line()}: {revoked} surat dicabut",
    )
    db.session.commit()
    click.echo(f"{revoked} surat dicabut.")


@letters_cli.command("verify")
@click.argument("pdf_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_command(pdf_file: Path) -> None:
    """Check a letter PDF: its signature, its QR code's seal, and (when the database answers) its
    current state. Exit status 1 when either signature fails."""
    import sqlalchemy.exc

    from portal.letters.documents.checking import check_pdf_signature, check_qr
    from portal.letters.documents.seal import Checked
    from portal.letters.labels import state_label
    from portal.letters.services.letters import verify_letter
    from portal.web.settings import city_certificates

    pdf = pdf_file.read_bytes()
    certificates = city_certificates()
    signature = check_pdf_signature(pdf, certificates)
    if signature.valid:
        click.echo(f"Tanda tangan PDF: SAH, oleh {signature.signer}")
    else:
        click.echo(f"Tanda tangan PDF: TIDAK SAH ({signature.problem})")
    if signature.demo:
        click.echo("  PERHATIAN: sertifikat DEMO, bukan milik Pemerintah Kota Bekasi")
    text, qr = check_qr(pdf, certificates)
    if isinstance(qr, Checked):
        facts = qr.facts
        click.echo(
            f"Segel kode QR: SAH — {facts.number}, {facts.masked_name}, berlaku {facts.mulai} s.d. {facts.selesai}"
        )
    else:
        click.echo(f"Segel kode QR: TIDAK SAH ({qr})")
    code = text.split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1] if text else ""
    try:
        found = verify_letter(session=current_session(), code=code) if code else None
        db.session.rollback()
    except sqlalchemy.exc.OperationalError:
        click.echo("Keadaan sekarang: tidak diketahui (basis data tidak terjangkau)")
    else:
        if found is None:
            click.echo("Keadaan sekarang: tidak ada surat dengan kode ini di basis data")
        else:
            click.echo(f"Keadaan sekarang: {state_label(found.state)}")
    if not (signature.valid and isinstance(qr, Checked)):
        sys.exit(1)
