"""The nightly purge of the status check's log (CHECK_LOG_RETENTION_DAYS) and of lockout totals
that keep nothing, run as the task queue runs it (`purge_check_log`, immediate in tests), on a
fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from portal.core import lockout
from portal.core.base import utcnow
from portal.core.lockout import EVERY_CLIENT, LockoutPolicy, keyed_hash
from portal.core.lockout_models import LockoutScope
from portal.extensions import db
from portal.models import AccessLockout, CheckOutcome, StatusCheckLog
from portal.status_check import tasks as status_check_tasks
from portal.status_check.services import retention
from portal.status_check.services.check import check_status

pytestmark = pytest.mark.clock("2027-03-10T10:00:00+07:00")
NOW = datetime(2027, 3, 10, 3, 0, tzinfo=UTC)
UNKNOWN_NIK = "3275019999990001"


def log_rows(*moments: datetime) -> None:
    db.session.execute(
        sa.insert(StatusCheckLog),
        [
            {"checked_at": moment, "nik_hmac": f"{n:064x}", "client_hmac": "c" * 64, "outcome": CheckOutcome.NO_MATCH}
            for n, moment in enumerate(moments)
        ],
    )
    db.session.commit()


def kept_log() -> list[datetime]:
    db.session.expire_all()
    return db.session.scalars(sa.select(StatusCheckLog.checked_at).order_by(StatusCheckLog.checked_at)).all()


def test_the_nightly_task_deletes_log_rows_past_the_retention(app):
    now = utcnow()
    year = timedelta(days=365)
    log_rows(now - timedelta(days=800), now - year - timedelta(minutes=1), now - year + timedelta(minutes=1), now)
    status_check_tasks.purge_check_log()
    assert kept_log() == [now - year + timedelta(minutes=1), now]


@pytest.mark.parametrize("app_config", [{"CHECK_LOG_RETENTION_DAYS": 30}])
def test_the_retention_is_a_setting(app):
    now = utcnow()
    log_rows(now - timedelta(days=31), now - timedelta(days=29))
    status_check_tasks.purge_check_log()
    assert kept_log() == [now - timedelta(days=29)]


def test_the_log_goes_in_batches_oldest_first_and_fewer_than_a_batch_means_done(app):
    log_rows(*(NOW - timedelta(days=400 + n) for n in range(10)), NOW - timedelta(days=1))
    before = retention.cutoff(now=NOW, days=365)
    deleted = []
    while True:
        deleted.append(retention.delete_log_batch(session=db.session, before=before, batch=3))
        db.session.commit()
        if deleted[-1] < 3:
            break
        assert kept_log()[0] == NOW - timedelta(days=400 + 9 - 3 * len(deleted))  # the oldest went first
    assert deleted == [3, 3, 3, 1] and kept_log() == [NOW - timedelta(days=1)]


def test_a_long_log_is_deleted_in_committed_batches_of_one_statement(app):
    """10,001 old rows: three DELETEs (5,000, 5,000, 1), each committed; none read into Python."""
    old = NOW - timedelta(days=366)
    log_rows(*(old - timedelta(seconds=n) for n in range(2 * retention.BATCH + 1)))
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001 (the event's signature)
        statements.append(" ".join(statement.split()).upper())

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        with time_machine.travel(NOW, tick=False):
            status_check_tasks.purge_check_log()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    deletes = [s for s in statements if s.startswith("DELETE FROM STATUS_CHECK_LOG")]
    assert len(deletes) == 3 and all("LIMIT" in s for s in deletes)
    assert not [s for s in statements if s.startswith("SELECT") and "STATUS_CHECK_LOG" in s.split(" WHERE")[0]]
    assert kept_log() == []


def test_a_check_past_the_retention_leaves_only_its_clients_count(app):
    """A failed check writes a log row, its client's count and the NIK's total over every client.
    A year and a day later the log row and the quiet total are gone; the client's own count stays
    (failures count until a success or a lockout, however old)."""
    nik_hmac = keyed_hash("k", UNKNOWN_NIK)
    then = NOW - timedelta(days=366)
    assert not check_status(
        session=db.session, nik=UNKNOWN_NIK, name="Siapa", client="10.0.0.1", hmac_key="k", now=then
    ).found
    db.session.commit()
    rows = db.session.execute(sa.select(AccessLockout.client_hmac, AccessLockout.failures)).all()
    assert len(kept_log()) == 1 and sorted(rows) == sorted([(EVERY_CLIENT, 1), (keyed_hash("k", "10.0.0.1"), 1)])
    with time_machine.travel(NOW, tick=False):
        status_check_tasks.purge_check_log()
    db.session.expire_all()
    assert kept_log() == []
    left = db.session.execute(sa.select(AccessLockout.secret_hmac, AccessLockout.client_hmac)).all()
    assert left == [(nik_hmac, keyed_hash("k", "10.0.0.1"))]


def total(secret: str, *, failures: int, lockouts: int = 0, locked_until=None, updated_at: datetime) -> AccessLockout:
    return AccessLockout(
        secret_hmac=secret,
        client_hmac=EVERY_CLIENT,
        scope=LockoutScope.STATUS_CHECK,
        failures=failures,
        lockouts=lockouts,
        locked_until=locked_until,
        updated_at=updated_at,
    )


def test_only_totals_that_keep_nothing_are_deleted(app):
    policy = LockoutPolicy()
    day = policy.total_window
    db.session.add_all(
        [
            total("a" * 64, failures=7, updated_at=NOW - day - timedelta(seconds=1)),  # quiet: goes
            total("b" * 64, failures=7, updated_at=NOW - day + timedelta(seconds=1)),  # counts still
            total("c" * 64, failures=0, lockouts=1, updated_at=NOW - timedelta(days=30)),  # alerted once
            AccessLockout(  # a client's own count: never expires
                secret_hmac="d" * 64,
                client_hmac="e" * 64,
                scope=LockoutScope.TRACKING,
                failures=2,
                updated_at=NOW - timedelta(days=30),
            ),
        ]
    )
    db.session.commit()
    assert lockout.delete_quiet_totals(session=db.session, policy=policy, now=NOW, batch=100) == 1
    db.session.commit()
    assert db.session.scalars(sa.select(AccessLockout.secret_hmac).order_by(AccessLockout.secret_hmac)).all() == [
        "b" * 64,
        "c" * 64,
        "d" * 64,
    ]


def test_a_deleted_quiet_total_counts_on_exactly_as_the_kept_one(app):
    """Two identical quiet totals, one deleted: the next failure leaves both rows the same."""
    policy = LockoutPolicy()
    db.session.add_all(
        [
            total("a" * 64, failures=49, updated_at=NOW - timedelta(days=3)),
            total("b" * 64, failures=49, updated_at=NOW - timedelta(days=2)),
        ]
    )
    db.session.commit()
    assert lockout.delete_quiet_totals(session=db.session, policy=policy, now=NOW, batch=1) == 1  # the oldest
    for secret in ("a" * 64, "b" * 64):
        lockout.count_total(
            session=db.session, scope=LockoutScope.STATUS_CHECK, secret_hmac=secret, policy=policy, now=NOW
        )
    db.session.commit()
    rows = db.session.execute(
        sa.select(AccessLockout.secret_hmac, AccessLockout.failures, AccessLockout.lockouts, AccessLockout.updated_at)
    ).all()
    assert sorted(rows) == [("a" * 64, 1, 0, NOW), ("b" * 64, 1, 0, NOW)]
