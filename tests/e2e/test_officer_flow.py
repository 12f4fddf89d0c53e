"""The officer workspace on a desktop: sign in with password and TOTP, filter the queue live
(htmx pushes the URL, swaps the results, and the back button restores the previous filter),
work a case from claim to resolution while the resident follows it on the tracking page in
another browser, the same filter without JavaScript, and axe-core on every officer page.

Accounts and complaints are made with tests/factories.py inside the live server's app context.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from urllib.parse import urlsplit

import pyotp
import pytest
import sqlalchemy as sa
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from portal.extensions import db
from portal.models import Person, ResponseTemplate
from tests import factories
from tests.helpers.browser import (
    DESKTOP,
    ERROR_SUMMARY_HEADING,
    PHONE,
    assert_no_axe_violations,
    axe_problems,
    enter_code,
    enter_password,
    make_officer,
    page_heading,
    png_file,
    route_network,
    sign_in,
    wait_for_htmx,
)

pytestmark = [pytest.mark.browser, pytest.mark.browser_context_args(viewport=DESKTOP)]


@dataclass(frozen=True)
class Filed:
    reference: str
    access_code: str


def file_cases(live_server, word: str) -> dict[str, Filed]:
    """Two complaints whose names share `word`, so a search finds exactly them in a queue that
    also holds every other test's complaints."""

    def work() -> dict[str, Filed]:
        info, info_code = factories.complaint(category="informasi", subject_nik=None, subject_name=f"Rahmat {word}")
        missed, missed_code = factories.complaint(subject_name=f"Sri {word}")
        return {"informasi": Filed(info.reference, info_code), "terlewat": Filed(missed.reference, missed_code)}

    return live_server.run(work)


def unique_word() -> str:
    """Letters only: a search with six digits anywhere could be part of a NIK, and the live
    search refuses to put it in an address (portal.core.nik.could_be_part_of_a_nik)."""
    return "Qx" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))


def queue_rows(page: Page):
    return page.locator("#antrean tbody tr")


def status_of_case(page: Page):
    return page.locator("main h1 + p .tag").first


