"""Security headers on every response: every GET route of the URL map (officer routes signed in as an
admin), error answers (400, 404, 405, 413, 415, 429, 500), static files, and the pages that show
personal data (never stored by a browser or proxy cache)."""

import pytest

from portal import create_app
from tests.factories import account, attachment, complaint, person, png, sign_in
from tests.helpers import app_settings, csrf_token
from tests.helpers.hostile import assert_security_headers, sample_path

# Open data without personal data (and the city's public keys): these may be cached by anyone.
PUBLIC_CACHE = (
    "/statistik/data.json",
    "/statistik/ringkasan.csv",
    "/open311/",
    "/verifikasi/kunci.json",
    "/verifikasi/sertifikat.pem",
)

# Pages that may open the camera of their own origin: the offline verifier scans QR codes.
CAMERA = ("/verifikasi/luring",)


def assert_not_stored(response, what: str) -> None:
    assert response.headers.get("Cache-Control") == "no-store", what


def get_rules(app, officer: bool):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static" and rule.rule.startswith("/petugas") == officer:
            yield rule


@pytest.mark.parametrize("officer", [False, True], ids=["public", "officer"])
def test_every_get_route_has_the_headers(app, client, officer):
    if officer:
        sign_in(client, account("admin", totp=True))
    complaint()
    for rule in get_rules(app, officer):
        if rule.rule in ("/surat/unduh", "/surat/lihat"):
            continue  # PDF and letter page: checked below after a status check
        path = sample_path(rule)
        response = client.get(path)
        assert response.status_code < 500, path
        assert_security_headers(response, path, camera=path in CAMERA)
        if not path.startswith(PUBLIC_CACHE):
            assert_not_stored(response, path)


def test_pages_with_personal_data_are_never_stored(client):
    someone = person()
    answer = client.post(
        "/cek-status", data={"csrf_token": csrf_token(client), "nik": someone.nik, "nama": someone.nama}
    )
    assert answer.status_code == 200
    for response, what in [
        (answer, "status answer"),
        (client.get("/surat"), "/surat"),
        (client.get("/surat/lihat"), "/surat/lihat"),
    ]:
        assert_security_headers(response, what)
        assert_not_stored(response, what)
    case, code = complaint()
    client.post(
        "/pengaduan/lacak",
        data={"csrf_token": csrf_token(client, "/pengaduan/lacak"), "nomor": case.reference, "kode": code},
    )
    tracked = client.get("/pengaduan/lacak/kasus")
    assert tracked.status_code == 200
    assert_security_headers(tracked, "tracking")
    assert_not_stored(tracked, "tracking")


@pytest.mark.own_app  # adds a route
def test_error_answers_have_the_headers(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/uji-kesalahan-server")
    def _boom():
        raise RuntimeError("rahasia internal")

    answers = {
        404: client.get("/tidak-ada-halaman-ini"),
        405: client.get("/petugas/keluar"),
        400: client.post("/cek-status", data={"nik": "1"}),  # no CSRF token
        415: client.post("/cek-status", json={"nik": "1"}, headers={"X-CSRFToken": csrf_token(client)}),
        413: client.post(
            "/cek-status",
            data={"csrf_token": csrf_token(client), "nama": "x" * 300_000},
            content_type="multipart/form-data",
        ),  # one field over MAX_FORM_MEMORY_SIZE
        500: client.get("/uji-kesalahan-server"),
    }
    for status, response in answers.items():
        assert response.status_code == status
        assert_security_headers(response, str(status))
        assert_not_stored(response, str(status))
        text = response.get_data(as_text=True)
        assert "Traceback" not in text and "rahasia internal" not in text


class TestRateLimited:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_STATUS_CHECK": "1 per minute"}

    def test_429_has_the_headers(self, client):
        data = {"csrf_token": csrf_token(client), "nik": "3275010101900001", "nama": "Budi"}
        client.post("/cek-status", data=data)
        response = client.post("/cek-status", data=data)
        assert response.status_code == 429
        assert_security_headers(response, "429")


def test_static_files_have_the_headers(client):
    for path in ("/static/css/portal.css", "/static/js/portal.js"):
        response = client.get(path)
        assert response.status_code == 200
        assert_security_headers(response, path)


def test_hsts_and_secure_cookies_outside_development(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SIGAP_ENV", "production")
    config = {
        key: value for key, value in app_settings(database_url, tmp_path).items() if key != "SESSION_COOKIE_SECURE"
    }
    production = create_app(config).test_client()
    secure = production.get("/cek-status", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = next(v for k, v in secure.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie
    plain = production.get("/cek-status")  # plain HTTP: HSTS would be ignored; the proxy redirects
    assert "Strict-Transport-Security" not in plain.headers


def test_an_upload_is_never_served_as_something_else(app, client):
    """Residents' files go out as downloads, with their checked type and nosniff."""
    case, _ = complaint()
    record = attachment(app, case, data=png((3, 3)) + b"<script>", filename="x.html.png")
    sign_in(client, account("supervisor"))
    response = client.get(f"/petugas/lampiran/{record.id}")
    assert response.mimetype == "image/png" and response.headers["Content-Disposition"].startswith("attachment")
    assert b"<script>" not in response.data  # re-encoded: nothing appended survives
    assert_security_headers(response, "attachment")
