"""What SQLAlchemy's declared types say less precisely than what the objects are.

A declarative model's `__table__` is typed as a FromClause, and `Session.execute` types every
result as a Result; for a mapped class it is a Table, and for an UPDATE or DELETE a CursorResult.
The services use both as such (Core DML over the table, executemany with bound WHERE values,
the number of rows an UPDATE matched), so these two say it once, checked at run time.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult

from portal.core.base import Base

AnyRow: TypeAlias = "sa.Row[*tuple[Any, ...]]"  # a string: SQLAlchemy 2.0's Row takes one tuple
"""A row of a select whose columns the code reads by name (`row.reference`)."""


def table_of(model: type[Base]) -> sa.Table:
    """The Table a model is mapped to (Core statements over it stay Core: no ORM bulk path)."""
    table = model.__table__
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} is not mapped to one table")
    return table


def rowcount(result: object) -> int:
    """Rows matched by the UPDATE or DELETE that `Session.execute` returned `result` for."""
    if not isinstance(result, CursorResult):
        raise TypeError("rowcount is known only for the result of an UPDATE or DELETE")
    return result.rowcount
