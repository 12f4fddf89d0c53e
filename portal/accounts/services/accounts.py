"""Officer accounts: memory-hard passwords (Argon2id), lockout, TOTP, sign-out everywhere.

Sign-in attempts are counted per (typed e-mail, client) before the password or code is compared
(portal.core.lockout), for known and unknown e-mails alike: five failures lock that client
out of that e-mail, and nobody else. Clients the account does not know (no device cookie from an
earlier sign-in, portal.accounts.routes.device) also count towards the e-mail's total over every client;
past `total_failures` those clients are refused for a while, and the account's known devices
are not. An unknown e-mail, a wrong password and a client locked out get the same answer after
the same work: one Argon2 verification each.
"""

from __future__ import annotations

import enum
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import sqlalchemy as sa
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import Account, AccountKecamatan
from portal.core import lockout
from portal.core.base import utcnow
from portal.core.errors import DomainError, Locked
from portal.core.hashing import dummy_hashes, password_hasher
from portal.core.lockout import DEFAULT_POLICY, Attempt, LockoutPolicy, keyed_hash
from portal.core.lockout_models import AccessLockout, LockoutScope
from portal.core.regions import regions
from portal.core.roles import Role, needs_two_factor
from portal.core.sql import table_of
from portal.core.trail import Actor, record

MIN_PASSWORD = 12


class AccountRefusal(enum.StrEnum):
    """Why an account change was refused (accounts.labels words each one)."""

    TOO_SHORT = "too_short"  # a password; n
    TOO_LONG = "too_long"  # a password
    HAS_EMAIL_NAME = "has_email_name"  # a password
    NOT_AN_EMAIL = "not_an_email"
    EMAIL_TAKEN = "email_taken"  # email
    UNKNOWN_KECAMATAN = "unknown_kecamatan"  # codes
    WRONG_CURRENT = "wrong_current"  # password
    OWN_ACTIVE = "own_active"
    OWN_ROLE = "own_role"
    OWN_RESET = "own_reset"  # of the password
    OWN_TOTP = "own_totp"
    NO_TOTP = "no_totp"
    SCOPE_NOT_CHOSEN = "scope_not_chosen"  # an officer: neither kecamatan nor the whole city chosen
    SCOPE_BOTH = "scope_both"  # kecamatan and the whole city both chosen
    SAME_PASSWORD = "same_password"  # noqa: S105 (a refusal code: the new password is the current one)
    NOT_FOUND = "not_found"  # email (the CLI)


