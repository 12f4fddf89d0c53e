"""Migration 0012 on drafts written by the code before it: each draft's kind comes from its token's
prefix ("btn-" help request, "rst-" unsent form, none a complaint), no draft is left without a
kind nor given an unknown one; downgrade gives the old table back, without the drafts the old code
would take for complaints."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal.extensions import db
from tests.helpers import app_on_a_database_of_its_own

AT = "2026-12-01 10:00:00+00:00"
OLD = [  # token, kind it gets
    ("Zq3-complaint-token", "complaint"),
    ("rst_looks_like_but_is_not", "complaint"),
    ("btn-ABCD2345EFGH6789", "assistance"),
    ("rst-kept-form-token", "unsent_form"),
]


def test_0012_gives_every_old_draft_its_kind(database_url, tmp_path):
    with app_on_a_database_of_its_own(database_url, tmp_path, "m0012") as app:
        with app.app_context():
            upgrade(revision="0011")
            with db.engine.begin() as conn:
                conn.execute(
                    sa.text("INSERT INTO complaint_draft (token, data, created_at) VALUES (:token, '{}', :at)"),
                    [{"token": token, "at": AT} for token, _ in OLD],
                )
            upgrade(revision="0012")
            with db.engine.connect() as conn:
                found = conn.execute(sa.text("SELECT token, kind FROM complaint_draft ORDER BY token")).all()
            assert sorted(map(tuple, found)) == sorted(OLD)
            for kind in ("'other'", "NULL"):  # no unknown kind, none without one
                with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
                    conn.execute(
                        sa.text(
                            f"INSERT INTO complaint_draft (token, kind, data, created_at) VALUES ('t', {kind}, '{{}}', "  # noqa: S608
                            f"'{AT}')"
                        )
                    )
            with db.engine.begin() as conn:  # drafts the new code wrote: tokens without a prefix
                conn.execute(
                    sa.text("INSERT INTO complaint_draft (token, kind, data, created_at) VALUES (:t, :k, '{}', :at)"),
                    [{"t": "new-a", "k": "assistance", "at": AT}, {"t": "new-c", "k": "complaint", "at": AT}],
                )
            downgrade(revision="0011")
            assert "kind" not in {c["name"] for c in sa.inspect(db.engine).get_columns("complaint_draft")}
            with db.engine.connect() as conn:
                left = conn.execute(sa.text("SELECT token FROM complaint_draft ORDER BY token")).scalars().all()
            assert sorted(left) == sorted([*(token for token, _ in OLD), "new-c"])
            upgrade()
            db.engine.dispose()
