"""Admins manage officer accounts: create, change role, scope and active, reset a password or
the two-factor verification. Every change is audited; no admin can lock themselves out by accident."""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.accounts.models import Account, AccountKecamatan
from portal.accounts.services import accounts
from portal.accounts.services.accounts import AccountError, AccountRefusal
from portal.accounts.services.handover import WorkHolder, future_account, hand_over
from portal.core import trail as audit
from portal.core.regions import regions
from portal.core.roles import Role


def list_accounts(*, session: Session) -> list[Account]:
    return list(session.scalars(sa.select(Account).order_by(Account.active.desc(), Account.name, Account.id)))


def _scope_text(codes: list[str]) -> str:
    return ",".join(sorted(codes)) or "semua"


def create(
    *,
    session: Session,
    email: str,
    name: str,
    role: Role,
    kecamatan_codes: list[str],
    city_wide: bool,
    password: str,
    who: audit.Actor,
    via: str = "",
    owner_chose_password: bool = False,
) -> Account:
    """A new account with a password an admin chose: its owner changes it at the first sign-in
    (unless `owner_chose_password`: the CLI's --keep-password, the owner at the shell). An
    officer's scope must be chosen (accounts.check_scope). `via`: "CLI user@host" when made from
    the command line (the audit row has no account then)."""
    accounts.check_scope(role=role, kecamatan_codes=kecamatan_codes, city_wide=city_wide)
    if role is not Role.OFFICER:
        kecamatan_codes = []  # supervisors and admins see the whole city
    account = accounts.create_account(
        session=session,
        email=email,
        name=name,
        role=role,
        password=password,
        kecamatan_codes=kecamatan_codes,
        must_change_password=not owner_chose_password,
    )
    audit.record(
        session=session,
        actor=who,
        action="buat",
        object_type="account",
        object_id=account.id,
        detail=_via(via) + f"{account.email} peran={role.value} wilayah={_scope_text(kecamatan_codes)}",
    )
    return account


def _via(via: str) -> str:
    return f"{via}: " if via else ""


def find_by_email(*, session: Session, email: str) -> Account:
    account = session.scalar(sa.select(Account).where(Account.email == accounts.normalize_email(email)))
    if account is None:
        raise AccountError(AccountRefusal.NOT_FOUND, email=email.strip()[:254])
    return account


def deactivate(
    *,
    session: Session,
    account: Account,
    who: audit.Actor,
    via: str = "",
    holders: Mapping[str, WorkHolder] | None = None,
    release: bool = False,
) -> dict[str, int] | None:
    """Turn an account off and sign it out everywhere (the CLI's `users deactivate`); None when
    it already was, else the work handed back per kind ({} when it held none). Refused
    (handover.HoldsOpenWork) while it holds open work, unless `release` hands that work back to
    the supervisors' queue."""
    if not account.active:
        return None
    released = hand_over(session=session, account=account, future=None, holders=holders or {}, release=release, who=who)
    account.active = False
    account.session_version += 1
    _record_active_change(session, account, who=who, via=via)
    return released


def reactivate(*, session: Session, account: Account, who: audit.Actor, via: str = "") -> bool:
    """Turn a deactivated account on again (the CLI's `users reactivate`); False when it already
    was. Its old sessions stay dead: deactivating bumped the session version."""
    if account.active:
        return False
    account.active = True
    _record_active_change(session, account, who=who, via=via)
    return True


def _record_active_change(session: Session, account: Account, *, who: audit.Actor, via: str) -> None:
    change = _via(via) + ("aktif: tidak -> ya" if account.active else "aktif: ya -> tidak")
    session.flush()
    audit.record(session=session, actor=who, action="ubah", object_type="account", object_id=account.id, detail=change)


