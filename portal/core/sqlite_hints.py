"""SQLite's INDEXED BY, for the officers' queue.

The portal never runs ANALYZE, and without statistics SQLite's planner takes any index with an
equality on it as highly selective: it would count an officer's 100,000-row queue by looking up
every row from the status index, and sort every open case to show 25. The queue service names
the index it has built for each shape of query instead (portal.complaints.services.queue); PostgreSQL,
whose autovacuum keeps statistics, plans for itself and gets no hint.

A query carries its hint with SQLAlchemy's own `Select.with_hint(..., dialect_name="sqlite")`.
SQLite's compiler renders no table hints, so this module adds SQLite's syntax through
SQLAlchemy's public compiler extension (`sqlalchemy.ext.compiler.compiles`, "changing the
default compilation of existing constructs"): a table compiled for SQLite, in the FROM clause of
a statement that gave it a hint, is followed by that hint (`FROM complaint INDEXED BY ix_name`).
The hint reaches the table's compilation as the `fromhints` keyword SQLAlchemy's compiler passes
down with every FROM element (what its own dialects' table hints are built from); should a release
stop passing it, the hint is simply not rendered, and tests/integration/test_officer_queue_plans.py fails.
A named index that cannot answer the query is an error ("no query solution"), not a slow plan:
tests run every filter of the queue on SQLite."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles


@compiles(sa.Table, "sqlite")
def _table_with_its_hint(table: sa.Table, compiler, **kw) -> str:
    text = compiler.visit_table(table, **kw)
    hint = (kw.get("fromhints") or {}).get(table) if kw.get("asfrom") else None
    return f"{text} {hint}" if hint else text


def indexed_by(query: sa.Select, entity, index_name: str | None) -> sa.Select:
    """`query` reading `entity` through `index_name` on SQLite; unchanged on other databases."""
    if index_name is None:
        return query
    return query.with_hint(entity, f"INDEXED BY {index_name}", dialect_name="sqlite")
