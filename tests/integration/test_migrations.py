"""`flask db upgrade` on an empty database yields exactly the models: no drift."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db
from portal.models import Base
from tests.helpers import app_on_a_database_of_its_own


def test_migrations_match_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_every_table_comes_from_a_migration(app):
    from sqlalchemy import inspect

    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) | {"alembic_version"} == tables


def test_0007_counts_the_people_already_in_the_roster(database_url, tmp_path):
    """An upgraded database shows the right figures at once: the migration that creates
    roster_summary fills it from the existing `person` rows (and downgrade drops it)."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    group = "status, kelurahan_code, jenis_kelamin, mulai, selesai, tanggal_data"
    with app_on_a_database_of_its_own(database_url, tmp_path, "m0007") as app:
        with app.app_context():
            upgrade(revision="0006")
            people = [
                {
                    "nik": f"32750101018{n:05d}",
                    "nama": "Warga",
                    "tanggal_lahir": "1980-01-01",
                    "jenis_kelamin": "LP"[n % 2],
                    "kelurahan_code": ("32.75.01.1001", "32.75.02.1001")[n % 3 == 0],
                    "pekerjaan": "",
                    "status": ("aktif", "aktif", "proses", "nonaktif")[n % 4],
                    "alasan": "pindah" if n % 4 == 3 else None,
                    "mulai": ("2025-11-01", "2026-03-01")[n % 5 == 0] if n % 4 < 2 else None,
                    "selesai": "2027-01-31" if n % 4 < 2 else None,
                    "tanggal_data": ("2026-09-01", "2026-10-01")[n % 7 == 0],
                    "updated_at": "2026-10-01 00:00:00+00:00",
                }
                for n in range(200)
            ]
            columns = ", ".join(people[0])
            values = ", ".join(f":{key}" for key in people[0])
            with db.engine.begin() as conn:
                conn.execute(sa.text(f"INSERT INTO person ({columns}) VALUES ({values})"), people)  # noqa: S608
            upgrade()
            with db.engine.connect() as conn:
                stored = conn.execute(sa.text(f"SELECT {group}, people FROM roster_summary")).all()  # noqa: S608
                counted = conn.execute(sa.text(f"SELECT {group}, count(*) FROM person GROUP BY {group}")).all()  # noqa: S608
            assert sorted(map(tuple, stored), key=repr) == sorted(map(tuple, counted), key=repr)
            assert sum(row[-1] for row in stored) == 200 and len(stored) > 10
            downgrade(revision="0006")
            assert "roster_summary" not in sa.inspect(db.engine).get_table_names()
            db.engine.dispose()


def test_0010_keeps_old_counts_as_totals_and_drops_the_account_lock(database_url, tmp_path):
    """Old per-secret rows become the secret's total (client "*"), without a lock in progress;
    the account's lock columns go; downgrade puts the totals back."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    at, until = "2026-11-20 10:00:00+00:00", "2026-11-20 10:15:00+00:00"
    with app_on_a_database_of_its_own(database_url, tmp_path, "m0010") as app:
        with app.app_context():
            upgrade(revision="0008")
            with db.engine.begin() as conn:
                conn.execute(
                    sa.text("INSERT INTO nik_lockout VALUES ('n' || :x, 3, 2, :until, :at)"),
                    {"x": "1", "until": until, "at": at},
                )
                conn.execute(
                    sa.text("INSERT INTO access_lockout VALUES ('r1', 4, 1, :until, :at)"), {"until": until, "at": at}
                )
                conn.execute(
                    sa.text(
                        "INSERT INTO account (email, name, role, password_hash, active, totp_enabled, failed_logins, "
                        "locked_until, session_version, created_at) VALUES ('a@b.test', 'A', 'officer', 'x', true, "
                        "false, 4, :until, 1, :at)"
                    ),
                    {"until": until, "at": at},
                )
                conn.execute(
                    sa.text(
                        "INSERT INTO audit_event (at, account_id, action, object_type, object_id, "
                        "ip, detail) VALUES (:at, 1, 'masuk', 'account', '1', '', '')"
                    ),
                    {"at": at},
                )
            upgrade()
            with db.engine.connect() as conn:
                rows = conn.execute(
                    sa.text(
                        "SELECT secret_hmac, client_hmac, scope, failures, lockouts, locked_until "
                        "FROM access_lockout ORDER BY secret_hmac"
                    )
                ).all()
                assert [tuple(r) for r in rows] == [
                    ("n1", "*", "cek_status", 3, 2, None),
                    ("r1", "*", "lacak", 4, 1, None),
                ]
                assert conn.execute(sa.text("SELECT count(*) FROM audit_event WHERE account_id = 1")).scalar_one() == 1
            columns = {c["name"] for c in sa.inspect(db.engine).get_columns("account")}
            assert not {"failed_logins", "locked_until"} & columns and "totp_last_step" in columns
            assert "nik_lockout" not in sa.inspect(db.engine).get_table_names()
            downgrade(revision="0008")
            with db.engine.connect() as conn:
                old_niks = conn.execute(sa.text("SELECT nik_hmac, failures, lockouts FROM nik_lockout")).all()
                old_references = conn.execute(sa.text("SELECT key_hmac, failures, lockouts FROM access_lockout")).all()
                assert old_niks == [("n1", 3, 2)] and old_references == [("r1", 4, 1)]
                assert conn.execute(sa.text("SELECT failed_logins FROM account")).scalar_one() == 0
            upgrade()  # and up again: the names it created on the way down are free
            db.engine.dispose()


def test_0020_chains_the_rows_already_in_the_trail(database_url, tmp_path):
    """An upgraded trail verifies at once (the migration chains the old rows in id order), and
    the next row `record` writes links to them; downgrade drops the chain."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from portal.core import trail as audit

    with app_on_a_database_of_its_own(database_url, tmp_path, "m0020") as app:
        with app.app_context():
            upgrade(revision="0019")
            rows = [
                {"at": f"2026-11-0{n % 9 + 1} 08:00:0{n % 10}.{n:06d}+00:00", "action": "lihat", "object_id": str(n)}
                for n in range(12)
            ]
            with db.engine.begin() as conn:
                conn.execute(
                    sa.text(
                        "INSERT INTO audit_event (at, account_id, action, object_type, object_id, ip, detail) "
                        "VALUES (:at, NULL, :action, 'complaint', :object_id, '127.0.0.1', 'dulu')"
                    ),
                    rows,
                )
            upgrade()
            audit.record(session=db.session, actor=audit.Actor(None), action="baru", object_type="x", object_id="1")
            db.session.commit()
            result = app.test_cli_runner().invoke(args=["audit", "verify"])
            assert result.exit_code == 0, result.output
            assert "13 baris" in result.output
            db.session.remove()
            downgrade(revision="0019")
            assert "audit_chain_head" not in sa.inspect(db.engine).get_table_names()
            db.engine.dispose()
