"""Two sends of /bantuan/periksa with the same draft (a double tap, a resend on a slow link) make
one help request, and both show the same confirmation: the same reference and access code, as the
complaint form does (issue 18, point 10; the help form's half)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from portal.core.base import utcnow
from portal.drafts.services import receipts
from portal.extensions import db
from portal.models import AssistanceRequest
from tests.helpers import csrf_token, parse
from tests.helpers.assistance import FORM


def _ready_to_send(client) -> dict:
    """A help request at its check step: the form a browser would post, twice."""
    answers = {"csrf_token": csrf_token(client, "/bantuan"), **FORM}
    assert client.post("/bantuan", data=answers).status_code == 303
    return {"csrf_token": csrf_token(client, "/bantuan/periksa")}


def _receipt(client) -> tuple[str, str]:
    codes = parse(client.get("/bantuan/terkirim")).select(".panel-code")
    return codes[0].get_text(strip=True), codes[1].get_text(strip=True)


def _requests(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(AssistanceRequest))


def test_the_same_send_replayed_makes_one_request_with_the_same_receipt(client, session):
    form = _ready_to_send(client)
    cookie_before = client.get_cookie("session").value
    first = client.post("/bantuan/periksa", data=form)
    assert first.status_code == 303 and first.headers["Location"].endswith("/bantuan/terkirim")
    shown_first = _receipt(client)

    client.set_cookie("session", cookie_before)  # the second tap left with the cookie of before
    second = client.post("/bantuan/periksa", data=form)
    assert second.status_code == 303 and second.headers["Location"].endswith("/bantuan/terkirim")
    assert _receipt(client) == shown_first
    assert _requests(session) == 1
    assert session.scalar(sa.select(AssistanceRequest.reference)) == shown_first[0]


def test_a_resend_minutes_later_files_nothing_and_shows_no_code(client, session):
    form = _ready_to_send(client)
    cookie_before = client.get_cookie("session").value
    assert client.post("/bantuan/periksa", data=form).status_code == 303
    with time_machine.travel(utcnow() + receipts.RESEND_WINDOW + timedelta(seconds=5), tick=True):
        client.set_cookie("session", cookie_before)
        late = client.post("/bantuan/periksa", data=form)
        assert late.status_code == 303 and late.headers["Location"].endswith("/bantuan")
        assert client.get("/bantuan/terkirim").status_code == 404
    assert _requests(session) == 1


def test_two_sends_at_once_make_one_request_and_one_receipt(app, client, session, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers: the replayed send above is its case")
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
                answers[n] = browser.post("/bantuan/periksa", data=form)
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
    assert all(answers[n].headers["Location"].endswith("/bantuan/terkirim") for n in (0, 1))
    assert _requests(session) == 1
    assert _receipt(client) == _receipt(other)
    assert _receipt(client)[0] == session.scalar(sa.select(AssistanceRequest.reference))