class AccountError(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class SignIn:
    account: Account
    needs_totp: bool
    must_set_up_totp: bool


def check_password_strength(password: str, *, email: str = "") -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(AccountRefusal.TOO_SHORT, n=MIN_PASSWORD)
    if len(password) > 200:
        raise AccountError(AccountRefusal.TOO_LONG)
    if email and email.split("@")[0].lower() in password.lower():
        raise AccountError(AccountRefusal.HAS_EMAIL_NAME)


def check_scope(*, role: Role, kecamatan_codes: list[str], city_wide: bool) -> None:
    """An officer's scope is chosen, never a default: some kecamatan, or the whole city on purpose
    (issue 16 point 8: an officer made without kecamatan silently saw the whole city).
    Supervisors and admins always see the whole city; the choice does not apply to them."""
    if role is not Role.OFFICER:
        return
    if city_wide and kecamatan_codes:
        raise AccountError(AccountRefusal.SCOPE_BOTH)
    if not city_wide and not kecamatan_codes:
        raise AccountError(AccountRefusal.SCOPE_NOT_CHOSEN)


def create_account(
    *,
    session: Session,
    email: str,
    name: str,
    role: Role,
    password: str,
    kecamatan_codes: list[str] | None = None,
    must_change_password: bool = False,
) -> Account:
    email = email.strip().lower()
    if not email or "@" not in email:
        raise AccountError(AccountRefusal.NOT_AN_EMAIL)
    if session.scalar(sa.select(Account.id).where(Account.email == email)) is not None:
        raise AccountError(AccountRefusal.EMAIL_TAKEN, email=email)
    check_password_strength(password, email=email)
    unknown = [c for c in kecamatan_codes or [] if c not in regions().kecamatan]
    if unknown:
        raise AccountError(AccountRefusal.UNKNOWN_KECAMATAN, codes=", ".join(unknown))
    account = Account(
        email=email,
        name=name.strip() or email,
        role=role,
        password_hash=password_hasher().hash(password),
        must_change_password=must_change_password,
        scopes=[AccountKecamatan(kecamatan_code=c) for c in kecamatan_codes or []],
    )
    session.add(account)
    session.flush()
    return account


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def sign_in_secret(hmac_key: str, email: str) -> str:
    """The HMAC that stands for a typed e-mail in the lockout table (known or not)."""
    return keyed_hash(hmac_key, "masuk:" + normalize_email(email))


@dataclass(frozen=True, slots=True)
class _Attempts:
    """A sign-in step's counted attempt, and the e-mail's total when the client is not trusted."""

    own: Attempt
    total: Attempt | None

    @property
    def allowed(self) -> bool:
        return self.own.allowed and (self.total is None or self.total.allowed)

    @property
    def refusal(self) -> Attempt:
        return self.total if self.own.allowed and self.total is not None else self.own


def _reserve(
    session: Session,
    *,
    secret_hmac: str,
    client: str,
    trusted: bool,
    hmac_key: str,
    policy: LockoutPolicy,
    now: datetime,
) -> _Attempts:
    own = lockout.reserve(
        session,
        scope=LockoutScope.SIGN_IN,
        secret_hmac=secret_hmac,
        client_hmac=keyed_hash(hmac_key, client),
        policy=policy,
        now=now,
    )
    total = None
    if own.allowed and not trusted:
        total = lockout.reserve(
            session,
            scope=LockoutScope.SIGN_IN,
            secret_hmac=secret_hmac,
            client_hmac=lockout.EVERY_CLIENT,
            policy=policy,
            now=now,
        )
        if not total.allowed:
            lockout.refund(session, own)  # refused before any comparison: not a guess of this client
    return _Attempts(own, total)


def _settle(
    session: Session,
    attempts: _Attempts,
    *,
    right: bool,
    finished: bool,
    policy: LockoutPolicy,
    account: Account | None,
) -> None:
    """After the comparison. Right and finished: this client's count starts again. Right but a
    second factor to come: the attempt does not count. Wrong: it counts, here and in the total."""
    if not right:
        lockout.failed(session, attempts.own, policy)
        if attempts.total is not None:
            lockout.failed(session, attempts.total, policy, subject=("account", account.id) if account else None)
        return
    (lockout.succeeded if finished else lockout.refund)(session, attempts.own)
    if attempts.total is not None:  # a right answer takes nothing from the total: the attack goes on
        lockout.refund(session, attempts.total)


def authenticate(
    *,
    session: Session,
    email: str,
    password: str,
    client: str,
    hmac_key: str,
    trusted: bool = False,
    policy: LockoutPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> SignIn | None:
    """The account when the password is right and `client` may try; None otherwise: for an
    unknown or inactive e-mail, a wrong password and a client locked out alike, after one Argon2
    verification in each case (against a dummy hash without an account, and still when locked).

    `client` is an opaque key (the address, or the device of a device cookie); `trusted`: the
    device cookie is this account's, so the e-mail's total neither counts nor refuses it."""
    now = now or utcnow()
    email = normalize_email(email)
    attempts = _reserve(
        session,
        secret_hmac=sign_in_secret(hmac_key, email),
        client=client,
        trusted=trusted,
        hmac_key=hmac_key,
        policy=policy,
        now=now,
    )
    account = session.scalars(sa.select(Account).where(Account.email == email)).first()
    if account is not None and not account.active:
        account = None  # a deactivated account is answered like an unknown one
    right = _verify(account.password_hash if account else dummy_hashes()[0], password) and account is not None
    if not attempts.allowed:  # refused: nothing was compared, nothing counts
        return None
    finished = right and account is not None and not account.totp_enabled
    _settle(session, attempts, right=right, finished=finished, policy=policy, account=account)
    if not right or account is None:
        return None
    if password_hasher().check_needs_rehash(account.password_hash):
        account.password_hash = password_hasher().hash(password)
    session.flush()
    return SignIn(
        account=account,
        needs_totp=account.totp_enabled,
        must_set_up_totp=needs_two_factor(account.role) and not account.totp_enabled,
    )


def verify_second_factor(
    *,
    session: Session,
    account: Account,
    code: str,
    client: str,
    hmac_key: str,
    trusted: bool = False,
    policy: LockoutPolicy = DEFAULT_POLICY,
    now: datetime | None = None,
) -> bool:
    """The TOTP step of a sign-in whose password was right. Wrong codes count towards the same
    lockout as wrong passwords (this e-mail, this client; the total for untrusted clients).
    Raises Locked: the password was right, so saying so tells nothing new."""
    now = now or utcnow()
    attempts = _reserve(
        session,
        secret_hmac=sign_in_secret(hmac_key, account.email),
        client=client,
        trusted=trusted,
        hmac_key=hmac_key,
        policy=policy,
        now=now,
    )
    if not attempts.allowed:
        refusal = attempts.refusal
        raise Locked("sign_in", minutes=refusal.wait_minutes, retry_after_seconds=refusal.wait_seconds)
    right = verify_totp(session=session, account=account, code=code, now=now)
    _settle(session, attempts, right=right, finished=True, policy=policy, account=account)
    return right


def clear_sign_in_lockouts(*, session: Session, email: str, hmac_key: str) -> None:
    """An admin set a new password: the old password's failed attempts no longer matter."""
    session.execute(sa.delete(AccessLockout).where(AccessLockout.secret_hmac == sign_in_secret(hmac_key, email)))


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


def verify_totp(
    *, session: Session, account: Account, code: str, secret: str | None = None, now: datetime | None = None
) -> bool:
    """Check a 6-digit code (±1 step for clock drift); a code is accepted only once, atomically:
    the step is stored with UPDATE ... WHERE totp_last_step < step, and only the request whose
    UPDATE changed the row gets in (two requests with one code at once: one)."""
    secret = secret or account.totp_secret
    code = "".join(c for c in code or "" if c.isdigit())
    if not secret or len(code) != 6:
        return False
    moment = now or utcnow()
    totp = pyotp.TOTP(secret)
    table = table_of(Account)
    for drift in (-1, 0, 1):
        at = moment + timedelta(seconds=30 * drift)
        step = int(at.timestamp()) // 30
        if not hmac.compare_digest(totp.at(at), code):
            continue
        accepted = (
            session.connection()
            .execute(
                table.update()
                .where(
                    table.c.id == account.id, sa.or_(table.c.totp_last_step.is_(None), table.c.totp_last_step < step)
                )
                .values(totp_last_step=step)
            )
            .rowcount
        )
        if accepted == 1:
            set_committed_value(account, "totp_last_step", step)
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
        raise AccountError(AccountRefusal.WRONG_CURRENT)
    if new == current:
        raise AccountError(AccountRefusal.SAME_PASSWORD)
    check_password_strength(new, email=account.email)
    account.password_hash = password_hasher().hash(new)
    account.must_change_password = False
    account.session_version += 1
    session.flush()


def set_password(*, session: Session, account: Account, new: str) -> None:
    """An admin resets a password: also signs the account out everywhere, and its owner must
    change it at the next sign-in (the admin knows it)."""
    check_password_strength(new, email=account.email)
    account.password_hash = password_hasher().hash(new)
    account.must_change_password = True
    account.session_version += 1
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
