"""Helpers for the browser tests: fill the status check, run axe-core, measure overflow."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import pyotp
from playwright.sync_api import Page, expect

from portal.extensions import db
from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
VENDOR = Path(__file__).parents[1] / "e2e" / "vendor" / "node_modules"  # `make browser` fills it
HTMX_JS = VENDOR / "htmx.org" / "dist" / "htmx.min.js"
AXE_JS = VENDOR / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
NARROW = {"width": 320, "height": 640}

# Indonesian headings the status check shows (the default language).
RESULT_HEADINGS = {
    "aktif": "Aktif — Anda terlindungi",
    "proses": "Sedang didaftarkan",
    "daftar_tunggu": "Daftar tunggu",
    "nonaktif": "Tidak aktif",
    "tidak_memenuhi_syarat": "Tidak memenuhi syarat",
}
NOT_FOUND_HEADING = "Data tidak ditemukan"
ERROR_SUMMARY_HEADING = "Ada yang perlu diperbaiki"
# A well-formed NIK (Jawa Barat, born 7 March 1985, serial 9999) that no seeded person has.
UNKNOWN_NIK = "3275010703859999"


def fill_status_check(page: Page, nik: str, name: str) -> None:
    page.get_by_label("NIK", exact=True).fill(nik)
    page.get_by_label("Nama lengkap").fill(name)


def submit_status_check(page: Page) -> None:
    page.locator("#cek-status form").get_by_role("button", name="Cek status").click()


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page: Page) -> list[dict]:
    """axe-core's violations (every impact) on the page as it is now.

    The portal's CSP (script-src 'self' + htmx) blocks the inline <script> that
    page.add_script_tag() would insert, so the vendored axe.min.js is evaluated through the
    DevTools protocol instead, which CSP does not govern. The page stays exactly as served.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary,
                                          html: n.html.slice(0, 300)})),
            }));
        }"""
    )


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            lines.append(f"    at {json.dumps(node['target'])}")
            lines.append(f"       {node['html']}")
            for summary_line in (node["summary"] or "").splitlines():
                lines.append(f"       {summary_line}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    violations = run_axe(page)
    assert not violations, f"axe-core found {len(violations)} violation(s) on {page.url}:\n" + (
        describe_violations(violations)
    )


def horizontal_overflow(page: Page) -> dict:
    """Page width against the viewport, with the widest offending elements for the message."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            const wide = [];
            for (const el of document.body.querySelectorAll('*')) {
                const box = el.getBoundingClientRect();
                if (box.right > width + 0.5 && box.width > 0) {
                    wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
                              `${el.className && typeof el.className === 'string'
                                  ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}` +
                              ` right=${Math.round(box.right)}`);
                }
            }
            return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width,
                    wide: wide.slice(0, 10)};
        }"""
    )


# Complaints and the officer workspace ------------------------------------------------------

DESKTOP = {"width": 1280, "height": 900}


def png_file(name: str = "foto.png", color: str = "blue") -> dict:
    """A small real PNG, as Playwright's set_input_files() takes it (no file on disk)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (12, 8), color).save(out, "PNG")
    return {"name": name, "mimeType": "image/png", "buffer": out.getvalue()}


def overflow_at(page: Page, viewport: dict = NARROW) -> str | None:
    """Resize to `viewport` (320 px by default), measure, and restore the previous size.
    Returns a description of the sideways scrolling, or None when the page fits."""
    before = page.viewport_size
    page.set_viewport_size(viewport)
    try:
        sizes = horizontal_overflow(page)
    finally:
        if before:
            page.set_viewport_size(before)
    if sizes["scrollWidth"] <= sizes["innerWidth"]:
        return None
    return f"{page.url} scrolls sideways at {viewport['width']} px: {sizes}"


def axe_problems(page: Page) -> str | None:
    """Like assert_no_axe_violations(), but returns the report (None when clean), so a walk
    through many pages can report every page at once."""
    violations = run_axe(page)
    if not violations:
        return None
    return f"axe-core found {len(violations)} violation(s) on {page.url}:\n" + describe_violations(violations)


def wait_for_htmx(page: Page) -> None:
    """htmx loaded and done processing the page (it does so on DOMContentLoaded, which comes
    after its deferred script ran), so forms and triggers are the enhanced ones."""
    page.wait_for_function("() => window.htmx !== undefined && document.readyState === 'complete'")


T = TypeVar("T")


@dataclass(frozen=True)
class Resident:
    nik: str
    name: str

    @property
    def spaced_nik(self) -> str:
        """As people copy it from a KTP: 3275 0107 0385 0001."""
        return " ".join(self.nik[i : i + 4] for i in range(0, 16, 4))


@dataclass
class LiveServer:
    url: str
    app: object
    residents: dict[str, Resident] = field(default_factory=dict)

    @property
    def htmx_url(self) -> str:
        return self.app.config["HTMX_URL"]

    def run(self, work: Callable[[], T]) -> T:
        """Call `work` in the live portal's app context (its own database session), e.g. to
        create accounts with tests/factories.py or act on a case through the service layer.
        Return plain values: ORM objects are detached once the context ends."""
        with self.app.app_context():
            try:
                return work()
            finally:
                db.session.remove()


def route_network(context, live_server: LiveServer, *, htmx: bool = True) -> None:
    """Serve htmx from the npm copy (or fail it, like a CDN outage) and block any other host.

    Routes apply to every page of the context, so each page gets htmx from the same file.
    """
    local = urlsplit(live_server.url).netloc

    def handle(route):
        url = route.request.url
        if url == live_server.htmx_url:
            if htmx:
                route.fulfill(
                    path=HTMX_JS, content_type="application/javascript", headers={"Access-Control-Allow-Origin": "*"}
                )
            else:
                route.abort("internetdisconnected")
        elif urlsplit(url).netloc == local or url.startswith(("data:", "blob:")):
            route.fallback()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", handle)


@dataclass(frozen=True)
class Officer:
    id: int
    email: str
    name: str
    totp_secret: str
    password: str = factories.PASSWORD


def make_officer(live_server, role: str = "officer") -> Officer:
    def work() -> Officer:
        made = factories.account(role, totp=True)
        return Officer(id=made.id, email=made.email, name=made.name, totp_secret=made.totp_secret)

    return live_server.run(work)


def page_heading(page: Page):
    return page.get_by_role("heading", level=1)


def enter_password(page: Page, officer: Officer, password: str | None = None) -> None:
    page.goto("/petugas/masuk")
    page.get_by_label("Email").fill(officer.email)
    page.get_by_label("Kata sandi").fill(password or officer.password)
    page.get_by_role("button", name="Masuk", exact=True).click()


def enter_code(page: Page, code: str) -> None:
    page.get_by_label("Kode dari aplikasi autentikator").fill(code)
    page.get_by_role("button", name="Lanjut", exact=True).click()


def sign_in(page: Page, officer: Officer) -> None:
    enter_password(page, officer)
    expect(page_heading(page)).to_have_text("Kode verifikasi")
    enter_code(page, pyotp.TOTP(officer.totp_secret).now())
    expect(page_heading(page)).to_have_text("Antrean pengaduan")
