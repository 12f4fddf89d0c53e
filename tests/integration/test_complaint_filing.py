import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image
from pypdf import PdfReader

from portal.extensions import db
from portal.models import Attachment, Complaint, ComplaintCategory, ComplaintEvent, ComplaintStatus, EventKind
from tests.factories import make_nik
from tests.helpers import parse
from tests.helpers.complaints import details, file_one, incident, start, submit


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x8825] = {1: "S", 2: (6.0, 14.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_the_whole_flow_gives_a_reference_code_and_dates(client):
    assert start(client).headers["Location"] == "/pengaduan/baru/rincian"
    response = details(client, email="siti@contoh.id")
    assert response.status_code == 303 and response.headers["Location"] == "/pengaduan/baru/periksa"
    check = parse(client.get("/pengaduan/baru/periksa"))
    summary = check.select_one("dl.summary").get_text(" ", strip=True)
    assert "Siti Ma'rifah" in summary and "+6281234567890" in summary
    response = submit(client)
    assert response.status_code == 303 and response.headers["Location"] == "/pengaduan/terkirim"
    page = parse(client.get("/pengaduan/terkirim"))
    codes = [c.get_text(strip=True) for c in page.select(".panel-code")]
    assert re.fullmatch(r"SGP-\d{4}-000001", codes[0])
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", codes[1])
    complaint = db.session.scalars(sa.select(Complaint)).one()
    assert complaint.status is ComplaintStatus.DITERIMA
    assert complaint.phone == "+6281234567890" and complaint.email == "siti@contoh.id"
    assert codes[1].replace("-", "") not in complaint.access_code_hash
    assert complaint.verify_due.strftime("%-d") in page.select_one("main ol").get_text()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintEvent)) == 1


def test_the_receipt_is_a_real_one_page_pdf(client):
    file_one(client)
    response = client.get("/pengaduan/terkirim/tanda-terima.pdf")
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    complaint = db.session.scalars(sa.select(Complaint)).one()
    assert complaint.reference in text and "Program ini gratis" in text
    assert "http://127.0.0.1:5000/pengaduan/lacak" in text.replace("\n", "")  # PUBLIC_BASE_URL


def test_category_is_required(client):
    response = start(client, kategori="")
    assert response.status_code == 400
    assert "Pilih jenis pengaduan." in parse(response).select_one(".error-summary").get_text()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nik": ""}, "Masukkan NIK 16 angka orang yang bersangkutan."),
        ({"nik": "1234"}, "NIK harus 16 angka; Anda mengetik 4."),
        ({"nama": ""}, "Masukkan nama lengkap orang yang bersangkutan."),
        ({"kelurahan": "32.75.99.9999"}, "Pilih salah satu pilihan yang tersedia."),
        ({"telepon": "12345"}, "nomor Indonesia"),
        ({"telepon": "021 8840 1234"}, "Nomor WhatsApp harus nomor HP"),
        ({"email": "bukan-email"}, "Tulis email lengkap"),
        ({"uraian": ""}, "Ceritakan masalahnya."),
        ({"uraian": "x" * 2001}, "paling banyak 2.000 huruf"),
        ({"pelapor": "keluarga"}, "Masukkan nama Anda sebagai pelapor."),
        ({"pelapor": "pendamping", "nama_pelapor": "Rina", "hubungan": "pendamping"}, "perlu persetujuannya"),
    ],
)
def test_details_errors_are_specific(client, overrides, message):
    start(client)
    response = details(client, **overrides)
    assert response.status_code == 400
    summary = parse(response).select_one(".error-summary").get_text(" ", strip=True)
    assert message in summary, summary
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 0


def test_filing_for_someone_else_records_relationship_and_consent(client):
    file_one(
        client, pelapor="pendamping", nama_pelapor="Rina Lestari", hubungan="pendamping tunanetra", persetujuan="y"
    )
    complaint = db.session.scalars(sa.select(Complaint)).one()
    assert complaint.filer_relation.value == "pendamping" and complaint.consent_recorded
    assert complaint.filer_name == "Rina Lestari" and complaint.filer_relationship == "pendamping tunanetra"


def test_misconduct_is_always_confidential(client):
    file_one(client, kategori="pungli", nik="", **incident())
    complaint = db.session.scalars(sa.select(Complaint)).one()
    assert complaint.category is ComplaintCategory.PUNGLI and complaint.confidential


def test_a_status_check_result_prefills_the_complaint(client):
    nik = make_nik(female=True)
    start(client, nik=nik, nama="Siti Aminah")
    form = parse(client.get("/pengaduan/baru/rincian"))
    assert form.select_one("input#nik")["value"] == nik
    assert form.select_one("input#nama")["value"] == "Siti Aminah"


def _without_numbers(response) -> str:
    """A confirmation page with what differs between any two filings (reference, code) taken out."""
    page = parse(response)
    for code in page.select(".panel-code"):
        code.string = "#"
    return re.sub(r"\s+", " ", page.select_one("main").get_text(" "))


