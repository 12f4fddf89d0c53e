"""Assistance in the browser: a companion asks for help with the keyboard alone on a phone, an
officer schedules a visit and records the outcome while the resident follows it, an officer files
a candidate proposal on someone's behalf, and a note typed before the session expired survives.

Accounts and requests are made with tests/factories.py inside the live server's app context.
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect

from portal.core.base import utcnow
from portal.core.workdays import local_date
from tests import factories
from tests.helpers.browser import (
    DESKTOP,
    assert_no_axe_violations,
    enter_code,
    enter_password,
    make_officer,
    sign_in,
    wait_for_htmx,
)

pytestmark = pytest.mark.browser


def _heading(page: Page):
    return page.get_by_role("heading", level=1)


# Keyboard only ------------------------------------------------------------------------------

_FOCUS = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {id: el.id, tag: el.tagName.toLowerCase(), text: (el.innerText || '').trim().slice(0, 60),
            order: Array.prototype.indexOf.call(document.querySelectorAll('*'), el),
            outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
            shadow: style.boxShadow !== 'none', width: box.width, height: box.height,
            inView: box.bottom > 0 && box.top < window.innerHeight};
}"""


class Keyboard:
    """Moves through a page with Tab like a keyboard user, checking on the way that the focus
    is visible, on screen, and follows the reading order."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.last_order = -1

    def tab(self) -> dict:
        self.page.keyboard.press("Tab")
        focus = self.page.evaluate(_FOCUS)
        for _ in range(20):  # a busy machine may paint the focus style a frame or two later
            if focus["outline"] or focus["shadow"]:
                break
            self.page.wait_for_timeout(50)
            focus = self.page.evaluate(_FOCUS)
        assert focus["outline"] or focus["shadow"], f"no visible focus on {focus}"
        assert focus["inView"], f"focused element scrolled out of view: {focus}"
        assert focus["order"] > self.last_order, f"focus went backwards to {focus}"
        self.last_order = focus["order"]
        return focus

    def to(self, element_id: str, limit: int = 40) -> None:
        for _ in range(limit):
            if self.tab()["id"] == element_id:
                return
        raise AssertionError(f"Tab never reached #{element_id}")

    def to_text(self, text: str, limit: int = 60) -> None:
        for _ in range(limit):
            if self.tab()["text"] == text:
                return
        raise AssertionError(f"Tab never reached “{text}”")

    def type(self, element_id: str, text: str) -> None:
        self.to(element_id)
        self.page.keyboard.type(text)

    def restart(self) -> None:
        """After a page load: reading order starts again from the top."""
        self.last_order = -1


def test_a_companion_asks_for_help_with_the_keyboard_only_on_a_phone(page: Page, live_server):
    keys = Keyboard(page)
    page.goto("/bantuan")
    wait_for_htmx(page)
    assert page.viewport_size["width"] <= 360

    # The skip link first, then straight into the form.
    assert keys.tab()["text"] == "Langsung ke isi utama"
    page.keyboard.press("Enter")
    expect(page.locator("main#isi")).to_be_focused()
    keys.restart()
    keys.to("pemohon-0")  # "for myself" is checked; the companion picks theirs with arrows
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Saya pendamping orang yang memerlukan bantuan")).to_be_checked()
    keys.type("nama", "Ibu Sari Wulandari")
    keys.type("nama_pemohon", "Rina Marlina")
    keys.type("hubungan", "pendamping, juru bahasa isyarat")
    keys.to("persetujuan")
    page.keyboard.press("Space")
    keys.to("bantuan-0")
    page.keyboard.press("Space")  # home visit
    keys.to("bantuan-3")
    page.keyboard.press("Space")  # BISINDO interpreter
    keys.to("keperluan-0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Didaftarkan sebagai calon peserta")).to_be_checked()
    keys.type("uraian", "Ibu Sari tuli. Mohon datang bersama juru bahasa isyarat.")
    keys.type("telepon", "0812 3456 7890")
    keys.to("saluran-0")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(page.locator("#saluran-3")).to_be_checked()
    keys.to("waktu-0")
    page.keyboard.press("Space")
    keys.to("kecamatan")
    page.keyboard.type("Bekasi Timur")  # a closed select picks by typing
    expect(page.locator("#kecamatan")).to_have_value("32.75.01")
    expect(page.locator("#kelurahan option")).to_have_count(5)  # narrowed by htmx
    expect(page.locator("#kelurahan-status")).to_contain_text("4 kelurahan di Kecamatan Bekasi Timur")
    keys.to("kelurahan")
    page.keyboard.type("Bekasijaya")
    expect(page.locator("#kelurahan")).to_have_value("32.75.01.1001")
    keys.type("jalan", "Jl. Melati No. 3, dekat masjid")
    keys.type("rt", "3")
    keys.type("rw", "5")
    keys.to("disabilitas-4")
    page.keyboard.press("Space")  # hearing
    keys.to("disabilitas-5")
    page.keyboard.press("Space")  # speech
    keys.to("persetujuan_disabilitas")  # ...and forgets the consent box
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Lanjut ke pemeriksaan")).to_be_focused()
    page.keyboard.press("Enter")

    # The error summary takes the focus, its link leads to the field, and the answers stayed.
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Kesalahan:"))
    expect(page.locator("#nama")).to_have_value("Ibu Sari Wulandari")
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#persetujuan_disabilitas")).to_be_focused()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Lanjut ke pemeriksaan")).to_be_focused()
    page.keyboard.press("Enter")

    expect(_heading(page)).to_have_text("Periksa permintaan bantuan")
    summary_text = page.locator("dl.summary")
    expect(summary_text).to_contain_text("diminta oleh Rina Marlina")
    expect(summary_text).to_contain_text("Disabilitas sensorik rungu (tuli atau sulit mendengar)")
    keys.restart()
    keys.to_text("Kirim permintaan bantuan")
    page.keyboard.press("Enter")

    expect(_heading(page)).to_have_text("Permintaan bantuan terkirim")
    reference, code = (page.locator(".panel-code").nth(i).inner_text() for i in range(2))
    assert re.fullmatch(r"BTN-\d{4}-\d{6}", reference)
    assert_no_axe_violations(page)

    # Tracking, still by keyboard: the number and code, then deleting the disability data.
    page.goto("/pengaduan/lacak")
    wait_for_htmx(page)
    keys.restart()
    keys.type("nomor", reference)
    keys.type("kode", code)
    page.keyboard.press("Enter")
    expect(_heading(page)).to_have_text(f"Permintaan bantuan {reference}")
    expect(page.locator("#data-disabilitas-judul + p")).to_contain_text("Tersimpan dengan persetujuan")
    keys.restart()
    keys.to_text("Hapus data disabilitas")
    page.keyboard.press("Enter")
    expect(page.locator(".notice[role=status]")).to_contain_text("Data disabilitas sudah dihapus")
    expect(page.locator("main")).not_to_contain_text("rungu")


# Officer: schedule a visit and record the outcome -------------------------------------------


def _next_working_day() -> date:
    day = local_date(utcnow()) + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _request(live_server, **overrides) -> tuple[str, str]:
    def work():
        found, code = factories.assistance_request(**overrides)
        return found.reference, code

    return live_server.run(work)


def _open_action(page: Page, action: str):
    panel = page.locator(f"#aksi-{action}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    return panel


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_an_officer_schedules_a_visit_and_records_the_outcome(page: Page, another_page, live_server):
    from portal.models import DisabilityCategory

    reference, code = _request(
        live_server, subject_name="Bu Endang Qw", disabilities=(DisabilityCategory.FISIK,), disability_consent=True
    )
    officer = make_officer(live_server)
    sign_in(page, officer)
    page.get_by_role("navigation", name="Menu petugas").get_by_role("link", name="Bantuan", exact=True).click()
    expect(_heading(page)).to_have_text("Antrean permintaan bantuan")
    wait_for_htmx(page)
    page.get_by_label("Cari nomor, nama, atau nomor HP").fill("Endang Qw")
    expect(page.locator("#antrean-bantuan tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=Endang(%20|\+)Qw"))
    expect(page.locator("#antrean-bantuan-status")).to_have_text("1 permintaan")
    page.get_by_role("link", name=reference).click()
    expect(_heading(page)).to_have_text(f"Permintaan bantuan {reference}")
    expect(page.locator("#disabilitas + p")).to_contain_text("Hanya terlihat")
    assert_no_axe_violations(page)

    _open_action(page, "ambil").get_by_role("button", name="Ambil").click()
    expect(page.locator("main")).to_contain_text("Disabilitas fisik")  # now assigned to them
    day = _next_working_day()
    panel = _open_action(page, "jadwalkan")
    panel.get_by_label("Kunjungan ke rumah").check()
    panel.get_by_label("Tanggal").fill(day.isoformat())
    panel.get_by_label("Jam (WIB)").fill("10:30")
    panel.get_by_label("Pesan untuk warga (tidak wajib)").fill("Saya datang bersama juru bahasa isyarat.")
    panel.get_by_role("button", name="Simpan jadwal").click()
    expect(page.locator("main .tag").first).to_have_text("Dijadwalkan")
    expect(page.locator("ol.timeline")).to_contain_text("pukul 10.30 WIB")
    assert_no_axe_violations(page)

    resident = another_page()
    resident.goto("/pengaduan/lacak")
    resident.get_by_label("Nomor pengaduan").fill(reference)
    resident.get_by_label("Kode akses").fill(code)
    resident.get_by_role("button", name="Lacak", exact=True).click()
    expect(resident.locator("dl.summary")).to_contain_text("Kunjungan ke rumah")
    expect(resident.locator("ol.timeline")).to_contain_text("Saya datang bersama juru bahasa isyarat.")

    def visit_happened():  # an outcome is recorded after the visit (issue 16 point 4): a week passes
        import sqlalchemy as sa

        from portal.extensions import db
        from portal.models import AssistanceRequest

        found = db.session.scalar(sa.select(AssistanceRequest).where(AssistanceRequest.reference == reference))
        found.appointment_on = found.appointment_on - timedelta(days=14)
        db.session.commit()

    live_server.run(visit_happened)
    page.reload()
    panel = _open_action(page, "hasil")
    panel.get_by_label("Informasi diberikan").check()
    panel.get_by_label("Pesan untuk warga (tidak wajib)").fill("Ibu sudah dijelaskan cara cek status.")
    panel.get_by_role("button", name="Simpan hasil").click()
    expect(page.locator("main .tag").first).to_have_text("Selesai")
    resident.reload()
    expect(resident.locator("dl.summary")).to_contain_text("Informasi diberikan")


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_an_officer_files_a_candidate_proposal_on_someones_behalf(page: Page, live_server):
    reference, _code = _request(live_server, subject_name="Pak Darto Qz")
    officer = make_officer(live_server, "supervisor")
    sign_in(page, officer)
    page.goto(f"/petugas/bantuan/{reference}")
    page.get_by_role("link", name="Ajukan pengaduan atau usulan calon peserta untuk warga ini").click()
    expect(_heading(page)).to_have_text("Pengajuan atas nama warga")
    page.get_by_label(re.compile("^Usulan calon peserta")).check()
    page.get_by_role("button", name="Lanjut").click()
    expect(page.get_by_label("Nama lengkap orang yang bersangkutan")).to_have_value("Pak Darto Qz")
    page.get_by_label("NIK orang yang bersangkutan").fill(factories.make_nik())
    page.get_by_label("Nomor KK").fill("3275 0101 2345 0009")
    page.get_by_label("RT", exact=True).fill("4")
    page.get_by_label("RW", exact=True).fill("7")
    page.get_by_label("Pekerjaan").fill("pemulung")
    page.get_by_label("Mengapa orang ini mungkin memenuhi syarat").fill("Tidak ada penghasilan tetap.")
    page.get_by_role("button", name="Lanjut ke pemeriksaan").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary")).to_contain_text("perlu persetujuannya")
    page.get_by_label(re.compile("sudah setuju petugas mengajukan")).check()
    page.get_by_role("button", name="Lanjut ke pemeriksaan").click()
    expect(page.locator("dl.summary")).to_contain_text(f"Petugas {officer.name}, atas nama warga")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(_heading(page)).to_have_text("Pengaduan terkirim")
    filed = page.locator(".panel-code").first.inner_text()
    href = page.get_by_role("link", name="Unduh tanda terima (PDF)").get_attribute("href")
    slip = page.request.get(href)
    assert slip.ok and slip.headers["content-type"] == "application/pdf"
    assert_no_axe_violations(page)
    page.goto(f"/petugas/bantuan/{reference}")
    expect(page.locator("ol.timeline")).to_contain_text(filed)
    expect(page.locator("#aksi-hasil input#hasil-reference")).to_have_value(filed)


# No time limit loses typed data ---------------------------------------------------------------


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_a_note_typed_when_the_session_expired_comes_back_after_signing_in(page: Page, live_server):
    from flask.sessions import SecureCookieSessionInterface

    reference, _code = _request(live_server)
    officer = make_officer(live_server, "supervisor")
    sign_in(page, officer)
    page.goto(f"/petugas/bantuan/{reference}")
    panel = _open_action(page, "catatan")
    note = "Ditelepon pukul 09.00, tidak diangkat.\nCoba lagi besok pagi lewat WhatsApp video."
    panel.get_by_label("Catatan internal (tidak terlihat warga)").fill(note)

    # Thirty-one idle minutes pass: the session cookie says so.
    serializer = SecureCookieSessionInterface().get_signing_serializer(live_server.app)
    cookie = next(c for c in page.context.cookies() if c["name"] == "session")
    data = serializer.loads(cookie["value"])
    data["last_seen"] -= 31 * 60
    page.context.add_cookies([{**cookie, "value": serializer.dumps(data)}])

    panel.get_by_role("button", name="Simpan catatan").click()
    expect(_heading(page)).to_have_text("Masuk petugas")
    expect(page.locator(".notice")).to_contain_text("Isian Anda disimpan")
    enter_password(page, officer)
    # This step's code was spent by the first sign-in: the next step's is accepted (clock drift).
    enter_code(page, pyotp.TOTP(officer.totp_secret).at(time.time() + 30))
    expect(_heading(page)).to_have_text("Isian yang belum terkirim")
    expect(page.get_by_label("Pesan atau catatan")).to_have_value(note)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Kirim lagi").click()
    expect(_heading(page)).to_have_text(f"Permintaan bantuan {reference}")
    expect(page.locator("ol.timeline")).to_contain_text("Coba lagi besok pagi lewat WhatsApp video.")


# JavaScript off ---------------------------------------------------------------------------------


def test_the_request_works_with_javascript_off(new_context, live_server):
    from tests.helpers.browser import route_network

    context = new_context(java_script_enabled=False)
    route_network(context, live_server)
    page = context.new_page()
    page.goto("/bantuan")
    # No htmx to narrow the list: all 56 kelurahan, grouped by kecamatan.
    expect(page.locator("#kelurahan optgroup")).to_have_count(12)
    page.get_by_label("Nama orang yang memerlukan bantuan").fill("Pak Slamet")
    page.get_by_label("Dibantu membaca atau mengisi formulir").check()
    page.get_by_label("Surat kepesertaan").check()
    page.get_by_label("Nomor HP atau WhatsApp").fill("0813 1111 2222")
    page.get_by_label("Kecamatan").select_option("32.75.02")
    page.get_by_label("Kelurahan", exact=True).select_option("32.75.01.1001")  # not in that kecamatan
    page.get_by_role("button", name="Lanjut ke pemeriksaan").click()
    expect(page.locator(".error-summary")).to_contain_text("tidak berada di Kecamatan Bekasi Barat")
    page.get_by_label("Kelurahan", exact=True).select_option(label="Bintara")
    page.get_by_role("button", name="Lanjut ke pemeriksaan").click()
    expect(_heading(page)).to_have_text("Periksa permintaan bantuan")
    page.get_by_role("button", name="Kirim permintaan bantuan").click()
    expect(_heading(page)).to_have_text("Permintaan bantuan terkirim")
    expect(page.locator(".panel-code").first).to_have_text(re.compile(r"BTN-\d{4}-\d{6}"))
    context.close()
