"""Residents' text is shown to officers as text (stored XSS), and CSV files officers open in a
spreadsheet carry no formulas from it (CSV injection). Residents file through the real forms."""

import csv
import io

from bs4 import BeautifulSoup

from tests.factories import account, roster_csv, roster_row, sign_in
from tests.helpers import csrf_token, parse
from tests.helpers.hostile import assert_handled, assert_no_injected_markup

SCRIPT = "<script>alert('sigap')</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://jahat.example","klik")'


def file_complaint(client) -> str:
    client.post("/pengaduan/baru", data={"csrf_token": csrf_token(client, "/pengaduan/baru"), "kategori": "terlewat"})
    details = client.post(
        "/pengaduan/baru/rincian",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(client, "/pengaduan/baru/rincian"),
            "nik": "3275014703850001",
            "nama": FORMULA,
            "kelurahan": "32.75.01.1001",
            "pelapor": "keluarga",
            "nama_pelapor": IMAGE,
            "hubungan": SCRIPT[:100],
            "persetujuan": "y",
            "telepon": "0812-3456-7890",
            "saluran": "whatsapp",
            "email": '"><svg/onload=alert(1)>@contoh.id',
            "uraian": SCRIPT + IMAGE,
        },
    )
    assert details.status_code == 303, parse(details).select_one(".error-summary")
    assert_handled(client.get("/pengaduan/baru/periksa"))
    filed = client.post("/pengaduan/baru/periksa", data={"csrf_token": csrf_token(client, "/pengaduan/baru/periksa")})
    assert filed.headers["Location"] == "/pengaduan/terkirim"
    page = parse(client.get("/pengaduan/terkirim"))
    assert_no_injected_markup(page)
    return page.select(".panel-code")[0].get_text(strip=True)


def ask_for_help(client) -> None:
    response = client.post(
        "/bantuan",
        data={
            "csrf_token": csrf_token(client, "/bantuan"),
            "pemohon": "pendamping",
            "nama": SCRIPT,
            "nama_pemohon": IMAGE,
            "hubungan": "pendamping",
            "persetujuan": "y",
            "bantuan": "kunjungan_rumah",
            "keperluan": "cek_status",
            "uraian": SCRIPT,
            "telepon": "0812-3456-7890",
            "saluran": "telepon",
            "catatan_waktu": IMAGE,
            "kecamatan": "32.75.01",
            "kelurahan": "32.75.01.1001",
            "jalan": FORMULA,
            "rt": "003",
            "rw": "005",
            "disabilitas": "fisik",
            "kebutuhan": SCRIPT,
            "persetujuan_disabilitas": "y",
        },
    )
    assert response.status_code == 303, parse(response).select_one(".error-summary")
    assert_handled(client.get("/bantuan/periksa"))
    sent = client.post("/bantuan/periksa", data={"csrf_token": csrf_token(client, "/bantuan/periksa")})
    assert sent.headers["Location"] == "/bantuan/terkirim"
    assert_handled(client.get("/bantuan/terkirim"))


def assert_shown_as_text(response, *texts) -> BeautifulSoup:
    page = assert_handled(response)
    shown = page.get_text(" ")
    for text in texts:
        assert text in shown, text[:30]
    return page


def test_residents_text_reaches_officer_pages_as_text(app, client):
    reference = file_complaint(client)
    ask_for_help(app.test_client())
    officer = app.test_client()
    sign_in(officer, account("supervisor"))
    assert_shown_as_text(officer.get("/petugas/pengaduan"), FORMULA)
    assert_shown_as_text(officer.get(f"/petugas/pengaduan/{reference}"), FORMULA, SCRIPT + IMAGE)
    assert_shown_as_text(officer.get("/petugas/bantuan"), SCRIPT)
    help_reference = "BTN-" + reference.split("-", 1)[1]
    assert_shown_as_text(officer.get(f"/petugas/bantuan/{help_reference}"), SCRIPT, IMAGE, FORMULA)
    for path in ("/petugas/sla", "/petugas/audit", "/petugas/laporan", "/statistik"):
        assert_handled(officer.get(path))


def test_exports_carry_no_formula_from_residents(app, client):
    file_complaint(client)
    officer = app.test_client()
    sign_in(officer, account("supervisor"))
    exported = officer.get("/petugas/laporan/pengaduan.csv")
    assert exported.status_code == 200
    text = exported.get_data(as_text=True).removeprefix("\ufeff")  # Excel's BOM, ';' for an Indonesian Excel
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells


def test_rejected_roster_rows_are_kept_without_formulas(app, client):
    sign_in(client, account("admin", totp=True))
    bad = roster_row(nama="=cmd|' /C calc'!A0", status="entah")
    client.post(
        "/petugas/impor",
        content_type="multipart/form-data",
        data={"csrf_token": csrf_token(client, "/petugas/impor"), "file": (roster_csv([bad]), "roster.csv")},
    )
    link = parse(client.get("/petugas/impor")).select_one("a[href$='ditolak.csv']")
    rejects = client.get(link["href"])
    rows = list(csv.reader(io.StringIO(rejects.get_data(as_text=True).removeprefix("\ufeff")), delimiter=";"))
    assert rows[1][4] == "'=cmd|' /C calc'!A0"