def act(page: Page, action: str):
    """Open the <details> of a case action and return it."""
    panel = page.locator(f"#aksi-{action}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    return panel


# Sign-in, live queue filter, a case from claim to resolution --------------------------------


def test_sign_in_filter_the_queue_and_work_a_case(page: Page, another_page, live_server):
    officer = make_officer(live_server)
    word = unique_word()
    cases = file_cases(live_server, word)
    axe: list[str] = []

    def check(name: str) -> None:
        if report := axe_problems(page):
            axe.append(f"[{name}] {report}")

    sign_in(page, officer)  # lands on the officer's own open cases (issue 16 point 6)
    expect(page).to_have_url(re.compile(r"/petugas/pengaduan\?status=terbuka&ditugaskan=saya$"))
    page.goto("/petugas/pengaduan")
    wait_for_htmx(page)
    page.evaluate("() => { window.__sameDocument = true; }")
    check("antrean")

    # Typing filters live: htmx swaps the results and pushes the URL.
    search = page.get_by_label("Cari nomor, nama, atau nomor HP")
    search.fill(word)
    expect(page).to_have_url(re.compile(rf"/petugas/pengaduan\?(.+&)?q={word}(&|$)"))
    expect(queue_rows(page)).to_have_count(2)
    search.press("Tab")  # leaving the search box must not search, and push the URL, again
    kind = page.get_by_label("Jenis")
    kind.select_option("informasi")
    expect(page).to_have_url(re.compile(r"[?&]kategori=informasi(&|$)"))
    expect(queue_rows(page)).to_have_count(1)
    expect(queue_rows(page)).to_contain_text(cases["informasi"].reference)
    check("antrean-difilter")
    confidential = page.get_by_label("Hanya yang dirahasiakan")
    confidential.check()
    expect(page).to_have_url(re.compile(r"[?&]rahasia=1(&|$)"))
    expect(queue_rows(page)).to_have_text(["Tidak ada pengaduan yang cocok dengan filter ini."])
    assert page.evaluate("() => window.__sameDocument === true"), "a filter reloaded the page"

    # Back restores each previous filter: the URL, the form and the results.
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"rahasia=1"))
    expect(confidential).not_to_be_checked()
    expect(kind).to_have_value("informasi")
    expect(queue_rows(page)).to_have_count(1)
    page.go_back()
    expect(page).to_have_url(re.compile(rf"[?&]q={word}(&|$)"))
    expect(page).not_to_have_url(re.compile(r"kategori=informasi"))
    expect(queue_rows(page)).to_have_count(2)
    expect(kind).to_have_value("")
    expect(search).to_have_value(word)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/petugas/pengaduan$"))
    expect(search).to_have_value("")
    page.go_forward()
    expect(search).to_have_value(word)
    expect(queue_rows(page)).to_have_count(2)

    # The case: claim, reply publicly, ask for information.
    case = cases["terlewat"]
    page.get_by_role("link", name=case.reference).click()
    expect(page_heading(page)).to_have_text(f"Pengaduan {case.reference}")
    expect(page.get_by_role("main")).to_contain_text("belum ditugaskan")
    check("kasus")
    page.locator("#aksi-ambil").get_by_role("button", name="Ambil", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text(f"Petugas: {officer.name}")
    check("kasus-diambil")

    reply = act(page, "balas")
    reply.get_by_label("Balasan untuk warga (terlihat di halaman lacak)").fill(
        "Terima kasih. Kami sedang memeriksa data DTSEN Anda."
    )
    reply.get_by_role("button", name="Kirim balasan").click()
    history = page.locator("ol.timeline")
    expect(history).to_contain_text("Kami sedang memeriksa data DTSEN Anda.")

    ask = act(page, "minta-informasi")
    ask.get_by_label("Informasi apa yang diperlukan dari warga?").fill("Mohon kirim foto KK.")
    ask.get_by_role("button", name="Kirim permintaan").click()
    expect(status_of_case(page)).to_have_text("Menunggu informasi dari warga")
    expect(history).to_contain_text("Mohon kirim foto KK.")

    # The resident, in another browser, sees the reply and the request, and answers.
    resident = another_page()
    resident.set_viewport_size(PHONE)
    resident.goto("/pengaduan/lacak")
    resident.get_by_label("Nomor pengaduan").fill(case.reference)
    resident.get_by_label("Kode akses").fill(case.access_code)
    resident.get_by_role("button", name="Lacak", exact=True).click()
    expect(page_heading(resident)).to_have_text(f"Pengaduan {case.reference}")
    resident_history = resident.locator("ol.timeline")
    replied = resident_history.locator("li", has_text="Balasan petugas")
    expect(replied).to_contain_text("Kami sedang memeriksa data DTSEN Anda.")
    expect(resident_history).to_contain_text("Mohon kirim foto KK.")
    request = resident.get_by_role("region", name="Petugas meminta informasi tambahan")
    request.get_by_label("Jawaban Anda").fill("Foto KK saya lampirkan.")
    request.get_by_label("Lampiran (tidak wajib)").set_input_files(png_file("kk.png"))
    request.get_by_role("button", name="Kirim jawaban").click()
    expect(resident.locator("dl.summary .tag")).to_have_text("Sedang diperiksa")

    # The officer sees the answer with its file, and resolves.
    page.reload()
    expect(history).to_contain_text("Foto KK saya lampirkan.")
    expect(history.get_by_role("link", name="kk.png")).to_be_visible()
    expect(status_of_case(page)).to_have_text("Sedang diperiksa")
    resolve = act(page, "selesaikan")
    resolve.get_by_label("Selesai", exact=True).check()
    resolve.get_by_label("Alasan").select_option("didaftarkan")
    resolve.get_by_label("Langkah berikutnya bagi warga").fill("Cek status lagi bulan depan.")
    resolve.get_by_label("Penjelasan untuk warga").fill("Anda sudah diusulkan sebagai peserta.")
    resolve.get_by_role("button", name="Simpan keputusan").click()
    expect(status_of_case(page)).to_have_text("Selesai")
    check("kasus-selesai")

    # The resident sees the officer's reply and the resolution, and may rate it.
    resident.reload()
    expect(resident.locator("dl.summary .tag")).to_have_text("Selesai")
    expect(replied).to_contain_text("Kami sedang memeriksa data DTSEN Anda.")
    expect(resident_history).to_contain_text("Anda sudah diusulkan sebagai peserta.")
    expect(resident.get_by_role("region", name="Bagaimana penyelesaiannya?")).to_be_visible()
    assert not axe, "\n\n".join(axe)


@pytest.mark.browser_context_args(viewport=DESKTOP, java_script_enabled=False)
def test_the_queue_filter_comes_back_as_an_address_without_javascript(page: Page, live_server):
    officer = make_officer(live_server)
    word = unique_word()
    cases = file_cases(live_server, word)
    sign_in(page, officer)
    page.goto("/petugas/pengaduan")

    page.get_by_label("Cari nomor, nama, atau nomor HP").fill(word)
    page.get_by_label("Jenis").select_option("informasi")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Terapkan filter").click()
    assert navigation.value.request.method == "GET"
    assert navigation.value.request.redirected_from.method == "POST"  # sent by POST, answered with the address
    expect(page).to_have_url(re.compile(rf"/petugas/pengaduan\?(.+&)?q={word}(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]kategori=informasi(&|$)"))
    expect(queue_rows(page)).to_have_count(1)
    expect(queue_rows(page)).to_contain_text(cases["informasi"].reference)
    expect(page.get_by_label("Jenis")).to_have_value("informasi")

    page.get_by_label("Jenis").select_option("")
    page.get_by_role("button", name="Terapkan filter").click()
    expect(page).not_to_have_url(re.compile(r"kategori=informasi"))
    expect(queue_rows(page)).to_have_count(2)
    page.go_back()
    expect(queue_rows(page)).to_have_count(1)
    expect(page.get_by_label("Jenis")).to_have_value("informasi")


def subject_nik_of(live_server, reference: str) -> str:
    from portal.models import Complaint

    return live_server.run(
        lambda: db.session.scalar(sa.select(Complaint.subject_nik).where(Complaint.reference == reference))
    )


@pytest.mark.parametrize(
    ("javascript", "written"),
    [(True, "spaced"), (False, "spaced"), (True, "labelled"), (False, "slashed")],
    ids=["js", "no-js", "js-NIK:", "no-js-slashes"],
)
def test_a_nik_typed_into_the_queue_search_never_reaches_an_address(browser, live_server, javascript, written):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, java_script_enabled=javascript)
    route_network(context, live_server)
    page = context.new_page()
    addresses: list[str] = []
    page.on("request", lambda request: addresses.append(request.url))
    try:
        officer = make_officer(live_server)
        cases = file_cases(live_server, unique_word())
        nik = subject_nik_of(live_server, cases["terlewat"].reference)
        sign_in(page, officer)
        if javascript:
            wait_for_htmx(page)  # the live search is htmx's: before it loads, the box is a plain form
        search = page.get_by_label("Cari nomor, nama, atau nomor HP")
        typed = {
            "spaced": f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}",
            "labelled": f"NIK: {nik}",  # as copied from a WhatsApp message
            "slashed": f"{nik[:4]}/{nik[4:8]}/{nik[8:12]}/{nik[12:]}",
        }[written]
        search.fill(typed)
        if javascript:  # the live search holds the request back and says why
            expect(page.locator("#q-nik")).to_contain_text("Ini tampak seperti NIK")
            search.press("Enter")
        else:
            page.get_by_role("button", name="Terapkan filter").click()
        expect(queue_rows(page)).to_have_count(1)
        expect(queue_rows(page)).to_contain_text(cases["terlewat"].reference)
        digits_sent = ["".join(c for c in a if c.isdigit()) for a in addresses]
        assert not [a for a, d in zip(addresses, digits_sent, strict=True) if nik[:6] in d], addresses
    finally:
        context.close()


