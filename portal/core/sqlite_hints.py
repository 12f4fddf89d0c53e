"""SQLite's INDEXED BY, for the officers' queue.

The portal never runs ANALYZE, and without statistics SQLite's planner takes any index with an
equality on it as highly selective: it would count an officer's 100,000-row queue by looking up
every row from the status index, and sort every open case to show 25. The queue service names
the index it has built for each shape of query instead (portal.complaints.services.queue); PostgreSQL,
whose autovacuum keeps statistics, plans for itself and gets no hint.

SQLAlchemy renders a table hint (Select.with_hint) only where a dialect says how; SQLite's says
nothing, so this module teaches it SQLite's own syntax: `FROM complaint INDEXED BY ix_name`.
A named index that cannot answer the query is an error ("no query solution"), not a slow plan:
tests run every filter of the queue on SQLite."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.sql.compiler import SQLCompiler

S = TypeVar("S", bound="sa.Select[*tuple[Any, ...]]")


def _from_hint_text(_compiler: SQLCompiler, _table: sa.FromClause, text: str | None) -> str | None:
    return text


SQLiteCompiler.get_from_hint_text = _from_hint_text  # type: ignore[method-assign,assignment]  # patched here


def indexed_by(query: S, entity: sa.FromClause | type[Any], index_name: str | None) -> S:
    """`query` reading `entity` through `index_name` on SQLite; unchanged on other databases."""
    if index_name is None:
        return query
    return query.with_hint(entity, f"INDEXED BY {index_name}", dialect_name="sqlite")
