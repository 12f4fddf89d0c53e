"""/petugas/impor and /petugas/admin: roster uploads, accounts and reply templates, admins only."""

import csv
import io

import pytest
import sqlalchemy as sa

from portal.core.files import Area
from portal.extensions import db
from portal.models import Account, AuditEvent, BackgroundJob, JobState, Person, ResponseTemplate, RosterImportBatch
from portal.web.settings import file_store
from tests.factories import PASSWORD, account, complaint, roster_csv, roster_row, sign_in
from tests.helpers import csrf_token, parse


@pytest.fixture
def app_config(tmp_path):
    return {
        "ROSTER_REJECTS_DIR": str(tmp_path / "ditolak"),
        "MAX_CONTENT_LENGTH": 4000,
        "ROSTER_UPLOAD_MAX_BYTES": 1_000_000,
    }


@pytest.fixture
def admin(client):
    who = account("admin", totp=True)
    sign_in(client, who)
    return who


def post(client, path, data, *, page=None, **kwargs):
    return client.post(path, data={"csrf_token": csrf_token(client, page or path), **data}, **kwargs)


def upload(client, data: bytes, name="roster.csv"):
    return post(client, "/petugas/impor", {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def actions(object_type):
    return db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.object_type == object_type).order_by(AuditEvent.id)
    ).all()


# Roster imports -----------------------------------------------------------------------------


def test_upload_imports_like_the_cli_and_keeps_the_rejects(client, admin):
    rows = [
        roster_row(),
        roster_row(nik="12345"),
        *(roster_row() for _ in range(40)),
        roster_row(female=True, status="daftar_tunggu", kpj="", mulai="", selesai=""),
    ]
    data = roster_csv(rows).getvalue()
    assert len(data) > 4000  # larger than the app's limit: this route alone allows more
    response = upload(client, data, name="roster-oktober.csv")
    assert response.status_code == 303 and response.headers["Location"].startswith("/petugas/impor/tugas/")
    batch = db.session.scalars(sa.select(RosterImportBatch)).one()  # the queue ran it (immediate in tests)
    assert (batch.rows_read, batch.inserted, batch.rejected) == (43, 42, 1)
    assert batch.imported_by.startswith(admin.email) and len(batch.file_sha256) == 64
    status = parse(client.get(response.headers["Location"]))
    assert status.select_one("h1").get_text() == "Impor roster: roster-oktober.csv"
    assert status.select_one("#import-state[role=status]").get_text(strip=True) == "Selesai."
    figures = {
        dt.get_text(): dd.get_text()
        for dt, dd in zip(status.select("#import-progress dt"), status.select("#import-progress dd"), strict=True)
    }
    assert (figures["Dibaca"], figures["Baru"], figures["Ditolak"]) == ("43", "42", "1")
    assert status.select_one("#import-progress[hx-trigger]") is None  # done: nothing to poll
    fragment = client.get(response.headers["Location"], headers={"HX-Request": "true"})
    assert fragment.status_code == 286 and parse(fragment).select_one("h1") is None
    page = parse(client.get("/petugas/impor"))
    row = page.select_one("main table tbody tr").get_text(" ", strip=True)
    assert "roster-oktober.csv" in row and admin.email in row
    rejects = client.get(page.find("a", href=f"/petugas/impor/{batch.id}/ditolak.csv")["href"])
    assert rejects.status_code == 200 and rejects.mimetype == "text/csv"
    body = rejects.get_data(as_text=True)
    assert body.startswith("\ufeff") and body.endswith("\r\n")  # as the officers' other CSV files
    lines = list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))
    assert lines[0] == ["baris", "jenis", "alasan", "nik", "nama"]
    assert lines[1][:2] == ["3", "ditolak"] and lines[1][3] == "12345"
    assert actions("roster_import") == ["impor_mulai"]
    assert actions("roster_batch") == ["impor", "unduh"]


