"""flask audit verify: check that no row of the audit trail was changed, removed or slipped in."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from portal.audit.services import chain
from portal.extensions import current_session, db

audit_cli = AppGroup("audit", help="Jejak audit.")

_BROKEN = {
    chain.BreakKind.CHANGED: (
        "baris #{event_id} (mata rantai {seq}) tidak sama dengan yang ditulis: isinya atau hash-nya diubah"
    ),
    chain.BreakKind.MISSING: (
        "sebelum baris #{event_id} hilang mata rantai mulai nomor {expected}: ada baris yang dihapus"
    ),
    chain.BreakKind.TAIL: (
        "jejak berhenti di mata rantai {last}, padahal kepala rantai mencatat {expected}: baris terbaru dihapus"
    ),
    chain.BreakKind.HEAD: "baris terakhir (mata rantai {seq}) bukan yang dicatat kepala rantai",
}


@audit_cli.command("verify")
def verify_command() -> None:
    """Walk the hash chain of the audit trail; exit 1 and name the first broken link if any."""
    result = chain.verify(session=current_session())
    db.session.rollback()  # read only
    if result.broken is None:
        click.echo(f"Jejak audit utuh: {result.links} baris, hash terakhir {result.last_hash}.")
        return
    broken = result.broken
    words = _BROKEN[broken.kind].format(
        event_id=broken.event_id, seq=broken.seq, expected=broken.expected, last=result.links
    )
    click.echo(f"Jejak audit RUSAK pada mata rantai {broken.seq}: {words}.", err=True)
    click.echo(f"{result.links} baris pertama utuh.", err=True)
    sys.exit(1)