def update(
    *,
    session: Session,
    account: Account,
    name: str,
    role: Role,
    kecamatan_codes: list[str],
    active: bool,
    by: Account,
    who: audit.Actor,
    city_wide: bool,
    holders: Mapping[str, WorkHolder] | None = None,
    release: bool = False,
) -> dict[str, int]:
    """Change an account's name, role, kecamatan scope (an officer's chosen: check_scope) and
    whether it may sign in. A change that would take open cases or help requests out of its
    sight is refused (handover.HoldsOpenWork) unless `release` hands them back to the
    supervisors' queue; returns what was handed back per kind."""
    accounts.check_scope(role=role, kecamatan_codes=kecamatan_codes, city_wide=city_wide)
    if account.id == by.id and not active:
        raise AccountError(AccountRefusal.OWN_ACTIVE)
    if account.id == by.id and role is not by.role:
        raise AccountError(AccountRefusal.OWN_ROLE)
    unknown = [c for c in kecamatan_codes if c not in regions().kecamatan]
    if unknown:
        raise AccountError(AccountRefusal.UNKNOWN_KECAMATAN, codes=", ".join(unknown))
    future = future_account(account, role=role, kecamatan_codes=kecamatan_codes, active=active)
    released = hand_over(
        session=session, account=account, future=future, holders=holders or {}, release=release, who=who
    )
    changes = []
    name = name.strip() or account.name
    if name != account.name:
        changes.append(f"nama: {account.name[:40]} -> {name[:40]}")
        account.name = name
    if role is not account.role:
        changes.append(f"peran: {account.role.value} -> {role.value}")
        account.role = role
    old_codes = account.kecamatan_codes
    if sorted(set(kecamatan_codes)) != sorted(old_codes):
        changes.append(f"wilayah: {_scope_text(old_codes)} -> {_scope_text(kecamatan_codes)}")
        # remove and add only what changed: deleting and re-inserting the same key in one flush fails
        account.scopes = [s for s in account.scopes if s.kecamatan_code in kecamatan_codes] + [
            AccountKecamatan(kecamatan_code=c) for c in sorted(set(kecamatan_codes)) if c not in old_codes
        ]
    if active != account.active:
        changes.append(f"aktif: {'ya' if account.active else 'tidak'} -> {'ya' if active else 'tidak'}")
        account.active = active
        if not active:
            account.session_version += 1  # reactivating later must not revive old sessions
    if not changes:
        return released
    session.flush()
    audit.record(
        session=session,
        actor=who,
        action="ubah",
        object_type="account",
        object_id=account.id,
        detail="; ".join(changes),
    )
    return released


def reset_password(
    *, session: Session, account: Account, new: str, by: Account | None, who: audit.Actor, hmac_key: str, via: str = ""
) -> None:
    """Sets a new password and signs the account out everywhere (accounts.set_password); the
    sign-in lockouts of its e-mail end (they were about the old password). `by` None: the CLI."""
    if by is not None and account.id == by.id:
        raise AccountError(AccountRefusal.OWN_RESET)
    accounts.set_password(session=session, account=account, new=new)
    accounts.clear_sign_in_lockouts(session=session, email=account.email, hmac_key=hmac_key)
    audit.record(
        session=session,
        actor=who,
        action="atur_ulang_kata_sandi",
        object_type="account",
        object_id=account.id,
        detail=_via(via).removesuffix(": "),
    )


def reset_two_factor(
    *, session: Session, account: Account, by: Account | None, who: audit.Actor, via: str = ""
) -> None:
    """For a lost or replaced phone: turns the account's two-factor verification off and signs it
    out everywhere. An admin account must set it up again before any other page opens
    (portal.web.auth.enforce); other roles may. Never one's own account: another admin checks
    who is asking."""
    if by is not None and account.id == by.id:
        raise AccountError(AccountRefusal.OWN_TOTP)
    if not account.totp_enabled:
        raise AccountError(AccountRefusal.NO_TOTP)
    account.totp_enabled = False
    account.totp_secret = None
    account.totp_last_step = None
    account.session_version += 1
    session.flush()
    audit.record(
        session=session,
        actor=who,
        action="atur_ulang_2fa",
        object_type="account",
        object_id=account.id,
        detail=_via(via) + f"peran={account.role.value}",
    )
