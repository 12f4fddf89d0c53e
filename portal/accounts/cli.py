"""flask users create EMAIL --role officer|supervisor|admin [--kecamatan CODE] [--password-stdin]"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from portal.accounts.labels import error_message
from portal.accounts.services import accounts
from portal.core.roles import Role
from portal.extensions import current_session, db

users_cli = AppGroup("users", help="Akun petugas.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="", help="Full name (default: the email).")
@click.option("--kecamatan", "kecamatan", multiple=True, help="Kemendagri code, e.g. 32.75.01; repeatable.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(email: str, role: str, name: str, kecamatan: tuple[str, ...], password_stdin: bool) -> None:
    """Create an officer account (asks for the password unless --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Kata sandi", hide_input=True, confirmation_prompt=True)
    try:
        account = accounts.create_account(
            session=current_session(),
            email=email,
            name=name or email,
            role=Role(role),
            password=password,
            kecamatan_codes=list(kecamatan),
        )
    except accounts.AccountError as error:
        db.session.rollback()
        raise click.ClickException(error_message(error)) from None
    db.session.commit()
    scope = ", ".join(account.kecamatan_codes) or "seluruh Kota Bekasi"
    click.echo(f"Akun #{account.id} {account.email} ({account.role.value}, {scope}) dibuat.")
    if account.role is Role.ADMIN:
        click.echo("Admin wajib mengaktifkan verifikasi dua langkah saat pertama masuk.")
