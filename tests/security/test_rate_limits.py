"""Rate limits answer 429 with Retry-After and an Indonesian page. The status check is covered by
tests/integration/test_status_check.py (TestRateLimit, and TestRateLimitOnRedis); this file adds
sign-in, the second factor, tracking, complaint filing and assistance requests, the client address
behind a proxy, and sign-in limits shared through Redis."""

import os
import re
import uuid

import pytest

from tests.factories import PASSWORD, account
from tests.helpers import csrf_token, parse
from tests.helpers.hostile import assert_security_headers

LIMITS = {
    "RATELIMIT_SIGN_IN": "2 per minute",
    "RATELIMIT_TRACKING": "2 per minute",
    "RATELIMIT_COMPLAINTS": "2 per minute",
    "RATELIMIT_COMPLAINT_STEPS": "2 per minute",
}


def sign_in_attempt(client):
    return client.post(
        "/petugas/masuk",
        data={
            "csrf_token": csrf_token(client, "/petugas/masuk"),
            "email": "tidak@ada.test",
            "password": "salah-salah-salah",
        },
    )


def code_attempt(client):
    return client.post(
        "/petugas/masuk/kode", data={"csrf_token": csrf_token(client, "/petugas/masuk"), "code": "000000"}
    )


def tracking_attempt(client):
    return client.post(
        "/pengaduan/lacak",
        data={"csrf_token": csrf_token(client, "/pengaduan/lacak"), "nomor": "SGP-2026-999999", "kode": "AAAA-AAAA"},
    )


def complaint_start_attempt(client):
    return client.post(
        "/pengaduan/baru", data={"csrf_token": csrf_token(client, "/pengaduan/baru"), "kategori": "informasi"}
    )


def complaint_attempt(client):
    return client.post(
        "/pengaduan/baru/rincian", data={"csrf_token": csrf_token(client, "/pengaduan/baru"), "nama": "Budi"}
    )


def complaint_send_attempt(client):
    return client.post("/pengaduan/baru/periksa", data={"csrf_token": csrf_token(client, "/pengaduan/baru")})


def answer_attempt(client):
    return client.post("/pengaduan/lacak/kasus/jawab", data={"csrf_token": csrf_token(client, "/pengaduan/lacak")})


def appeal_attempt(client):
    return client.post("/pengaduan/lacak/kasus/nilai", data={"csrf_token": csrf_token(client, "/pengaduan/lacak")})


def help_attempt(client):
    return client.post("/bantuan", data={"csrf_token": csrf_token(client, "/bantuan"), "nama": "Budi"})


ATTEMPTS = {
    "sign-in": (sign_in_attempt, "/petugas/masuk"),
    "second factor": (code_attempt, "/petugas/masuk"),
    "tracking": (tracking_attempt, "/pengaduan/lacak"),
    "complaint": (complaint_attempt, "/pengaduan/baru"),
    "complaint start": (complaint_start_attempt, "/pengaduan/baru"),
    "complaint send": (complaint_send_attempt, "/pengaduan/baru"),
    "assistance": (help_attempt, "/bantuan"),
    "resident's answer": (answer_attempt, "/pengaduan/lacak"),
    "appeal": (appeal_attempt, "/pengaduan/lacak"),
}


def assert_friendly_429(response) -> None:
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = parse(response)
    assert page.select_one("h1").get_text(strip=True) == "Terlalu banyak permintaan"
    text = page.select_one(".error-page").get_text(" ", strip=True)
    # how long, in words: these limits are per minute
    assert re.search(r"Tunggu (kurang dari 1 menit|sekitar 1 menit), lalu coba lagi\.", text), text
    assert_security_headers(response, "429")


class TestLimits:
    @pytest.fixture
    def app_config(self):
        return LIMITS

    @pytest.mark.parametrize("name", sorted(ATTEMPTS))
    def test_the_third_attempt_in_a_minute_gets_a_friendly_429(self, client, name):
        attempt, page = ATTEMPTS[name]
        if name == "second factor":  # a pending sign-in first, or the code page sends back to sign-in
            who = account(totp=True)
            client.post(
                "/petugas/masuk",
                data={"csrf_token": csrf_token(client, "/petugas/masuk"), "email": who.email, "password": PASSWORD},
            )
        for _ in range(2):
            assert attempt(client).status_code != 429
        assert_friendly_429(attempt(client))
        assert client.get(page).status_code == 200  # reading the form is not limited

    def test_another_address_has_its_own_allowance(self, app, client):
        for _ in range(3):
            tracking_attempt(client)
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
        assert tracking_attempt(other).status_code != 429


class TestBehindAProxy:
    @pytest.fixture
    def app_config(self):
        return {**LIMITS, "PROXY_FIX_X_FOR": 1}

    def test_a_forged_forwarded_address_does_not_reset_the_count(self, client):
        """The proxy appends the real address; only that last one counts."""
        answers = [
            client.post(
                "/pengaduan/lacak",
                headers={"X-Forwarded-For": f"10.0.0.{n}, 203.0.113.7"},
                data={
                    "csrf_token": csrf_token(client, "/pengaduan/lacak"),
                    "nomor": "SGP-2026-999999",
                    "kode": "AAAA-AAAA",
                },
            ).status_code
            for n in range(3)
        ]
        assert answers[-1] == 429


class TestDirectClients:
    @pytest.fixture
    def app_config(self):
        return LIMITS  # PROXY_FIX_X_FOR=0: nobody's X-Forwarded-For is believed

    def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(self, client):
        answers = [
            client.post(
                "/pengaduan/lacak",
                headers={"X-Forwarded-For": f"10.0.0.{n}"},
                data={
                    "csrf_token": csrf_token(client, "/pengaduan/lacak"),
                    "nomor": "SGP-2026-999999",
                    "kode": "AAAA-AAAA",
                },
            ).status_code
            for n in range(3)
        ]
        assert answers[-1] == 429


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="Redis not configured: set TEST_REDIS_URL")
class TestSignInLimitsOnRedis:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_SIGN_IN": "2 per minute", "RATELIMIT_STORAGE_URI": os.environ["TEST_REDIS_URL"]}

    def test_two_workers_share_one_sign_in_allowance(self, app, client):
        from portal import create_app

        # A client address of its own: the counters are this test's, and nothing in that Redis
        # database is flushed (they expire after a minute).
        address = "10.{}.{}.{}".format(*uuid.uuid4().bytes[:3])
        client.environ_base["REMOTE_ADDR"] = address
        for _ in range(2):
            assert sign_in_attempt(client).status_code == 400
        other_worker = create_app({**app.config}).test_client()  # another gunicorn worker, same Redis
        other_worker.environ_base["REMOTE_ADDR"] = address
        assert_friendly_429(sign_in_attempt(other_worker))
