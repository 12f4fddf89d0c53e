"""Counting failed guesses of something secret-ish (a NIK + name, a reference + code) and locking it.

Keyed by an HMAC with a scope, so the table never holds the NIK or reference in clear. Each
lockout lasts twice as long as the one before.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.models.lockout import AccessLockout


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    max_failures: int = 5
    base_minutes: int = 15


DEFAULT_POLICY = LockoutPolicy()  # frozen: one shared default argument


def keyed_hash(key: str, value: str) -> str:
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def locked_for_seconds(session: Session, key_hmac: str, now: datetime) -> int:
    """Seconds until the key may be tried again; 0 when it is not locked."""
    lock = session.get(AccessLockout, key_hmac)
    if lock is None or lock.locked_until is None or lock.locked_until <= now:
        return 0
    return int((lock.locked_until - now).total_seconds()) + 1


def record_failure(session: Session, key_hmac: str, policy: LockoutPolicy, now: datetime) -> None:
    """Add one failure atomically (two requests at once must not both insert); lock at the limit."""
    table = AccessLockout.__table__
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    statement = (
        insert.values(key_hmac=key_hmac, failures=1, lockouts=0, updated_at=now)
        .on_conflict_do_update(
            index_elements=[table.c.key_hmac],
            set_={"failures": table.c.failures + 1, "updated_at": now},
        )
        .returning(table.c.failures)
    )
    if session.execute(statement).scalar_one() >= policy.max_failures:
        lock = session.get(AccessLockout, key_hmac, populate_existing=True)
        lock.lockouts += 1
        lock.failures = 0
        lock.locked_until = now + timedelta(minutes=policy.base_minutes * 2 ** (lock.lockouts - 1))
        session.flush()


def record_success(session: Session, key_hmac: str) -> None:
    lock = session.get(AccessLockout, key_hmac)
    if lock is not None and lock.failures:
        lock.failures = 0
