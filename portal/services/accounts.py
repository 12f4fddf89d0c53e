"""Officer accounts: memory-hard passwords (Argon2id), lockout, TOTP, sign-out everywhere."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import sqlalchemy as sa
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal.models.account import Account, AccountKecamatan, Role
from portal.models.base import utcnow
from portal.services.audit import Actor, record
from portal.services.errors import DomainError, Locked
from portal.services.hashing import dummy_hashes, password_hasher
from portal.services.regions import regions

MIN_PASSWORD = 12
MAX_FAILURES = 5
LOCK_MINUTES = 15


class AccountError(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class SignIn:
    account: Account
    needs_totp: bool
    must_set_up_totp: bool


def check_password_strength(password: str, *, email: str = "") -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(_("Kata sandi paling sedikit %(n)d karakter.", n=MIN_PASSWORD))
    if len(password) > 200:
        raise AccountError(_("Kata sandi paling banyak 200 karakter."))
    if email and email.split("@")[0].lower() in password.lower():
        raise AccountError(_("Kata sandi tidak boleh memuat nama email Anda."))


def create_account(*, session: Session, email: str, name: str, role: Role, password: str,
                   kecamatan_codes: list[str] | None = None) -> Account:  # fmt: skip
    email = email.strip().lower()
    if not email or "@" not in email:
        raise AccountError(_("Tulis email lengkap, misalnya petugas@bekasikota.go.id."))
    if session.scalar(sa.select(Account.id).where(Account.email == email)) is not None:
        raise AccountError(_("Sudah ada akun dengan email %(email)s.", email=email))
    check_password_strength(password, email=email)
    unknown = [c for c in kecamatan_codes or [] if c not in regions().kecamatan]
    if unknown:
        raise AccountError(_("Kode kecamatan tidak dikenal: %(codes)s.", codes=", ".join(unknown)))
    account = Account(email=email, name=name.strip() or email, role=role,
                      password_hash=password_hasher().hash(password),
                      scopes=[AccountKecamatan(kecamatan_code=c) for c in kecamatan_codes or []])  # fmt: skip
    session.add(account)
    session.flush()
    return account


def authenticate(*, session: Session, email: str, password: str, now: datetime | None = None) -> SignIn | None:
    """The account when the password is right; None otherwise (same answer for an unknown email).
    Raises Locked after repeated failures."""
    now = now or utcnow()
    account = session.scalars(sa.select(Account).where(Account.email == email.strip().lower())).first()
    if account is None or not account.active:
        _verify(dummy_hashes()[0], password)  # same work for an unknown email
        return None
    if account.locked_until and account.locked_until > now:
        wait = int((account.locked_until - now).total_seconds()) + 1
        raise Locked(_("Akun dikunci sementara karena terlalu banyak percobaan. Coba lagi setelah "
                       "%(minutes)d menit.", minutes=(wait + 59) // 60), retry_after_seconds=wait)  # fmt: skip
    if not _verify(account.password_hash, password):
        account.failed_logins += 1
        if account.failed_logins >= MAX_FAILURES:
            account.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            account.failed_logins = 0
        session.flush()
        return None
    account.failed_logins = 0
    if password_hasher().check_needs_rehash(account.password_hash):
        account.password_hash = password_hasher().hash(password)
    session.flush()
    return SignIn(account=account, needs_totp=account.totp_enabled,
                  must_set_up_totp=account.role is Role.ADMIN and not account.totp_enabled)  # fmt: skip


def _verify(password_hash: str, password: str) -> bool:
    try:
        return password_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def mark_signed_in(*, session: Session, account: Account, now: datetime | None = None) -> None:
    account.last_login_at = now or utcnow()
    session.flush()


def sign_out(*, session: Session, account: Account, who: Actor) -> None:
    """Sessions are signed cookies: only a new session_version makes a copied cookie worthless.

    So "Keluar" signs the account out on every device, not just this browser.
    """
    account.session_version += 1
    record(session=session, actor=who, action="keluar", object_type="account", object_id=account.id)
    session.flush()


def new_totp_secret() -> str:
    return pyotp.random_base32()


def looks_like_totp_secret(value: object) -> bool:
    """What new_totp_secret makes: 32 base32 characters."""
    return isinstance(value, str) and len(value) == 32 and all(c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in value)


def totp_uri(*, account: Account, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account.email, issuer_name="SIGAP Kota Bekasi")


def verify_totp(*, session: Session, account: Account, code: str, secret: str | None = None,
                now: datetime | None = None) -> bool:  # fmt: skip
    """Check a 6-digit code (±1 step for clock drift); a code is accepted only once."""
    secret = secret or account.totp_secret
    code = "".join(c for c in code or "" if c.isdigit())
    if not secret or len(code) != 6:
        return False
    moment = now or utcnow()
    totp = pyotp.TOTP(secret)
    for drift in (-1, 0, 1):
        at = moment + timedelta(seconds=30 * drift)
        step = int(at.timestamp()) // 30
        if totp.at(at) == code and (account.totp_last_step is None or step > account.totp_last_step):
            account.totp_last_step = step
            session.flush()
            return True
    return False


def enable_totp(*, session: Session, account: Account, secret: str, code: str) -> bool:
    if not verify_totp(session=session, account=account, code=code, secret=secret):
        return False
    account.totp_secret = secret
    account.totp_enabled = True
    account.session_version += 1  # other sessions must sign in again with the second factor
    session.flush()
    return True


def change_password(*, session: Session, account: Account, current: str, new: str) -> None:
    """Changing the password signs the account out everywhere (session_version)."""
    if not _verify(account.password_hash, current):
        raise AccountError(_("Kata sandi saat ini salah."))
    check_password_strength(new, email=account.email)
    account.password_hash = password_hasher().hash(new)
    account.session_version += 1
    session.flush()


def set_password(*, session: Session, account: Account, new: str) -> None:
    """An admin resets a password: also signs the account out everywhere."""
    check_password_strength(new, email=account.email)
    account.password_hash = password_hasher().hash(new)
    account.session_version += 1
    account.locked_until = None
    account.failed_logins = 0
    session.flush()


def load_for_session(*, session: Session, user_id: str) -> Account | None:
    """Flask-Login's loader: "id:version", so a bumped version ends old sessions."""
    account_id, _sep, version = user_id.partition(":")
    if not account_id.isdigit() or not version.isdigit():
        return None
    account = session.get(Account, int(account_id))
    if account is None or not account.active or account.session_version != int(version):
        return None
    return account
