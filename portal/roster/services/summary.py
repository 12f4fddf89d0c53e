"""The roster counted per group (table roster_summary), so /statistik never scans `person`.

The public figures need people per status and, of the active ones, per kelurahan, sex, coverage
period and snapshot date (portal.statistics.services.figures). Counting them from a million `person` rows
takes seconds; the roster only changes through an import, so the import keeps these counts: for
every row it writes it knows the group the person leaves and the group they join
(portal.roster.services.importing), adds those moves up in memory (one counter per group, so memory stays
constant) and writes the differences at the end, in the import's own transaction. A committed
import therefore always leaves counts that match `person`, and a killed one leaves both as they
were.

`recount` counts everything again from `person` (one grouped pass): for the migration that
creates the table, for code that writes `person` directly (test factories, benchmark fills), and
as the fallback when the counts turn out not to match (`apply_changes` checks the total).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from operator import attrgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

import portal.core.sqlite_hints  # noqa: F401 (SQLite renders the NOT INDEXED hint)
from portal.core.nik import Sex
from portal.core.sql import table_of
from portal.roster.models.person import Person, PersonStatus
from portal.roster.models.summary import RosterSummary

GROUP_COLUMNS = ("status", "kelurahan_code", "jenis_kelamin", "mulai", "selesai", "tanggal_data")

Group = tuple[str, str, str, date | None, date | None, date]
group_of = attrgetter(*GROUP_COLUMNS)
"""The group of a person, a RosterRow or a stored row (enums stay enums: they equal their value)."""

_summary = table_of(RosterSummary)
_person = table_of(Person)
log = logging.getLogger("portal")


def changes() -> Counter[tuple[Any, ...]]:
    """An empty tally of moves: +1 for each person joining a group, -1 for each one leaving."""
    return Counter()


def _plain(group: Sequence[Any]) -> Group:
    status, kelurahan_code, sex, mulai, selesai, tanggal_data = group
    return PersonStatus(status).value, kelurahan_code, Sex(sex).value, mulai, selesai, tanggal_data


def recount(*, session: Session) -> int:
    """Count every group again from `person`; returns the number of groups. Flushes."""
    session.flush()
    session.execute(_summary.delete())
    columns = [_person.c[name] for name in GROUP_COLUMNS]
    # SQLite: a plain scan; its planner would otherwise read the active rows through their index
    grouped = (
        sa.select(*columns, sa.func.count()).group_by(*columns).with_hint(_person, "NOT INDEXED", dialect_name="sqlite")
    )
    session.execute(_summary.insert().from_select([*GROUP_COLUMNS, "people"], grouped))
    return session.scalar(sa.select(sa.func.count()).select_from(_summary)) or 0


def apply_changes(*, session: Session, moves: Mapping[tuple[Any, ...], int]) -> None:
    """Add a tally of moves to the stored counts. Flushes.

    The caller must hold the roster's write lock (an import does): this reads the counts and
    writes them back. Should the result not add up to the people in `person` (a group would go
    below zero, or the totals differ because something wrote `person` without coming through
    here), everything is counted again instead, and a warning logged.
    """
    net: dict[Group, int] = {}
    for group, n in moves.items():
        if n:
            key = _plain(group)
            net[key] = net.get(key, 0) + n
    net = {key: n for key, n in net.items() if n}
    if not net:
        return
    columns = (_summary.c.id, *(_summary.c[c] for c in GROUP_COLUMNS), _summary.c.people)
    stored = {_plain(row[1:-1]): (row[0], row[-1]) for row in session.execute(sa.select(*columns))}
    inserts, updates, deletes = [], [], []
    for key, n in net.items():
        found_id, people = stored.get(key, (None, 0))
        people += n
        if people < 0:
            _recount_after_mismatch(session, f"group {key[:3]} would hold {people}")
            return
        if found_id is None:
            inserts.append({**dict(zip(GROUP_COLUMNS, key, strict=True)), "people": people})
        elif people == 0:
            deletes.append(found_id)
        else:
            updates.append({"b_id": found_id, "v_people": people})
    if inserts:
        session.execute(_summary.insert(), inserts)
    if updates:
        session.execute(
            _summary.update().where(_summary.c.id == sa.bindparam("b_id")).values(people=sa.bindparam("v_people")),
            updates,
        )
    for start in range(0, len(deletes), 500):
        session.execute(_summary.delete().where(_summary.c.id.in_(deletes[start : start + 500])))
    counted = session.scalar(sa.select(sa.func.coalesce(sa.func.sum(_summary.c.people), 0)))
    people = session.scalar(sa.select(sa.func.count()).select_from(_person))
    if counted != people:
        _recount_after_mismatch(session, f"{counted} counted, {people} in person")


def _recount_after_mismatch(session: Session, detail: str) -> None:
    log.warning("roster_summary did not match person (%s); counting it again", detail)
    recount(session=session)


def groups(*, session: Session) -> list[tuple[Any, ...]]:
    """Every group with its count: (status, kelurahan_code, jenis_kelamin, mulai, selesai,
    tanggal_data, people)."""
    return [
        tuple(row) for row in session.execute(sa.select(*(_summary.c[c] for c in GROUP_COLUMNS), _summary.c.people))
    ]
