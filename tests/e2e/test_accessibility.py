"""WCAG 2.2 AA over the whole portal: on EVERY page the URL map can render, public and officer,
axe-core (every rule, target size included), every interactive element measured for 2.5.8 target
size (24x24 px, or spaced as the spacing exception allows; links inside a sentence are exempt),
the focus walked with Tab (always visible, on screen, in reading order), and no animation or
transition when the device asks for reduced motion; a test that fails when a GET route is neither
opened here nor listed as exempt; no sideways scrolling at 320 px and no loss at 200% text on
every public page.

Each opener below brings a browser to one endpoint the way a person gets there (filling the
steps before it), and the test checks the browser really is on that endpoint.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pyotp
import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from portal.extensions import db
from tests import factories
from tests.helpers.browser import (
    DESKTOP,
    NARROW,
    _axe_source,
    describe_violations,
    fill_status_check,
    horizontal_overflow,
    route_network,
    submit_status_check,
)

pytestmark = pytest.mark.browser

# GET routes that do not render a page, and why.
EXEMPT = {
    "static": "CSS and JavaScript files",
    "inbound.sms_report": "Kannel's delivery reports: plain text for a gateway, not a page",
    "inbound.whatsapp_handshake": "WhatsApp's webhook handshake: plain text for Meta, not a page",
    "complaints.receipt_pdf": "PDF receipt",
    "assistance.download_slip": "PDF receipt",
    "officers.complaints.download_assisted_slip": "PDF slip",
    "officers.complaints.download_attachment": "a resident's file",
    "officers.roster.download_rejects": "CSV of rejected roster rows",
    "officers.complaints.export_complaints": "CSV export",
    "officers.complaints.export_indicators": "CSV export",
    "officers.audit.export_audit": "CSV export of the audit trail",
    "letters.download_letter": "PDF letter",
    "officers.people.download_person_letter": "PDF letter",
    "officers.letters.download_letter_batch": "PDF of a letter batch",
    "letters.certificate_keys": "JSON: the city's public keys",
    "letters.certificate_pem": "PEM download: the city's certificates",
    "statistics.download_data": "JSON open data",
    "statistics.download_table": "CSV open data",
    "statistics.list_requests": "JSON (Open311)",
    "statistics.list_services": "JSON (Open311)",
    "statistics.show_openapi": "JSON (OpenAPI document)",
    "statistics.show_request": "JSON (Open311)",
    "officers.accounts.show_home": "a redirect to the complaint queue",
}


@dataclass(frozen=True)
class Seeded:
    admin_email: str
    admin_totp: str
    totp_officer_email: str
    totp_officer_secret: str
    complaint: str
    complaint_code: str
    help_request: str
    help_code: str
    person_id: int
    account_id: int
    template_id: int
    letter_code: str


@pytest.fixture(scope="module")
def seeded(live_server) -> Seeded:
    def work() -> Seeded:
        from portal.letters.services.letters import issue_letter
        from portal.models import DisabilityCategory, OutboxMessage, OutboxState, Person, PersonStatus, ResponseTemplate

        admin = factories.account("admin", totp=True)
        with_totp = factories.account("officer", totp=True)
        case, code = factories.complaint(subject_name="Dewi Aksesibel")
        found, help_code = factories.assistance_request(
            disabilities=(DisabilityCategory.SENSORIK_NETRA,), disability_consent=True
        )
        template = ResponseTemplate(title="Data sedang diperiksa", body="Data Anda sedang kami periksa.")
        db.session.add(template)
        active = db.session.scalars(sa.select(Person).where(Person.status == PersonStatus.AKTIF)).first()
        letter = issue_letter(session=db.session, person_id=active.id)
        db.session.add(
            OutboxMessage(
                reference=case.reference,
                to_address="dewi@contoh.id",
                subject="Pengaduan",
                body="-",
                state=OutboxState.GAGAL,
                attempts=12,
                last_error="ConnectionRefusedError: [Errno 111] Connection refused",
            )
        )
        db.session.add(
            OutboxMessage(
                reference=case.reference,
                to_address="dewi@contoh.id",
                subject="Pengaduan",
                body="-",
                state=OutboxState.TIDAK_PASTI,
                attempts=1,
                last_error="TimeoutError: timed out",
            )
        )
        db.session.commit()
        return Seeded(
            admin.email,
            admin.totp_secret,
            with_totp.email,
            with_totp.totp_secret,
            case.reference,
            code,
            found.reference,
            help_code,
            active.id,
            with_totp.id,
            template.id,
            letter.code,
        )

    return live_server.run(work)


@pytest.fixture(scope="module")
def admin_state(browser, browser_context_args, live_server, seeded) -> dict:
    """An admin (who may open every officer page) signed in once; the tests reuse the cookies."""
    context = browser.new_context(**{**browser_context_args, "viewport": DESKTOP})
    route_network(context, live_server)
    try:
        page = context.new_page()
        _password(page, seeded.admin_email)
        page.get_by_label("Kode dari aplikasi autentikator").fill(pyotp.TOTP(seeded.admin_totp).now())
        page.get_by_role("button", name="Lanjut", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Antrean pengaduan")
        return context.storage_state()
    finally:
        context.close()


def _password(page: Page, email: str) -> None:
    page.goto("/petugas/masuk")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(factories.PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()


# Openers: public pages ------------------------------------------------------------------------


def _complaint_details(page: Page, nik: str) -> None:
    page.goto("/pengaduan/baru")
    page.get_by_label("Saya (atau orang ini) memenuhi syarat tetapi tidak terdaftar").check()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    page.get_by_label("NIK orang yang bersangkutan").fill(nik)
    page.get_by_label("Nama lengkap orang yang bersangkutan").fill("Siti Aminah")
    page.get_by_label("Kelurahan tempat tinggal").select_option("32.75.01.1001")
    page.get_by_label("Nomor HP atau WhatsApp").fill("0812 3456 7890")
    page.get_by_label("Ceritakan masalahnya").fill("Saya pedagang, desil 2, belum terdaftar.")
    page.get_by_role("button", name="Lanjut ke pemeriksaan").click()


def _help_form(page: Page) -> None:
    page.goto("/bantuan")
    page.get_by_label("Nama orang yang memerlukan bantuan").fill("Ibu Sari")
    page.get_by_label("Ditelepon kembali oleh petugas").check()
    page.get_by_label("Mengecek apakah sudah terdaftar").check()
    page.get_by_label("Nomor HP atau WhatsApp").fill("0812 3456 7890")
    page.get_by_label("Kecamatan").select_option("32.75.01")
    expect(page.locator("#kelurahan option")).to_have_count(5)  # narrowed by htmx
    page.get_by_label("Kelurahan", exact=True).select_option("32.75.01.1001")
    page.get_by_role("button", name="Lanjut ke pemeriksaan").click()


def _track(page: Page, reference: str, code: str) -> None:
    page.goto("/pengaduan/lacak")
    page.get_by_label("Nomor pengaduan").fill(reference)
    page.get_by_label("Kode akses").fill(code)
    page.get_by_role("button", name="Lacak", exact=True).click()


def _checked_active_person(page: Page, residents) -> None:
    page.goto("/cek-status")
    fill_status_check(page, residents["aktif"].nik, residents["aktif"].name)
    submit_status_check(page)
    expect(page.locator("#hasil-judul")).to_be_visible()


def _go(path: str) -> Callable:
    return lambda page, s, residents: page.goto(path)


def _view_letter(page: Page, s: Seeded, residents) -> None:
    _checked_active_person(page, residents)
    page.goto("/surat")
    page.get_by_role("button", name="Lihat surat di layar").click()


PUBLIC: dict[str, Callable] = {
    "home.index": _go("/"),
    "status_check.check_status_page": _go("/cek-status"),
    "home.show_about": _go("/tentang"),
    "home.show_contact": _go("/kontak"),
    "home.show_privacy": _go("/privasi"),
    "complaints.new_complaint": _go("/pengaduan/baru"),
    "complaints.edit_details": lambda page, s, r: (_complaint_details(page, "12"), None),
    "complaints.check_answers": lambda page, s, r: _complaint_details(page, factories.make_nik(female=True)),
    "complaints.show_confirmation": lambda page, s, r: (
        _complaint_details(page, factories.make_nik(female=True)),
        page.get_by_role("button", name="Kirim pengaduan").click(),
    ),
    "complaints.track_complaint": _go("/pengaduan/lacak"),
    "complaints.view_case": lambda page, s, r: _track(page, s.complaint, s.complaint_code),
    "letters.show_letter": lambda page, s, r: (_checked_active_person(page, r), page.goto("/surat")),
    "letters.view_letter": _view_letter,
    "letters.find_letter": _go("/verifikasi"),
    "letters.verify_letter": lambda page, s, r: page.goto(f"/verifikasi/{s.letter_code}"),
    "letters.offline_verifier": _go("/verifikasi/luring"),
    "statistics.show_statistics": _go("/statistik"),
    "assistance.request_help": _go("/bantuan"),
    "assistance.check_request": lambda page, s, r: _help_form(page),
    "assistance.show_sent": lambda page, s, r: (
        _help_form(page),
        page.get_by_role("button", name="Kirim permintaan bantuan").click(),
    ),
    "assistance.view_request": lambda page, s, r: _track(page, s.help_request, s.help_code),
    "assistance.show_accessibility": _go("/aksesibilitas"),
    "officers.accounts.sign_in": _go("/petugas/masuk"),
    "officers.accounts.verify_totp": lambda page, s, r: _password(page, s.totp_officer_email),
}

# Openers: officer pages (an admin, signed in) ---------------------------------------------------


def _assisted(page: Page, s: Seeded, *, upto: str) -> None:
    page.goto("/petugas/pengaduan/baru")
    page.get_by_label("Warga ingin bertanya atau minta informasi").check()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    if upto == "rincian":
        return
    page.get_by_label("Nama lengkap orang yang bersangkutan").fill("Pak Darto")
    page.get_by_label("Kelurahan tempat tinggal").select_option("32.75.01.1001")
    page.get_by_label(VERBAL_CONSENT).check()
    page.get_by_label("Nomor HP atau WhatsApp").fill("0812 3456 7890")
    page.get_by_label("Ceritakan masalahnya").fill("Apakah guru PAUD bisa ikut?")
    page.get_by_role("button", name="Lanjut ke pemeriksaan").click()
    if upto == "periksa":
        return
    page.get_by_role("button", name="Kirim pengaduan").click()


VERBAL_CONSENT = "Yang bersangkutan (atau keluarga/pendampingnya) sudah setuju petugas mengajukan ini atas namanya."


def _unsent_form(page: Page, s: Seeded, live_server) -> None:
    from flask.sessions import SecureCookieSessionInterface

    page.goto(f"/petugas/bantuan/{s.help_request}")
    page.locator("#aksi-catatan summary").click()
    page.get_by_label("Catatan internal (tidak terlihat warga)").fill("Catatan yang belum terkirim karena sesi habis.")
    serializer = SecureCookieSessionInterface().get_signing_serializer(live_server.app)
    cookie = next(c for c in page.context.cookies() if c["name"] == "session")
    data = serializer.loads(cookie["value"])
    data["last_seen"] -= 31 * 60
    page.context.add_cookies([{**cookie, "value": serializer.dumps(data)}])
    page.get_by_role("button", name="Simpan catatan").click()
    page.get_by_label("Email").fill(s.admin_email)
    page.get_by_label("Kata sandi").fill(factories.PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    # The admin's code of this 30 s step may be spent already (codes work once): the next one is
    # accepted too (clock drift).
    page.get_by_label("Kode dari aplikasi autentikator").fill(pyotp.TOTP(s.admin_totp).at(time.time() + 30))
    page.get_by_role("button", name="Lanjut", exact=True).click()


def _roster_import(page: Page) -> None:
    from tests.factories import roster_csv, roster_row

    page.goto("/petugas/impor")
    data = roster_csv([roster_row(), roster_row(nik="12345")]).getvalue()
    page.get_by_label("Berkas roster (CSV UTF-8)").set_input_files(
        files=[{"name": "roster-uji.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Impor").click()


def _letter_batch(page: Page) -> None:
    page.goto("/petugas/surat-massal")
    page.get_by_label("Wilayah").select_option("kelurahan:32.75.01.1001")
    page.get_by_role("button", name="Buat PDF").click()


OFFICER: dict[str, Callable] = {
    "officers.complaints.show_queue": lambda page, s, ls: page.goto("/petugas/pengaduan"),
    "officers.complaints.show_case": lambda page, s, ls: page.goto(f"/petugas/pengaduan/{s.complaint}"),
    "officers.people.search_people": lambda page, s, ls: page.goto("/petugas/warga?q=Budi"),
    "officers.people.show_person": lambda page, s, ls: page.goto(f"/petugas/warga/{s.person_id}"),
    "officers.complaints.show_sla": lambda page, s, ls: page.goto("/petugas/sla"),
    "officers.audit.show_audit": lambda page, s, ls: page.goto("/petugas/audit"),
    "officers.program.show_settings": lambda page, s, ls: page.goto("/petugas/admin/pengaturan"),
    "officers.notifications.list_outbox_problems": lambda page, s, ls: page.goto("/petugas/email-bermasalah"),
    "officers.complaints.show_reports": lambda page, s, ls: page.goto("/petugas/laporan"),
    "officers.roster.list_imports": lambda page, s, ls: page.goto("/petugas/impor"),
    "officers.roster.show_import": lambda page, s, ls: _roster_import(page),
    "officers.accounts.list_accounts": lambda page, s, ls: page.goto("/petugas/admin/akun"),
    "officers.accounts.create_account": lambda page, s, ls: page.goto("/petugas/admin/akun/baru"),
    "officers.accounts.update_account": lambda page, s, ls: page.goto(f"/petugas/admin/akun/{s.account_id}"),
    "officers.complaints.list_templates": lambda page, s, ls: page.goto("/petugas/admin/templat"),
    "officers.complaints.create_template": lambda page, s, ls: page.goto("/petugas/admin/templat/baru"),
    "officers.complaints.update_template": lambda page, s, ls: page.goto(f"/petugas/admin/templat/{s.template_id}"),
    "officers.accounts.edit_account": lambda page, s, ls: page.goto("/petugas/akun"),
    "officers.accounts.set_up_totp": lambda page, s, ls: page.goto("/petugas/akun/2fa"),
    "officers.assistance.show_assistance_queue": lambda page, s, ls: page.goto("/petugas/bantuan"),
    "officers.assistance.show_assistance_request": lambda page, s, ls: page.goto(f"/petugas/bantuan/{s.help_request}"),
    "officers.complaints.start_assisted_filing": lambda page, s, ls: page.goto(
        f"/petugas/pengaduan/baru?bantuan={s.help_request}"
    ),
    "officers.complaints.edit_assisted_details": lambda page, s, ls: _assisted(page, s, upto="rincian"),
    "officers.complaints.check_assisted_filing": lambda page, s, ls: _assisted(page, s, upto="periksa"),
    "officers.complaints.show_assisted_confirmation": lambda page, s, ls: _assisted(page, s, upto="terkirim"),
    "officers.accounts.show_unsent_form": _unsent_form,
    "officers.letters.list_letter_batches": lambda page, s, ls: page.goto("/petugas/surat-massal"),
    "officers.letters.show_letter_batch": lambda page, s, ls: _letter_batch(page),
}


# The checks ---------------------------------------------------------------------------------------


def _endpoint_of(app, url: str) -> str | None:
    try:
        endpoint, _args = app.url_map.bind("localhost").match(urlsplit(url).path, method="GET")
    except (NotFound, MethodNotAllowed, RequestRedirect):
        return None
    return endpoint


def _arrive(page: Page, live_server, endpoint: str) -> None:
    """Wait until the browser is on a page of `endpoint` (the opener's last click navigates)."""
    page.wait_for_url(lambda url: _endpoint_of(live_server.app, url) == endpoint, timeout=10_000)
    page.wait_for_load_state("load")


def axe_violations(page: Page) -> list[dict]:
    """Every axe-core rule, the WCAG 2.2 target-size rule (off by default) included."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"],
                                                     rules: {"target-size": {enabled: true}}});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary,
                                          html: n.html.slice(0, 300)})),
            }));
        }"""
    )


