"""The letter PDF, read back the way a person or a phone reads it: its text (pypdf), its pages, its
tags and metadata, and its QR code decoded from the rendered page (pdfium + zxing-cpp)."""

import io
import re
import time
from datetime import UTC, datetime

import pypdfium2
import zxingcpp
from pypdf import PdfReader

from portal.extensions import db
from portal.letters.documents.pdf import html_to_pdf
from portal.letters.documents.render import document_title, letter_view, letters_html
from portal.letters.services.letters import issue_letter
from tests.factories import person
from tests.helpers import csrf_token

ISSUED = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)  # 10:00 in Bekasi


def letter_pdf(app, someone, *, now=ISSUED) -> tuple[bytes, object]:
    letter = issue_letter(session=db.session, person_id=someone.id, now=now)
    db.session.commit()
    with app.test_request_context():
        html = letters_html([letter_view(letter)], title=document_title(letter.number))
    return html_to_pdf(html), letter


def text_of(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), text


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_letter_says_everything_it_must(app):
    someone = person(nama="Hj. Siti Ma'rifah", female=True, kpj="25000000123", kelurahan_code="32.75.01.1001")
    pdf, letter = letter_pdf(app, someone)
    pages, text = text_of(pdf)
    assert pages == 1
    line = flat(text)
    for expected in (
        "PEMERINTAH KOTA BEKASI",
        "DINAS TENAGA KERJA",
        "SURAT KETERANGAN KEPESERTAAN",
        f"Nomor: {letter.number}",
        "500.15.1/1-Disnaker/XI/2026",
        "Hj. Siti Ma'rifah",
        f"{someone.nik[:4]} **** **** {someone.nik[12:]}",
        "25000000123",
        "Bekasijaya",
        "Bekasi Timur",
        "Jaminan Kecelakaan Kerja (JKK) dan Jaminan Kematian (JKM)",
        "1 November 2025 sampai dengan 31 Desember 2026",
        "iuran dibayar oleh Pemerintah Kota Bekasi (APBD)",
        "Keputusan Wali Kota Bekasi Nomor 500.15.1/Kep.655-Disnaker/X/2025",
        "BPJS Ketenagakerjaan, telepon 175",
        "Program ini gratis — tidak ada biaya dan tidak melalui calo.",
        "Bekasi, 21 November 2026",
        "http://127.0.0.1:5000/verifikasi",
        "-".join(letter.code[i : i + 4] for i in (0, 4, 8, 12)),
    ):
        assert expected in line, expected
    assert someone.nik not in line and someone.nik[4:12] not in line


def test_names_keep_their_apostrophes_titles_and_letters(app):
    for name in ("Hj. Siti Ma’rifah, S.Pd.", "H. Nur'alim Daeng Matta", "Dra. Ëni Çahyani"):
        pdf, _letter = letter_pdf(app, person(nama=name))
        assert name in flat(text_of(pdf)[1]), name


def test_the_longest_name_still_fits_on_one_page(app):
    name = (
        "Hj. Raden Ayu Siti Nur'aini Ma'rifah Kusumawardhani Purbaningrum Sulistyaningsih "
        "Wulandari Rahayuningtyas Anggraeni Mangkunegoro binti Haji Abdul Syukur"
    )
    name = (name + " Wijayakusuma" * 10)[:150]
    unbroken = "Muhammad" + "a" * 142  # one 150-letter word must wrap, not run off the page
    for nama in (name, unbroken):
        assert len(nama) == 150
        # Kaliabang Tengah, Bekasi Utara: the longest kelurahan and kecamatan names together.
        pdf, _letter = letter_pdf(app, person(nama=nama, kelurahan_code="32.75.03.1001"))
        pages, text = text_of(pdf)
        assert pages == 1
        assert re.sub(r"\s", "", nama) in re.sub(r"\s", "", text)
        if nama == unbroken:  # wrapped inside the word, not run off the edge of the page
            assert sum("aaaaaaaaaa" in line for line in text.splitlines()) >= 2
        assert "Kaliabang Tengah" in text and "Bekasi Utara" in text
        assert "Bekasi, 21 November 2026" in flat(text)  # the end of the letter is on the page


