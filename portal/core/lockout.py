"""Counting guesses at something secret-ish, per (secret, client), and locking that client out.

A secret is what is guessed (a NIK with a name, a reference with its access code, an e-mail
with its password); a client is who guesses (an opaque string: an address, a device, later a
phone number). Five failures lock that client out of that secret, for 15 minutes, then twice as
long after each lockout. Someone else's failures never lock the owner out: they are another
client. Both are stored as HMACs (`keyed_hash`), never in clear.

An attempt is counted before the secret is compared (`reserve`): one INSERT ... ON CONFLICT DO
UPDATE ... RETURNING adds the attempt and returns the count, so whether the attempt is still
allowed comes from the same statement that counted it. On PostgreSQL that statement also holds
the row's lock until the transaction ends, and on SQLite the database's write lock does the same,
so the attempts of one client at one secret follow one another: a burst of parallel guesses gets
exactly `max_failures` comparisons. After the comparison the caller says how it went:
`succeeded` (the count starts again), `failed` (the lockout starts at the limit) or `refund`
(the attempt was right but is not finished, e.g. a password before its second factor).

The row with the client "*" counts a secret's failures over every client. For the status check
and tracking it locks nobody out (`count_total`): every `total_failures` failures it tells staff
(an audit event, no personal data) that one secret draws guesses from many clients. For
officers' sign-in it is reserved and failed like a client's count, and its lockout refuses the
clients the account does not know (portal.accounts.services.accounts).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core import trail as audit
from portal.core.base import UTCDateTime
from portal.core.lockout_models import AccessLockout, LockoutScope
from portal.core.sql import AnyRow, table_of
from portal.core.upsert import Insert, upsert_statement

EVERY_CLIENT = "*"  # the client_hmac of a secret's total (an HMAC is 64 hex digits, never "*")


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    max_failures: int = 5  # per (secret, client)
    base_minutes: int = 15  # the first lockout; each next one lasts twice as long
    total_failures: int = 50  # a secret's failures over every client before staff are told
    total_window: timedelta = timedelta(days=1)  # a total starts again after this long without a failure

    def minutes(self, earlier_lockouts: int) -> int:
        return self.base_minutes * (1 << earlier_lockouts)  # doubles with each lockout


DEFAULT_POLICY = LockoutPolicy()  # frozen: one shared default argument


def keyed_hash(key: str, value: str) -> str:
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Attempt:
    """One counted attempt of a client at a secret, as `reserve` left it."""

    scope: LockoutScope
    secret_hmac: str
    client_hmac: str
    failures: int  # counted so far, this attempt included
    lockouts: int
    locked_until: datetime | None
    limit: int
    now: datetime

    @property
    def locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > self.now

    @property
    def allowed(self) -> bool:
        """Whether this attempt may be compared: not locked out, and within the limit."""
        return not self.locked and self.failures <= self.limit

    @property
    def wait_seconds(self) -> int:
        """Until the client may try again (0 while the attempt is allowed)."""
        if self.locked_until is None or not self.locked:
            return 0
        return int((self.locked_until - self.now).total_seconds()) + 1

    @property
    def wait_minutes(self) -> int:
        return (self.wait_seconds + 59) // 60


_T = table_of(AccessLockout)
_STATEMENTS: dict[tuple[str, bool], Insert] = {}


def count_statement(dialect: str, *, total: bool = False) -> Insert:
    """INSERT ... ON CONFLICT DO UPDATE that counts one attempt (none while locked out), without
    its RETURNING: callers add the columns they need (the status check adds the person's).
    Parameters: secret_hmac, client_hmac, scope, now, and for a total `stale` (now minus the
    window: an older total starts again at 1)."""
    cached = _STATEMENTS.get((dialect, total))
    if cached is not None:
        return cached
    now = sa.bindparam("now", type_=UTCDateTime())
    counted = _T.c.failures + 1
    if total:
        counted = sa.case((_T.c.updated_at < sa.bindparam("stale", type_=UTCDateTime()), 1), else_=counted)
    statement = upsert_statement(
        dialect,
        _T,
        values={
            "secret_hmac": sa.bindparam("secret_hmac"),
            "client_hmac": sa.bindparam("client_hmac"),
            "scope": sa.bindparam("scope"),
            "failures": 1,
            "lockouts": 0,
            "updated_at": now,
        },
        index_elements=["secret_hmac", "client_hmac"],
        update={"failures": sa.case((_T.c.locked_until > now, _T.c.failures), else_=counted), "updated_at": now},
    )
    _STATEMENTS[(dialect, total)] = statement
    return statement


def parameters(
    *, scope: LockoutScope, secret_hmac: str, client_hmac: str, now: datetime, policy: LockoutPolicy = DEFAULT_POLICY
) -> dict[str, object]:
    return {
        "secret_hmac": secret_hmac,
        "client_hmac": client_hmac,
        "scope": scope,
        "now": now,
        "stale": now - policy.total_window,
    }


def attempt_from(
    row: AnyRow, *, scope: LockoutScope, secret_hmac: str, client_hmac: str, policy: LockoutPolicy, now: datetime
) -> Attempt:
    limit = policy.total_failures if client_hmac == EVERY_CLIENT else policy.max_failures
    return Attempt(
        scope=scope,
        secret_hmac=secret_hmac,
        client_hmac=client_hmac,
        failures=row.failures,
        lockouts=row.lockouts,
        locked_until=row.locked_until,
        limit=limit,
        now=now,
    )


def reserve(
    session: Session,
    *,
    scope: LockoutScope,
    secret_hmac: str,
    client_hmac: str,
    policy: LockoutPolicy = DEFAULT_POLICY,
    now: datetime,
) -> Attempt:
    """Count an attempt before comparing anything; `.allowed` says whether to compare."""
    total = client_hmac == EVERY_CLIENT
    statement = count_statement(session.get_bind().dialect.name, total=total).returning(
        _T.c.failures, _T.c.lockouts, _T.c.locked_until
    )
    row = (
        session.connection()
        .execute(
            statement, parameters(scope=scope, secret_hmac=secret_hmac, client_hmac=client_hmac, now=now, policy=policy)
        )
        .one()
    )
    attempt = attempt_from(row, scope=scope, secret_hmac=secret_hmac, client_hmac=client_hmac, policy=policy, now=now)
    return checked(session, attempt, policy)


def checked(session: Session, attempt: Attempt, policy: LockoutPolicy) -> Attempt:
    """Over the limit without a lockout (the limit was lowered since): the lockout starts now."""
    if not attempt.locked and attempt.failures > attempt.limit:
        return _lock(session, attempt, policy)
    return attempt


def succeeded(session: Session, attempt: Attempt) -> None:
    """The secret matched: this client's count starts again. A row that holds nothing else goes
    (nothing is kept about a client that only succeeded); one with lockouts stays at 0 failures,
    so its next lockout still lasts twice as long."""
    session.connection().execute(success_statement(attempt.lockouts), success_parameters(attempt))


_FORGET = _T.delete().where(
    _T.c.secret_hmac == sa.bindparam("done_secret"), _T.c.client_hmac == sa.bindparam("done_client"), _T.c.lockouts == 0
)
_RESET = (
    _T.update()
    .where(_T.c.secret_hmac == sa.bindparam("done_secret"), _T.c.client_hmac == sa.bindparam("done_client"))
    .values(failures=0)
)


def success_statement(lockouts: int) -> sa.Delete | sa.Update:
    """The statement for `succeeded`, with parameters done_secret and done_client (not named
    after columns: the status check runs it as a CTE of its log row's INSERT)."""
    return _FORGET if lockouts == 0 else _RESET


def success_parameters(attempt: Attempt) -> dict[str, str]:
    return {"done_secret": attempt.secret_hmac, "done_client": attempt.client_hmac}


def refund(session: Session, attempt: Attempt) -> None:
    """The attempt was right but is not finished (a password before its second factor): it does
    not count, and does not start the count again either."""
    session.connection().execute(
        _T.update().where(*_where(attempt), _T.c.failures > 0).values(failures=_T.c.failures - 1)
    )


def failed(
    session: Session, attempt: Attempt, policy: LockoutPolicy, subject: tuple[str, str | int] | None = None
) -> Attempt | None:
    """The secret did not match. At the limit the lockout starts: returned, else None. A total
    used as a gate (sign-in) that locks also tells staff (`subject`: see `count_total`)."""
    if attempt.failures < attempt.limit:
        return None
    started = _lock(session, attempt, policy)
    if attempt.client_hmac == EVERY_CLIENT:
        _alert(session, started, policy, subject=subject, gate=True)
    return started


def _where(attempt: Attempt) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[bool]]:
    return _T.c.secret_hmac == attempt.secret_hmac, _T.c.client_hmac == attempt.client_hmac


def _lock(session: Session, attempt: Attempt, policy: LockoutPolicy) -> Attempt:
    # The row is ours until the transaction ends (reserve's statement locked it), so the
    # lockouts it returned are still the stored ones.
    until = attempt.now + timedelta(minutes=policy.minutes(attempt.lockouts))
    session.connection().execute(
        _T.update().where(*_where(attempt)).values(failures=0, lockouts=attempt.lockouts + 1, locked_until=until)
    )
    return replace(attempt, failures=0, lockouts=attempt.lockouts + 1, locked_until=until)


# Totals over every client ---------------------------------------------------------------------

_WHAT = {
    LockoutScope.STATUS_CHECK: "satu NIK di cek status",
    LockoutScope.TRACKING: "satu nomor pengaduan/bantuan di halaman lacak",
    LockoutScope.SIGN_IN: "satu email di halaman masuk petugas",
}


def count_total(
    session: Session,
    *,
    scope: LockoutScope,
    secret_hmac: str,
    policy: LockoutPolicy = DEFAULT_POLICY,
    now: datetime,
    subject: tuple[str, str | int] | None = None,
) -> None:
    """Count a failure in the secret's total, which locks nobody out (status check, tracking).
    Every `total_failures` failures staff are told with an audit event: the scope and how many
    clients tried, never the secret (`subject`: the audited object, else the secret's HMAC)."""
    statement = count_statement(session.get_bind().dialect.name, total=True).returning(
        _T.c.failures, _T.c.lockouts, _T.c.locked_until
    )
    row = (
        session.connection()
        .execute(
            statement,
            parameters(scope=scope, secret_hmac=secret_hmac, client_hmac=EVERY_CLIENT, now=now, policy=policy),
        )
        .one()
    )
    if row.failures < policy.total_failures:
        return
    session.connection().execute(
        _T.update()
        .where(_T.c.secret_hmac == secret_hmac, _T.c.client_hmac == EVERY_CLIENT)
        .values(failures=0, lockouts=row.lockouts + 1)
    )
    total = attempt_from(row, scope=scope, secret_hmac=secret_hmac, client_hmac=EVERY_CLIENT, policy=policy, now=now)
    _alert(session, replace(total, failures=0, lockouts=row.lockouts + 1), policy, subject=subject, gate=False)


def delete_quiet_totals(*, session: Session, policy: LockoutPolicy = DEFAULT_POLICY, now: datetime, batch: int) -> int:
    """Delete at most `batch` totals that keep nothing their next count would use, the oldest
    first; how many went (fewer than `batch`: none is left). Such a total has never locked or
    alerted (lockouts 0, no locked_until) and has had no failure for `total_window`: its next
    count starts again at 1 (count_statement's `stale`), exactly like a row that does not exist,
    so deleting it changes no answer, only what is kept about a secret. Kept: every client's own
    row (its failures never expire: they count until a success or a lockout) and totals that
    locked or alerted (their next lockout lasts twice as long; their alerts are numbered)."""
    quiet = (
        _T.c.client_hmac == EVERY_CLIENT,
        _T.c.lockouts == 0,
        _T.c.locked_until.is_(None),
        _T.c.updated_at < now - policy.total_window,
    )
    oldest = sa.select(_T.c.secret_hmac).where(*quiet).order_by(_T.c.updated_at).limit(batch)
    # The conditions again on the row deleted: on PostgreSQL a total counted meanwhile by another
    # transaction is checked again as it now is (and kept).
    result = session.connection().execute(_T.delete().where(*quiet, _T.c.secret_hmac.in_(oldest)))
    return result.rowcount


def _alert(
    session: Session, total: Attempt, policy: LockoutPolicy, *, subject: tuple[str, str | int] | None, gate: bool
) -> None:
    clients = (
        session.connection()
        .execute(
            sa.select(sa.func.count())
            .select_from(_T)
            .where(_T.c.secret_hmac == total.secret_hmac, _T.c.client_hmac != EVERY_CLIENT)
        )
        .scalar_one()
    )
    effect = (
        f"perangkat yang belum dikenal akun ini ditolak {policy.minutes(total.lockouts - 1)} menit"
        if gate
        else "tidak ada yang dikunci: tiap alamat tetap dibatasi sendiri"
    )
    object_type, object_id = subject or ("lockout", f"{total.scope}:{total.secret_hmac[:16]}")
    audit.record(
        session=session,
        actor=audit.Actor(account_id=None),
        action="banyak_percobaan_gagal",
        object_type=object_type,
        object_id=object_id,
        detail=f"{policy.total_failures} percobaan gagal untuk {_WHAT[total.scope]}, dari {clients} alamat "
        f"atau perangkat yang tercatat gagal (peringatan ke-{total.lockouts}); {effect}",
    )