def test_the_first_digits_of_a_nik_typed_slowly_are_never_sent(page: Page, live_server):
    """An officer copying a NIK digit by digit pauses longer than the live search waits: not one
    of its prefixes may go into an address (the region code, then the birth date)."""
    officer = make_officer(live_server)
    sign_in(page, officer)
    wait_for_htmx(page)
    addresses: list[str] = []
    page.on("request", lambda request: addresses.append(request.url))
    search = page.get_by_label("Cari nomor, nama, atau nomor HP")
    search.press_sequentially("3275010203", delay=450)  # the live search waits 400 ms after each key
    expect(page.locator("#q-nik")).to_contain_text("Ini tampak seperti NIK")
    sent = [a for a in addresses if "q=" in a]
    assert all(len("".join(c for c in a.split("q=", 1)[1] if c.isdigit())) < 6 for a in sent), sent


# axe-core on every officer page -------------------------------------------------------------


def test_axe_on_the_sign_in_pages(page: Page, live_server):
    officer = make_officer(live_server)
    page.goto("/petugas/masuk")
    expect(page_heading(page)).to_have_text("Masuk petugas")
    assert_no_axe_violations(page)

    enter_password(page, officer, password="salah-sekali-123")  # noqa: S106
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("heading")).to_have_text(ERROR_SUMMARY_HEADING)
    expect(summary.get_by_role("link", name=re.compile("^Email atau kata sandi salah"))).to_have_attribute(
        "href", "#password"
    )
    assert_no_axe_violations(page)

    enter_password(page, officer)
    expect(page_heading(page)).to_have_text("Kode verifikasi")
    assert_no_axe_violations(page)
    enter_code(page, "000000" if pyotp.TOTP(officer.totp_secret).now() != "000000" else "111111")
    expect(summary.get_by_role("link", name=re.compile("Kode salah"))).to_have_attribute("href", "#code")
    assert_no_axe_violations(page)
    enter_code(page, pyotp.TOTP(officer.totp_secret).now())
    expect(page_heading(page)).to_have_text("Antrean pengaduan")


