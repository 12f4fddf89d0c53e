"""The second layer behind escaping: while making a PDF, WeasyPrint loads the portal's own static
files and data: URLs, and nothing else: no local file elsewhere, no address on the network."""

from __future__ import annotations

import http.server
import io
import threading

import pytest
from pypdf import PdfReader

from portal.core.pdf_assets import PortalAssetsOnly
from portal.letters.documents.pdf import STYLESHEET, html_to_pdf

PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
    "awAAAABJRU5ErkJggg=="
)


@pytest.fixture
def listener():
    """A real HTTP server on loopback that counts what reaches it."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"p { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def test_a_pdf_loads_nothing_from_the_network_or_outside_the_portal(listener, tmp_path):
    address, hits = listener
    secret = tmp_path / "rahasia.txt"
    secret.write_text("RAHASIA-DI-SERVER")
    html = f"""<!doctype html><html lang="id"><head><title>Uji</title>
      <link rel="stylesheet" href="{address}/gaya.css"></head><body>
      <p>Surat uji</p><img alt="" src="{address}/gambar.png"><img alt="" src="file://{secret}">
      <object data="file://{secret}"></object><img alt="titik" src="{PIXEL}"></body></html>"""
    pdf = html_to_pdf(html)
    assert hits == []
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Surat uji" in text and "RAHASIA-DI-SERVER" not in text


def test_the_portals_own_files_and_data_urls_are_served():
    fetcher = PortalAssetsOnly()
    assert b"@page" in fetcher.fetch(STYLESHEET.as_uri()).read()
    assert fetcher.fetch(PIXEL).read().startswith(b"\x89PNG")
    for refused in (
        "file:///etc/passwd",
        (STYLESHEET.parent / ".." / ".." / "config.py").resolve().as_uri(),
        "http://127.0.0.1:9/",
        "ftp://127.0.0.1/x",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(refused)