# WCAG 2.5.8: every target at least 24x24 CSS px, unless a 24 px circle centred on it touches no
# other target (nor another small target's circle), or it is a link inside a sentence.
_SMALL_TARGETS = """() => {
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], ' +
                     '[tabindex]:not([tabindex="-1"])';
    const shown = el => {
        const box = el.getBoundingClientRect(), style = getComputedStyle(el);
        return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && box.right > 0 &&
               !el.closest('.visually-hidden') && !el.closest('details:not([open]) > :not(summary)');
    };
    const words = text => (text || '').replace(/[^\\p{L}\\p{N}]+/gu, '');
    const inSentence = el => {
        if (getComputedStyle(el).display !== 'inline') return false;
        let block = el.parentElement;
        while (block && getComputedStyle(block).display === 'inline') block = block.parentElement;
        let rest = block ? block.textContent : '';
        for (const other of block ? block.querySelectorAll(selector) : []) rest = rest.replace(other.textContent, '');
        return words(rest).length >= 3;
    };
    const targets = [...document.querySelectorAll(selector)].filter(shown)
        .filter(el => !(el.matches('[tabindex]') && el.matches('main, .error-summary, .table-scroll')))
        .map(el => ({el, box: el.getBoundingClientRect(), lines: [...el.getClientRects()]}));
    const centre = b => [b.left + b.width / 2, b.top + b.height / 2];
    // A link that wraps is one box per line, not the rectangle around all of them.
    const distanceTo = (point, t) => Math.min(...t.lines.map(b => Math.hypot(
        Math.max(b.left - point[0], 0, point[0] - b.right), Math.max(b.top - point[1], 0, point[1] - b.bottom))));
    const small = t => t.box.width < 23.95 || t.box.height < 23.95;
    return targets.filter(t => small(t) && !inSentence(t.el)).filter(t => {
        const c = centre(t.box);
        return targets.some(o => o !== t && !o.el.contains(t.el) && !t.el.contains(o.el) && !(
            o.el.tagName === 'LABEL' || t.el.labels && [...t.el.labels].includes(o.el)) &&
            (distanceTo(c, o) < 12 || (small(o) && Math.hypot(c[0] - centre(o.box)[0], c[1] - centre(o.box)[1]) < 24)));
    }).map(t => `${t.el.outerHTML.slice(0, 120)} ${Math.round(t.box.width)}x${Math.round(t.box.height)}`);
}"""

