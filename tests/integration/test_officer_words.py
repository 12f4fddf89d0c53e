"""Officer screens speak to officers, in words (issue 16, point 15): the timeline says "dari warga",
assisted filing speaks to the officer about the resident, lists, the audit trail and the account
pages show words instead of codes, and error pages under /petugas keep the officer's layout and
lead back into the workspace."""

from __future__ import annotations

import pytest

from portal.audit.labels import action_label, detail_label
from portal.core import trail
from portal.core.trail import Actor
from portal.extensions import db
from portal.roster.labels import importer_label
from tests.factories import account, complaint, sign_in
from tests.helpers import parse
from tests.helpers.assistance import details as assisted_details
from tests.helpers.assistance import start as start_assisted
from tests.integration.test_officer_cases import act

DETAILS = "/petugas/pengaduan/baru/rincian"


def _text(page) -> str:
    return page.get_text(" ", strip=True)


def test_the_officers_timeline_waits_for_the_resident_not_for_you(client):
    officer = account()
    case, _code = complaint()
    sign_in(client, officer)
    act(client, case, "ambil")
    act(client, case, "verifikasi")
    assert act(client, case, "minta-informasi", message="Mohon kirim foto KK.").status_code == 303
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    lines = [line.get_text(" ", strip=True) for line in page.select("ol.timeline > li strong")]
    assert "Menunggu informasi dari warga" in lines
    assert "Menunggu informasi dari Anda" not in _text(page)


def test_assisted_filing_speaks_to_the_officer_about_the_resident(client):
    sign_in(client, account())
    page = parse(client.get("/petugas/pengaduan/baru"))
    choices = {
        i["value"]: page.select_one(f"label[for={i['id']}]").get_text(strip=True)
        for i in page.select("input[name=kategori]")
    }
    assert choices["data_salah"] == "Data warga salah (nama, NIK, alamat, pekerjaan, atau status)"
    assert choices["informasi"] == "Warga ingin bertanya atau minta informasi"
    assert not any(" saya " in f" {label.casefold()} " for label in choices.values()), choices
    hints = _text(page.select_one("main form"))
    assert "Anda pekerja informal" not in hints and "data Anda" not in hints

    assert start_assisted(client, "data_salah").status_code == 303
    form = parse(client.get(DETAILS)).select_one("main form")
    rahasia = form.select_one("label[for=rahasia]").get_text(strip=True)
    assert rahasia == "Hanya petugas yang menangani dan supervisor yang boleh melihat identitas warga"
    assert "saya" not in rahasia.split()
    assert "Anda" not in _text(form.find(id=form.select_one("#rahasia")["aria-describedby"]))

    refused = assisted_details(client, nama_pelapor="", hubungan="", kk="", jalan="", rt="", rw="", pekerjaan="")
    assert refused.status_code == 400
    errors = [a.get_text(strip=True) for a in parse(refused).select(".error-summary li")]
    assert "Masukkan nama pelapor (keluarga atau pendamping)." in errors
    assert "Tulis hubungan pelapor dengan yang bersangkutan." in errors
    assert not any("Anda" in error for error in errors), errors


def test_an_assisted_pungli_report_asks_about_the_reporter(client):
    sign_in(client, account())
    start_assisted(client, "pungli")
    form = parse(client.get(DETAILS)).select_one("main form")
    headings = [h.get_text(strip=True) for h in form.select("h2")]
    assert "Tentang Anda" not in headings and "Pelapor" in headings
    contact = form.select_one("input[name=identitas][value=kontak]")
    assert form.select_one(f"label[for={contact['id']}]").get_text(strip=True) == "Petugas boleh menghubungi pelapor"
    assert form.select_one("label[for=nama_pelapor]").get_text(strip=True) == "Nama pelapor (tidak wajib)"
    assert "menghubungi Anda" not in _text(form)


def test_the_account_page_names_the_role_and_the_kecamatan(client):
    sign_in(client, account(kecamatan=("32.75.02",)))
    rows = {
        div.dt.get_text(strip=True): div.dd.get_text(strip=True)
        for div in parse(client.get("/petugas/akun")).select("dl.summary > div")
    }
    assert rows["Peran"] == "Petugas"
    assert rows["Wilayah"] == "Kecamatan Bekasi Barat"


def test_the_roster_import_list_names_who_imported_without_codes():
    assert importer_label("admin@bekasikota.go.id (petugas:4)") == "admin@bekasikota.go.id"
    assert importer_label("cli:root") == "baris perintah (root)"
    assert importer_label("demo") == "demo"


