"""Complaints on a phone, with JavaScript on and off: file one with an attachment, download the
receipt, track it with the reference and access code, answer an officer's request for
information (text and a file), and rate the resolution. Plus the error summary on the details
step, the prefill from a status-check result, axe-core on every complaint page, and no
sideways scrolling at 320 px.

The officer's side happens through the service layer (portal.complaints.services.actions, the code
the officer pages call), on the live server's database; test_officer_flow.py drives the pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from portal.complaints.services import actions as case_actions
from portal.core.trail import Actor
from portal.core.workdays import WorkCalendar
from portal.extensions import db
from portal.models import Account, Complaint, ComplaintStatus, ResolutionCode
from tests import factories
from tests.helpers.browser import (
    ERROR_SUMMARY_HEADING,
    NARROW,
    RESULT_HEADINGS,
    axe_problems,
    fill_status_check,
    overflow_at,
    png_file,
    submit_status_check,
    wait_for_htmx,
)

pytestmark = pytest.mark.browser

# Every journey runs twice: htmx and portal.js on, and a browser with JavaScript off.
JS = [
    pytest.param(True, id="js"),
    pytest.param(False, id="nojs", marks=pytest.mark.browser_context_args(java_script_enabled=False)),
]

TERLEWAT = "Saya (atau orang ini) memenuhi syarat tetapi tidak terdaftar"
KELURAHAN = "32.75.01.1001"
PHONE = "0812 3456 7890"
STORY = "Saya pedagang kaki lima, desil 2, tetapi hasil cek status tidak terdaftar."
REFERENCE = re.compile(r"SGP-\d{4}-\d{6}")
ACCESS_CODE = re.compile(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


# The resident's steps ----------------------------------------------------------------------


def _htmx_ready(page: Page, js: bool) -> None:
    """With JavaScript on, wait for htmx so the enhanced path is the one exercised."""
    if js:
        wait_for_htmx(page)


def _heading(page: Page):
    return page.get_by_role("heading", level=1)


def choose_category(page: Page, label: str = TERLEWAT) -> None:
    page.goto("/pengaduan/baru")
    page.get_by_label(label).check()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    expect(_heading(page)).to_have_text("Rincian pengaduan")


def fill_details(page: Page, *, nik: str, name: str, story: str = STORY, files=()) -> None:
    page.get_by_label("NIK orang yang bersangkutan").fill(nik)
    page.get_by_label("Nama lengkap orang yang bersangkutan").fill(name)
    page.get_by_label("Kelurahan tempat tinggal").select_option(KELURAHAN)
    page.get_by_label("Nomor HP atau WhatsApp").fill(PHONE)
    page.get_by_label("Ceritakan masalahnya").fill(story)
    if files:
        page.get_by_label("Lampiran (tidak wajib)").set_input_files(list(files))


def continue_to_check(page: Page) -> None:
    page.get_by_role("button", name="Lanjut ke pemeriksaan").click()


def send(page: Page) -> tuple[str, str]:
    """From "check your answers": send, and read the reference and access code shown."""
    expect(_heading(page)).to_have_text("Periksa pengaduan Anda")
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(_heading(page)).to_have_text("Pengaduan terkirim")
    codes = page.locator(".panel-code")
    expect(codes).to_have_count(2)
    return codes.nth(0).inner_text().strip(), codes.nth(1).inner_text().strip()


def fill_tracking(page: Page, reference: str, code: str) -> None:
    page.get_by_label("Nomor pengaduan").fill(reference)
    page.get_by_label("Kode akses").fill(code)
    page.get_by_role("button", name="Lacak", exact=True).click()


def status_tag(page: Page):
    return page.locator("dl.summary .tag")


def timeline(page: Page):
    return page.locator("ol.timeline")


# The officer's side, through the service layer ---------------------------------------------


def _case(reference: str) -> Complaint:
    return db.session.scalars(sa.select(Complaint).where(Complaint.reference == reference)).one()


def _who(officer: Account) -> Actor:
    return Actor(account_id=officer.id, ip="127.0.0.1")


def officer_asks_for_information(live_server, reference: str, message: str) -> None:
    def work() -> None:
        officer, case = factories.account(), _case(reference)
        case_actions.claim(
            session=db.session, complaint=case, officer=officer, expected_version=case.version, who=_who(officer)
        )
        case_actions.request_information(
            session=db.session,
            complaint=case,
            officer=officer,
            expected_version=case.version,
            message=message,
            calendar=WorkCalendar(),
            who=_who(officer),
        )
        db.session.commit()

    live_server.run(work)


def officer_resolves(live_server, reference: str, message: str) -> None:
    def work() -> None:
        case = _case(reference)
        officer = db.session.get(Account, case.assigned_to_id)
        case_actions.conclude(
            session=db.session,
            complaint=case,
            officer=officer,
            expected_version=case.version,
            target=ComplaintStatus.SELESAI,
            code=ResolutionCode.INFORMASI_DIBERIKAN,
            next_step="Cek status lagi bulan depan.",
            message=message,
            calendar=WorkCalendar(),
            who=_who(officer),
        )
        db.session.commit()

    live_server.run(work)


# The journeys ------------------------------------------------------------------------------


@pytest.mark.parametrize("js", JS)
def test_file_track_answer_and_rate_a_complaint(page: Page, live_server, js):
    nik = factories.make_nik(female=True)
    choose_category(page)
    _htmx_ready(page, js)
    fill_details(page, nik=nik, name="Siti Ma'rifah", files=[png_file("ktp.png")])
    continue_to_check(page)

    answers = page.locator("dl.summary")
    grouped = " ".join(nik[i : i + 4] for i in range(0, 16, 4))  # 4-4-4-4, as on the KTP, to proofread
    for shown in (TERLEWAT, grouped, "Siti Ma'rifah", "+6281234567890", "ktp.png", STORY):
        expect(answers).to_contain_text(shown)
    reference, code = send(page)
    assert REFERENCE.fullmatch(reference) and ACCESS_CODE.fullmatch(code), (reference, code)

    # The receipt link answers a PDF, with this browser's session.
    href = page.get_by_role("link", name="Unduh tanda terima (PDF)").get_attribute("href")
    receipt = page.request.get(href)
    assert receipt.status == 200
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF-")

    # Track it: the reference as printed, the code typed in lower case without the dash.
    page.get_by_role("main").get_by_role("link", name="Lacak pengaduan").click()
    expect(_heading(page)).to_have_text("Lacak pengaduan")
    _htmx_ready(page, js)
    with page.expect_response(lambda r: r.url.endswith("/pengaduan/lacak") and r.request.method == "POST") as lookup:
        fill_tracking(page, reference, code.replace("-", "").lower())
    # With JavaScript, htmx sends it and follows HX-Redirect (no case page inside the form).
    assert lookup.value.request.headers.get("hx-request") == ("true" if js else None)
    expect(_heading(page)).to_have_text(f"Pengaduan {reference}")
    expect(page).to_have_url(re.compile(r"/pengaduan/lacak/kasus$"))
    expect(status_tag(page)).to_have_text("Diterima")
    expect(timeline(page)).to_contain_text("Pengaduan diterima")
    expect(timeline(page)).to_contain_text("1 lampiran")
    expect(page.get_by_role("region", name="Petugas meminta informasi tambahan")).to_have_count(0)

    # The officer asks for more information; the resident sees the request and answers.
    officer_asks_for_information(live_server, reference, "Mohon kirim foto Kartu Keluarga.")
    page.reload()
    expect(status_tag(page)).to_have_text("Menunggu informasi dari Anda")
    expect(timeline(page)).to_contain_text("Mohon kirim foto Kartu Keluarga.")
    request = page.get_by_role("region", name="Petugas meminta informasi tambahan")
    request.get_by_role("button", name="Kirim jawaban").click()  # empty: refused
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("heading")).to_have_text(ERROR_SUMMARY_HEADING)
    expect(summary.get_by_role("link", name="Tulis jawaban Anda.")).to_have_attribute("href", "#jawaban")
    answer = page.get_by_label("Jawaban Anda")
    expect(answer).to_have_attribute("aria-invalid", "true")
    answer.fill("Foto KK terlampir.\nAlamat sudah sesuai KTP.")
    request.get_by_label("Lampiran (tidak wajib)").set_input_files(png_file("kk.png", "green"))
    request.get_by_role("button", name="Kirim jawaban").click()

    expect(status_tag(page)).to_have_text("Sedang diperiksa")
    expect(timeline(page)).to_contain_text("Jawaban warga")
    expect(timeline(page)).to_contain_text("Alamat sudah sesuai KTP.")
    expect(timeline(page).locator("li", has_text="Jawaban warga")).to_contain_text("1 lampiran")
    expect(page.get_by_role("region", name="Petugas meminta informasi tambahan")).to_have_count(0)

    # The officer resolves; the resident rates it (puas with JavaScript, belum puas without).
    officer_resolves(live_server, reference, "Anda sudah diusulkan sebagai peserta.")
    page.reload()
    expect(status_tag(page)).to_have_text("Selesai")
    expect(timeline(page)).to_contain_text("Anda sudah diusulkan sebagai peserta.")
    rating = page.get_by_role("region", name="Bagaimana penyelesaiannya?")
    rating.get_by_label("Puas" if js else "Belum puas — ajukan banding", exact=True).check()
    if not js:  # the appeal's file goes as a plain multipart form
        rating.get_by_label("Apa yang belum selesai menurut Anda?").fill("Nama saya belum muncul di cek status.")
        rating.get_by_label("Lampiran banding (tidak wajib, hanya jika belum puas)").set_input_files(
            png_file("cek status.png", "red")
        )
    rating.get_by_role("button", name="Kirim penilaian").click()

    expect(status_tag(page)).to_have_text("Selesai" if js else "Banding sedang ditinjau")
    rated = timeline(page).locator("li", has_text="Penilaian warga")
    expect(rated).to_contain_text("Puas" if js else "Belum puas")
    if not js:
        expect(rated).to_contain_text("1 lampiran")
    expect(page.get_by_role("region", name="Bagaimana penyelesaiannya?")).to_have_count(0)
    satisfaction = live_server.run(lambda: _case(reference).satisfaction.value)
    assert satisfaction == ("puas" if js else "belum_puas")


@pytest.mark.parametrize("js", JS)
def test_errors_are_summarised_and_linked_to_their_fields(page: Page, js):
    page.goto("/pengaduan/baru")
    page.get_by_role("button", name="Lanjut", exact=True).click()
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("heading")).to_have_text(ERROR_SUMMARY_HEADING)
    link = summary.get_by_role("link", name="Pilih jenis pengaduan.")
    expect(link).to_have_attribute("href", "#kategori-0")
    link.click()
    expect(page.get_by_label(TERLEWAT)).to_be_focused()

    page.get_by_label(TERLEWAT).check()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    expect(_heading(page)).to_have_text("Rincian pengaduan")
    _htmx_ready(page, js)
    page.get_by_label("NIK orang yang bersangkutan").fill("1234")
    page.get_by_label("Nomor HP atau WhatsApp").fill("12345")
    continue_to_check(page)

    expect(page).to_have_title(re.compile(r"^Kesalahan: Rincian pengaduan"))
    expect(summary.get_by_role("heading")).to_have_text(ERROR_SUMMARY_HEADING)
    if js:  # portal.js puts the keyboard on the summary
        expect(summary).to_be_focused()
    expected = [
        ("nik", "NIK harus 16 angka; Anda mengetik 4."),
        ("nama", "Masukkan nama lengkap orang yang bersangkutan."),
        ("kelurahan", "Pilih kelurahan tempat tinggal."),
        ("telepon", re.compile("nomor Indonesia")),
        ("uraian", "Ceritakan masalahnya."),
    ]
    links = summary.get_by_role("link")
    expect(links).to_have_count(len(expected))
    for index, (field_id, message) in enumerate(expected):
        expect(links.nth(index)).to_have_attribute("href", f"#{field_id}")
        expect(links.nth(index)).to_have_text(message)
        field = page.locator(f"#{field_id}")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile(re.escape("Kesalahan:")))
    # What was typed is kept, and a summary link takes the keyboard to its field.
    expect(page.get_by_label("NIK orang yang bersangkutan")).to_have_value("1234")
    expect(page.get_by_label("Nomor HP atau WhatsApp")).to_have_value("12345")
    links.nth(1).click()
    expect(page.get_by_label("Nama lengkap orang yang bersangkutan")).to_be_focused()


@pytest.mark.parametrize("js", JS)
def test_a_status_check_result_leads_to_a_prefilled_complaint(page: Page, residents, js):
    person = residents["daftar_tunggu"]  # the waiting list: "I qualify but am not covered"
    page.goto("/cek-status")
    _htmx_ready(page, js)
    fill_status_check(page, person.spaced_nik, person.name)
    submit_status_check(page)
    result = page.get_by_role("region", name=RESULT_HEADINGS["daftar_tunggu"])
    expect(result).to_be_visible()
    result.get_by_role("button", name="Ajukan pengaduan tentang ini").click()

    expect(page).to_have_url(re.compile(r"/pengaduan/baru/rincian$"))
    expect(_heading(page)).to_have_text("Rincian pengaduan")
    expect(page.get_by_role("main")).to_contain_text(TERLEWAT)
    expect(page.get_by_label("NIK orang yang bersangkutan")).to_have_value(person.nik)
    expect(page.get_by_label("Nama lengkap orang yang bersangkutan")).to_have_value(person.name)
    assert person.nik not in page.url


# Every complaint page: axe-core and 320 px -------------------------------------------------


def walk_complaint_pages(page: Page, live_server, js: bool, visit: Callable[[str], None]) -> None:
    """Every state of the complaint pages a resident can reach, calling visit(name) at each."""
    nik = factories.make_nik()
    page.goto("/pengaduan/baru")
    visit("kategori")
    page.get_by_role("button", name="Lanjut", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()
    visit("kategori-kesalahan")

    page.get_by_label(TERLEWAT).check()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    expect(_heading(page)).to_have_text("Rincian pengaduan")
    visit("rincian")
    _htmx_ready(page, js)
    page.get_by_label("NIK orang yang bersangkutan").fill("3275 0107 85")
    page.get_by_label("Lampiran (tidak wajib)").set_input_files(
        png_file("foto-ktp-dengan-nama-berkas-yang-sangat-panjang-sekali.png")
    )
    continue_to_check(page)
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("ul.files")).to_contain_text("foto-ktp")  # kept despite the errors
    visit("rincian-kesalahan")

    fill_details(page, nik=nik, name="Raden Ajeng Kartini Wulandari Sekarningrum", story=STORY * 3)
    continue_to_check(page)
    expect(_heading(page)).to_have_text("Periksa pengaduan Anda")
    visit("periksa")
    reference, code = send(page)
    visit("terkirim")

    page.get_by_role("main").get_by_role("link", name="Lacak pengaduan").click()
    expect(_heading(page)).to_have_text("Lacak pengaduan")
    visit("lacak")
    _htmx_ready(page, js)
    page.get_by_role("button", name="Lacak", exact=True).click()
    expect(page.locator(".error-summary h2")).to_have_text(ERROR_SUMMARY_HEADING)
    visit("lacak-kesalahan")
    fill_tracking(page, reference, "AAAA-AAAA")
    expect(page.locator(".error-summary h2")).to_have_text("Pengaduan tidak ditemukan")
    visit("lacak-tidak-ditemukan")
    fill_tracking(page, reference, code)
    expect(_heading(page)).to_have_text(f"Pengaduan {reference}")
    visit("kasus")

    # A second exclusion complaint for the same NIK: a case of its own, told nothing of the first.
    choose_category(page)
    fill_details(page, nik=nik, name="Kartini", story="Saya tetangganya; ia memang layak.")
    continue_to_check(page)
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(_heading(page)).to_have_text("Pengaduan terkirim")
    visit("terkirim-kedua")

    officer_asks_for_information(live_server, reference, "Mohon kirim foto Kartu Keluarga.")
    page.goto("/pengaduan/lacak/kasus")
    request = page.get_by_role("region", name="Petugas meminta informasi tambahan")
    expect(request).to_be_visible()
    visit("kasus-dengan-form-jawaban")
    request.get_by_role("button", name="Kirim jawaban").click()
    expect(page.locator(".error-summary")).to_be_visible()
    visit("kasus-jawaban-kesalahan")
    page.get_by_label("Jawaban Anda").fill("Foto KK terlampir.")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(status_tag(page)).to_have_text("Sedang diperiksa")

    officer_resolves(live_server, reference, "Anda sudah diusulkan sebagai peserta.")
    page.reload()
    rating = page.get_by_role("region", name="Bagaimana penyelesaiannya?")
    expect(rating).to_be_visible()
    visit("kasus-dengan-form-penilaian")
    rating.get_by_role("button", name="Kirim penilaian").click()
    expect(page.locator(".error-summary")).to_be_visible()
    visit("kasus-penilaian-kesalahan")
    page.get_by_label("Puas", exact=True).check()
    page.get_by_role("button", name="Kirim penilaian").click()
    expect(timeline(page)).to_contain_text("Penilaian warga")
    visit("kasus-sudah-dinilai")


def test_axe_finds_no_violations_on_the_complaint_pages(page: Page, live_server):
    problems: list[str] = []
    visited: list[str] = []

    def visit(name: str) -> None:
        visited.append(name)
        if report := axe_problems(page):
            problems.append(f"[{name}] {report}")

    walk_complaint_pages(page, live_server, True, visit)
    assert len(visited) == 16
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("js", JS)
def test_complaint_pages_do_not_scroll_sideways_at_320px(page: Page, live_server, js):
    problems: list[str] = []

    def visit(name: str) -> None:
        if report := overflow_at(page):
            problems.append(f"[{name}] {report}")

    walk_complaint_pages(page, live_server, js, visit)
    assert not problems, "\n".join(problems)


# Public pages that test_pages.py and the walk above do not name ----------------------------

_NAMED = {
    "/",
    "/cek-status",
    "/tentang",
    "/pengaduan/baru",
    "/pengaduan/baru/rincian",
    "/pengaduan/baru/periksa",
    "/pengaduan/terkirim",
    "/pengaduan/lacak",
    "/pengaduan/lacak/kasus",
}


def test_other_public_pages_do_not_scroll_sideways_at_320px(page: Page, live_server):
    """Every other public page without a path argument (letters, assistance, statistics: pages
    other developers are adding), as a first-time visitor sees it."""
    paths = sorted(
        rule.rule
        for rule in live_server.app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.arguments
        and rule.rule not in _NAMED
        and not rule.rule.startswith(("/petugas/", "/static/"))
        and not re.search(r"\.[a-z]+$", rule.rule)  # files: CSV, JSON, PDF
    )
    page.set_viewport_size(NARROW)
    problems: list[str] = []
    for path in paths:
        try:
            response = page.goto(path)
        except PlaywrightError as error:
            if "Download is starting" in error.message:
                continue
            raise
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        if response.status >= 500:
            problems.append(f"{path} answered {response.status}")
        elif report := overflow_at(page, NARROW):
            problems.append(report)
    assert not problems, "\n".join(problems)