def test_the_pdf_is_tagged_with_title_language_and_system_fonts(app):
    pdf, letter = letter_pdf(app, person())
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert root["/Lang"] == "id"
    assert reader.metadata.title == f"Surat keterangan kepesertaan SIGAP nomor {letter.number}"
    fonts = {str(font.get_object()["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVu" in font for font in fonts), fonts
    mediabox = reader.pages[0].mediabox
    assert (round(float(mediabox.width)), round(float(mediabox.height))) == (595, 842)  # A4


def decode_qr(pdf: bytes) -> list[str]:
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=150 / 72).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image) if result.format == zxingcpp.BarcodeFormat.QRCode]


def test_the_qr_code_opens_the_verification_page_holds_the_signed_facts_and_no_nik(app):
    from portal.letters.documents.seal import check
    from portal.web.settings import city_certificates

    app.config["PUBLIC_BASE_URL"] = "https://sigap.bekasikota.go.id"
    someone = person()
    pdf, letter = letter_pdf(app, someone)
    (text,) = decode_qr(pdf)
    url, _, sealed = text.partition("#")
    assert url == f"https://sigap.bekasikota.go.id/verifikasi/{letter.code}" and sealed.startswith("SG1:")
    assert someone.nik not in text and someone.nik[-4:] not in url.rsplit("/", 1)[0]
    assert app.test_client().get(url.removeprefix("https://sigap.bekasikota.go.id")).status_code == 200
    with app.test_request_context():
        facts = check(text, city_certificates()).facts
    assert (facts.number, facts.code, facts.selesai) == (letter.number, letter.code, letter.selesai)
    assert facts.masked_name != letter.nama and facts.masked_name[0] == letter.nama[0]


def test_the_download_is_the_same_letter(app, client):
    someone = person(nama="Hj. Siti Ma'rifah", female=True)
    with client.session_transaction() as cookie:
        cookie["checked_person"], cookie["checked_at"] = someone.id, int(time.time())
    client.post("/surat", data={"csrf_token": csrf_token(client, "/surat"), "bentuk": "pdf"})
    pdf = client.get("/surat/unduh").data
    pages, text = text_of(pdf)
    assert pages == 1 and "Hj. Siti Ma'rifah" in text
    (url,) = decode_qr(pdf)
    assert url.startswith("http://127.0.0.1:5000/verifikasi/")


def test_the_pdf_has_an_outline_and_its_structure(app):
    """The letter's heading is the PDF's outline; its tags keep the heading and the list."""
    pdf, _letter = letter_pdf(app, person(nama="Hj. Siti Ma'rifah, S.Pd.", female=True))
    reader = PdfReader(io.BytesIO(pdf))
    assert "SURAT KETERANGAN KEPESERTAAN" in outline_titles(reader.outline)
    tags = structure_tags(reader.trailer["/Root"]["/StructTreeRoot"])
    assert "/H1" in tags and "/L" in tags
    assert "Hj. Siti Ma'rifah, S.Pd." in text_of(pdf)[1]


def outline_titles(items) -> list[str]:
    return [title for item in items for title in (outline_titles(item) if isinstance(item, list) else [item.title])]


def structure_tags(node) -> list[str]:
    """The structure element types of a tagged PDF, depth first."""
    node = node.get_object()
    found = []
    if isinstance(node, dict) and "/S" in node:
        found.append(str(node["/S"]))
    kids = node.get("/K", []) if isinstance(node, dict) else node
    if isinstance(kids, list) or hasattr(kids, "get_object") or isinstance(kids, dict):
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict | list):
                found += structure_tags(kid)
    return found