def test_the_audit_trail_words_the_known_codes(client):
    supervisor = account("supervisor")
    officer = account(kecamatan=("32.75.01",))
    who = Actor(account_id=supervisor.id, ip="203.0.113.250")
    rows = [
        ("rujuk", "complaint", "dinsos"),
        ("selesai", "complaint", "data_diperbaiki"),
        ("jadwalkan", "assistance_request", f"kunjungan_rumah 2026-12-07 09:30 akun {officer.id}"),
        ("tugaskan", "complaint", f"kepada akun {officer.id}"),
        ("buat", "account", "cli: baru@uji.test peran=officer wilayah=32.75.02"),
        ("ubah", "account", "peran: officer -> supervisor; wilayah: 32.75.01 -> semua; aktif: ya -> tidak"),
        ("catat_kontak", "complaint", "telepon tidak_diangkat"),
        ("rujuk", "complaint", "kode_lama_tak_dikenal"),
    ]
    for action, object_type, detail in rows:
        trail.record(session=db.session, actor=who, action=action, object_type=object_type, object_id=1, detail=detail)
    db.session.commit()
    sign_in(client, supervisor)
    page = parse(client.get("/petugas/audit"))
    shown = [
        (tr.select("td")[2].get_text(strip=True), tr.select("td")[4].get_text(" ", strip=True))
        for tr in page.select("#jejak tbody tr")
    ]
    assert ("Merujuk", "Dinas Sosial") in shown
    assert ("Keputusan: Selesai", "Data diperbaiki") in shown
    assert ("Menjadwalkan", f"Kunjungan ke rumah, Senin, 7 Desember 2026 pukul 09.30, oleh {officer.name}") in shown
    assert ("Menugaskan", f"kepada {officer.name}") in shown
    assert ("Membuat", "cli: baru@uji.test peran: Petugas wilayah: Kecamatan Bekasi Barat") in shown
    assert (
        "Mengubah",
        "peran: Petugas → Supervisor; wilayah: Kecamatan Bekasi Timur → Seluruh Kota Bekasi; aktif → nonaktif",
    ) in shown
    assert ("Mencatat kontak", "Telepon — tidak diangkat atau tidak dibalas") in shown
    assert ("Merujuk", "Kode lama tak dikenal") in shown  # agency_label's fallback: still words, never lost
    ip_cell = page.select_one("#jejak tbody tr td:last-child")
    assert "nowrap" in ip_cell["class"]


def test_unknown_codes_are_shown_as_stored(app):
    with app.test_request_context():
        assert detail_label("catat_hasil", "hasil_baru_dari_masa_depan", {}) == "hasil_baru_dari_masa_depan"
        assert detail_label("jadwalkan", "kunjungan_rumah besok", {}) == "kunjungan_rumah besok"
        assert action_label("tindakan_baru") == "tindakan baru"


def _workspace_error(page, heading: str) -> None:
    assert page.select_one("h1").get_text(strip=True) == heading
    assert page.select_one("nav.site-nav[aria-label='Menu petugas']") is not None
    links = [a["href"] for a in page.select("#pesan-kesalahan a")]
    assert "/petugas/" in links
    assert "/" not in links  # never the public home


@pytest.mark.parametrize(
    ("method", "path", "status", "heading"),
    [
        ("get", "/petugas/tidak-ada", 404, "Halaman tidak ditemukan"),
        ("get", "/petugas/pengaduan/SGP-2026-999999", 404, "Halaman tidak ditemukan"),
        ("get", "/petugas/keluar", 405, "Cara membuka halaman ini tidak didukung"),
        ("get", "/petugas/admin/akun", 403, "Tidak diizinkan"),
    ],
)
def test_officer_error_pages_stay_in_the_workspace(client, method, path, status, heading):
    sign_in(client, account())
    response = getattr(client, method)(path)
    assert response.status_code == status
    _workspace_error(parse(response), heading)


def test_a_refused_post_offers_the_page_it_came_from_not_its_post_address(client):
    sign_in(client, account())
    came_from = "/petugas/pengaduan/SGP-2026-000001?status=terbuka"
    response = client.post("/petugas/", headers={"Referer": f"http://localhost{came_from}"})
    assert response.status_code == 405
    page = parse(response)
    _workspace_error(page, "Cara membuka halaman ini tidak didukung")
    assert [a["href"] for a in page.select("#pesan-kesalahan a")] == [came_from, "/petugas/"]
    elsewhere = client.post("/petugas/", headers={"Referer": "https://elsewhere.example/petugas/"})
    assert [a["href"] for a in parse(elsewhere).select("#pesan-kesalahan a")] == ["/petugas/"]


@pytest.mark.parametrize("code", [409, 429])
def test_the_generic_conflict_and_limit_pages_of_officers_lead_to_the_workspace(app, code):
    from portal.web.errors import render_error

    with app.test_request_context("/petugas/pengaduan/SGP-2026-000001/aksi/balas", method="POST"):
        page = parse(render_error(code))
    assert [a["href"] for a in page.select("#pesan-kesalahan a")] == ["/petugas/"]


def test_the_public_error_page_is_unchanged(client):
    page = parse(client.get("/tidak-ada"))
    assert page.select_one("nav.site-nav[aria-label='Menu petugas']") is None
    assert [a["href"] for a in page.select("#pesan-kesalahan a")] == ["/"]