@pytest.fixture(scope="module")
def admin_state(browser, browser_context_args, live_server) -> dict:
    """An admin (who sees every officer page) signed in once; tests reuse the cookies."""
    admin = make_officer(live_server, "admin")
    context = browser.new_context(**{**browser_context_args, "viewport": DESKTOP})
    route_network(context, live_server)
    try:
        sign_in(context.new_page(), admin)
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture(scope="module")
def records(live_server) -> dict[str, str]:
    """Ids the officer pages with a path argument need."""

    def work() -> dict[str, str]:
        case, _ = factories.complaint(subject_name="Dewi Kartika")
        template = ResponseTemplate(title="Data sedang diperiksa", body="Data Anda sedang kami periksa di DTSEN.")
        db.session.add(template)
        db.session.commit()
        person_id = db.session.scalar(sa.select(sa.func.min(Person.id)))
        officer = factories.account()
        return {
            "reference": case.reference,
            "person_id": str(person_id),
            "account_id": str(officer.id),
            "template_id": str(template.id),
        }

    return live_server.run(work)


@pytest.fixture
def admin_page(new_context, admin_state, live_server, browser_errors):
    context = new_context(storage_state=admin_state)
    route_network(context, live_server)
    page = browser_errors.watch(context.new_page())
    yield page
    if browser_errors:
        pytest.fail("browser errors:\n  " + "\n  ".join(browser_errors))


