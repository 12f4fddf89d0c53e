"""Lockouts per (secret, client): the status check (NIK), tracking (reference) and, in
test_officer_auth.py, officers' sign-in (e-mail). Someone else's failures never lock the owner
out; an attempt is counted before the secret is compared, so parallel bursts get five guesses."""

import os
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.core.base import utcnow
from portal.core.errors import Locked
from portal.core.lockout import EVERY_CLIENT, LockoutPolicy, keyed_hash
from portal.core.lockout_models import LockoutScope
from portal.extensions import db
from portal.models import AccessLockout, AuditEvent, CheckOutcome, StatusCheckLog
from portal.status_check.services.check import check_status
from tests.factories import account, complaint, person, sign_in
from tests.helpers import csrf_token, parse

POLICY = LockoutPolicy(max_failures=5, base_minutes=15)


def attempt(nik: str, name: str, now, client="127.0.0.1"):
    answer = check_status(session=db.session, nik=nik, name=name, client=client, hmac_key="k", policy=POLICY, now=now)
    db.session.commit()
    return answer


def lock_after_failures(nik, now, client="127.0.0.1"):
    for _ in range(5):
        assert not attempt(nik, "Salah", now, client).found
    with pytest.raises(Locked) as caught:
        attempt(nik, "Salah", now, client)
    db.session.commit()
    return caught.value.retry_after_seconds


def test_each_lockout_doubles_the_wait(app):
    nik = "3275010101900001"
    start = utcnow()
    assert 15 * 60 <= lock_after_failures(nik, start) <= 15 * 60 + 1
    after_first = start + timedelta(minutes=16)
    assert 30 * 60 <= lock_after_failures(nik, after_first) <= 30 * 60 + 1
    after_second = after_first + timedelta(minutes=31)
    assert 60 * 60 <= lock_after_failures(nik, after_second) <= 60 * 60 + 1


def test_a_success_starts_the_count_again_but_keeps_the_doubling(app):
    someone = person()
    start = utcnow()
    lock_after_failures(someone.nik, start)  # 15 minutes
    later = start + timedelta(minutes=16)
    for _ in range(4):
        assert not attempt(someone.nik, "Salah", later).found
    assert attempt(someone.nik, "Budi Santoso", later).found  # the count starts again: five more guesses,
    assert 30 * 60 <= lock_after_failures(someone.nik, later) <= 30 * 60 + 1  # and the next lockout doubles


def test_lockout_is_per_nik(app):
    lock_after_failures("3275010101900001", utcnow())
    assert not attempt("3275010101900002", "Salah", utcnow()).found


def test_lockout_is_per_client_and_only_hmacs_of_failures_are_stored(app):
    someone = person()
    lock_after_failures(someone.nik, utcnow(), client="10.0.0.1")
    assert attempt(someone.nik, "Budi Santoso", utcnow(), client="10.0.0.2").found
    rows = db.session.scalars(sa.select(AccessLockout)).all()
    stored = " ".join(f"{r.secret_hmac} {r.client_hmac}" for r in rows)
    assert someone.nik not in stored and "10.0.0." not in stored
    assert {r.scope for r in rows} == {LockoutScope.STATUS_CHECK}
    # The guesser's row (locked out) and the NIK's total; nothing is kept about the owner's address.
    assert {r.client_hmac for r in rows} == {keyed_hash("k", "10.0.0.1"), EVERY_CLIENT}
    assert {r.secret_hmac for r in rows} == {keyed_hash("k", someone.nik)}  # the check log's nik_hmac


# Through the pages, from several addresses ------------------------------------------------------