_FOCUS = """() => {
    const el = document.activeElement, style = getComputedStyle(el), box = el.getBoundingClientRect();
    return {tag: el.tagName.toLowerCase(), html: el.outerHTML.slice(0, 120),
            order: Array.prototype.indexOf.call(document.querySelectorAll('*'), el),
            visible: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) ||
                     style.boxShadow !== 'none',
            inView: box.bottom > 0 && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth};
}"""

_MOVING = """() => [...document.querySelectorAll('*')].filter(el => {
    const style = getComputedStyle(el);
    const seconds = value => Math.max(...value.split(',').map(v => parseFloat(v) || 0));
    return (style.animationName !== 'none' && seconds(style.animationDuration) > 0) ||
           seconds(style.transitionDuration) > 0;
}).map(el => el.outerHTML.slice(0, 100))"""


def small_targets(page: Page) -> list[str]:
    return page.evaluate(_SMALL_TARGETS)


def focus_problems(page: Page, limit: int = 400) -> list[str]:
    """Tab from the top of the page to its end: each stop visible, on screen, after the last one."""
    page.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    problems, last = [], -1
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(_FOCUS)
        if focus["tag"] == "body" or focus["order"] <= last:
            return problems  # past the last stop: the browser left the page or went round again
        if not focus["visible"]:
            problems.append(f"focus not visible on {focus['html']}")
        if not focus["inView"]:
            problems.append(f"focused element off screen: {focus['html']}")
        last = focus["order"]
    return problems + [f"Tab never reached the end of the page after {limit} stops"]


