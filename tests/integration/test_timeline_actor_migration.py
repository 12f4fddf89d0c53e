"""Migration 0013 on timelines written by the code before it: each line's author string becomes a
kind and, for an officer, the account (with the attachments of a line still on it, also on SQLite
where the table is copied); no officer line without its account nor another line with one;
an author the mapping does not know stops the upgrade before anything changes; downgrade writes
the same strings back."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from flask_migrate import downgrade, upgrade

from portal.extensions import db
from portal.models import Base
from tests.helpers import app_on_a_database_of_its_own

AT = "2026-12-01 10:00:00+00:00"
OLD = ["warga", "sistem", "demo", "petugas:{officer}"]  # every author the old code wrote
NEW = [("resident", None), ("system", None), ("demo", None), ("officer", "{officer}")]


def _row(table: str, required: set[str], **given: Any) -> dict[str, Any]:
    """A row the table accepts: `given`, and a plain value for every other `required` column (as
    the database of that revision has them: later migrations add and relax columns)."""
    row: dict[str, Any] = {}
    for column in Base.metadata.tables[table].c:
        if column.name not in required or column.primary_key or column.name.startswith("actor"):
            continue
        match column.type:
            case sa.Enum():
                row[column.name] = column.type.enums[0]
            case sa.Boolean():
                row[column.name] = False
            case sa.Date():
                row[column.name] = "2026-12-01"
            case sa.JSON():
                row[column.name] = "[]"
            case sa.Integer():
                row[column.name] = 1
            case sa.DateTime() | sa.types.TypeDecorator():
                row[column.name] = AT
            case _:
                row[column.name] = f"{column.name[:2]}{len(row)}"
    return {**row, **given}


def _insert(conn: sa.Connection, table: str, **given: Any) -> int:
    columns = sa.inspect(conn).get_columns(table)  # the schema of that revision
    required = {c["name"] for c in columns if not c["nullable"] and c.get("default") is None}
    row = _row(table, required, **given)
    statement = f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(f':{k}' for k in row)}) RETURNING id"  # noqa: S608
    return conn.execute(sa.text(statement), row).scalar_one()


def _old_timelines(conn: sa.Connection, authors: list[str]) -> dict[str, list[int]]:
    complaint = _insert(conn, "complaint", reference="SGP-2026-000001")
    request = _insert(conn, "assistance_request", reference="BTN-2026-000001")
    events = {
        "complaint_event": [_insert(conn, "complaint_event", complaint_id=complaint, actor=a) for a in authors],
        "assistance_event": [_insert(conn, "assistance_event", request_id=request, actor=a) for a in authors],
    }
    for event in events["complaint_event"]:  # a line's files point at it (attachment.event_id)
        _insert(conn, "attachment", complaint_id=complaint, event_id=event, storage_key=f"k{event}")
    return events


def test_0013_gives_every_old_line_its_kind_and_account(database_url, tmp_path):
    with app_on_a_database_of_its_own(database_url, tmp_path, "m0013") as app:
        with app.app_context():
            upgrade(revision="0012")
            with db.engine.begin() as conn:
                _insert(conn, "account", email="lain@contoh.id", role="officer")
                officer = _insert(conn, "account", email="petugas@contoh.id", role="officer")
                events = _old_timelines(conn, [a.format(officer=officer) for a in OLD])
            upgrade(revision="0013")
            expected = [(kind, int(id_.format(officer=officer)) if id_ else None) for kind, id_ in NEW]
            with db.engine.connect() as conn:
                for table in events:
                    found = conn.execute(
                        sa.text(f"SELECT actor_kind, actor_officer_id FROM {table} ORDER BY id")  # noqa: S608
                    ).all()
                    assert [tuple(r) for r in found] == expected
                    assert "actor" not in {c["name"] for c in sa.inspect(conn).get_columns(table)}
                attached = conn.execute(sa.text("SELECT event_id FROM attachment ORDER BY event_id")).scalars().all()
                assert attached == events["complaint_event"]
            line = (
                "INSERT INTO complaint_event (complaint_id, created_at, kind, public, message, actor_kind, "
                "actor_officer_id) VALUES (1, '2026-12-01 10:00:00+00:00', 'catatan', false, '', {})"
            )
            for values in (
                "'officer', NULL",
                f"'resident', {officer}",
                "'other', NULL",
                "NULL, NULL",
                "'officer', 999",
            ):
                with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
                    conn.execute(sa.text(line.format(values)))  # noqa: S608

            downgrade(revision="0012")
            with db.engine.connect() as conn:
                for table in events:
                    found = conn.execute(sa.text(f"SELECT actor FROM {table} ORDER BY id")).scalars().all()  # noqa: S608
                    assert found == [a.format(officer=officer) for a in OLD]
                    columns = {c["name"] for c in sa.inspect(conn).get_columns(table)}
                    assert not {"actor_kind", "actor_officer_id"} & columns
            upgrade()  # and up again
            db.engine.dispose()


@pytest.mark.parametrize("author", ["petugas:999", "petugas:x", "Budi"])
def test_0013_stops_on_an_author_it_does_not_know_before_changing_anything(database_url, tmp_path, author):
    with app_on_a_database_of_its_own(database_url, tmp_path, "m0013u") as app:
        with app.app_context():
            upgrade(revision="0012")
            with db.engine.begin() as conn:
                _old_timelines(conn, ["warga", author])
            config = app.extensions["migrate"].migrate.get_config()
            with pytest.raises(RuntimeError, match=re.escape(f"complaint_event: '{author}' (1 lines)")):
                command.upgrade(config, "0013")  # alembic's own: flask_migrate would log it and exit
            with db.engine.connect() as conn:
                assert "actor" in {c["name"] for c in sa.inspect(conn).get_columns("assistance_event")}
                assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == "0012"
            db.engine.dispose()
