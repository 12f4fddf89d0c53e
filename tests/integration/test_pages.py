import gzip

import pytest

from portal.config import HTMX_CDN_SRI, HTMX_CDN_URL
from tests.helpers import parse

PUBLIC_PAGES = ["/", "/cek-status", "/tentang", "/statistik"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_layout_is_accessible(client, path):
    page = parse(client.get(path))
    assert page.select_one("html")["lang"] == "id"
    skip = page.select_one("a.skip-link")
    assert skip["href"] == "#isi" and page.select_one("main#isi") is not None
    assert page.select_one("header") and page.select_one("footer") and page.select_one("nav")
    assert len(page.select("h1")) == 1
    assert "Program ini gratis" in page.select_one("footer").get_text()
    assert "calo" in page.select_one("footer").get_text()
    for field in page.select("input:not([type=hidden])"):
        assert page.select_one(f"label[for={field['id']}]") is not None


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_html_and_css_stay_under_30_kb_compressed(client, path):
    html = client.get(path).data
    css = client.get("/static/css/portal.css").data
    js = client.get("/static/js/portal.js").data
    assert len(gzip.compress(html)) + len(gzip.compress(css)) + len(gzip.compress(js)) < 30 * 1024


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/tidak-ada"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert f"script-src 'self' {HTMX_CDN_URL}" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_htmx_is_pinned_with_its_sri_hash(client):
    script = parse(client.get("/")).select_one(f'script[src="{HTMX_CDN_URL}"]')
    assert script["integrity"] == HTMX_CDN_SRI and script["crossorigin"] == "anonymous"
    assert "htmx.org@2.0." in HTMX_CDN_URL


def test_unknown_page_is_a_404_in_indonesian(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert parse(response).select_one("h1").get_text(strip=True) == "Halaman tidak ditemukan"


def test_english_is_available_and_remembered(client):
    page = parse(client.get("/?lang=en"))
    assert page.select_one("html")["lang"] == "en"
    assert page.select_one("h1").get_text(strip=True) == "Free work protection for informal workers in Kota Bekasi"
    again = parse(client.get("/cek-status"))
    assert again.select_one("html")["lang"] == "en"
    assert again.select_one("label[for=nik]").get_text(strip=True) == "NIK"
    assert again.select_one("label[for=nama]").get_text(strip=True) == "Full name"
    back = parse(client.get("/?lang=id"))
    assert back.select_one("html")["lang"] == "id"


def test_language_switch_links_to_the_same_page(client):
    link = parse(client.get("/cek-status")).select_one("nav.lang a")
    assert link["href"] == "/cek-status?lang=en"
