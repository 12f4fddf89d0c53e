"""/petugas/laporan: monthly indicators per kecamatan and per officer, and CSV exports that are
audited and carry no filer identity, no disability data and masked NIKs only."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from portal.core.trail import RESIDENT
from portal.extensions import db
from portal.models import AuditEvent, ComplaintEvent
from tests.factories import account, sign_in
from tests.helpers import parse
from tests.helpers.statistics import build_dataset, utc

FEB = dict(created=utc(2026, 2, 2, 2), verify_due=date(2026, 2, 5), resolve_due=date(2026, 2, 20))


def _setup(client):
    supervisor = account("supervisor", email="kepala@uji.test")
    officer = account("officer", email="petugas.a@uji.test")
    officer.name = "Petugas A"
    build_dataset()
    from portal.models import Complaint

    complaints = db.session.query(Complaint).order_by(Complaint.id).all()
    for complaint in complaints[:10]:  # verified 4 Feb, answered 13 Feb: all on time
        complaint.assigned_to_id = officer.id
    appealed = next(c for c in complaints if c.status == "banding")
    db.session.add(
        ComplaintEvent(
            complaint_id=appealed.id,
            kind="status",
            from_status="selesai",
            to_status="banding",
            acted_by=RESIDENT,
            created_at=utc(2026, 2, 26, 3),
        )
    )
    for complaint in complaints:
        complaint.filer_name = "Keluarga Pelapor"
    db.session.commit()
    sign_in(client, supervisor)
    return supervisor, officer


def _csv(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline=""), delimiter=";"))
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_monthly_indicators_have_the_known_answers(client):
    _supervisor, officer = _setup(client)
    page = parse(client.get("/petugas/laporan?bulan=2026-02"))
    tables = page.select("table.stats")
    assert [t.select_one("caption").get_text(strip=True) for t in tables] == ["Per kecamatan", "Per petugas"]

    def row(table, label):
        found = next(tr for tr in table.select("tr") if tr.select_one("th").get_text(strip=True) == label)
        return [td.get_text(strip=True) for td in found.select("td")]

    # filed 24; verified 24 (19 on time); answered 24 (12 on time); median (9 + 15) / 2; 1 appeal; open now 5
    assert row(tables[0], "Bekasi Timur") == ["24", "24", "79,2%", "24", "50%", "12", "1", "5"]
    assert row(tables[0], "Bekasi Barat") == ["0", "0", "—", "0", "—", "—", "0", "0"]
    assert row(tables[1], "Petugas A") == ["10", "10", "100%", "10", "100%", "9", "0", "0"]
    assert row(tables[1], "Belum ditugaskan") == ["14", "14", "64,3%", "14", "14,3%", "15", "1", "5"]
    assert row(tables[1], "Jumlah") == row(tables[0], "Jumlah") == ["24", "24", "79,2%", "24", "50%", "12", "1", "5"]


def test_indicator_csv_is_audited(client):
    supervisor, _officer = _setup(client)
    header, rows = _csv(client.get("/petugas/laporan/indikator.csv?bulan=2026-02&per=petugas"))
    assert header[:3] == ["kode", "nama", "diterima"]
    by_name = {r["nama"]: r for r in rows}
    assert by_name["Petugas A"]["persen_dijawab_tepat_waktu"] == "100"
    assert by_name["Jumlah"]["median_hari_kerja_menjawab"] == "12"
    assert by_name["Jumlah"]["persen_diperiksa_tepat_waktu"] == "79,2"  # Indonesian decimal comma
    event = db.session.query(AuditEvent).filter_by(action="ekspor", object_id="indikator.csv").one()
    assert event.account_id == supervisor.id and "bulan=2026-02" in event.detail and "per=petugas" in event.detail


def test_case_list_export_uses_the_queue_filters_and_hides_identities(client):
    supervisor, _officer = _setup(client)
    header, rows = _csv(client.get("/petugas/laporan/pengaduan.csv?kategori=terlewat&status=selesai"))
    assert len(rows) == 15 and {r["jenis"] for r in rows} == {"Layak, belum terdaftar"}
    assert {r["status"] for r in rows} == {"Selesai"}
    assert all(r["nik_disamarkan"] == "3275 **** **** 0001" for r in rows)
    assert rows[0]["nama"] == "Nama Pelapor Rahasia" and rows[0]["kecamatan"] == "Bekasi Timur"
    _header, hidden = _csv(client.get("/petugas/laporan/pengaduan.csv?rahasia=1"))
    assert len(hidden) == 5 and all(r["nama"] == "" and r["nik_disamarkan"] == "" for r in hidden)
    _header, everything = _csv(client.get("/petugas/laporan/pengaduan.csv"))
    assert len(everything) == 32
    body = client.get("/petugas/laporan/pengaduan.csv").get_data(as_text=True)
    for secret in ("Keluarga Pelapor", "+6281299998888", "rahasia@contoh.test", "3275010101800001", "Cerita pribadi"):
        assert secret not in body
    assert not any(word in column for column in header for word in ("disabilitas", "telepon", "email", "pelapor"))
    events = (
        db.session.query(AuditEvent).filter_by(action="ekspor", object_id="pengaduan.csv").order_by(AuditEvent.id).all()
    )
    assert len(events) == 4 and all(e.account_id == supervisor.id for e in events)
    assert "kategori=terlewat" in events[0].detail and "status=selesai" in events[0].detail
    assert events[0].detail.endswith("baris=15") and events[1].detail == "rahasia=1 baris=5"


def test_exports_open_in_columns_in_excel_set_to_indonesian(client):
    _setup(client)
    for path in ("/petugas/laporan/pengaduan.csv", "/petugas/laporan/indikator.csv?bulan=2026-02"):
        response = client.get(path)
        raw = response.get_data()
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        text = raw.decode("utf-8-sig")
        assert not text.startswith("sep=")
        lines = text.split("\r\n")
        assert lines[-1] == "" and all("\n" not in line for line in lines)  # CRLF only
        header = lines[0].split(";")
        assert len(header) > 10 and "," not in lines[0]
        assert ".0;" not in text and not any(line.endswith(".0") for line in lines)
    _header, rows = _csv(client.get("/petugas/laporan/pengaduan.csv"))
    words = {r["status"] for r in rows} | {r["jenis"] for r in rows} | {r["kode_penyelesaian"] for r in rows}
    assert "Banding sedang ditinjau" in words and "Selesai" in words and "Layak, belum terdaftar" in words
    assert not words & {"banding", "selesai", "terlewat", "didaftarkan", "data_salah"}  # no codes
    assert all(len(r["diterima"]) == 16 and r["diterima"][10] == " " for r in rows)  # 2026-02-02 09:00


def test_typed_text_cannot_become_a_spreadsheet_formula(client):
    _setup(client)
    from portal.models import Complaint

    first = db.session.query(Complaint).filter_by(confidential=False).first()
    first.subject_name = '=HYPERLINK("http://contoh.test")'
    db.session.commit()
    _header, rows = _csv(client.get(f"/petugas/laporan/pengaduan.csv?q={first.reference}"))
    assert rows[0]["nama"] == '\'=HYPERLINK("http://contoh.test")'


def test_a_nik_search_is_masked_in_the_audit_trail(client):
    _setup(client)
    _header, rows = _csv(client.get("/petugas/laporan/pengaduan.csv?q=3275010101800001"))
    assert len(rows) == 32  # the 5 confidential ones match too but show no NIK
    event = db.session.query(AuditEvent).filter_by(action="ekspor").one()
    assert "3275010101800001" not in event.detail and "q=3275 **** **** 0001" in event.detail


@pytest.mark.parametrize(
    "path", ["/petugas/laporan", "/petugas/laporan/pengaduan.csv", "/petugas/laporan/indikator.csv"]
)
def test_officers_cannot_export(client, path):
    sign_in(client, account("officer"))
    assert client.get(path).status_code == 403
    assert db.session.query(AuditEvent).filter_by(action="ekspor").count() == 0


def test_nav_link_for_supervisors(client):
    _setup(client)
    link = parse(client.get("/petugas/laporan")).select_one("nav a[href='/petugas/laporan']")
    assert link is not None and link.get("aria-current") == "page"


def test_case_list_streams_like_in_production(app, client):
    """The test client runs requests inside the test's app context, which keeps one database
    session alive throughout; a real server does not. A plain client in a fresh thread has no
    context around it, so the streamed CSV is read after the view's context is gone, as there."""
    import threading

    from flask.testing import FlaskClient

    _setup(client)
    cookie = client.get_cookie("session").value
    result = {}

    def download():
        fresh = FlaskClient(app)
        fresh.set_cookie("session", cookie)
        response = fresh.get("/petugas/laporan/pengaduan.csv")
        result["status"], result["body"] = response.status_code, response.get_data(as_text=True)

    worker = threading.Thread(target=download)
    worker.start()
    worker.join()
    assert result["status"] == 200 and result["body"].count("\n") == 33  # header + 32 complaints
