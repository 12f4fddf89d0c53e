"""PostgreSQL under concurrent requests: letter numbers stay gap-free and unique, and one person
asking twice at once still gets one letter."""

import os
import threading
import time

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.letters.services.batch import assign_batch_letters
from portal.models import Letter, LetterStatus
from tests.factories import person
from tests.helpers import csrf_token

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL not configured: set TEST_DATABASE_URL"
)


def _needs_postgres(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers; this test is for the server database")


def run_threads(app, count, work):
    errors: list[BaseException] = []
    barrier = threading.Barrier(count, timeout=60)  # a thread that fails early must not hang the rest

    def wrapper(n):
        try:
            with app.app_context():  # each thread its own context and database session
                work(n, barrier)
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=wrapper, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []


def test_concurrent_requests_get_gap_free_numbers_and_one_letter_each(app, database_url):
    _needs_postgres(database_url)
    people = [person(nama=f"Peserta Nomor {n}") for n in range(12)]
    # 24 browsers: every person asks from two at the same moment.
    clients = []
    for n in range(24):
        client = app.test_client()
        with client.session_transaction() as cookie:
            cookie["checked_person"], cookie["checked_at"] = people[n % 12].id, int(time.time())
        clients.append((client, csrf_token(client, "/surat")))
    statuses: list[int] = []

    def ask(n, barrier):
        client, token = clients[n]
        barrier.wait()
        for _ in range(2):
            response = client.post("/surat", data={"csrf_token": token, "bentuk": "pdf"})
            statuses.append(response.status_code)

    run_threads(app, 24, ask)
    assert statuses == [303] * 48
    letters = db.session.scalars(sa.select(Letter)).all()
    assert sorted(x.seq for x in letters) == list(range(1, 13))
    assert sorted(x.person_id for x in letters) == sorted(p.id for p in people)
    assert len({x.number for x in letters}) == 12 and len({x.code for x in letters}) == 12
    assert all(x.status == LetterStatus.BERLAKU for x in letters)


def test_a_batch_and_self_service_at_the_same_time_share_one_sequence(app, database_url):
    _needs_postgres(database_url)
    people = [person(nama=f"Warga {n}", kelurahan_code="32.75.01.1001") for n in range(30)]
    outside = [person(nama=f"Luar {n}", kelurahan_code="32.75.02.1001") for n in range(8)]
    clients = []
    for someone in outside + people[:8]:  # some also ask for themselves while the batch runs
        client = app.test_client()
        with client.session_transaction() as cookie:
            cookie["checked_person"], cookie["checked_at"] = someone.id, int(time.time())
        clients.append((client, csrf_token(client, "/surat")))

    def work(n, barrier):
        barrier.wait()
        if n == len(clients):
            assign_batch_letters(session=db.session, kelurahan_codes=["32.75.01.1001"])
            db.session.commit()
        else:
            client, token = clients[n]
            assert client.post("/surat", data={"csrf_token": token}).status_code == 303

    run_threads(app, len(clients) + 1, work)
    letters = db.session.scalars(sa.select(Letter)).all()
    assert sorted(x.seq for x in letters) == list(range(1, 39))
    valid = [x.person_id for x in letters if x.status == LetterStatus.BERLAKU]
    assert sorted(valid) == sorted(p.id for p in people + outside)


def test_after_a_data_change_simultaneous_requests_supersede_the_old_letter_once(app, database_url):
    _needs_postgres(database_url)
    from portal.letters.services.letters import issue_letter

    someone = person(nama="Siti Aminah", female=True)
    old = issue_letter(session=db.session, person_id=someone.id)
    someone.kpj = "25000000777"  # the roster changed what the letter prints
    db.session.commit()
    clients = []
    for _ in range(6):
        client = app.test_client()
        with client.session_transaction() as cookie:
            cookie["checked_person"], cookie["checked_at"] = someone.id, int(time.time())
        clients.append((client, csrf_token(client, "/surat")))

    def ask(n, barrier):
        client, token = clients[n]
        barrier.wait()
        assert client.post("/surat", data={"csrf_token": token}).status_code == 303

    run_threads(app, 6, ask)
    letters = db.session.scalars(sa.select(Letter).order_by(Letter.seq)).all()
    assert [x.seq for x in letters] == [1, 2]
    assert [x.status for x in letters] == [LetterStatus.DIGANTI, LetterStatus.BERLAKU]
    assert letters[0].id == old.id and letters[0].superseded_by_id == letters[1].id
    assert letters[1].kpj == "25000000777"
