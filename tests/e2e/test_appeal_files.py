"""An appeal with a file, in two browsers: the resident (phone, JavaScript on and off) says "belum
puas" with a reason and a photo; another supervisor opens the case (on a phone), finds the reason
and the file in "Putuskan banding", downloads the file and decides. axe-core on both pages.

The first supervisor concludes the case through the service layer (the code the officer pages call)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from portal.complaints.services import actions as case_actions
from portal.core.trail import Actor
from portal.core.workdays import WorkCalendar
from portal.extensions import db
from portal.models import ComplaintStatus, ResolutionCode
from tests import factories
from tests.helpers.browser import assert_no_axe_violations, make_officer, png_file, sign_in, wait_for_htmx

pytestmark = pytest.mark.browser

JS = [
    pytest.param(True, id="js"),
    pytest.param(False, id="nojs", marks=pytest.mark.browser_context_args(java_script_enabled=False)),
]
REASON = "Nama saya masih belum muncul di cek status. Foto layarnya saya lampirkan."


def concluded_case(live_server) -> tuple[str, str]:
    def work() -> tuple[str, str]:
        first = factories.account("supervisor")
        case, code = factories.complaint()
        case_actions.conclude(
            session=db.session,
            complaint=case,
            officer=first,
            expected_version=case.version,
            target=ComplaintStatus.SELESAI,
            code=ResolutionCode.INFORMASI_DIBERIKAN,
            next_step="Cek status lagi bulan depan.",
            message="Anda sudah didaftarkan.",
            calendar=WorkCalendar(),
            who=Actor(account_id=first.id, ip="127.0.0.1"),
        )
        db.session.commit()
        return case.reference, code

    return live_server.run(work)


@pytest.mark.parametrize("js", JS)
def test_an_appeal_with_a_photo_reaches_the_supervisor_who_judges_it(page: Page, another_page, live_server, js):
    reference, code = concluded_case(live_server)
    page.goto("/pengaduan/lacak")
    if js:
        wait_for_htmx(page)
    page.get_by_label("Nomor pengaduan").fill(reference)
    page.get_by_label("Kode akses").fill(code)
    page.get_by_role("button", name="Lacak", exact=True).click()
    rating = page.get_by_role("region", name="Bagaimana penyelesaiannya?")
    rating.get_by_label("Belum puas — ajukan banding", exact=True).check()
    rating.get_by_label("Apa yang belum selesai menurut Anda?").fill(REASON)
    files = rating.get_by_label("Lampiran banding (tidak wajib, hanya jika belum puas)")
    files.set_input_files([{"name": "catatan.txt", "mimeType": "text/plain", "buffer": b"bukan foto"}])
    rating.get_by_role("button", name="Kirim penilaian").click()
    # A file that is not a photo or PDF: refused, the reason kept, nothing sent.
    expect(page.locator(".error-summary")).to_contain_text("Berkas catatan.txt bukan foto")
    expect(rating.get_by_label("Apa yang belum selesai menurut Anda?")).to_have_value(REASON)
    if js:  # axe is a script: it runs only where JavaScript does
        assert_no_axe_violations(page)
    rating.get_by_label("Belum puas — ajukan banding", exact=True).check()
    files.set_input_files([png_file("layar cek status.png", "red")])
    rating.get_by_role("button", name="Kirim penilaian").click()
    expect(page.locator("dl.summary .tag")).to_have_text("Banding sedang ditinjau")
    expect(page.locator("ol.timeline li", has_text="Penilaian warga")).to_contain_text("1 lampiran")

    reviewer = another_page()  # on a phone: the appeal is read where the decision is taken
    sign_in(reviewer, make_officer(live_server, "supervisor"))
    reviewer.goto(f"/petugas/pengaduan/{reference}")
    appeal = reviewer.locator("#aksi-banding")
    expect(appeal).to_have_attribute("open", "")
    expect(appeal).to_contain_text(REASON)
    with reviewer.expect_download() as download:
        appeal.get_by_role("link", name="layar cek status.png").click()
    assert download.value.suggested_filename == "layar cek status.png"
    if js:  # the marker turns JavaScript off in the reviewer's browser too
        assert_no_axe_violations(reviewer)
    appeal.get_by_label("Buka kembali untuk diperiksa ulang").check()
    appeal.get_by_label("Penjelasan untuk warga").fill("Foto layar diperiksa; data DTSEN dicek ulang.")
    appeal.get_by_role("button", name="Simpan keputusan banding").click()
    expect(reviewer.locator("main h1 + p .tag").first).to_have_text("Sedang diperiksa")
