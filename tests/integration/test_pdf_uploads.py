"""Residents' PDFs are rewritten before they are stored (security test finding 13): nothing that
a viewer could run, launch, submit or open is left, the text is still there for a real reader
(PDFium, poppler's pdftotext), and encrypted, unreadable or over-long PDFs are refused with a
plain message. A PDF that costs too much to read is stopped at its CPU allowance."""

# ruff: noqa: S603, S607 (fixed commands: poppler's tools)
import io
import subprocess

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import sqlalchemy as sa
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from portal.complaints.labels import error_message
from portal.complaints.services.attachments import LIMITS, AttachmentError, clean_upload
from portal.core.bounded import Limits
from portal.extensions import db
from portal.models import Attachment, ComplaintStatus
from portal.web.settings import attachment_store
from tests.factories import complaint
from tests.helpers import csrf_token, parse
from tests.helpers.complaints import details, officer_moves, start, submit, track
from tests.pdf_samples import KEPT_LINKS, assemble, hostile_pdf, stream, text_pdf

LINES = ["Surat Keterangan Domisili", "Kelurahan Margahayu RT 04 RW 07"]
SAFE_ACTIONS = {"/GoTo", "/URI", "/Named"}
FORBIDDEN_KEYS = {"/OpenAction", "/AA", "/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"}


@pytest.fixture
def app_config(tmp_path) -> dict:
    return {"ATTACHMENT_DIR": str(tmp_path / "lampiran")}


