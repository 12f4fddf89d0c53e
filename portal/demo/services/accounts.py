"""One demo account per role; passwords are random and printed at every seed (never in code).

Seeding again (`flask demo seed`, `--force`) finds each demo account by its e-mail and puts its
name back: still one account per demo role. The names say "Demo", so a demo account is never
mistaken in a list for a real one (README's first admin is "Admin SIGAP"; a demo admin of the
same name made `--force` on such a database leave two "Admin SIGAP", issue 16)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.accounts.models import Account
from portal.accounts.services import accounts
from portal.core.roles import Role, needs_two_factor

DEMO_ACCOUNTS: tuple[tuple[str, str, Role, list[str]], ...] = (
    ("petugas@demo.sigap.test", "Petugas Demo Bekasi Timur", Role.OFFICER, ["32.75.01"]),
    ("supervisor@demo.sigap.test", "Supervisor Demo", Role.SUPERVISOR, []),
    ("admin@demo.sigap.test", "Admin Demo", Role.ADMIN, []),
)


@dataclass(frozen=True, slots=True)
class DemoCredential:
    email: str
    role: Role
    password: str
    totp_secret: str | None


def seed_accounts(*, session: Session) -> list[DemoCredential]:
    made = []
    for email, name, role, scope in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        account = session.scalars(sa.select(Account).where(Account.email == email)).first()
        if account is None:
            account = accounts.create_account(
                session=session, email=email, name=name, role=role, password=password, kecamatan_codes=scope
            )
        else:
            accounts.set_password(session=session, account=account, new=password)
            account.name = name
        if needs_two_factor(role) and not account.totp_enabled:
            account.totp_secret = accounts.new_totp_secret()
            account.totp_enabled = True
        made.append(
            DemoCredential(
                email=email,
                role=role,
                password=password,
                totp_secret=account.totp_secret if account.totp_enabled else None,
            )
        )
    session.flush()
    return made