def _assert_clean(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core found {len(violations)} violation(s) on {page.url}:\n" + describe_violations(
        violations
    )
    small = small_targets(page)
    assert small == [], f"targets under 24x24 px without room around them on {page.url}:\n  " + "\n  ".join(small)
    moving = page.evaluate(_MOVING)
    assert moving == [], f"animation or transition despite prefers-reduced-motion on {page.url}: {moving}"


def _assert_keyboard_usable(page: Page) -> None:
    problems = focus_problems(page)
    assert problems == [], f"keyboard focus on {page.url}:\n  " + "\n  ".join(problems)


def test_every_page_route_is_checked_or_exempt(live_server):
    """A new GET route fails here until it gets an opener below or a reason in EXEMPT."""
    routes = {rule.endpoint for rule in live_server.app.url_map.iter_rules() if "GET" in rule.methods}
    covered = set(PUBLIC) | set(OFFICER) | set(EXEMPT)
    assert sorted(routes - covered) == [], "GET routes nobody opens in the axe test: add them"
    assert sorted(covered - routes) == [], "openers for routes that no longer exist: remove them"


@pytest.mark.parametrize("endpoint", sorted(PUBLIC))
def test_axe_on_every_public_page(endpoint, page: Page, seeded, residents, live_server):
    page.emulate_media(reduced_motion="reduce")
    PUBLIC[endpoint](page, seeded, residents)
    _arrive(page, live_server, endpoint)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    _assert_clean(page)
    _assert_keyboard_usable(page)