def what_can_act(data: bytes) -> set[str]:
    """Everything in the PDF that a viewer could run, launch, send or open, as PDFium and a walk
    over every object (pypdf) see it."""
    found = set()
    document = pdfium.PdfDocument(data)
    try:
        if pdfium_c.FPDFDoc_GetJavaScriptActionCount(document.raw):
            found.add("pdfium: document JavaScript")
        if pdfium_c.FPDFDoc_GetAttachmentCount(document.raw):
            found.add("pdfium: embedded files")
        if pdfium_c.FPDF_GetFormType(document.raw) in (pdfium_c.FORMTYPE_XFA_FULL, pdfium_c.FORMTYPE_XFA_FOREGROUND):
            found.add("pdfium: XFA form")
        for page in document:
            for index in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
                annotation = pdfium_c.FPDFPage_GetAnnot(page.raw, index)
                kind = pdfium_c.FPDFAnnot_GetSubtype(annotation)
                if kind in (pdfium_c.FPDF_ANNOT_FILEATTACHMENT, pdfium_c.FPDF_ANNOT_RICHMEDIA):
                    found.add(f"pdfium: annotation subtype {kind}")
                link = pdfium_c.FPDFAnnot_GetLink(annotation)
                action = pdfium_c.FPDFLink_GetAction(link) if link else None
                if action and pdfium_c.FPDFAction_GetType(action) not in (
                    pdfium_c.PDFACTION_GOTO,
                    pdfium_c.PDFACTION_URI,
                ):
                    found.add(f"pdfium: link action {pdfium_c.FPDFAction_GetType(action)}")
                pdfium_c.FPDFPage_CloseAnnot(annotation)
    finally:
        document.close()
    reader = PdfReader(io.BytesIO(data))
    stack, seen = [reader.trailer["/Root"]], set()
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            found.update(f"key {key}" for key in FORBIDDEN_KEYS.intersection(item))
            if item.get("/S") in {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE"}:
                found.add(f"action {item['/S']}")
            if "/URI" in item and item["/URI"] not in KEPT_LINKS:
                found.add(f"link {item['/URI']}")
            if item.get("/Subtype") in ("/FileAttachment", "/RichMedia"):
                found.add(f"annotation {item['/Subtype']}")
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return found


def poppler(tool: str, data: bytes, *options: str) -> str:
    """Run one of poppler's tools on the PDF (they read files, not standard input)."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        arguments = [tool, *options, handle.name] + (["-"] if tool == "pdftotext" else [])
        return subprocess.run(arguments, capture_output=True, check=True, text=True).stdout


def text_of(data: bytes) -> tuple[str, str]:
    """The text as PDFium and as poppler's pdftotext read it."""
    document = pdfium.PdfDocument(data)
    try:
        by_pdfium = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return by_pdfium, poppler("pdftotext", data)


def stored_bytes() -> bytes:
    (record,) = db.session.scalars(sa.select(Attachment)).all()
    assert record.content_type == "application/pdf"
    return attachment_store().read_bytes(record.storage_key)


def test_a_pdf_is_stored_without_anything_that_acts_and_still_reads(client):
    sent = hostile_pdf(LINES)
    assert what_can_act(sent) >= {
        "pdfium: document JavaScript",
        "pdfium: embedded files",
        "pdfium: XFA form",
        "key /OpenAction",
        "key /AA",
        "action /Launch",
        "action /SubmitForm",
        "action /ImportData",
        "action /GoToR",
        "action /GoToE",
        "link javascript:app.alert(1)",
        "annotation /FileAttachment",
        "annotation /RichMedia",
    }
    start(client)
    assert details(client, files=[(io.BytesIO(sent), "domisili.pdf")]).status_code == 303
    assert submit(client).status_code == 303
    stored = stored_bytes()
    assert what_can_act(stored) == set()
    for reader_text in text_of(stored):
        assert all(line in reader_text for line in LINES)
    links = [
        a.get_object()["/A"]["/URI"]
        for a in PdfReader(io.BytesIO(stored)).pages[0]["/Annots"]
        if "/URI" in a.get_object().get("/A", {})
    ]
    assert sorted(links) == sorted(KEPT_LINKS)  # ordinary web links stay
    assert "app.alert" in poppler("pdfinfo", sent, "-js")  # poppler finds the script in what was sent
    assert poppler("pdfinfo", stored, "-js").strip() == ""  # -js prints the scripts only: none
    assert "Pages:           1" in poppler("pdfinfo", stored)


def test_the_answer_on_the_tracking_page_is_cleaned_the_same_way(client):
    case, code = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI)
    officer_moves(case, ComplaintStatus.MENUNGGU_INFORMASI, "Mohon kirim surat domisili.")
    track(client, case.reference, code)
    response = client.post(
        "/pengaduan/lacak/kasus/jawab",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(client, "/pengaduan/lacak/kasus"),
            "jawaban": "Terlampir.",
            "lampiran": [(io.BytesIO(hostile_pdf(LINES)), "domisili.pdf")],
        },
    )
    assert response.status_code == 303
    stored = stored_bytes()
    assert what_can_act(stored) == set() and all(line in text_of(stored)[1] for line in LINES)


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(LINES))))
    writer.encrypt(user_password="", owner_password="pemilik", algorithm="RC4-128")  # noqa: S106
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (encrypted_pdf(), "PDF surat.pdf dikunci dengan kata sandi atau enkripsi. Simpan ulang tanpa kata sandi"),
        (text_pdf(LINES, pages=31), "PDF surat.pdf terlalu banyak halaman (31; paling banyak 30). Kirim hanya"),
        (b"%PDF-1.7\nthis is no pdf at all\n%%EOF\n", "PDF surat.pdf tidak bisa dibaca. Simpan ulang sebagai PDF"),
        (b"%PDF-1.4 truncated", "PDF surat.pdf tidak lengkap atau rusak."),
    ],
    ids=["encrypted", "31 pages", "unreadable", "truncated"],
)
def test_a_pdf_that_cannot_be_cleaned_is_refused_with_what_to_do(client, data, message):
    start(client)
    response = details(client, files=[(io.BytesIO(data), "surat.pdf")])
    assert response.status_code == 400
    assert message in parse(response).select_one(".error-summary").get_text(" ", strip=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0


def test_thirty_pages_pass():
    assert PdfReader(io.BytesIO(text_pdf(LINES, pages=30))).get_num_pages() == 30  # the sample itself
    from portal.complaints.services.upload_cleaning import clean_pdf

    assert clean_pdf(text_pdf(LINES, pages=30)).notes["pages"] == 30


def many_objects(count: int) -> bytes:
    """A one-page PDF whose page reaches `count` small objects: reading it costs CPU, not bytes."""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /X 5 0 R >> >>",
        stream("BT ET"),
        "[" + " ".join(f"{n} 0 R" for n in range(6, 6 + count)) + "]",
    ]
    return assemble(objects + ["<< /A 1 >>"] * count)


def test_a_pdf_that_costs_too_much_to_read_is_stopped_and_the_worker_goes_on(app):
    data = many_objects(20_000)  # about a second of CPU to read and rewrite
    with app.test_request_context():
        tight = Limits(cpu_seconds=0.05, memory_bytes=LIMITS.memory_bytes, wall_seconds=LIMITS.wall_seconds)
        with pytest.raises(AttachmentError) as refused:
            clean_upload(data=data, filename="berat.pdf", limits=tight)
        assert "Berkas berat.pdf terlalu rumit untuk diperiksa" in error_message(refused.value)
        assert clean_upload(data=text_pdf(LINES), filename="surat.pdf").content_type == "application/pdf"