def test_a_second_case_for_a_nik_is_a_case_of_its_own_and_tells_the_filer_nothing(client, app):
    """Answering "there is already a case" would tell anyone who types a NIK that the person has
    an open case (and let them add to it): the second filer gets what every filer gets; officers
    are told on the new case."""
    from tests.factories import account, sign_in

    nik = make_nik()
    first = file_one(client, nik=nik)
    other, stranger = app.test_client(), app.test_client()
    second = file_one(other, kategori="data_salah", nik=nik, nama="Budi", uraian="Saya tetangganya, ia layak.")
    unrelated = file_one(stranger, kategori="data_salah", nik=make_nik(), nama="Budi", uraian="Saya tetangganya.")
    assert first.status_code == second.status_code == unrelated.status_code == 303
    assert second.headers["Location"] == unrelated.headers["Location"] == "/pengaduan/terkirim"
    assert _without_numbers(other.get("/pengaduan/terkirim")) == _without_numbers(stranger.get("/pengaduan/terkirim"))

    cases = db.session.scalars(sa.select(Complaint).where(Complaint.subject_nik == nik).order_by(Complaint.id)).all()
    assert len(cases) == 2 and cases[1].status is ComplaintStatus.DITERIMA
    assert [e.kind for e in cases[0].events] == [EventKind.DIBUAT]  # nothing added to the open case
    note = [e for e in cases[1].events if e.kind is EventKind.CATATAN]
    assert len(note) == 1 and not note[0].public and cases[0].reference in note[0].message

    desk = app.test_client()
    sign_in(desk, account())
    timeline = parse(desk.get(f"/petugas/pengaduan/{cases[1].reference}")).select_one("ol.timeline").get_text(" ")
    assert cases[0].reference in timeline and "sistem" in timeline


def test_images_are_stripped_of_exif_and_stored_outside_static(client, app, tmp_path):
    start(client)
    jpeg = jpeg_with_gps()
    assert b"KameraRahasia" in jpeg
    response = details(client, files=[(io.BytesIO(jpeg), "foto ktp.jpg")])
    assert response.status_code == 303
    submit(client)
    record = db.session.scalars(sa.select(Attachment)).one()
    from pathlib import Path

    from portal.web.settings import attachment_store

    stored = attachment_store().read_bytes(record.storage_key)
    assert b"KameraRahasia" not in stored and Image.open(io.BytesIO(stored)).getexif() == {}
    assert (
        "static" not in app.config["ATTACHMENT_DIR"]
        and Path(app.static_folder) not in Path(app.config["ATTACHMENT_DIR"]).parents
    )
    assert record.complaint_id is not None and record.content_type == "image/jpeg"
    assert record.original_name == "foto ktp.jpg"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00 this is an exe", "foto.jpg", "bukan foto (JPG, PNG, HEIC) atau PDF"),
        (b"%PDF-1.4 truncated", "surat.pdf", "tidak lengkap"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "foto.jpg", "tidak bisa dibaca"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (15 * 1024 * 1024), "besar.png", "besar.png lebih dari 15 MB"),
        (b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), "besar.pdf", "PDF besar.pdf lebih dari 5 MB"),
    ],
)
def test_fake_or_oversize_files_are_rejected_with_a_reason(client, data, name, message):
    start(client)
    response = details(client, files=[(io.BytesIO(data), name)])
    assert response.status_code == 400
    assert message in parse(response).select_one(".error-summary").get_text()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0


def test_at_most_three_files(client):
    start(client)
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    files = [(io.BytesIO(png.getvalue()), f"f{i}.png") for i in range(4)]
    response = details(client, files=files)
    assert response.status_code == 400
    assert "Pilih paling banyak 3 berkas sekaligus" in parse(response).get_text()


def test_resident_text_is_escaped_everywhere(client):
    payload = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    start(client)
    details(client, nama=payload[:150], uraian=payload)
    page = client.get("/pengaduan/baru/periksa").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_steps_out_of_order_go_back_to_the_start(client):
    assert client.get("/pengaduan/baru/rincian").headers["Location"] == "/pengaduan/baru"
    assert client.get("/pengaduan/baru/periksa").headers["Location"] == "/pengaduan/baru"
    assert client.get("/pengaduan/terkirim").status_code == 404


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_COMPLAINTS": "2 per hour", "RATELIMIT_COMPLAINT_STEPS": "6 per hour"}

    def test_sending_has_the_strict_limit_and_corrections_do_not_use_it_up(self, client):
        for _ in range(2):
            start(client)
            assert details(client, uraian="").status_code == 400  # a correction: a step, not a send
            assert details(client).status_code == 303
            assert submit(client).status_code == 303
        assert [start(client).status_code, details(client).status_code] == [303, 303]
        response = submit(client)
        assert response.status_code == 429
        assert "Terlalu banyak permintaan" in parse(response).get_text()

    def test_the_steps_have_their_own_bound(self, client):
        """Each step counts its own POSTs (Flask-Limiter keys a limit by route)."""
        start(client)
        for _ in range(6):
            assert details(client, uraian="").status_code == 400
        response = details(client)
        assert response.status_code == 429
        assert "Terlalu banyak permintaan" in parse(response).get_text()


class TestTargetsPerCategory:
    @pytest.fixture
    def app_config(self):
        return {"SLA_VERIFY_DAYS_BY_CATEGORY": {"informasi": 1}, "SLA_RESOLVE_DAYS_BY_CATEGORY": {"informasi": 5}}

    def test_a_category_can_have_its_own_verify_and_answer_targets(self, client):
        from portal.core.base import utcnow
        from portal.core.workdays import WorkCalendar, local_date

        file_one(client, kategori="informasi")
        file_one(client, kategori="data_salah")
        today, calendar = local_date(utcnow()), WorkCalendar()
        due = {c.category.value: (c.verify_due, c.resolve_due) for c in db.session.scalars(sa.select(Complaint))}
        assert due["informasi"] == (calendar.add_working_days(today, 1), calendar.add_working_days(today, 5))
        assert due["data_salah"] == (calendar.add_working_days(today, 3), calendar.add_working_days(today, 14))
