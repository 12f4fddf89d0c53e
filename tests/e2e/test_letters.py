"""Letters in a real browser: a resident checks their status, downloads the letter, scans its QR
code (decoded from the PDF) and lands on the verification page; someone types the short code
instead; an officer issues, prints and replaces a letter from the person page and follows a
kelurahan batch on its status page while htmx polls it to the end."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests import factories
from tests.helpers.browser import (
    DESKTOP,
    assert_no_axe_violations,
    fill_status_check,
    make_officer,
    sign_in,
    submit_status_check,
)

pytestmark = pytest.mark.browser


def pdf_of(download) -> bytes:
    with open(download.path(), "rb") as handle:
        return handle.read()


def qr_urls(pdf: bytes) -> list[str]:
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=150 / 72).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def test_a_resident_downloads_the_letter_and_its_qr_code_verifies_it(page: Page, residents, live_server):
    resident = residents["aktif"]
    page.goto("/cek-status")
    fill_status_check(page, resident.spaced_nik, resident.name)
    submit_status_check(page)
    page.get_by_role("link", name="Unduh surat keterangan kepesertaan (PDF)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Surat keterangan kepesertaan")
    assert resident.nik not in page.content()
    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh surat (PDF)").click()
    download = info.value
    assert re.fullmatch(r"surat-kepesertaan-sigap-500-15-1-\d+-Disnaker-[IVX]+-\d{4}\.pdf", download.suggested_filename)
    pdf = pdf_of(download)
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1 and resident.name in text and "Program ini gratis" in text
    number = re.search(r"Nomor: (\S+)", text).group(1)

    (url,) = qr_urls(pdf)
    assert url.startswith("http://127.0.0.1:5000/verifikasi/") and resident.nik[-4:] not in urlsplit(url).path
    page.goto(urlsplit(url).path)
    expect(page.get_by_role("heading", level=2, name="Surat asli dan berlaku")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text(number)
    expect(page.locator(".summary")).not_to_contain_text(resident.name)  # the name is masked
    assert_no_axe_violations(page)

    # Back on /surat the same letter (and number) is offered again, also as a web page.
    page.goto("/surat")
    expect(page.locator(".summary")).to_contain_text(number)
    page.get_by_role("button", name="Lihat surat di layar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SURAT KETERANGAN KEPESERTAAN")
    expect(page.locator("article")).to_contain_text(number)


def test_the_short_code_typed_from_paper(page: Page, residents, live_server):
    from portal.extensions import db
    from portal.letters.services.letters import issue_letter
    from portal.models import Person

    def work() -> str:
        someone = db.session.query(Person).filter_by(nik=residents["aktif"].nik).one()
        letter = issue_letter(session=db.session, person_id=someone.id)
        db.session.commit()
        return letter.code

    code = live_server.run(work)
    page.goto("/verifikasi")
    typed = " ".join(code[i : i + 4] for i in range(0, 16, 4)).lower().replace("0", "o")
    page.get_by_label("Kode verifikasi").fill(typed)
    page.get_by_role("button", name="Periksa surat").click()
    expect(page.get_by_role("heading", level=2, name="Surat asli dan berlaku")).to_be_visible()
    page.get_by_label("Kode verifikasi").fill("7K3M-Q9PX-2D4F-HT6")
    page.get_by_role("button", name="Periksa surat").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_axe_violations(page)


@pytest.mark.browser_context_args(viewport=DESKTOP)
def test_an_officer_issues_replaces_and_batches_letters(page: Page, live_server):
    officer = make_officer(live_server, "supervisor")

    def work() -> int:
        return factories.person(nama="Hj. Nur'aini Ma'rifah", female=True, kelurahan_code="32.75.04.1001").id

    person_id = live_server.run(work)
    sign_in(page, officer)
    page.goto(f"/petugas/warga/{person_id}")
    letters = page.locator("section#surat")
    letters.get_by_role("button", name="Terbitkan surat").click()
    expect(page.locator(".notice")).to_contain_text("diterbitkan")
    with page.expect_download() as info:
        letters.get_by_role("link", name="Unduh surat (PDF)").click()
    first_text = PdfReader(io.BytesIO(pdf_of(info.value))).pages[0].extract_text()
    assert "Hj. Nur'aini Ma'rifah" in first_text
    first_number = re.search(r"Nomor: (\S+)", first_text).group(1)

    letters.locator("#ganti-surat summary").click()
    letters.get_by_role("button", name="Ganti surat").click()
    summary = page.locator("main .error-summary")  # at the top of the page, focused
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Pilih alasan mengganti surat.").click()
    expect(page.locator("section#surat").get_by_label("Surat lama hilang")).to_be_focused()
    assert_no_axe_violations(page)
    page.locator("section#surat").get_by_label("Surat lama hilang").check()
    page.locator("section#surat").get_by_role("button", name="Ganti surat").click()
    rows = page.locator("section#surat tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text(first_number)
    expect(rows.nth(1)).to_contain_text("Diganti")
    assert_no_axe_violations(page)

    page.goto("/petugas/surat-massal")
    page.get_by_label("Wilayah").select_option("kelurahan:32.75.04.1001")
    page.get_by_role("button", name="Buat PDF").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Surat massal: Kelurahan")
    # htmx polls the progress; the live region says when it is done, without a reload.
    expect(page.locator("#batch-state")).to_contain_text("Selesai", timeout=120_000)
    link = page.get_by_role("link", name=re.compile(r"Unduh PDF \(1 halaman"))
    expect(link).to_be_visible()
    assert_no_axe_violations(page)
    with page.expect_download() as info:
        link.click()
    batch_text = PdfReader(io.BytesIO(pdf_of(info.value))).pages[0].extract_text()
    assert "Hj. Nur'aini Ma'rifah" in batch_text and first_number not in batch_text  # the replacement
