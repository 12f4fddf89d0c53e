"""The last figures /statistik counted, kept in the database (stats_snapshot) for every worker.

A worker that starts reads this one row instead of counting (0.6-0.8 s at 100,000 complaints).
Several workers may count at the same time: store() keeps whichever count started last (the
figures of the newest data), so a slower, older count never replaces a newer one, and the
figures a worker reads never go back in time. Functions flush; the caller commits.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core.upsert import upsert
from portal.statistics.models import StatsSnapshot
from portal.statistics.services.codec import SnapshotFormatError
from portal.statistics.services.tables import PublicFigures

KEY = "statistik"

log = logging.getLogger("portal")


def load(*, session: Session, key: str = KEY) -> PublicFigures | None:
    """The stored figures, or None when there are none yet or they were written by another
    shape of the figures classes (then they are counted again and replaced)."""
    row = session.execute(
        sa.select(StatsSnapshot.computed_at, StatsSnapshot.payload).where(StatsSnapshot.key == key)
    ).first()
    if row is None:
        return None
    try:
        public = PublicFigures.from_json(row.payload)
    except SnapshotFormatError as error:
        log.warning("statistics snapshot %s not readable, counting again: %s", key, error)
        return None
    if public.computed_at != row.computed_at:
        log.warning("statistics snapshot %s: payload and computed_at differ, counting again", key)
        return None
    return public


def store(*, session: Session, public: PublicFigures, key: str = KEY) -> bool:
    """Keep `public` unless figures counted later are stored already; True when kept.

    One statement (INSERT ... ON CONFLICT DO UPDATE ... WHERE), atomic on SQLite and PostgreSQL:
    two workers storing at once cannot both insert, and the older count loses."""
    table = StatsSnapshot.__table__
    stored = upsert(
        session,
        table,
        {"key": key, "computed_at": public.computed_at, "payload": public.to_json()},
        index_elements=["key"],
        update=["computed_at", "payload"],
        where=lambda excluded: table.c.computed_at < excluded.computed_at,
        returning=[table.c.key],
    )
    return stored.first() is not None
