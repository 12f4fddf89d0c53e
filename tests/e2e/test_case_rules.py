"""Issue 16 in the browser: what an officer sees when the case changed under them (point 1)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.helpers.browser import DESKTOP, assert_no_axe_violations, make_officer, page_heading, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.browser_context_args(viewport=DESKTOP)]


def _case(live_server, assigned_to: int) -> str:
    def work() -> str:
        from portal.extensions import db

        case, _ = factories.complaint()
        case.assigned_to_id = assigned_to
        db.session.commit()
        return case.reference

    return live_server.run(work)


def _open(page: Page, action: str):
    panel = page.locator(f"#aksi-{action}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    return panel


def test_a_request_typed_while_a_supervisor_resolves_is_kept_with_who_changed_what(
    page: Page, another_page, live_server
):
    officer = make_officer(live_server)
    supervisor = make_officer(live_server, "supervisor")
    reference = _case(live_server, officer.id)
    sign_in(page, officer)
    page.goto(f"/petugas/pengaduan/{reference}")
    typed = "Mohon kirim foto KK terbaru dan surat keterangan usaha dari kelurahan, paling lambat Jumat."
    ask = _open(page, "minta-informasi")
    ask.get_by_label("Informasi apa yang diperlukan dari warga?").fill(typed)

    boss = another_page()
    boss.set_viewport_size(DESKTOP)
    sign_in(boss, supervisor)
    boss.goto(f"/petugas/pengaduan/{reference}")
    resolve = _open(boss, "selesaikan")
    resolve.get_by_label("Ditolak", exact=True).check()
    resolve.get_by_label("Alasan").select_option("tidak_memenuhi_syarat")
    resolve.get_by_label("Langkah berikutnya bagi warga").fill("Ajukan lagi setelah DTSEN diperbarui.")
    resolve.get_by_label("Penjelasan untuk warga").fill("Desil Anda di atas 5.")
    resolve.get_by_role("button", name="Simpan keputusan").click()
    expect(boss.locator("main h1 + p .tag").first).to_have_text("Ditolak")

    ask.get_by_role("button", name="Kirim permintaan").click()
    expect(page_heading(page)).to_have_text(f"Pengaduan {reference}")  # the case page, officer layout
    changed = page.get_by_role("alert").filter(has_text="sudah diubah sejak Anda membukanya")
    expect(changed).to_contain_text("Status sekarang: Ditolak")
    expect(changed.locator("ul.changes li").first).to_contain_text(f"Ditolak — {supervisor.name}")
    expect(changed.locator("ul.changes li").first).to_contain_text("Desil Anda di atas 5.")
    expect(page.locator("#aksi-catatan textarea")).to_have_value(typed)
    expect(page.locator("#aksi-catatan textarea")).to_be_visible()
    assert_no_axe_violations(page)
    # saving the kept text as a note works at once
    page.locator("#aksi-catatan").get_by_role("button", name="Simpan catatan").click()
    expect(page.locator("ol.timeline")).to_contain_text(typed)


def test_the_reasons_are_grouped_by_outcome_and_a_contradiction_is_refused(page: Page, live_server):
    supervisor = make_officer(live_server, "supervisor")
    reference = _case(live_server, supervisor.id)
    sign_in(page, supervisor)
    page.goto(f"/petugas/pengaduan/{reference}")
    resolve = _open(page, "selesaikan")
    reasons = resolve.get_by_label("Alasan")
    assert reasons.locator("optgroup").evaluate_all("groups => groups.map(g => g.label)") == [
        "Jika selesai",
        "Jika ditolak",
    ]
    expect(reasons.locator("optgroup[label='Jika ditolak'] option")).to_have_text(
        ["Tidak memenuhi syarat", "Bukan kewenangan program", "Tidak cukup bukti", "Warga tidak dapat dihubungi"]
    )
    resolve.get_by_label("Ditolak", exact=True).check()
    reasons.select_option("data_diperbaiki")
    resolve.get_by_label("Langkah berikutnya bagi warga").fill("Tidak ada.")
    resolve.get_by_label("Penjelasan untuk warga").fill("Data Anda sudah diperbaiki.")
    resolve.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Alasan “Data diperbaiki” tidak cocok dengan hasil “Ditolak”"
    )
    expect(page.locator("main h1 + p .tag").first).to_have_text("Diterima")
    expect(page.locator("#aksi-selesaikan").get_by_label("Penjelasan untuk warga")).to_have_value(
        "Data Anda sudah diperbaiki."
    )


def test_a_visit_on_a_sunday_night_is_refused_and_what_the_resident_asked_for_is_shown(page: Page, live_server):
    officer = make_officer(live_server)

    def work() -> str:
        from portal.extensions import db

        found, _ = factories.assistance_request(preferred_times=("pagi",))
        found.assigned_to_id = officer.id
        db.session.commit()
        return found.reference

    reference = live_server.run(work)
    sign_in(page, officer)
    page.goto(f"/petugas/bantuan/{reference}")
    visit = _open(page, "jadwalkan")
    expect(visit).to_contain_text("Warga minta dihubungi: pagi (08.00–11.00)")
    visit.get_by_label("Kunjungan ke rumah").check()
    visit.get_by_label("Tanggal").fill("2030-01-06")  # a Sunday
    visit.get_by_label("Jam (WIB)").fill("23:30")
    visit.get_by_role("button", name="Simpan jadwal").click()
    expect(page.get_by_role("alert").first).to_contain_text("Minggu, 6 Januari 2030 bukan hari kerja")
    visit = _open(page, "jadwalkan")
    visit.get_by_label("Tanggal").fill("2030-01-07")
    visit.get_by_label("Jam (WIB)").fill("14:00")
    visit.get_by_role("button", name="Simpan jadwal").click()
    expect(page.get_by_role("alert").first).to_contain_text("Warga minta dihubungi pagi (08.00–11.00)")
    visit = _open(page, "jadwalkan")
    visit.get_by_label("Waktu di luar permintaan warga sudah disepakati dengan warga").check()
    visit.get_by_role("button", name="Simpan jadwal").click()
    expect(page.locator("main h1 + p .tag").first).to_have_text("Dijadwalkan")


def test_an_admin_cannot_orphan_an_officers_cases_and_may_hand_them_back(page: Page, live_server):
    admin = make_officer(live_server, "admin")
    officer = make_officer(live_server)
    reference = _case(live_server, officer.id)
    sign_in(page, admin)
    page.goto(f"/petugas/admin/akun/{officer.id}")
    page.get_by_label("Aktif (boleh masuk)").uncheck()
    page.get_by_role("button", name="Simpan").click()
    held = page.locator("#masih-memegang")
    expect(held).to_contain_text("masih memegang 1 pengaduan")
    held.get_by_role("link", name="Pengaduan terbuka yang ditugaskan kepadanya").click()
    expect(page.locator("#antrean tbody")).to_contain_text(reference)
    page.go_back()
    page.get_by_label("Aktif (boleh masuk)").uncheck()
    page.get_by_label("Kembalikan pengaduan dan permintaan bantuannya yang masih terbuka ke antrean supervisor").check()
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("status").first).to_contain_text("1 pengaduan dikembalikan ke antrean supervisor")
    page.goto(f"/petugas/pengaduan/{reference}")
    expect(page.locator("main")).to_contain_text("Petugas: belum ditugaskan")


def test_the_filing_officer_moves_a_walk_in_to_the_residents_kecamatan(page: Page, live_server):
    from tests.helpers.browser import Officer

    def work() -> tuple[Officer, str]:
        from portal.extensions import db

        made = factories.account("officer", kecamatan=["32.75.01"], totp=True)
        case, _ = factories.complaint(kelurahan_code="32.75.01.1001")
        case.filed_by_id = case.assigned_to_id = made.id
        db.session.commit()
        return Officer(id=made.id, email=made.email, name=made.name, totp_secret=made.totp_secret), case.reference

    officer, reference = live_server.run(work)
    sign_in(page, officer)
    page.goto(f"/petugas/pengaduan/{reference}")
    move = _open(page, "pindah-wilayah")
    expect(move).to_contain_text("Anda tidak dapat membuka pengaduan ini lagi setelah dipindahkan")
    move.get_by_label("Pindahkan ke kelurahan").select_option("32.75.02.1001")
    move.get_by_label("Alasan pemindahan").fill("Warga tinggal di Bekasi Barat.")
    move.get_by_role("button", name="Pindahkan").click()
    expect(page_heading(page)).to_have_text("Antrean pengaduan")
    expect(page.get_by_role("status").first).to_contain_text(f"Pengaduan {reference} dipindahkan ke")
    expect(page.get_by_role("status").first).to_contain_text("tidak dapat membukanya lagi")
