"""The audit trail is a hash chain (issue 16 point 11): `flask audit verify` names the first
broken link; appends from concurrent transactions stay one line."""

import threading

import pytest
import sqlalchemy as sa

from portal.core import trail as audit
from portal.extensions import db
from portal.models import AuditEvent
from tests.factories import account


def _append(n: int, *, account_id: int | None = None) -> list[int]:
    ids = [
        audit.record(
            session=db.session,
            actor=audit.Actor(account_id=account_id, ip="10.0.0.1"),
            action="lihat",
            object_type="complaint",
            object_id=str(i),
            detail=f"baris {i}",
        ).id
        for i in range(n)
    ]
    db.session.commit()
    return ids


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def _raw(sql: str, **params) -> None:
    """What someone with the database's password could do: SQL that no model event sees."""
    with db.engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def test_an_untouched_trail_verifies(app):
    _append(5, account_id=account().id)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "Jejak audit utuh: 5 baris" in result.output
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.chain_seq for e in events] == [1, 2, 3, 4, 5]
    assert len({e.row_hash for e in events}) == 5


def test_an_empty_trail_verifies(app):
    result = verify(app)
    assert result.exit_code == 0 and "0 baris" in result.output


def test_a_changed_row_is_named(app):
    ids = _append(5)
    _raw("UPDATE audit_event SET detail = 'tidak ada apa-apa' WHERE id = :id", id=ids[2])
    result = verify(app)
    assert result.exit_code == 1
    assert f"mata rantai 3: baris #{ids[2]}" in result.output and "diubah" in result.output
    assert "2 baris pertama utuh" in result.output


def test_a_row_with_a_recomputed_hash_still_breaks_the_next_link(app):
    """Changing a row and its own hash moves the break to the next row: the chain holds."""
    ids = _append(4)
    event = db.session.get(AuditEvent, ids[1])
    previous = db.session.get(AuditEvent, ids[0]).row_hash
    forged = audit.link_hash(
        previous=previous,
        seq=2,
        at=event.at,
        account_id=None,
        action="lihat",
        object_type="complaint",
        object_id="999",
        person_id=None,
        ip=event.ip,
        detail=event.detail,
    )
    _raw("UPDATE audit_event SET object_id = '999', row_hash = :h WHERE id = :id", h=forged, id=ids[1])
    result = verify(app)
    assert result.exit_code == 1 and f"baris #{ids[2]} (mata rantai 3)" in result.output


def test_a_removed_row_is_named(app):
    ids = _append(5)
    _raw("DELETE FROM audit_event WHERE id = :id", id=ids[1])
    result = verify(app)
    assert result.exit_code == 1
    assert f"sebelum baris #{ids[2]} hilang mata rantai mulai nomor 2" in result.output


def test_the_newest_rows_removed_are_seen_from_the_head(app):
    ids = _append(5)
    _raw("DELETE FROM audit_event WHERE id >= :id", id=ids[3])
    result = verify(app)
    assert result.exit_code == 1
    assert "jejak berhenti di mata rantai 3, padahal kepala rantai mencatat 5" in result.output


def test_a_rolled_back_append_leaves_no_gap(app):
    _append(2)
    audit.record(session=db.session, actor=audit.Actor(None), action="x", object_type="y", object_id="1")
    db.session.rollback()
    _append(1)
    assert verify(app).exit_code == 0
    assert db.session.scalars(sa.select(AuditEvent.chain_seq).order_by(AuditEvent.id)).all() == [1, 2, 3]


def test_concurrent_appends_stay_one_chain(app, database_url):
    """PostgreSQL: 20 transactions appending at once, each two rows, held open a moment; the
    head's row lock puts them in a line (SQLite's write lock does the same)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers; this test is for the server database")
    _append(1)
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)

    def worker(n: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                for part in range(2):
                    audit.record(
                        session=db.session,
                        actor=audit.Actor(None),
                        action="lihat",
                        object_type="complaint",
                        object_id=f"{n}-{part}",
                    )
                db.session.execute(sa.text("SELECT pg_sleep(0.01)"))
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "41 baris" in result.output
    ordered = db.session.execute(sa.select(AuditEvent.id, AuditEvent.chain_seq).order_by(AuditEvent.id)).all()
    assert [seq for _, seq in ordered] == list(range(1, 42))  # ids follow the chain
