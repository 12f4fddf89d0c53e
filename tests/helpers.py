"""Helpers shared by test modules (fixtures stay in conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import Flask


@contextmanager
def app_on_a_database_of_its_own(database_url: str, tmp_path: Path, name: str) -> Iterator[Flask]:
    """An app on an empty database of its own (for migration tests: the shared test database is
    at head): a new PostgreSQL database `<test database>_<name>`, dropped afterwards, or a new
    SQLite file."""
    from portal import create_app
    from tests.conftest import _test_config

    admin = None
    if database_url.startswith("postgresql"):
        base, _, shared = database_url.rpartition("/")
        url = f"{base}/{shared}_{name}"
        admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{shared}_{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{shared}_{name}"'))
    else:
        url = f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
    app = create_app(_test_config(url, tmp_path))
    try:
        yield app
    finally:
        if admin is not None:
            from portal.extensions import db

            with app.app_context():
                db.engine.dispose()
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}"'))
            admin.dispose()
