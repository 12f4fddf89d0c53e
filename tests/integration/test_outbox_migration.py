"""Migration 0009 (outbox state) on an outbox written by the code before it: a sent email is
"terkirim", an unsent one the old code had abandoned after 12 attempts is "gagal" (so staff see
it), any other unsent one stays queued; the complaint's reference is read back from the subject.
Downgrade gives the old table back."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal.extensions import db
from tests.helpers import app_on_a_database_of_its_own

OLD_ROWS = [  # subject, attempts, sent_at, last_error -> state, reference
    ("Pengaduan SGP-2026-000001: Diterima", 1, "2026-11-01 01:00:00+00:00", None, "terkirim", "SGP-2026-000001"),
    (
        "Pengaduan SGP-2026-000002: Selesai",
        3,
        "2026-11-02 01:00:00+00:00",
        "SMTPDataError: (421, b'x')",
        "terkirim",
        "SGP-2026-000002",
    ),
    ("Pengaduan SGP-2026-000003: Diterima", 0, None, None, "antre", "SGP-2026-000003"),
    ("Pengaduan SGP-2026-000004: Dirujuk", 11, None, "ConnectionRefusedError: x", "antre", "SGP-2026-000004"),
    ("Pengaduan SGP-2026-000005: Diterima", 12, None, "ConnectionRefusedError: y", "gagal", "SGP-2026-000005"),
    ("Pengaduan SGP-2026-1234567: Ditolak", 15, None, "SMTPRecipientsRefused: z", "gagal", "SGP-2026-1234567"),
    ("Pemberitahuan lain", 12, "2026-11-03 01:00:00+00:00", None, "terkirim", None),
]


def test_0009_gives_every_old_message_its_state(database_url, tmp_path):
    with app_on_a_database_of_its_own(database_url, tmp_path, "m0009") as app:
        with app.app_context():
            upgrade(revision="0008")
            rows = [
                {
                    "to_address": "warga@contoh.id",
                    "subject": subject,
                    "body": "-",
                    "attempts": attempts,
                    "sent_at": sent_at,
                    "last_error": error,
                    "at": "2026-11-01 00:00:00+00:00",
                }
                for subject, attempts, sent_at, error, _, _ in OLD_ROWS
            ]
            with db.engine.begin() as conn:
                conn.execute(
                    sa.text(
                        "INSERT INTO outbox_message (to_address, subject, body, created_at, next_attempt_at, attempts, "
                        "sent_at, last_error) VALUES (:to_address, :subject, :body, :at, :at, :attempts, :sent_at, "
                        ":last_error)"
                    ),
                    rows,
                )
            upgrade()
            with db.engine.connect() as conn:
                found = conn.execute(
                    sa.text(
                        "SELECT state, reference, channel, attempts, last_error, claimed_by, "
                        "lease_until FROM outbox_message ORDER BY id"
                    )
                ).all()
            assert [(r.state, r.reference) for r in found] == [(state, ref) for *_, state, ref in OLD_ROWS]
            assert {r.channel for r in found} == {"email"} and {r.claimed_by for r in found} == {None}
            assert [(r.attempts, r.last_error) for r in found] == [(a, e) for _, a, _, e, _, _ in OLD_ROWS]
            head = (
                "INSERT INTO outbox_message (to_address, subject, body, created_at, next_attempt_at, attempts"
                "{}) VALUES ('a@b.id', 's', 'b', '2026-11-01 01:00:00+00:00', '2026-11-01 01:00:00+00:00', 0{})"
            )
            for statement in (head.format(", state, channel", ", 'dikirim', 'email'"), head.format("", "")):
                with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:  # no unknown state, no default
                    conn.execute(sa.text(statement))
            downgrade(revision="0008")
            columns = {c["name"] for c in sa.inspect(db.engine).get_columns("outbox_message")}
            assert "state" not in columns and "reference" not in columns
            with db.engine.connect() as conn:
                assert conn.scalar(sa.text("SELECT count(*) FROM outbox_message")) == len(OLD_ROWS)
            db.engine.dispose()