OFFICER_PAGES = {
    "antrean": "/petugas/pengaduan",
    "antrean-tanpa-hasil": "/petugas/pengaduan?q=tidak-ada-yang-cocok",
    "kasus": "/petugas/pengaduan/{reference}",
    "kasus-templat": "/petugas/pengaduan/{reference}?templat={template_id}",
    "akun": "/petugas/akun",
    "2fa": "/petugas/akun/2fa",
    # Pages other developers are adding: checked once their route exists.
    "warga": "/petugas/warga",
    "warga-cari": "/petugas/warga?q=Budi",
    "warga-rincian": "/petugas/warga/{person_id}",
    "audit": "/petugas/audit",
    "sla": "/petugas/sla",
    "impor": "/petugas/impor",
    "admin-akun": "/petugas/admin/akun",
    "admin-akun-baru": "/petugas/admin/akun/baru",
    "admin-akun-ubah": "/petugas/admin/akun/{account_id}",
    "admin-templat": "/petugas/admin/templat",
    "admin-templat-baru": "/petugas/admin/templat/baru",
    "admin-templat-ubah": "/petugas/admin/templat/{template_id}",
}


def _route_exists(app, path: str) -> bool:
    try:
        app.url_map.bind("localhost").match(urlsplit(path).path, method="GET")
    except (NotFound, MethodNotAllowed):
        return False
    except RequestRedirect:
        return True
    return True


def _open(page: Page, live_server, path: str) -> None:
    if not _route_exists(live_server.app, path):
        pytest.skip(f"{path} does not exist (yet)")
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    expect(page_heading(page)).to_be_visible()


@pytest.mark.parametrize("name", list(OFFICER_PAGES))
def test_axe_finds_no_violations_on_officer_pages(name, admin_page: Page, records, live_server):
    _open(admin_page, live_server, OFFICER_PAGES[name].format(**records))
    assert_no_axe_violations(admin_page)


def test_axe_on_officer_pages_with_errors(admin_page: Page, records, live_server):
    page = admin_page
    problems: list[str] = []
    _open(page, live_server, f"/petugas/pengaduan/{records['reference']}")
    act(page, "balas").get_by_role("button", name="Kirim balasan").click()
    expect(page.locator("#aksi-balas .error-summary")).to_be_visible()
    expect(page.locator("#aksi-balas")).to_have_attribute("open", "")
    problems.append(axe_problems(page))

    _open(page, live_server, "/petugas/akun")
    page.get_by_role("button", name="Ganti kata sandi").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems.append(axe_problems(page))

    _open(page, live_server, "/petugas/akun/2fa")
    page.get_by_role("button", name="Aktifkan").click()
    expect(page.locator(".error-summary")).to_be_visible()
    problems.append(axe_problems(page))
    problems = [p for p in problems if p]
    assert not problems, "\n\n".join(problems)


_KNOWN = {urlsplit(path).path for path in OFFICER_PAGES.values()} | {
    "/petugas/",
    "/petugas/masuk",
    "/petugas/masuk/kode",
}


def test_axe_on_officer_pages_added_since(admin_page: Page, live_server):
    """Officer pages without a path argument that the list above does not name yet."""
    paths = sorted(
        rule.rule
        for rule in live_server.app.url_map.iter_rules()
        if rule.rule.startswith("/petugas/")
        and "GET" in rule.methods
        and not rule.arguments
        and rule.rule not in _KNOWN
        and not re.search(r"\.[a-z]+$", rule.rule)  # not a file
    )
    problems: list[str] = []
    checked = []
    for path in paths:
        try:
            response = admin_page.goto(path)
        except PlaywrightError as error:
            if "Download is starting" in error.message:
                continue  # a file (CSV, PDF), not a page
            raise
        if response.status >= 500:
            problems.append(f"{path} answered {response.status}")
            continue
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue  # a page that needs more than a plain GET
        checked.append(path)
        if report := axe_problems(admin_page):
            problems.append(report)
    if not checked:
        pytest.skip("no officer pages beyond the known ones")
    assert not problems, "\n\n".join(problems)