@pytest.fixture
def admin_page(new_context, admin_state, live_server, browser_errors):
    context = new_context(storage_state=admin_state)
    route_network(context, live_server)
    page = browser_errors.watch(context.new_page())
    page.set_viewport_size(DESKTOP)
    yield page
    if browser_errors:
        pytest.fail("browser errors:\n  " + "\n  ".join(browser_errors))


@pytest.mark.parametrize("endpoint", sorted(OFFICER))
def test_axe_on_every_officer_page(endpoint, admin_page: Page, seeded, live_server):
    admin_page.emulate_media(reduced_motion="reduce")
    OFFICER[endpoint](admin_page, seeded, live_server)
    _arrive(admin_page, live_server, endpoint)
    expect(admin_page.get_by_role("heading", level=1)).to_have_count(1)
    _assert_clean(admin_page)
    _assert_keyboard_usable(admin_page)


def test_axe_on_the_assistance_pages_with_errors(page: Page, admin_page: Page, seeded):
    page.goto("/bantuan")
    page.get_by_label("Fisik (misalnya gerak tubuh, memakai kursi roda)").check()
    page.get_by_role("button", name="Lanjut ke pemeriksaan").click()
    expect(page.locator(".error-summary")).to_be_focused()
    _assert_clean(page)
    admin_page.goto(f"/petugas/bantuan/{seeded.help_request}")
    admin_page.locator("#aksi-catatan summary").click()
    admin_page.get_by_role("button", name="Simpan catatan").click()
    expect(admin_page.locator("#aksi-catatan .error-summary")).to_be_visible()
    _assert_clean(admin_page)


