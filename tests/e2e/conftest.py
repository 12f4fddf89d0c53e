"""Browser tests: Debian's Chromium through pytest-playwright against a live portal on SQLite.

The portal runs in a background thread (werkzeug's make_server on 127.0.0.1, a free port) on a
migrated SQLite database seeded with one person per status. The htmx CDN is unreachable here,
so every browser context answers the htmx URL with the byte-identical npm copy in
tests/e2e/vendor (`make browser`); the page's SRI hash still has to match for it to run.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db
from tests import factories
from tests.helpers import app_settings, migrate
from tests.helpers.browser import AXE_JS, CHROMIUM, HTMX_JS, PHONE, LiveServer, Resident, route_network

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Console errors that are not failures: Chromium logs every 4xx document or XHR (the portal
# answers 400 and 404 on purpose), and htmx logs an aborted request: a NIK format check still
# in flight when the form is sent is dropped by hx-sync="closest form:abort" (every failed
# request also logs htmx:afterRequest, so sendError and timeout are still caught).
# Anything else (CSP, SRI, script errors) fails the test.
_EXPECTED_CONSOLE = (
    "Failed to load resource: the server responded with a status of 4",
    "htmx:sendAbort",
    "htmx:afterRequest",
)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not installed at {CHROMIUM}: run `make browser`")
    if not HTMX_JS.exists() or not AXE_JS.exists():
        pytest.skip("Chromium test assets missing in tests/e2e/vendor: run `make browser`")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": ARGS}


def _seed() -> dict[str, Resident]:
    """One person per status (the nonaktif one died while covered, so heirs can claim)."""
    people = {
        "aktif": factories.person(nama="Budi Santoso"),
        "proses": factories.person(
            nama="Siti Aminah", female=True, status="proses", kpj=None, mulai=None, selesai=None
        ),
        "daftar_tunggu": factories.person(
            nama="Agus Salim", status="daftar_tunggu", kpj=None, mulai=None, selesai=None
        ),
        "nonaktif": factories.person(
            nama="Joko Widodo", status="nonaktif", alasan="meninggal", selesai=date(2026, 6, 30)
        ),
        "tidak_memenuhi_syarat": factories.person(
            nama="Hj. Dewi Lestari",
            female=True,
            status="tidak_memenuhi_syarat",
            alasan="desil_di_atas_5",
            desil=7,
            kpj=None,
            mulai=None,
            selesai=None,
        ),
    }
    return {status: Resident(p.nik, p.nama) for status, p in people.items()}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e-db")
    url = f"sqlite:///{folder / 'e2e.sqlite3'}"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SIGAP_ENV", "testing")
        migrate(url, folder)
        app = create_app(
            {
                **app_settings(url, folder),
                # Every test checks from 127.0.0.1: keep limits and lockouts out of the way.
                "RATELIMIT_STATUS_CHECK": "10000 per minute",
                "RATELIMIT_COMPLAINTS": "10000 per minute",
                "RATELIMIT_COMPLAINT_STEPS": "10000 per minute",
                "RATELIMIT_TRACKING": "10000 per minute",
                "RATELIMIT_SIGN_IN": "10000 per minute",
                "NIK_LOCKOUT_FAILURES": 10000,
                "ATTACHMENT_DIR": str(folder / "attachments"),  # not the repository's instance/
                "LETTER_BATCH_DIR": str(folder / "letter-batches"),
            }
        )
    with app.app_context():
        residents = _seed()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, residents=residents)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """pytest-playwright passes this to every context, so page.goto("/cek-status") works."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "locale": "id-ID"}


@pytest.fixture
def context(new_context, live_server):
    context = new_context()
    route_network(context, live_server)
    return context


@pytest.fixture
def offline_htmx_context(new_context, live_server):
    """JavaScript on, but the htmx CDN is down: the page must work as plain HTML forms."""
    context = new_context()
    route_network(context, live_server, htmx=False)
    return context


class BrowserErrors(list):
    """Console errors and uncaught exceptions seen by a page, minus expected HTTP status lines."""

    def watch(self, page):
        page.on("console", lambda msg: self._console(msg))
        page.on("pageerror", lambda error: self.append(f"uncaught: {error}"))
        return page

    def _console(self, msg) -> None:
        if msg.type == "error" and not msg.text.startswith(_EXPECTED_CONSOLE):
            self.append(f"console: {msg.text}")


@pytest.fixture
def browser_errors() -> BrowserErrors:
    return BrowserErrors()


@pytest.fixture
def page(context, browser_errors):
    """A phone-sized page; fails the test if the browser reported a CSP, SRI or script error."""
    page = browser_errors.watch(context.new_page())
    yield page
    if browser_errors:
        pytest.fail("browser errors:\n  " + "\n  ".join(browser_errors))


@pytest.fixture
def another_page(new_context, live_server, browser_errors, request):
    """Pages in new browser contexts (a second person: the resident beside the officer), routed
    like `context` and watched for errors; keyword arguments go to browser.new_context()."""

    def make(**context_args):
        other = new_context(**context_args)
        route_network(other, live_server)
        return browser_errors.watch(other.new_page())

    yield make
    if browser_errors and "page" not in request.fixturenames:  # else `page` reports them
        pytest.fail("browser errors:\n  " + "\n  ".join(browser_errors))


@pytest.fixture
def offline_htmx_page(offline_htmx_context, browser_errors):
    page = browser_errors.watch(offline_htmx_context.new_page())
    yield page
    # The one expected error: the htmx script itself failing to load.
    unexpected = [e for e in browser_errors if "net::ERR_INTERNET_DISCONNECTED" not in e]
    if unexpected:
        pytest.fail("browser errors:\n  " + "\n  ".join(unexpected))


@pytest.fixture
def residents(live_server) -> dict[str, Resident]:
    return live_server.residents
