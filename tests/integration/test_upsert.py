"""portal.core.upsert: one INSERT ... ON CONFLICT for SQLite and PostgreSQL (every database test
runs on both): nothing, the refused row's columns, or expressions, on a conflict; a condition
that keeps the stored row; RETURNING only for the rows written."""

import pytest
import sqlalchemy as sa

from portal.core.references import ReferenceCounter
from portal.core.upsert import upsert, upsert_statement
from portal.extensions import db

T = ReferenceCounter.__table__
KEYS = ["series", "year"]


def stored() -> list[tuple[str, int, int]]:
    return [tuple(r) for r in db.session.execute(sa.select(T.c.series, T.c.year, T.c.last_number).order_by(*T.c))]


def test_a_conflict_does_nothing_by_default(app):
    upsert(db.session, ReferenceCounter, {"series": "SGP", "year": 2026, "last_number": 4}, index_elements=KEYS)
    upsert(db.session, ReferenceCounter, {"series": "SGP", "year": 2026, "last_number": 0}, index_elements=KEYS)
    upsert(db.session, T, [{"series": "BTN", "year": 2026, "last_number": 1}], index_elements=KEYS)
    assert stored() == [("BTN", 2026, 1), ("SGP", 2026, 4)]


def test_a_conflict_takes_the_listed_columns_of_the_refused_row(app):
    rows = [{"series": "SGP", "year": 2025, "last_number": 1}, {"series": "SGP", "year": 2026, "last_number": 2}]
    upsert(db.session, ReferenceCounter, rows, index_elements=KEYS)
    upsert(
        db.session,
        ReferenceCounter,
        [{"series": "SGP", "year": 2026, "last_number": 9}, {"series": "BTN", "year": 2026, "last_number": 3}],
        index_elements=KEYS,
        update=["last_number"],
    )
    assert stored() == [("BTN", 2026, 3), ("SGP", 2025, 1), ("SGP", 2026, 9)]


def test_expressions_and_a_condition_and_returning(app):
    row = {"series": "SGP", "year": 2026, "last_number": 5}
    upsert(db.session, T, row, index_elements=KEYS)
    grows = {"last_number": T.c.last_number + 1}
    returned = upsert(db.session, T, row, index_elements=KEYS, update=grows, returning=[T.c.last_number])
    assert returned.scalar_one() == 6
    only_larger = upsert(
        db.session,
        T,
        {**row, "last_number": 3},
        index_elements=KEYS,
        update=["last_number"],
        where=lambda excluded: T.c.last_number < excluded.last_number,
        returning=[T.c.last_number],
    )
    assert only_larger.first() is None  # kept: the stored number is larger
    assert stored() == [("SGP", 2026, 6)]


def test_a_statement_for_each_dialect_by_name(app):
    assert upsert_statement("sqlite", T, index_elements=KEYS).compile(dialect=sa.dialects.sqlite.dialect())
    compiled = str(upsert_statement("postgresql", T, index_elements=KEYS, update=["last_number"]).compile())
    assert "ON CONFLICT (series, year) DO UPDATE SET last_number = excluded.last_number" in compiled
    with pytest.raises(ValueError):
        upsert_statement("mysql", T, index_elements=KEYS)
    with pytest.raises(ValueError):
        upsert_statement("sqlite", T, index_elements=KEYS, where=lambda excluded: T.c.year > 0)
    with pytest.raises(ValueError):
        upsert(db.session, T, [], index_elements=KEYS)