def at(app, address: str):
    """A browser at `address` (REMOTE_ADDR, as ProxyFix leaves it behind a trusted proxy)."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def check(browser, nik, nama, token=None):
    return browser.post("/cek-status", data={"csrf_token": token or csrf_token(browser), "nik": nik, "nama": nama})


def track(browser, reference, code, token=None):
    return browser.post(
        "/pengaduan/lacak",
        data={"csrf_token": token or csrf_token(browser, "/pengaduan/lacak"), "nomor": reference, "kode": code},
    )


def test_someone_elses_five_failures_do_not_lock_the_owner_out_of_the_status_check(app):
    someone = person()
    guesser, owner = at(app, "10.0.0.1"), at(app, "10.0.0.2")
    for _ in range(5):
        assert check(guesser, someone.nik, "Salah Nama").status_code == 200
    assert check(guesser, someone.nik, "Budi Santoso").status_code == 429  # that client, even with the right name
    found = check(owner, someone.nik, "Budi Santoso")
    assert found.status_code == 200
    assert parse(found).select_one("section.result h2").get_text(strip=True).startswith("Aktif")


def test_someone_elses_five_wrong_codes_do_not_lock_the_resident_out_of_tracking(app):
    case, code = complaint()
    guesser, resident = at(app, "10.0.0.1"), at(app, "10.0.0.2")
    for _ in range(5):
        assert track(guesser, case.reference, "AAAA-AAAA").status_code == 404
    assert track(guesser, case.reference, code).status_code == 429
    found = track(resident, case.reference, code)
    assert found.status_code == 303 and found.headers["Location"] == "/pengaduan/lacak/kasus"


def locked_text(response) -> str:
    return parse(response).select_one("main").get_text(" ", strip=True)


def test_a_locked_answer_says_what_to_do_and_nothing_about_the_nik_or_reference(app):
    someone, (case, _code) = person(), complaint()
    browser = at(app, "10.0.0.1")
    locked = {}
    for label, nik in (("known", someone.nik), ("unknown", "3275010101900001")):
        for _ in range(5):
            check(browser, nik, "Salah Nama")
        locked[label] = check(browser, nik, "Salah Nama")
    assert locked["known"].status_code == locked["unknown"].status_code == 429
    assert locked_text(locked["known"]) == locked_text(locked["unknown"])
    assert "Coba lagi setelah 15 menit" in locked_text(locked["known"])
    assert "kantor kelurahan" in locked_text(locked["known"])

    for label, reference in (("known", case.reference), ("unknown", "SGP-2026-999999")):
        for _ in range(5):
            track(browser, reference, "AAAA-AAAA")
        locked[label] = track(browser, reference, "AAAA-AAAA")
    assert locked["known"].status_code == locked["unknown"].status_code == 429
    assert locked_text(locked["known"]) == locked_text(locked["unknown"])
    assert "Coba lagi setelah 15 menit" in locked_text(locked["known"])


def test_many_clients_guessing_one_nik_lock_nobody_out_and_staff_are_told(app):
    """The total over every client is a signal, not a lockout: the owner still gets an answer."""
    someone = person()
    for n in range(10):  # 10 addresses x 5 failures: the total's threshold (50)
        guesser = at(app, f"10.0.1.{n}")
        for _ in range(5):
            check(guesser, someone.nik, "Salah Nama")
    assert check(at(app, "10.0.2.1"), someone.nik, "Budi Santoso").status_code == 200
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "banyak_percobaan_gagal")).all()
    assert len(events) == 1
    event = events[0]
    assert (
        event.object_type == "lockout"
        and event.object_id == "cek_status:" + keyed_hash(app.config["NIK_HMAC_KEY"], someone.nik)[:16]
    )
    assert "50 percobaan gagal" in event.detail and "dari 10 alamat" in event.detail
    assert someone.nik not in f"{event.object_id} {event.detail} {event.ip}"
    supervisor = at(app, "10.0.2.2")
    sign_in(supervisor, account("supervisor"))
    listed = parse(supervisor.get("/petugas/audit?jenis=lockout")).select("#jejak tbody tr")
    assert [row.select("td")[2].get_text(strip=True) for row in listed] == ["Banyak percobaan gagal"]


# Parallel bursts on PostgreSQL --------------------------------------------------------------------


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL not configured: set TEST_DATABASE_URL")
class TestParallelBursts:
    """Real parallel requests, each in its own app context, session and database connection,
    released at once: one client gets exactly five guesses at one secret, however fast it sends."""

    BURST = 16

    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_STATUS_CHECK": "1000 per minute", "RATELIMIT_TRACKING": "1000 per minute"}

    @pytest.fixture(autouse=True)
    def _postgresql_only(self, database_url):
        if not database_url.startswith("postgresql"):
            pytest.skip("SQLite serialises writers; this test is for the server database")

    def burst(self, app, send, path):
        browsers = [at(app, "10.9.9.9") for _ in range(self.BURST)]
        tokens = [csrf_token(b, path) for b in browsers]
        barrier = threading.Barrier(self.BURST, timeout=60)  # a thread that fails early must not hang the rest
        statuses: list[int] = []
        errors: list[BaseException] = []

        def worker(browser, token):
            try:
                with app.app_context():  # a thread of its own, as a server's worker thread
                    barrier.wait()
                    statuses.append(send(browser, token).status_code)
                    db.session.remove()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=worker, args=pair) for pair in zip(browsers, tokens, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)
        assert errors == []
        return sorted(statuses)

    def test_a_burst_of_status_checks_gets_exactly_five_guesses(self, app):
        nik = person().nik  # a string: the test's own session is not for the threads
        statuses = self.burst(app, lambda b, token: check(b, nik, "Salah Nama", token), "/cek-status")
        assert statuses == [200] * 5 + [429] * (self.BURST - 5)
        outcomes = db.session.execute(
            sa.select(StatusCheckLog.outcome, sa.func.count()).group_by(StatusCheckLog.outcome)
        ).all()
        assert dict(outcomes) == {CheckOutcome.NO_MATCH: 5, CheckOutcome.LOCKED: self.BURST - 5}
        assert check(at(app, "10.9.9.9"), nik, "Budi Santoso").status_code == 429

    def test_a_burst_of_tracking_codes_gets_exactly_five_guesses(self, app):
        case, code = complaint()
        reference = case.reference  # a string: the test's own session is not for the threads
        statuses = self.burst(app, lambda b, token: track(b, reference, "AAAA-AAAA", token), "/pengaduan/lacak")
        assert statuses == [404] * 5 + [429] * (self.BURST - 5)
        assert track(at(app, "10.9.9.9"), reference, code).status_code == 429
        assert track(at(app, "10.9.9.10"), reference, code).status_code == 303
