"""INSERT ... ON CONFLICT, written once for both databases the portal runs on.

SQLite and PostgreSQL spell it the same, but SQLAlchemy has one `insert` per dialect: this is the
one place that chooses, by the name of the session's (or connection's) dialect. `update` says what
a conflicting row becomes: nothing (DO NOTHING), the listed columns taken from the row that was
refused (`excluded`), or expressions given per column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.elements import KeyedColumnElement

Insert: TypeAlias = postgresql.Insert | sqlite.Insert
Target: TypeAlias = type[Any] | sa.Table
Rows: TypeAlias = Mapping[str, Any] | Sequence[Mapping[str, Any]]
Update: TypeAlias = Sequence[str] | Mapping[str, Any]
Excluded: TypeAlias = ReadOnlyColumnCollection[str, KeyedColumnElement[Any]]
Condition: TypeAlias = Callable[[Excluded], sa.ColumnElement[bool]]

DIALECTS = ("postgresql", "sqlite")


def _table(target: Target) -> sa.Table:
    table = target if isinstance(target, sa.Table) else target.__table__
    if not isinstance(table, sa.Table):
        raise TypeError(f"{target!r} is not mapped to a table")
    return table


def upsert_statement(
    dialect: str,
    target: Target,
    *,
    values: Rows | None = None,
    index_elements: Sequence[str],
    update: Update = (),
    where: Condition | None = None,
) -> Insert:
    """The statement for `dialect` ("postgresql" or "sqlite"), to execute or to extend (RETURNING,
    a CTE). Without `values` its columns come from the parameters it is executed with."""
    if dialect not in DIALECTS:
        raise ValueError(f"no upsert for the {dialect!r} database")
    table = _table(target)
    insert: Insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    if values is not None:
        insert = insert.values(values if isinstance(values, Mapping) else list(values))
    excluded = insert.excluded
    keys = [table.c[name] for name in index_elements]
    if not update:
        if where is not None:
            raise ValueError("a condition needs something to update")
        return insert.on_conflict_do_nothing(index_elements=keys)
    condition = where(excluded) if where is not None else None
    set_ = {name: excluded[name] for name in update} if not isinstance(update, Mapping) else dict(update)
    return insert.on_conflict_do_update(index_elements=keys, set_=set_, where=condition)


def upsert(
    session: Session,
    target: Target,
    rows: Rows,
    *,
    index_elements: Sequence[str],
    update: Update = (),
    where: Condition | None = None,
    returning: Sequence[sa.ColumnElement[Any]] = (),
) -> sa.Result[Any]:
    """Insert `rows` (one mapping or several), and on a conflict over `index_elements` do what
    `update` says; `returning` columns come back for the rows inserted or updated."""
    if not isinstance(rows, Mapping) and not rows:
        raise ValueError("nothing to upsert")
    statement = upsert_statement(
        session.get_bind().dialect.name,
        target,
        values=rows,
        index_elements=index_elements,
        update=update,
        where=where,
    )
    return session.execute(statement.returning(*returning) if returning else statement)
