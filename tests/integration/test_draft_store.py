"""The one draft store (portal.drafts.services.store): a token is only ever read, and deleted, as
the kind it was made for, whichever reader it is given to; each kind lives its own lifetime, and
one purge deletes what outlived it, of every kind."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.assistance.services import requests as assistance
from portal.complaints.services import filing as complaints
from portal.core.base import utcnow
from portal.drafts.models import ComplaintDraft, DraftKind
from portal.drafts.services import session_restore, store
from portal.drafts.services.lifetimes import LIFETIMES
from portal.extensions import db
from tests.helpers import csrf_token
from tests.integration.test_assistance_form_expiry import SAME_SITE


def kinds() -> dict[str, DraftKind]:
    return dict(db.session.execute(sa.select(ComplaintDraft.token, ComplaintDraft.kind)).all())


def one_of_each(now=None) -> dict[DraftKind, str]:
    # Each with a complaint's "kategori": what tells the kinds apart is the kind, never the data.
    return {
        DraftKind.COMPLAINT: complaints.start_draft(session=db.session, data={"kategori": "terlewat"}),
        DraftKind.ASSISTANCE: assistance.start_draft(
            session=db.session, data={"nama": "Rina", "kategori": "terlewat"}, now=now
        ),
        DraftKind.UNSENT_FORM: session_restore.keep_form(
            session=db.session,
            owner="akun:1",
            action="/petugas/x",
            back=None,
            fields=[("kategori", "terlewat")],
            now=now,
        ),
    }


def test_a_token_is_read_only_as_its_own_kind(app):
    tokens = one_of_each()
    db.session.commit()
    assert kinds() == {token: kind for kind, token in tokens.items()}
    for kind, token in tokens.items():
        for other in DraftKind:
            assert (store.get(session=db.session, kind=other, token=token) is not None) is (other is kind)
    # The readers of each feature, given another feature's token, find nothing.
    complaint, help_request, kept = (
        tokens[DraftKind.COMPLAINT],
        tokens[DraftKind.ASSISTANCE],
        tokens[DraftKind.UNSENT_FORM],
    )
    assert complaints.get_draft(session=db.session, token=help_request) is None
    assert complaints.get_draft(session=db.session, token=kept) is None
    assert assistance.get_draft(session=db.session, token=complaint) is None
    assert assistance.get_draft(session=db.session, token=kept) is None
    assert session_restore.kept_form(session=db.session, token=help_request, owner="akun:1") is None
    assert session_restore.kept_form(session=db.session, token=kept, owner="akun:1") is not None
    assert complaints.get_draft(session=db.session, token=complaint) is not None


def test_a_token_is_deleted_only_as_its_own_kind(app):
    tokens = one_of_each()
    session_restore.discard_form(session=db.session, token=tokens[DraftKind.COMPLAINT])
    store.discard(session=db.session, kind=DraftKind.COMPLAINT, token=tokens[DraftKind.ASSISTANCE])
    db.session.commit()
    assert len(kinds()) == 3
    for kind, token in tokens.items():
        store.discard(session=db.session, kind=kind, token=token)
    db.session.commit()
    assert kinds() == {}


def test_the_complaint_check_step_takes_no_draft_of_another_kind(client, app):
    """The check step's hidden `draft` field, sent after the session was lost, is read as a
    complaint draft: a help-request or kept-form token posted there is not taken over."""
    tokens = one_of_each()
    db.session.commit()
    token = csrf_token(client, "/pengaduan/baru")
    client.delete_cookie("session")
    for kind in (DraftKind.ASSISTANCE, DraftKind.UNSENT_FORM):
        response = client.post(
            "/pengaduan/baru/periksa", data={"csrf_token": token, "draft": tokens[kind]}, headers=SAME_SITE
        )
        assert response.status_code == 400
        assert client.get("/pengaduan/baru/periksa").headers["Location"] == "/pengaduan/baru"
    assert len(kinds()) == 3


def test_one_purge_deletes_each_kind_after_its_own_lifetime(app):
    now = utcnow()
    for kind, lifetime in LIFETIMES.items():
        for name, age in (("old", lifetime + timedelta(minutes=1)), ("young", lifetime - timedelta(minutes=1))):
            db.session.add(ComplaintDraft(token=f"{kind}-{name}", kind=kind, data={}, created_at=now - age))
    db.session.commit()
    assert LIFETIMES[DraftKind.UNSENT_FORM] < LIFETIMES[DraftKind.COMPLAINT] == LIFETIMES[DraftKind.ASSISTANCE]

    assert store.purge_expired(session=db.session, kinds=[DraftKind.UNSENT_FORM], now=now) == 1
    assert store.purge_expired(session=db.session, now=now, grace=timedelta(minutes=2)) == 0  # grace keeps them
    assert store.purge_expired(session=db.session, now=now) == 2
    db.session.commit()
    assert sorted(kinds()) == sorted(f"{kind}-young" for kind in DraftKind)
    assert store.purge_expired(session=db.session, now=now) == 0


def test_the_command_purges_expired_drafts_of_every_kind(app):
    kept_form = session_restore.keep_form(
        session=db.session, owner="akun:1", action="/petugas/x", back=None, fields=[("catatan", "teks")]
    )
    long_ago = utcnow() - timedelta(days=3)
    for kind in DraftKind:
        db.session.add(ComplaintDraft(token=f"{kind}-old", kind=kind, data={}, created_at=long_ago))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["attachments", "purge-orphans"])
    assert result.exit_code == 0, result.output
    assert "3 draf yang ditinggalkan" in result.output
    assert list(kinds()) == [kept_form]
