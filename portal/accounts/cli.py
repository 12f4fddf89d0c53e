"""flask users create|list|deactivate|reactivate|reset-password|reset-2fa: officer accounts from the command
line, each change audited with the operating-system user and host that ran it."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from portal.accounts.labels import error_message, held_work
from portal.accounts.services import accounts
from portal.accounts.services import admin as account_admin
from portal.accounts.services.accounts import AccountError, AccountRefusal
from portal.accounts.services.handover import HoldsOpenWork
from portal.core import trail as audit
from portal.core.roles import Role
from portal.core.workdays import JAKARTA
from portal.extensions import current_session, db

users_cli = AppGroup("users", help="Akun petugas.")

CLI_ACTOR = audit.COMMAND_LINE
"""The audit row of a command has no account; who ran it is in its detail (_via)."""
_via = audit.via_command_line


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(click.prompt("Kata sandi", hide_input=True, confirmation_prompt=True))


def _refused(error: AccountError) -> click.ClickException:
    """The refusal in the command's own words where the web's name form fields (issue 16)."""
    db.session.rollback()
    if error.code is AccountRefusal.SCOPE_NOT_CHOSEN:
        return click.ClickException(
            "Pilih wilayah kerja petugas: --kecamatan KODE (boleh diulang) atau --seluruh-kota."
        )
    return click.ClickException(error_message(error))


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="", help="Full name (default: the email).")
@click.option("--kecamatan", "kecamatan", multiple=True, help="Kemendagri code, e.g. 32.75.01; repeatable.")
@click.option(
    "--seluruh-kota", "city_wide", is_flag=True, help="An officer for the whole city (else give --kecamatan)."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--keep-password",
    is_flag=True,
    help="The account's owner is the one typing the password (the first admin): no change asked.",
)
def create_command(
    email: str,
    role: str,
    name: str,
    kecamatan: tuple[str, ...],
    city_wide: bool,
    password_stdin: bool,
    keep_password: bool,
) -> None:
    """Create an officer account (asks for the password unless --password-stdin). An officer needs
    --kecamatan or --seluruh-kota; the owner changes the password at the first sign-in unless
    --keep-password."""
    chosen = Role(role)
    try:  # the scope before the password: no prompt for an account that will be refused
        accounts.check_scope(role=chosen, kecamatan_codes=list(kecamatan), city_wide=city_wide)
    except AccountError as error:
        raise _refused(error) from None
    password = _password(password_stdin)
    try:
        account = account_admin.create(
            session=current_session(),
            email=email,
            name=name or email,
            role=chosen,
            kecamatan_codes=list(kecamatan),
            city_wide=city_wide,
            password=password,
            who=CLI_ACTOR,
            via=_via(),
            owner_chose_password=keep_password,
        )
    except AccountError as error:
        raise _refused(error) from None
    db.session.commit()
    scope = ", ".join(account.kecamatan_codes) or "seluruh Kota Bekasi"
    click.echo(f"Akun #{account.id} {account.email} ({account.role.value}, {scope}) dibuat.")
    if account.must_change_password:
        click.echo("Pemilik akun wajib mengganti kata sandi ini saat pertama masuk.")
    if account.role is Role.ADMIN:
        click.echo("Admin wajib mengaktifkan verifikasi dua langkah saat pertama masuk.")


def _wib(moment: datetime) -> str:
    """A stored (UTC) moment as Kota Bekasi's clock shows it, labelled: "2026-03-02 08:15 WIB"."""
    return moment.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M WIB")


@users_cli.command("list")
def list_command() -> None:
    """Every account: id, e-mail, role, scope, active, two-factor, last sign-in (WIB), name."""
    rows = account_admin.list_accounts(session=current_session())
    audit.record(
        session=current_session(),
        actor=CLI_ACTOR,
        action="lihat_daftar",
        object_type="account",
        object_id="",
        detail=f"{_via()}: {len(rows)} akun",
    )
    db.session.commit()
    for a in rows:
        scope = ",".join(a.kecamatan_codes) or "seluruh-kota"
        last = _wib(a.last_login_at) if a.last_login_at else "-"
        flags = [
            "aktif" if a.active else "nonaktif",
            "2fa" if a.totp_enabled else "tanpa-2fa",
            *(["wajib-ganti-sandi"] if a.must_change_password else []),
        ]
        click.echo(f"{a.id}\t{a.email}\t{a.role.value}\t{scope}\t{' '.join(flags)}\t{last}\t{a.name}")
    click.echo(f"{len(rows)} akun.", err=True)


