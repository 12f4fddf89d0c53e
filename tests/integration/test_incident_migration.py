"""Migration 0016 (incident reports, anonymous reports): a complaint filed before it keeps its phone
and channel and reads as not anonymous; an anonymous report can be stored after it; downgrade
refuses while one exists, and works once none does."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal.extensions import db
from tests.helpers import app_on_a_database_of_its_own

COMPLAINT = {
    "reference": "SGP-2026-000001",
    "access_code_hash": "x",
    "category": "pungli",
    "status": "diterima",
    "confidential": True,
    "subject_name": "",
    "kelurahan_code": "32.75.01.1001",
    "filer_relation": "lainnya",
    "consent_recorded": False,
    "phone": "+6281234567890",
    "contact_channel": "whatsapp",
    "description": "Diminta uang.",
    "created_at": "2026-12-01 10:00:00+00:00",
    "updated_at": "2026-12-01 10:00:00+00:00",
    "verify_due": "2026-12-04",
    "resolve_due": "2026-12-18",
    "appealed": False,
    "version": 1,
}


def _insert(conn: sa.Connection, **values) -> None:
    row = {**COMPLAINT, **values}
    columns = ", ".join(row)
    conn.execute(sa.text(f"INSERT INTO complaint ({columns}) VALUES ({', '.join(':' + k for k in row)})"), row)  # noqa: S608


def test_0016_keeps_old_complaints_and_guards_anonymous_ones_on_downgrade(database_url, tmp_path):
    with app_on_a_database_of_its_own(database_url, tmp_path, "m0016") as app:
        with app.app_context():
            upgrade(revision="0015")
            with db.engine.begin() as conn:
                _insert(conn)
            upgrade(revision="0016")
            with db.engine.begin() as conn:
                old = conn.execute(sa.text("SELECT anonymous, phone, contact_channel, incident_date FROM complaint"))
                assert [tuple(r) for r in old] == [(False, "+6281234567890", "whatsapp", None)]
                _insert(
                    conn,
                    reference="SGP-2026-000002",
                    phone=None,
                    contact_channel=None,
                    anonymous=True,
                    incident_place="Kantor kelurahan",
                    incident_date="2026-11-30",
                )
            with pytest.raises(SystemExit):  # flask_migrate logs the RuntimeError and exits
                downgrade(revision="0015")
            with db.engine.connect() as conn:
                assert conn.scalar(sa.text("SELECT version_num FROM alembic_version")) == "0016"
                assert conn.scalar(sa.text("SELECT count(*) FROM complaint")) == 2
            with db.engine.begin() as conn:
                conn.execute(sa.text("DELETE FROM complaint WHERE phone IS NULL"))
            downgrade(revision="0015")
            with db.engine.connect() as conn:
                columns = {c["name"]: c for c in sa.inspect(conn).get_columns("complaint")}
                assert "anonymous" not in columns and not columns["phone"]["nullable"]
            upgrade()
            db.engine.dispose()
