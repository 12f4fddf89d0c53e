"""Sign-in sends nobody to another site, and a session cookie known before sign-in is worth nothing
after it. tests/integration/test_officer_auth.py already covers `next=` to https://other, //other,
a public page and javascript:, `next=` inside /petugas being followed, and that keys planted in the
session before sign-in are gone after it; this file adds the other spellings of "another host",
the second-factor path, and the cookie itself."""

from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from tests.factories import PASSWORD, account, enter_code
from tests.helpers import csrf_token, parse

BASE = "https://sigap.bekasikota.go.id/petugas/masuk"
ELSEWHERE = [
    "/\\jahat.example",
    "/\\/jahat.example",
    "\\\\jahat.example",
    "https:jahat.example",
    "http:/jahat.example",
    "%2F%2Fjahat.example",
    "/%2F/jahat.example",
    " //jahat.example",
    "\t//jahat.example",
    "//jahat.example/petugas/",
    "javascript:alert(1)//petugas",
    "data:text/html,<script>alert(1)</script>",
    "https://sigap.bekasikota.go.id.jahat.example/petugas",
    "/petugas/../\\jahat.example",
    "\x0b//jahat.example",
    "/petugas/../cek-status",
    "/petugas/%2e%2e/cek-status",
    "/petugas\\..\\cek-status",
]


def _assert_stays_here(location: str) -> None:
    assert "\\" not in location and not location.startswith(("//", "http", "javascript", "data")), location
    assert urlsplit(urljoin(BASE, location)).netloc == "sigap.bekasikota.go.id", location


def _password_step(client, who, target):
    return client.post(
        "/petugas/masuk",
        query_string={"next": target},
        data={"csrf_token": csrf_token(client, "/petugas/masuk"), "email": who.email, "password": PASSWORD},
    )


def _sign_in(client, who, target):
    """Both steps: the password (with ?next=target), then the TOTP code."""
    first = _password_step(client, who, target)
    assert first.status_code == 303 and first.headers["Location"] == "/petugas/masuk/kode"
    return enter_code(client, who)


@pytest.mark.parametrize("target", ELSEWHERE)
def test_next_never_leads_to_another_host(client, target):
    response = _sign_in(client, account(), target)
    assert response.status_code == 303
    _assert_stays_here(response.headers["Location"])
    assert response.headers["Location"] == "/petugas/"


@pytest.mark.parametrize("target", ["//jahat.example", "/\\jahat.example", "https://jahat.example/petugas"])
def test_next_never_leads_to_another_host_after_the_second_factor(client, target):
    import pyotp

    who = account(totp=True)
    assert _password_step(client, who, target).headers["Location"] == "/petugas/masuk/kode"
    response = client.post(
        "/petugas/masuk/kode",
        data={"csrf_token": csrf_token(client, "/petugas/masuk/kode"), "code": pyotp.TOTP(who.totp_secret).now()},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/petugas/"


def test_the_redirect_to_sign_in_keeps_only_a_path(client):
    response = client.get("/petugas/pengaduan", query_string={"q": "//jahat.example"})
    location = response.headers["Location"]
    _assert_stays_here(location)
    assert parse_qs(urlsplit(location).query)["next"] == ["/petugas/pengaduan?q=//jahat.example"]
    signed_in = _sign_in(client, account(), "/petugas/pengaduan?q=//jahat.example")
    assert signed_in.headers["Location"] == "/petugas/pengaduan?q=//jahat.example"  # a path on this site


def _session_cookie(client, app) -> str | None:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie.value if cookie else None


@pytest.mark.parametrize("second_factor", [False, True])
def test_the_session_cookie_changes_at_sign_in_and_the_old_one_is_not_signed_in(app, client, second_factor):
    import pyotp

    who = account(totp=second_factor)
    client.get("/petugas/masuk")
    before = _session_cookie(client, app)
    assert before is not None  # the CSRF token already made a session
    response = _password_step(client, who, "/petugas/pengaduan")
    if second_factor:
        assert _session_cookie(client, app) != before  # the pending sign-in is a fresh session too
        response = client.post(
            "/petugas/masuk/kode",
            data={"csrf_token": csrf_token(client, "/petugas/masuk/kode"), "code": pyotp.TOTP(who.totp_secret).now()},
        )
    assert response.headers["Location"] == "/petugas/pengaduan"
    after = _session_cookie(client, app)
    assert after not in (None, before)
    # Without a second factor yet, the session is signed in but sent to set one up first.
    assert client.get("/petugas/pengaduan" if second_factor else "/petugas/akun/2fa").status_code == 200
    attacker = app.test_client()  # kept a copy of the cookie from before sign-in (a shared PC, a planted cookie)
    attacker.set_cookie(app.config["SESSION_COOKIE_NAME"], before)
    assert attacker.get("/petugas/pengaduan").headers["Location"].startswith("/petugas/masuk")


def test_the_session_cookie_is_http_only_and_same_site(client):
    response = client.get("/petugas/masuk")
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_signing_out_empties_the_session_cookie(app, client):
    from tests.factories import sign_in

    sign_in(client, account())
    response = client.post("/petugas/keluar", data={"csrf_token": csrf_token(client, "/petugas/akun")})
    assert response.headers["Location"] == "/petugas/masuk"
    told = parse(client.get("/petugas/masuk")).select_one(".notice[role=status]").get_text(strip=True)
    assert told == "Anda sudah keluar, di perangkat ini dan di perangkat lain."
    assert client.get("/petugas/pengaduan").headers["Location"] == "/petugas/masuk?next=/petugas/pengaduan"


def test_a_copied_cookie_is_worthless_after_signing_out(app, client):
    """Sessions are signed cookies: "Keluar" must also end a copy taken before it (all devices)."""
    from tests.factories import sign_in

    sign_in(client, account())
    stolen = client.get_cookie("session").value
    other_device = app.test_client()
    other_device.set_cookie("session", stolen)
    assert other_device.get("/petugas/pengaduan").status_code == 200

    client.post("/petugas/keluar", data={"csrf_token": csrf_token(client, "/petugas/akun")})

    assert other_device.get("/petugas/pengaduan").headers["Location"].startswith("/petugas/masuk")
