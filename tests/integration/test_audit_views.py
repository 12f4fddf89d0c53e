"""Every view of personal data is audited, one row per action (issue 16 point 11): the lists,
the queue's NIK search, refusals outside the officer's scope, commands; and the audit page
finds each kind, a help-request reference, and exports what it shows as CSV (audited too)."""

import csv
import io

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent
from tests.factories import account, assistance_request, complaint, person, roster_csv, roster_row, sign_in
from tests.helpers import parse
from tests.helpers.complaints import nik_search

OTHER_KECAMATAN = "32.75.02"  # the factories file everything in 32.75.01


def events(**where) -> list[AuditEvent]:
    query = sa.select(AuditEvent).order_by(AuditEvent.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(db.session.scalars(query))


def rows(response) -> list[list[str]]:
    return [
        [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in parse(response).select("#jejak tbody tr")
        if len(tr.select("td")) > 1
    ]


def test_a_case_page_writes_one_row_that_names_the_person_it_showed(client, app):
    budi = person()
    case, _ = complaint(subject_nik=budi.nik, subject_name=budi.nama)
    officer = account()
    sign_in(client, officer)
    before = len(events())
    assert client.get(f"/petugas/pengaduan/{case.reference}").status_code == 200
    written = events()[before:]
    assert [(e.action, e.object_type, e.object_id, e.person_id) for e in written] == [
        ("lihat", "complaint", str(case.id), budi.id)
    ]
    supervisor = app.test_client()
    sign_in(supervisor, account("supervisor"))
    trail = rows(supervisor.get(f"/petugas/audit?jenis=person&objek={budi.id}"))
    assert [(r[1], r[2]) for r in trail] == [("Officer Uji", "Melihat")]
    assert case.reference in trail[0][3] and f"#{budi.id}" in trail[0][3]


def test_the_help_request_page_writes_one_row(client):
    found, _ = assistance_request()
    sign_in(client, account("supervisor"))
    before = len(events())
    client.get(f"/petugas/bantuan/{found.reference}")
    assert [(e.action, e.object_type) for e in events()[before:]] == [("lihat", "assistance")]


def test_the_lists_and_the_nik_search_are_audited_without_the_nik(client):
    budi = person()
    complaint(subject_nik=budi.nik, subject_name=budi.nama)
    assistance_request()
    officer = account()
    sign_in(client, officer)
    client.get("/petugas/pengaduan?status=terbuka&kecamatan=32.75.01")
    client.get("/petugas/bantuan?ditugaskan=belum")
    assert nik_search(client, budi.nik).status_code == 200
    lists = [e for e in events(account_id=officer.id) if e.action != "masuk"]
    assert [(e.action, e.object_type) for e in lists] == [
        ("lihat_daftar", "complaint"),
        ("lihat_daftar", "assistance"),
        ("lihat_daftar", "complaint"),  # the page the NIK form is on (nik_search opens it first)
        ("cari_nik", "complaint"),
    ]
    assert lists[0].detail == "status=terbuka kecamatan=32.75.01 hasil=1 ditampilkan=1"
    assert lists[1].detail == "ditugaskan=belum hasil=1 ditampilkan=1"
    assert lists[3].person_id == budi.id and lists[3].detail == "hasil=1 ditampilkan=1"
    assert not any(budi.nik in e.detail for e in events())


def test_a_nik_not_in_the_roster_is_searched_and_recorded_as_such(client):
    case, _ = complaint()  # its subject is not in the roster
    officer = account()
    sign_in(client, officer)
    nik_search(client, case.subject_nik)
    searched = events(action="cari_nik")[-1]
    assert searched.person_id is None and searched.detail == "tidak ada di roster hasil=1 ditampilkan=1"


def test_out_of_scope_refusals_are_audited_and_look_like_nothing(client, app):
    budi = person()
    case, _ = complaint(subject_nik=budi.nik, subject_name=budi.nama)
    found, _ = assistance_request()
    elsewhere = account(kecamatan=[OTHER_KECAMATAN])
    sign_in(client, elsewhere)
    for path in (
        f"/petugas/pengaduan/{case.reference}",
        f"/petugas/bantuan/{found.reference}",
        f"/petugas/warga/{budi.id}",
        "/petugas/pengaduan/SGP-2026-999999",  # nothing there: a plain 404, nothing to audit
        "/petugas/warga/999999",
    ):
        assert client.get(path).status_code == 404, path
    refused = events(action="ditolak_di_luar_wilayah")
    assert [(e.object_type, e.object_id, e.account_id) for e in refused] == [
        ("complaint", str(case.id), elsewhere.id),
        ("assistance", str(found.id), elsewhere.id),
        ("person", str(budi.id), elsewhere.id),
    ]
    assert refused[0].detail == f"/petugas/pengaduan/{case.reference}"
    supervisor = app.test_client()
    sign_in(supervisor, account("supervisor"))
    shown = rows(supervisor.get("/petugas/audit?jenis=ditolak"))
    assert [r[2] for r in shown] == ["Ditolak: di luar wilayah"] * 3


def test_a_help_request_reference_finds_its_events(client, app):
    found, _ = assistance_request()
    other, _ = assistance_request()
    officer = account()
    theirs = app.test_client()
    sign_in(theirs, officer)
    theirs.get(f"/petugas/bantuan/{found.reference}")
    theirs.get(f"/petugas/bantuan/{other.reference}")
    sign_in(client, account("supervisor"))
    response = client.get(f"/petugas/audit?objek={found.reference}")
    trail = rows(response)
    assert [(r[1], r[2]) for r in trail] == [("Officer Uji", "Melihat")]
    assert parse(response).select_one(f"#jejak a[href='/petugas/bantuan/{found.reference}']") is not None
    missing = parse(client.get("/petugas/audit?objek=BTN-2026-999999"))
    summary = missing.select_one(".error-summary").get_text()
    assert "Tidak ada permintaan bantuan dengan nomor BTN-2026-999999" in summary


def test_the_kinds_the_page_filters_by(client):
    sign_in(client, account("supervisor"))
    page = parse(client.get("/petugas/audit"))
    kinds = {o["value"]: o.get_text(strip=True) for o in page.select("select#jenis option")}
    assert {"assistance", "letter_batch", "report", "ekspor", "ditolak", "roster_batch"} <= set(kinds)
    client.get("/petugas/laporan/indikator.csv")
    client.get("/petugas/audit.csv")
    exported = rows(client.get("/petugas/audit?jenis=ekspor"))
    assert [(r[2], r[3].split()[0]) for r in exported] == [("Mengekspor", "Jejak"), ("Mengekspor", "Laporan")]


def test_the_trail_as_csv_for_excel_and_the_export_audited(client):
    case, _ = complaint()
    supervisor = account("supervisor")
    sign_in(client, supervisor)
    client.get(f"/petugas/pengaduan/{case.reference}")
    page = parse(client.get(f"/petugas/audit?jenis=complaint&objek={case.reference}"))
    link = page.find("a", string="Unduh jejak ini (CSV)")
    assert link is not None and "jenis=complaint" in link["href"] and f"objek={case.reference}" in link["href"]
    response = client.get(link["href"])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert table[0][:4] == ["Nomor", "Waktu (UTC)", "Petugas", "Tindakan"]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert [(r[2], r[3], r[4], r[6]) for r in table[1:]] == [("Supervisor Uji", "Melihat", "Pengaduan", case.reference)]
    assert len(table[1][11]) == 64  # the row's hash, to compare with a copy kept elsewhere
    assert table[0][12:] == ["Kode tindakan", "Kode jenis objek", "Objek tersimpan", "Keterangan tersimpan"]
    assert table[1][12:14] == ["lihat", "complaint"]  # as stored: the hash covers them
    export = events(object_type="audit", action="ekspor")
    assert [(e.object_id, e.detail) for e in export] == [
        ("jejak-audit.csv", f"jenis=complaint objek={case.id} baris=1")
    ]
    assert client.get("/petugas/audit.csv", query_string={"objek": person().nik}).status_code == 400


def test_officers_cannot_export_the_trail(client):
    sign_in(client, account())
    assert client.get("/petugas/audit.csv").status_code == 403


def test_a_roster_import_from_the_command_line_is_audited(app, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(roster_csv([roster_row()]).getvalue())
    result = app.test_cli_runner().invoke(args=["roster", "import", str(path)])
    assert result.exit_code == 0, result.output
    (imported,) = events(action="impor")
    assert imported.object_type == "roster_batch" and imported.account_id is None
    assert imported.detail.startswith("CLI ") and "roster.csv: 1 dibaca, 1 baru" in imported.detail


def test_a_letter_batch_from_the_command_line_is_audited(app, tmp_path):
    person()
    out = tmp_path / "surat.pdf"
    result = app.test_cli_runner().invoke(
        args=["letters", "batch", "--kelurahan", "32.75.01.1001", "--out", str(out), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    (batch,) = events(action="surat_massal")
    assert batch.object_type == "letter_batch" and batch.account_id is None
    assert batch.detail.startswith("CLI ") and "32.75.01.1001: 1 surat (1 baru" in batch.detail


def test_a_detail_that_looks_like_a_formula_reaches_the_csv_as_text(client):
    """A roster file's name starts its import's detail, and an admin chose that name."""
    from portal.core import trail as audit

    audit.record(
        session=db.session,
        actor=audit.Actor(None),
        action="impor",
        object_type="roster_batch",
        object_id="1",
        detail='=HYPERLINK("http://jahat.example","klik").csv: 1 dibaca',
    )
    db.session.commit()
    sign_in(client, account("supervisor"))
    text = client.get("/petugas/audit.csv?jenis=roster_batch").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))[1:]
    assert [row[8] for row in rows] == ['\'=HYPERLINK("http://jahat.example","klik").csv: 1 dibaca']
    assert [row[15] for row in rows] == ['\'=HYPERLINK("http://jahat.example","klik").csv: 1 dibaca']


def test_listing_the_accounts_at_the_shell_is_audited(app):
    account()
    result = app.test_cli_runner().invoke(args=["users", "list"])
    assert result.exit_code == 0, result.output
    (listed,) = events(action="lihat_daftar", object_type="account")
    assert listed.account_id is None and listed.detail.startswith("CLI ") and listed.detail.endswith(": 1 akun")


def test_objects_are_named_in_words_not_codes(client):
    """An account by its name, a setting by its label, a report by its file, and taking a help
    request is not "taking a complaint"."""
    from portal.core import trail as audit

    admin = account("admin")
    officer = account(kecamatan=["32.75.01"])
    found, _code = assistance_request()
    for action, kind, number in [
        ("nonaktifkan", "account", str(officer.id)),
        ("ubah_pengaturan", "setting", "CUTI_BERSAMA"),
        ("ekspor", "report", "pengaduan.csv"),
        ("ambil", "assistance", str(found.id)),
    ]:
        audit.record(session=db.session, actor=audit.Actor(admin.id), action=action, object_type=kind, object_id=number)
    db.session.commit()
    sign_in(client, admin)
    page = parse(client.get("/petugas/audit"))
    cells = [[" ".join(td.get_text(" ").split()) for td in tr.select("td")] for tr in page.select("#jejak tbody tr")]
    said = {(row[2], row[3].split(" jejak objek ini")[0]) for row in cells}
    assert ("Menonaktifkan", f"Akun petugas {officer.name}") in said
    assert ("Mengubah pengaturan", "Pengaturan program Cuti bersama") in said
    assert ("Mengekspor", "Laporan pengaduan.csv") in said
    assert ("Mengambil permintaan bantuan", f"Permintaan bantuan {found.reference}") in said
    assert not any("#" in row[3] for row in cells if row[2] != "Melihat daftar")


def test_list_views_searches_and_files_are_said_in_words(client):
    """A queue view's filters and counts, a NIK search that found nobody, and a downloaded file
    by the case it belongs to: words on the page and in the CSV's Objek, the codes kept at the end."""
    from portal.complaints.models.complaint import Attachment
    from portal.core import trail as audit

    admin = account("admin")
    case, _code = complaint()
    kept = Attachment(
        complaint_id=case.id,
        original_name="ktp.jpg",
        content_type="image/jpeg",
        size=10,
        storage_key="x",
        sha256="0" * 64,
    )
    db.session.add(kept)
    db.session.flush()
    for action, kind, number, detail in [
        ("lihat_daftar", "complaint", "", "status=terbuka kategori=pungli terlambat=1 hasil=135 ditampilkan=25"),
        ("cari_nik", "complaint", "", "tidak ada di roster hasil=0 ditampilkan=0"),
        ("unduh_lampiran", "attachment", str(kept.id), ""),
    ]:
        audit.record(
            session=db.session,
            actor=audit.Actor(admin.id),
            action=action,
            object_type=kind,
            object_id=number,
            detail=detail,
        )
    db.session.commit()
    sign_in(client, admin)
    page = parse(client.get("/petugas/audit"))
    cells = [[" ".join(td.get_text(" ").split()) for td in tr.select("td")] for tr in page.select("#jejak tbody tr")]
    details = [row[4] for row in cells]
    assert "status: terbuka · kategori: Pungli atau calo · hanya yang terlambat · 135 hasil, 25 ditampilkan" in details
    assert "NIK tidak ada di roster · 0 hasil, 0 ditampilkan" in details
    assert any(row[3].startswith(f"Lampiran #{kept.id} dari {case.reference}") for row in cells)
    text = client.get("/petugas/audit.csv").get_data(as_text=True)
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    downloaded = next(row for row in table if row[12] == "unduh_lampiran")
    assert (downloaded[4], downloaded[5], downloaded[6], downloaded[14]) == (
        "Lampiran",
        str(kept.id),
        case.reference,
        str(kept.id),
    )
    own = next(row for row in table if row[12] == "masuk")
    assert own[5] == admin.name and own[14] == str(admin.id)  # the account by its name, its number kept
