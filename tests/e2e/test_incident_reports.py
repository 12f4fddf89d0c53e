"""A pungli report on a phone (360 px), with JavaScript on and off: the incident asked for, sent
with no identity, followed by reference and code alone; on the tracking page the officer's
question stands above the answer box and describes it, the answer is confirmed, and the reasons
come with the decision; the reference stays on one line in the heading (issue 18, points 3, 6
and 16). axe-core and sideways scrolling on the new page states."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.complaints.services import actions as case_actions
from portal.core.workdays import WorkCalendar
from portal.extensions import db
from tests import factories
from tests.e2e.test_complaints import (
    ACCESS_CODE,
    JS,
    REFERENCE,
    _case,
    _heading,
    _htmx_ready,
    _who,
    fill_tracking,
    officer_resolves,
    send,
    status_tag,
)
from tests.helpers.browser import axe_problems, overflow_at
from tests.helpers.complaints import incident

pytestmark = pytest.mark.browser

PUNGLI = "Pungli, calo, atau perilaku petugas"
QUESTION = "Mohon sebutkan jam kejadian dan ciri-ciri orangnya."


def _supervisor_asks(live_server, reference: str, message: str) -> None:
    """A pungli report is for supervisors: one takes it and asks for information."""

    def work() -> None:
        boss, case = factories.account("supervisor"), _case(reference)
        case_actions.claim(
            session=db.session, complaint=case, officer=boss, expected_version=case.version, who=_who(boss)
        )
        case_actions.request_information(
            session=db.session,
            complaint=case,
            officer=boss,
            expected_version=case.version,
            message=message,
            calendar=WorkCalendar(),
            who=_who(boss),
        )
        db.session.commit()

    live_server.run(work)


def _report_anonymously(page: Page, js: bool, visit=None) -> tuple[str, str]:
    page.goto("/pengaduan/baru")
    page.get_by_label(PUNGLI).check()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    expect(_heading(page)).to_have_text("Rincian pengaduan")
    _htmx_ready(page, js)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Kejadiannya")).to_be_visible()
    expect(main.get_by_role("heading", name="Orang yang bersangkutan")).to_have_count(0)
    expect(page.get_by_label("NIK orang yang bersangkutan")).to_have_count(0)
    if visit:
        visit("rincian-pungli")
    page.get_by_label("Di mana kejadiannya?").fill("Loket kantor kelurahan")
    page.get_by_label("Kelurahan tempat kejadian").select_option("32.75.01.1001")
    page.get_by_label("Kapan kejadiannya?").fill(incident()["tanggal"])  # a day before the test clock's today
    page.get_by_label("Apa yang diminta? (tidak wajib)").fill("Rp 300.000 untuk biaya pendaftaran")
    page.get_by_label("Ceritakan kejadiannya").fill("Saya diminta membayar agar didaftarkan.")
    anonymous = page.get_by_label("Tanpa identitas: tanpa nama dan tanpa nomor HP")
    expect(anonymous).to_have_accessible_description(re.compile("nomor pengaduan dan kode akses"))
    anonymous.check()
    page.get_by_role("button", name="Lanjut ke pemeriksaan").click()
    expect(page.locator("dl.summary")).to_contain_text("Tanpa identitas")
    expect(page.locator("dl.summary")).not_to_contain_text("Nomor HP")
    if visit:
        visit("periksa-pungli")
    return send(page)


@pytest.mark.parametrize("js", JS)
def test_an_anonymous_pungli_report_is_followed_by_reference_and_code(page: Page, live_server, js):
    reference, code = _report_anonymously(page, js)
    assert REFERENCE.fullmatch(reference) and ACCESS_CODE.fullmatch(code)

    page.get_by_role("main").get_by_role("link", name="Lacak pengaduan").click()
    _htmx_ready(page, js)
    fill_tracking(page, reference, code)
    heading = _heading(page)
    expect(heading).to_have_text(f"Pengaduan {reference}")
    # The reference is on one line: it goes to the next line whole, not broken at a dash.
    lines = "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; }"
    assert heading.locator(".keep-together").evaluate(lines) == 1

    _supervisor_asks(live_server, reference, QUESTION)
    page.reload()
    expect(status_tag(page)).to_have_text("Menunggu informasi dari Anda")
    region = page.get_by_role("region", name="Petugas meminta informasi tambahan")
    expect(region.locator("#pertanyaan-petugas")).to_have_text(QUESTION)
    answer = region.get_by_label("Jawaban Anda")
    expect(answer).to_have_accessible_description(re.compile(re.escape(QUESTION)))
    answer.fill("Sekitar jam 10 pagi, laki-laki berkemeja batik.")
    region.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_role("status").filter(has_text="Jawaban Anda terkirim.")).to_be_visible()
    expect(status_tag(page)).to_have_text("Sedang diperiksa")

    officer_resolves(live_server, reference, "Petugas yang bersangkutan sudah diperiksa dan diberi sanksi.")
    page.reload()
    rows = page.locator("dl.summary > div")
    expect(rows.filter(has_text="Penjelasan petugas")).to_contain_text("sudah diperiksa dan diberi sanksi")


def test_axe_and_320px_on_the_pungli_report(page: Page, live_server):
    problems: list[str] = []

    def visit(name: str) -> None:
        for report in (axe_problems(page), overflow_at(page)):
            if report:
                problems.append(f"[{name}] {report}")

    _report_anonymously(page, True, visit)
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("js", JS)
def test_choosing_anonymous_hides_the_contact_fields_or_marks_them_unused(page: Page, live_server, js):
    """With JavaScript the contact fields go while "Tanpa identitas" is chosen (and come back);
    without it they stay, saying they are not used; either way a phone typed first is said not kept."""
    page.goto("/pengaduan/baru")
    page.get_by_label(PUNGLI).check()
    page.get_by_role("button", name="Lanjut", exact=True).click()
    _htmx_ready(page, js)
    contact = page.locator("#kontak-pelapor")
    phone = page.get_by_label("Nomor HP atau WhatsApp (jika boleh dihubungi)")
    expect(phone).to_be_visible()
    phone.fill("0812 3456 7890")
    page.get_by_label("Di mana kejadiannya?").fill("Loket kantor kelurahan")
    page.get_by_label("Kelurahan tempat kejadian").select_option("32.75.01.1001")
    page.get_by_label("Kapan kejadiannya?").fill(incident()["tanggal"])
    page.get_by_label("Ceritakan kejadiannya").fill("Saya diminta membayar agar didaftarkan.")
    anonymous = page.get_by_label("Tanpa identitas: tanpa nama dan tanpa nomor HP")
    anonymous.check()
    if js:
        expect(contact).to_be_hidden()
        expect(page.locator("#siapa-melihat")).to_be_hidden()  # who sees an identity that is not kept
        page.get_by_label("Petugas boleh menghubungi saya").check()
        expect(page.locator("#siapa-melihat")).to_be_visible()
        expect(phone).to_be_visible()
        expect(phone).to_have_value("0812 3456 7890")
        anonymous.check()
        expect(contact).to_be_hidden()
    else:
        expect(contact).to_be_visible()
        expect(contact).to_contain_text("Jika Anda memilih “Tanpa identitas”, isian di bawah ini tidak dipakai")
    page.get_by_role("button", name="Lanjut ke pemeriksaan").click()
    summary = page.locator("dl.summary")
    expect(summary).to_contain_text("Tanpa identitas")
    kept = summary.locator("div").filter(has_text="Kontak yang Anda ketik")
    expect(kept).to_contain_text("Tidak disimpan: laporan tanpa identitas tidak menyimpan nama, nomor HP, atau email")
    expect(summary).not_to_contain_text("0812")
