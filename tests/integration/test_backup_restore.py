"""Backups restore (docs/backups.md): a database full of cases is backed up with the real tools —
`pg_dump -Fc` then `pg_restore` into a fresh database on PostgreSQL, SQLite's online backup API
(`flask db-backup`) on SQLite — and every case is found in the restored copy with its status and
its events; every table has the same number of rows, and the copy takes new cases."""

# ruff: noqa: S603, S607 (fixed commands: system tools and this venv's scripts)
from __future__ import annotations

import os
import re
import subprocess

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.demo.services.cases import seed_complaints
from portal.demo.services.roster import demo_rows
from portal.extensions import db
from portal.models import Base
from portal.roster.services.importing import import_roster
from tests.factories import complaint, roster_csv
from tests.helpers import app_settings


def fill() -> int:
    rows = demo_rows(
        seed=11,
        counts={
            ("aktif", ""): 150,
            ("daftar_tunggu", ""): 50,
            ("tidak_memenuhi_syarat", "desil_di_atas_5"): 20,
        },
    )
    import_roster(session=db.session, stream=roster_csv(rows), filename="roster.csv", imported_by="uji")
    made = seed_complaints(session=db.session, count=120)
    db.session.commit()
    complaint(email="warga@contoh.id")  # one with an email in the outbox
    return made + 1


def snapshot(url: str) -> tuple[dict[str, tuple[str, int]], dict[str, int]]:
    """Every case (reference → status, number of events) and every table's row count."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        cases = {
            ref: (status, events)
            for ref, status, events in conn.execute(
                sa.text(
                    "SELECT c.reference, c.status, count(e.id) FROM complaint c "
                    "LEFT JOIN complaint_event e ON e.complaint_id = c.id "
                    "GROUP BY c.reference, c.status"
                )
            )
        }
        counts = {t.name: conn.scalar(sa.select(sa.func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
    engine.dispose()
    return cases, counts


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def pg_backup_and_restore(url: str, tmp_path, request) -> str:
    dump = tmp_path / "sigap.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), libpq(url)], check=True, timeout=300)
    fresh = f"{sa.make_url(url).database}_restore_{os.getpid()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)'))
        admin.dispose()

    drop()
    request.addfinalizer(drop)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{fresh}"'))
    restored = sa.make_url(url).set(database=fresh).render_as_string(hide_password=False)
    subprocess.run(
        ["pg_restore", "--exit-on-error", "--no-owner", "-d", libpq(restored), str(dump)],
        check=True,
        timeout=300,
    )
    return restored


def sqlite_backup_and_restore(app, tmp_path) -> str:
    copy = tmp_path / "cadangan.sqlite3"
    result = app.test_cli_runner().invoke(args=["db-backup", str(copy)])  # while the app is open
    assert result.exit_code == 0 and "Cadangan selesai" in result.output, result.output
    assert not (tmp_path / "cadangan.sqlite3.partial").exists()
    again = app.test_cli_runner().invoke(args=["db-backup", str(copy)])
    assert again.exit_code != 0 and "sudah ada" in again.output  # never overwrites a backup
    from portal.models import AuditEvent

    (made,) = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "cadangan")).all()
    assert made.object_type == "database" and made.detail.startswith("CLI ")  # the copy is in the trail
    return f"sqlite:///{copy}"


def test_every_case_is_in_the_restored_copy(app, database_url, tmp_path, request, monkeypatch):
    made = fill()
    original = snapshot(database_url)
    assert len(original[0]) == made >= 100 and len({s for s, _ in original[0].values()}) >= 5

    if database_url.startswith("postgresql"):
        restored = pg_backup_and_restore(database_url, tmp_path, request)
    else:
        restored = sqlite_backup_and_restore(app, tmp_path)
    assert snapshot(restored) == original

    # The copy is a working database: a new case gets the next reference number.
    copy_app = create_app({**app_settings(restored, tmp_path), "SQLALCHEMY_DATABASE_URI": restored})
    with copy_app.app_context():
        case, _code = complaint()
        number = int(re.fullmatch(r"SGP-\d{4}-(\d{6})", case.reference).group(1))
        db.session.remove()
        db.engine.dispose()
    assert number == max(int(ref[-6:]) for ref in original[0] if ref.startswith(case.reference[:9])) + 1


def test_db_backup_refuses_postgresql(app, database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite is what db-backup copies; the refusal is for a server database")
    result = app.test_cli_runner().invoke(args=["db-backup", str(tmp_path / "x.sqlite3")])
    assert result.exit_code != 0 and "pg_dump" in result.output
