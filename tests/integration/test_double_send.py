"""Two sends of the last complaint step with the same draft (a double tap, a resend on a slow
link) make one complaint, and both show the same confirmation: the same reference and access
code (issue 18, point 10)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from portal.core.base import utcnow
from portal.drafts.models import FilingReceipt
from portal.drafts.services import receipts
from portal.extensions import db
from portal.models import Complaint
from tests.factories import account, sign_in
from tests.helpers import csrf_token, parse
from tests.helpers.assistance import details as officer_details
from tests.helpers.assistance import start as officer_start
from tests.helpers.assistance import token
from tests.helpers.complaints import details, start


def _ready_to_send(client) -> dict:
    """A complaint at its last step: the form a browser would post, twice."""
    start(client, "terlewat")
    assert details(client).status_code == 303
    return {"csrf_token": csrf_token(client, "/pengaduan/baru/periksa")}


def _receipt(client) -> tuple[str, str]:
    panel = parse(client.get("/pengaduan/terkirim")).select(".panel .panel-code")
    return panel[0].get_text(strip=True), panel[1].get_text(strip=True)


def test_a_second_send_after_the_first_shows_the_same_receipt(client, session):
    form = _ready_to_send(client)
    cookie_before = client.get_cookie("session").value
    first = client.post("/pengaduan/baru/periksa", data=form)
    assert first.status_code == 303 and first.headers["Location"].endswith("/pengaduan/terkirim")
    shown_first = _receipt(client)

    client.set_cookie("session", cookie_before)  # the second tap left with the cookie of before
    second = client.post("/pengaduan/baru/periksa", data=form)
    assert second.status_code == 303 and second.headers["Location"].endswith("/pengaduan/terkirim")
    assert _receipt(client) == shown_first
    assert session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 1
    assert session.scalar(sa.select(Complaint.reference)) == shown_first[0]


def test_a_resend_minutes_later_files_nothing_and_shows_no_code(client, session):
    form = _ready_to_send(client)
    cookie_before = client.get_cookie("session").value
    assert client.post("/pengaduan/baru/periksa", data=form).status_code == 303
    with time_machine.travel(utcnow() + receipts.RESEND_WINDOW + timedelta(seconds=5), tick=True):
        client.set_cookie("session", cookie_before)
        late = client.post("/pengaduan/baru/periksa", data=form)
        assert late.status_code == 303 and late.headers["Location"].endswith("/pengaduan/baru")
        assert client.get("/pengaduan/terkirim").status_code == 404
    assert session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 1


def test_the_database_holds_the_code_sealed_and_no_draft_token(app, client, session):
    form = _ready_to_send(client)
    draft_token = session.execute(sa.text("SELECT token FROM complaint_draft")).scalar_one()
    assert client.post("/pengaduan/baru/periksa", data=form).status_code == 303
    _reference, code = _receipt(client)
    row = session.scalars(sa.select(FilingReceipt)).one()
    assert code.replace("-", "").replace(" ", "").encode().hex() not in row.sealed_code
    assert session.scalar(sa.text("SELECT count(*) FROM complaint_draft")) == 0
    # The key comes from the draft token and the app's secret; the token alone does not give it.
    secret = app.config["SECRET_KEY"]
    assert receipts.key_for_draft(secret=secret, kind="complaint", draft_token=draft_token).token == row.token
    assert receipts.key_for_draft(secret=secret + "x", kind="complaint", draft_token=draft_token).token != row.token


def test_two_sends_at_once_make_one_complaint_and_one_receipt(app, client, session, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers: the sequential test above is its case")
    form = _ready_to_send(client)
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    barrier = threading.Barrier(2)
    answers: dict[int, object] = {}
    errors: list[BaseException] = []

    def send(n: int, browser) -> None:
        try:
            with app.app_context():
                barrier.wait()
                answers[n] = browser.post("/pengaduan/baru/periksa", data=form)
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=send, args=(n, b)) for n, b in enumerate((client, other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [answers[n].status_code for n in (0, 1)] == [303, 303]
    assert all(answers[n].headers["Location"].endswith("/pengaduan/terkirim") for n in (0, 1))
    assert session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 1
    assert _receipt(client) == _receipt(other)
    assert _receipt(client)[0] == session.scalar(sa.select(Complaint.reference))


def test_an_officers_double_send_files_once_too(client, session):
    sign_in(client, account())
    officer_start(client)
    assert officer_details(client).status_code == 303
    form = {"csrf_token": token(client, "/petugas/pengaduan/baru/periksa")}
    cookie_before = client.get_cookie("session").value
    assert client.post("/petugas/pengaduan/baru/periksa", data=form).status_code == 303
    first = parse(client.get("/petugas/pengaduan/baru/terkirim")).select(".panel .panel-code")
    client.set_cookie("session", cookie_before)
    second = client.post("/petugas/pengaduan/baru/periksa", data=form)
    assert second.headers["Location"].endswith("/petugas/pengaduan/baru/terkirim")
    again = parse(client.get("/petugas/pengaduan/baru/terkirim")).select(".panel .panel-code")
    assert [c.get_text(strip=True) for c in again] == [c.get_text(strip=True) for c in first]
    assert session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 1
