"""How long the status-check log is kept: CHECK_LOG_RETENTION_DAYS (365 by default), then its
rows are deleted by the task queue every night (portal.status_check.tasks.purge_check_log).

The log holds HMACs of a NIK and a client with the time and outcome of each check; nothing in the
portal reads it back (it is there for investigating abuse), so an old row is only a liability.
Deleted in batches of at most `BATCH` rows, the oldest first: one statement each,
`DELETE … WHERE id IN (SELECT id … WHERE checked_at < :before ORDER BY checked_at LIMIT :n)`,
which reads no row into Python and walks the index on checked_at; the caller commits between
batches, so a first purge of years of log holds neither memory nor a long transaction, on SQLite
and PostgreSQL alike. Two consumers purging at once delete each row once: the second finds it gone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core.sql import rowcount
from portal.status_check.models import StatusCheckLog

BATCH = 5_000


def cutoff(*, now: datetime, days: int) -> datetime:
    """Rows checked before this moment are past their retention."""
    return now - timedelta(days=days)


def delete_log_batch(*, session: Session, before: datetime, batch: int = BATCH) -> int:
    """Delete at most `batch` log rows checked before `before`, the oldest first; how many went.
    Fewer than `batch`: none is left."""
    oldest = (
        sa.select(StatusCheckLog.id)
        .where(StatusCheckLog.checked_at < before)
        .order_by(StatusCheckLog.checked_at)
        .limit(batch)
    )
    result = session.execute(
        sa.delete(StatusCheckLog).where(StatusCheckLog.id.in_(oldest)),
        execution_options={"synchronize_session": False},
    )
    return rowcount(result)