def test_unreadable_file_is_refused_and_writes_nothing(client, admin, tmp_path):
    response = upload(client, b"nomor,nama\n1,Budi\n")
    assert response.status_code == 400
    assert "Kolom berikut tidak ada di baris judul" in parse(response).select_one(".error-summary").get_text()
    response = upload(client, b"\xff\xfe\x00n\x00i\x00k")
    assert response.status_code == 400 and "bukan teks UTF-8" in parse(response).get_text()
    assert db.session.scalar(sa.select(sa.func.count(RosterImportBatch.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0
    assert actions("roster_batch") == []
    assert not (tmp_path / "ditolak").exists() and file_store(Area.ROSTER_UPLOADS).listing() == []
    assert db.session.scalar(sa.select(sa.func.count(BackgroundJob.id))) == 0  # refused before queueing


def semicolon_csv(rows) -> bytes:
    """The roster as Excel set to Indonesian saves "CSV": a byte order mark, `;`, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(csv.reader(io.StringIO(roster_csv(rows).getvalue().decode())))
    return ("\ufeff" + out.getvalue()).encode()


def test_a_semicolon_separated_file_imports_like_a_comma_separated_one(client, admin):
    data = semicolon_csv([roster_row(nama="Siti, Aminah"), roster_row(nik="12345"), roster_row()])
    response = upload(client, data, name="roster-excel.csv")
    assert response.status_code == 303
    batch = db.session.scalars(sa.select(RosterImportBatch)).one()
    assert (batch.rows_read, batch.inserted, batch.rejected) == (3, 2, 1)
    assert db.session.scalar(sa.select(Person.nama).where(Person.nama.like("Siti%"))) == "Siti, Aminah"
    rejects = client.get(f"/petugas/impor/{batch.id}/ditolak.csv").get_data(as_text=True)
    lines = list(csv.reader(io.StringIO(rejects.removeprefix("\ufeff")), delimiter=";"))
    assert lines[1][:2] == ["3", "ditolak"] and lines[1][3] == "12345"


def test_a_file_that_breaks_further_down_fails_its_import_and_writes_nothing(client, admin, tmp_path):
    data = roster_csv([roster_row(), roster_row()]).getvalue() + b"\xff\xfe broken\n"
    response = upload(client, data)
    assert response.status_code == 303  # the header was fine: the import ran, and failed
    status = parse(client.get(response.headers["Location"]))
    assert status.select_one("#import-state").get_text(strip=True) == "Gagal: tidak ada yang diubah."
    assert "bukan teks UTF-8" in status.select_one(".error-message").get_text()
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0
    assert db.session.scalars(sa.select(BackgroundJob.state)).all() == [JobState.GAGAL]
    assert file_store(Area.ROSTER_UPLOADS).listing() == []  # the upload is not kept


def test_an_upload_without_a_file_says_what_to_do(client, admin):
    response = post(client, "/petugas/impor", {}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Pilih berkas CSV roster" in parse(response).select_one(".error-summary").get_text()


def test_a_clean_import_keeps_no_rejects_file(client, admin):
    assert upload(client, roster_csv([roster_row()]).getvalue()).status_code == 303
    batch = db.session.scalars(sa.select(RosterImportBatch)).one()
    assert client.get(f"/petugas/impor/{batch.id}/ditolak.csv").status_code == 404


def test_only_admins_import_and_only_they_get_the_large_upload_limit(client, app):
    supervisor = account("supervisor")
    sign_in(client, supervisor)
    big = roster_csv([roster_row() for _ in range(40)]).getvalue()
    token = csrf_token(client, "/petugas/warga")
    response = client.post(
        "/petugas/impor",
        data={"csrf_token": token, "file": (io.BytesIO(big), "r.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    small = client.post(
        "/petugas/impor",
        data={"csrf_token": token, "file": (io.BytesIO(b"x"), "r.csv")},
        content_type="multipart/form-data",
    )
    assert small.status_code == 403
    assert client.get("/petugas/impor").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(RosterImportBatch.id))) == 0


# Accounts -----------------------------------------------------------------------------------


def test_create_an_account_that_can_sign_in(client, admin, app):
    response = post(
        client,
        "/petugas/admin/akun/baru",
        {
            "email": "Rina@Bekasikota.go.id",
            "name": "Rina Petugas",
            "role": "officer",
            "kecamatan": ["32.75.02", "32.75.03"],
            "password": "kata-sandi-awal-99",
        },
    )
    assert response.status_code == 303 and response.headers["Location"] == "/petugas/admin/akun"
    made = db.session.scalars(sa.select(Account).where(Account.email == "rina@bekasikota.go.id")).one()
    assert made.kecamatan_codes == ["32.75.02", "32.75.03"]
    listing = parse(client.get("/petugas/admin/akun")).select_one("main table").get_text(" ", strip=True)
    assert "Rina Petugas" in listing and "Bekasi Barat, Bekasi Utara" in listing
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "buat")).one()
    assert (event.object_type, event.object_id, event.account_id) == ("account", str(made.id), admin.id)
    assert "kata-sandi-awal-99" not in event.detail
    rina = app.test_client()
    assert sign_in(rina, made, password="kata-sandi-awal-99").status_code == 303  # noqa: S106


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "pendek"}, "paling sedikit 12 karakter"),
        ({"password": "rina-kata-sandi"}, "tidak boleh memuat nama dari email akunnya"),
        ({"name": ""}, "Tulis nama petugas."),
        ({"role": "raja"}, "Pilih salah satu pilihan"),
        ({"kecamatan": ["99.99.99"]}, "Pilih kecamatan dari daftar."),
    ],
)
def test_account_form_errors_say_what_to_do(client, admin, fields, message):
    data = {
        "email": "rina@bekasikota.go.id",
        "name": "Rina",
        "role": "officer",
        "password": "kata-sandi-awal-99",
        **fields,
    }
    response = post(client, "/petugas/admin/akun/baru", data)
    assert response.status_code == 400
    assert message in parse(response).select_one(".error-summary").get_text()
    assert db.session.scalar(sa.select(sa.func.count(Account.id))) == 1


def test_the_same_email_twice_is_refused(client, admin):
    taken = account(email="ada@uji.test")
    response = post(
        client,
        "/petugas/admin/akun/baru",
        {"email": taken.email, "name": "Lagi", "role": "officer", "scope": "seluruh", "password": "kata-sandi-awal-99"},
    )
    assert response.status_code == 400 and "Sudah ada akun dengan email" in parse(response).get_text()


def test_edit_role_scope_and_deactivate_ends_the_sessions(client, admin, app):
    officer = account(kecamatan=["32.75.01"])
    theirs = app.test_client()
    sign_in(theirs, officer)
    assert theirs.get("/petugas/pengaduan").status_code == 200
    form = parse(client.get(f"/petugas/admin/akun/{officer.id}"))
    assert form.select_one("input[name=kecamatan][value='32.75.01']").has_attr("checked")
    assert form.select_one("input[name=role][value=officer]").has_attr("checked")
    response = post(
        client,
        f"/petugas/admin/akun/{officer.id}",
        {"name": "Petugas Pindah", "role": "supervisor", "kecamatan": ["32.75.04"]},
    )
    assert response.status_code == 303
    db.session.refresh(officer)
    assert (officer.name, officer.role.value, officer.kecamatan_codes, officer.active) == (
        "Petugas Pindah",
        "supervisor",
        ["32.75.04"],
        False,
    )
    assert theirs.get("/petugas/pengaduan").status_code == 302  # signed out at once
    change = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "ubah")).one()
    assert "peran: officer -> supervisor" in change.detail and "aktif: ya -> tidak" in change.detail
    post(
        client,
        f"/petugas/admin/akun/{officer.id}",
        {"name": "Petugas Pindah", "role": "supervisor", "kecamatan": ["32.75.04"], "active": "y"},
    )
    assert theirs.get("/petugas/pengaduan").status_code == 302  # reactivating revives no old session


def test_admins_cannot_lock_themselves_out(client, admin):
    response = post(client, f"/petugas/admin/akun/{admin.id}", {"name": admin.name, "role": "admin"})
    assert response.status_code == 400 and "tidak dapat menonaktifkan akun Anda sendiri" in parse(response).get_text()
    response = post(client, f"/petugas/admin/akun/{admin.id}", {"name": admin.name, "role": "officer", "active": "y"})
    assert response.status_code == 400 and "tidak dapat mengubah peran" in parse(response).get_text()
    db.session.refresh(admin)
    assert admin.active and admin.role.value == "admin"


def test_reset_password_signs_out_everywhere(client, admin, app):
    officer = account()
    theirs = app.test_client()
    sign_in(theirs, officer)
    page = f"/petugas/admin/akun/{officer.id}"
    weak = post(client, f"{page}/kata-sandi", {"new": "pendek", "confirm": "pendek"}, page=page)
    assert weak.status_code == 400
    assert "paling sedikit 12 karakter" in parse(weak).select_one(".error-summary").get_text()
    response = post(
        client, f"{page}/kata-sandi", {"new": "sandi-baru-yang-kuat", "confirm": "sandi-baru-yang-kuat"}, page=page
    )
    assert response.status_code == 303
    assert theirs.get("/petugas/pengaduan").status_code == 302
    assert sign_in(app.test_client(), officer).status_code == 400  # the old password no longer works
    assert sign_in(app.test_client(), officer, password="sandi-baru-yang-kuat").status_code == 303  # noqa: S106
    assert "atur_ulang_kata_sandi" in actions("account")


def test_account_pages_are_for_admins_only(client):
    sign_in(client, account("supervisor"))
    assert client.get("/petugas/admin/akun").status_code == 403
    response = post(
        client,
        "/petugas/admin/akun/baru",
        {"email": "x@uji.test", "name": "X", "role": "admin", "password": PASSWORD},
        page="/petugas/warga",
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Account.id))) == 1


# Reply templates ----------------------------------------------------------------------------


def test_create_edit_and_deactivate_a_template(client, admin, app):
    response = post(
        client,
        "/petugas/admin/templat/baru",
        {
            "title": "Sedang diperiksa",
            "body": "Terima kasih, data Anda kami periksa.",
            "category": "terlewat",
            "status": "",
            "active": "y",
        },
    )
    assert response.status_code == 303
    template = db.session.scalars(sa.select(ResponseTemplate)).one()
    assert (template.category.value, template.status, template.active) == ("terlewat", None, True)
    case, _ = complaint()  # terlewat, diterima
    officer = app.test_client()
    sign_in(officer, account("supervisor"))
    assert "Sedang diperiksa" in parse(officer.get(f"/petugas/pengaduan/{case.reference}")).get_text()

    form = parse(client.get(f"/petugas/admin/templat/{template.id}"))
    assert form.select_one("select[name=category] option[selected]")["value"] == "terlewat"
    response = post(
        client,
        f"/petugas/admin/templat/{template.id}",
        {
            "title": "Sedang diperiksa lagi",
            "body": "Isi baru.",
            "category": "",
            "status": "diverifikasi",
            "active": "y",
        },
    )
    assert response.status_code == 303
    db.session.refresh(template)
    assert (template.title, template.category, template.status.value) == ("Sedang diperiksa lagi", None, "diverifikasi")

    listing = "/petugas/admin/templat"
    assert post(client, f"/petugas/admin/templat/{template.id}/nonaktifkan", {}, page=listing).status_code == 303
    db.session.refresh(template)
    assert template.active is False
    assert "Nonaktif" in parse(client.get(listing)).select_one("main table").get_text()
    assert actions("response_template") == ["buat", "ubah", "nonaktifkan"]


def test_template_form_errors(client, admin):
    response = post(client, "/petugas/admin/templat/baru", {"title": "", "body": "", "category": "x", "status": ""})
    assert response.status_code == 400
    summary = parse(response).select_one(".error-summary").get_text()
    assert "Tulis judul templat." in summary and "Tulis isi templat." in summary and "Pilih salah satu" in summary
    assert db.session.scalar(sa.select(sa.func.count(ResponseTemplate.id))) == 0


def test_admin_navigation(client, admin):
    nav = [a.get_text(strip=True) for a in parse(client.get("/petugas/pengaduan")).select(".site-nav a")]
    for item in ("Warga", "SLA", "Jejak audit", "Impor roster", "Akun petugas", "Templat balasan"):
        assert item in nav