# Reflow: 320 px and 200% text on every public page ---------------------------------------------------


@pytest.mark.parametrize("endpoint", sorted(PUBLIC))
def test_no_sideways_scrolling_at_320px(endpoint, page: Page, seeded, residents, live_server):
    page.set_viewport_size(NARROW)
    PUBLIC[endpoint](page, seeded, residents)
    _arrive(page, live_server, endpoint)
    sizes = horizontal_overflow(page)
    assert sizes["scrollWidth"] <= sizes["innerWidth"], f"{endpoint} scrolls sideways at 320 px: {sizes}"


@pytest.mark.parametrize("endpoint", sorted(PUBLIC))
def test_text_at_200_percent_loses_nothing(endpoint, page: Page, seeded, residents, live_server):
    """Text doubled (WCAG 1.4.4) on a 640 px window (1280 px at 200% zoom): nothing is cut off or
    needs sideways scrolling, and no text overlaps its box."""
    page.set_viewport_size({"width": 640, "height": 900})
    PUBLIC[endpoint](page, seeded, residents)
    _arrive(page, live_server, endpoint)
    page.evaluate("document.documentElement.style.fontSize = '200%'")  # CSSOM: the CSP allows it
    sizes = horizontal_overflow(page)
    assert sizes["scrollWidth"] <= sizes["innerWidth"], f"{endpoint} scrolls sideways with 200% text: {sizes}"
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('main *, header *, footer *')].filter(el => {
               const style = getComputedStyle(el);
               if (style.overflow === 'visible' || el.matches('.visually-hidden, .visually-hidden *')) return false;
               if (el.matches('textarea, select, input, .table-scroll, .nav-scroll')) return false;
               return el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
           }).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className).slice(0, 5)"""
    )
    assert clipped == [], f"{endpoint}: text cut off with 200% text in {clipped}"


@pytest.mark.parametrize("endpoint", sorted(OFFICER))
def test_officer_pages_reflow_at_320px_and_with_200_percent_text(endpoint, admin_page: Page, seeded, live_server):
    """Officers work on phones at visits too: the same two reflow checks as the public pages."""
    admin_page.set_viewport_size(NARROW)
    OFFICER[endpoint](admin_page, seeded, live_server)
    _arrive(admin_page, live_server, endpoint)
    sizes = horizontal_overflow(admin_page)
    assert sizes["scrollWidth"] <= sizes["innerWidth"], f"{endpoint} scrolls sideways at 320 px: {sizes}"
    admin_page.set_viewport_size({"width": 640, "height": 900})
    admin_page.evaluate("document.documentElement.style.fontSize = '200%'")
    sizes = horizontal_overflow(admin_page)
    assert sizes["scrollWidth"] <= sizes["innerWidth"], f"{endpoint} scrolls sideways with 200% text: {sizes}"