@users_cli.command("deactivate")
@click.argument("email")
@click.option(
    "--serahkan-ke-antrean",
    "release",
    is_flag=True,
    help="Hand the account's open cases and help requests back to the supervisors' queue.",
)
def deactivate_command(email: str, release: bool) -> None:
    """Turn an account off and sign it out everywhere; refused while it holds open cases or help
    requests, unless --serahkan-ke-antrean hands them back to the supervisors' queue."""
    try:
        account = account_admin.find_by_email(session=current_session(), email=email)
        released = account_admin.deactivate(
            session=current_session(),
            account=account,
            who=CLI_ACTOR,
            via=_via(),
            holders=current_app.extensions.get("sigap_work_holders", {}),
            release=release,
        )
    except AccountError as error:
        raise _refused(error) from None
    except HoldsOpenWork as held:
        db.session.rollback()
        raise click.ClickException(
            f"Akun {account.email} masih memegang {held_work(held.held)} yang terbuka. Tugaskan ulang di "
            "antrean, atau jalankan lagi dengan --serahkan-ke-antrean untuk mengembalikannya ke antrean "
            "supervisor."
        ) from None
    db.session.commit()
    if released is None:
        click.echo(f"Akun {account.email} sudah nonaktif; tidak ada yang diubah.")
        return
    click.echo(f"Akun {account.email} dinonaktifkan. Aktifkan lagi dengan: flask users reactivate {account.email}")
    if any(released.values()):
        click.echo(f"{held_work(released)} dikembalikan ke antrean supervisor, tanpa petugas.")


@users_cli.command("reactivate")
@click.argument("email")
def reactivate_command(email: str) -> None:
    """Turn a deactivated account on again (its old sessions stay signed out)."""
    try:
        account = account_admin.find_by_email(session=current_session(), email=email)
        changed = account_admin.reactivate(session=current_session(), account=account, who=CLI_ACTOR, via=_via())
    except AccountError as error:
        raise _refused(error) from None
    db.session.commit()
    click.echo(f"Akun {account.email} {'aktif lagi' if changed else 'sudah aktif; tidak ada yang diubah'}.")


@users_cli.command("reset-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
def reset_password_command(email: str, password_stdin: bool) -> None:
    """Set a new password (its owner changes it at the next sign-in); signs the account out."""
    try:
        account = account_admin.find_by_email(session=current_session(), email=email)
        account_admin.reset_password(
            session=current_session(),
            account=account,
            new=_password(password_stdin),
            by=None,
            who=CLI_ACTOR,
            hmac_key=current_app.config["NIK_HMAC_KEY"],
            via=_via(),
        )
    except AccountError as error:
        raise _refused(error) from None
    db.session.commit()
    click.echo(f"Kata sandi {account.email} diganti; semua sesinya dikeluarkan. Pemiliknya wajib menggantinya lagi.")


@users_cli.command("reset-2fa")
@click.argument("email")
def reset_two_factor_command(email: str) -> None:
    """Turn two-factor sign-in off for a lost or replaced phone (check who asks first)."""
    try:
        account = account_admin.find_by_email(session=current_session(), email=email)
        account_admin.reset_two_factor(session=current_session(), account=account, by=None, who=CLI_ACTOR, via=_via())
    except AccountError as error:
        raise _refused(error) from None
    db.session.commit()
    click.echo(
        f"Verifikasi dua langkah {account.email} diatur ulang; semua sesinya dikeluarkan. "
        "Saat masuk berikutnya, pemiliknya wajib memindai kode QR baru."
    )
