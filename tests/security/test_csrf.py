"""CSRF on every POST route, walking the URL map with real arguments for every converter.

tests/test_architecture.py::test_no_route_is_exempt_from_csrf checks that nothing is exempt, and
::test_every_post_route_rejects_a_missing_csrf_token checks for a 400 (with only `<int:…>` filled
in). Here: the Indonesian CSRF page, signed in or not, a token from another session, htmx, and the
Referer check over HTTPS."""

import pytest

from tests.factories import account, sign_in
from tests.helpers import csrf_token, parse
from tests.helpers.hostile import assert_handled, sample_path

CSRF_MESSAGE = "Formulir ini sudah kedaluwarsa atau dikirim dari luar portal."


def post_paths(app) -> list[str]:
    """Every form's POST; the gateways' doors (/kanal/…) prove themselves otherwise (test_inbound_doors)."""
    return sorted(
        sample_path(rule)
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.endpoint.startswith("inbound.")
    )


def assert_csrf_page(response, path: str) -> None:
    assert response.status_code == 400, (path, response.status_code)
    page = assert_handled(response)
    assert page.select_one("h1").get_text(strip=True) == "Permintaan tidak bisa diproses", path
    assert CSRF_MESSAGE in page.select_one(".error-page").get_text(" ", strip=True), path


@pytest.mark.parametrize("who", [None, "officer", "admin"])
def test_every_post_route_refuses_a_missing_token_with_the_indonesian_page(app, client, who):
    if who:
        sign_in(client, account(who, totp=who == "admin"))
    paths = post_paths(app)
    assert len(paths) > 20 and "/petugas/masuk" in paths and "/cek-status" in paths
    for path in paths:
        assert_csrf_page(client.post(path, data={"nomor": "x", "message": "x"}), path)


def test_a_token_from_another_session_is_refused(app, client):
    other = app.test_client()
    foreign = csrf_token(other)
    client.get("/cek-status")
    for path in post_paths(app):
        assert_csrf_page(client.post(path, data={"csrf_token": foreign}), path)


def test_htmx_gets_the_same_refusal_as_a_fragment(client):
    response = client.post(
        "/cek-status", data={"nik": "3275010101900001", "nama": "Budi"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    fragment = parse(response)
    assert fragment.select_one("html") is None
    assert CSRF_MESSAGE in fragment.select_one(".error-page").get_text(" ", strip=True)


def test_over_https_a_form_sent_from_another_site_is_refused_even_with_a_token(client):
    secure = {"base_url": "https://localhost"}
    token = csrf_token(client)
    data = {"csrf_token": token, "nik": "3275010101900001", "nama": "Budi"}
    foreign = client.post("/cek-status", data=data, headers={"Referer": "https://jahat.example/"}, **secure)
    assert_csrf_page(foreign, "/cek-status (Referer jahat.example)")
    missing = client.post("/cek-status", data=data, **secure)
    assert_csrf_page(missing, "/cek-status (no Referer)")
    same_site = client.post("/cek-status", data=data, headers={"Referer": "https://localhost/cek-status"}, **secure)
    assert same_site.status_code == 200
