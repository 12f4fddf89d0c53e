"""The hostile inputs the fuzzers found, pinned down on SQLite and PostgreSQL (where most of them were
500s): NUL characters, numbers too big for an id column, digits that are not ASCII, and roster
files carrying either."""

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Person
from tests.factories import account, complaint, roster_csv, roster_row, sign_in
from tests.helpers import csrf_token, parse
from tests.helpers.hostile import NO_RATE_LIMITS, assert_handled, business_rows, clear_message

BIG = "9" * 30  # past every integer column, and past SQLite's 64-bit integers
NOT_ASCII = ["²", "٣", "１", "1" * 5000]


@pytest.fixture
def app_config():
    return NO_RATE_LIMITS


@pytest.fixture
def admin(client):
    sign_in(client, account("admin", totp=True))
    return client


def assert_plain_400(response) -> None:
    assert response.status_code == 400
    assert "Isian yang dikirim tidak lengkap atau tidak sesuai." in clear_message(parse(response))
    assert_handled(response)


def test_a_nul_character_anywhere_is_a_plain_400(client):
    forms = {
        "/cek-status": {"nik": "3275010101900001", "nama": "Bu\x00di"},
        "/pengaduan/lacak": {"nomor": "SGP-2026-000001\x00", "kode": "AAAA-AAAA"},
        "/petugas/masuk": {"email": "a\x00@b.test", "password": "x"},
        "/bantuan": {"nama": "\x00"},
        "/pengaduan/baru": {"kategori": "terlewat", "nama": "x\x00"},
    }
    before = business_rows()
    for path, data in forms.items():
        assert_plain_400(client.post(path, data={"csrf_token": csrf_token(client), **data}))
        assert_plain_400(
            client.post(path, data={"csrf_token": csrf_token(client), **data}, content_type="multipart/form-data")
        )
    for path in ("/verifikasi?kode=AB%00", "/?lang=%00", "/verifikasi/AB%00CD", "/statistik?x=%00"):
        assert_plain_400(client.get(path))
    for path in (
        "/open311/v2/requests.json?service_code=%00",
        "/open311/v2/requests.json?service_request_id=%00",
        "/open311/v2/requests/SGP%00.json",
    ):
        response = client.get(path)  # the API checks its parameters itself and answers in JSON
        assert response.status_code in (200, 400, 404) and isinstance(response.get_json(), list)
    assert business_rows() == before


def test_a_nul_character_in_officer_filters_and_paths_is_a_plain_400(admin):
    complaint()
    for path in (
        "/petugas/pengaduan?q=%00",
        "/petugas/warga?q=a%00b",
        "/petugas/audit?objek=%00",
        "/petugas/bantuan?q=%00",
        "/petugas/pengaduan/SGP-2026-000001%00",
        "/petugas/laporan/pengaduan.csv?q=%00",
        "/petugas/pengaduan/baru?bantuan=%00",
    ):
        assert_plain_400(admin.get(path))


def test_a_nul_character_in_an_uploaded_file_name_is_a_plain_400(admin):
    before = business_rows()
    response = admin.post(
        "/petugas/impor",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(admin, "/petugas/impor"),
            "file": (roster_csv([roster_row()]), "roster\x00.csv"),
        },
    )
    assert_plain_400(response)
    assert business_rows() == before


def test_ids_past_the_column_range_are_not_found(admin):
    for path in (
        f"/petugas/lampiran/{BIG}",
        f"/petugas/warga/{BIG}",
        f"/petugas/admin/akun/{BIG}",
        f"/petugas/admin/templat/{BIG}",
        f"/petugas/impor/{BIG}/ditolak.csv",
        "/petugas/lampiran/2147483648",
    ):
        response = admin.get(path)
        assert response.status_code == 404, path
        assert_handled(response)
    admin.post("/pengaduan/baru", data={"csrf_token": csrf_token(admin, "/pengaduan/baru"), "kategori": "informasi"})
    removed = admin.post(f"/pengaduan/baru/lampiran/{BIG}/hapus", data={"csrf_token": csrf_token(admin)})
    assert removed.status_code == 404


@pytest.mark.parametrize("number", NOT_ASCII + [BIG])
def test_numbers_officers_send_are_read_as_ascii_digits_only(admin, number):
    case, _ = complaint()
    for path in (
        f"/petugas/audit?petugas={number}",
        f"/petugas/audit?sebelum={number}",
        f"/petugas/warga?q=budi&hal={number}",
        f"/petugas/bantuan?hal={number}",
        f"/petugas/pengaduan/{case.reference}?templat={number}",
    ):
        response = admin.get(path)
        assert response.status_code == 200, path
        assert_handled(response)
    token = csrf_token(admin, "/petugas/akun")
    before = business_rows()
    for action, data in (
        ("catatan", {"version": number, "message": "Catatan."}),
        ("tugaskan", {"version": str(case.version), "assignee": number}),
    ):
        response = admin.post(f"/petugas/pengaduan/{case.reference}/aksi/{action}", data={"csrf_token": token, **data})
        assert response.status_code in (400, 409), (action, response.status_code)
        assert_handled(response, rows_before=before)


@pytest.mark.parametrize("query", ["hal=²", "ditugaskan=²"])
def test_the_queue_reads_its_numbers_as_ascii_digits_only(admin, query):
    for path in ("/petugas/pengaduan", "/petugas/laporan/pengaduan.csv"):
        assert admin.get(f"{path}?{query}").status_code == 200


@pytest.mark.parametrize(
    "column, value",
    [
        ("nama", "Bud\x00i"),
        ("pekerjaan", "oj\x00ek"),
        ("desil", "²"),
        ("desil", "9" * 5000),
        ("kpj", "²" * 11),
        ("desil", "0010"),
    ],
)
def test_a_roster_row_with_a_nul_or_odd_digits_is_rejected_alone(admin, column, value):
    bad, good = roster_row(**{column: value}), roster_row()
    response = admin.post(
        "/petugas/impor",
        content_type="multipart/form-data",
        data={"csrf_token": csrf_token(admin, "/petugas/impor"), "file": (roster_csv([bad, good]), "roster.csv")},
    )
    assert response.status_code == 303
    stored = set(db.session.scalars(sa.select(Person.nik)))
    if value == "0010":  # leading zeros are still a number
        assert stored == {bad["nik"], good["nik"]}
        assert db.session.scalars(sa.select(Person.desil).where(Person.nik == bad["nik"])).one() == 10
    else:
        assert stored == {good["nik"]}


def test_roster_cli_rejects_a_nul_row_and_keeps_the_rest(app, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(roster_csv([roster_row(nama="Nul\x00Nama"), roster_row()]).getvalue())
    result = app.test_cli_runner().invoke(args=["roster", "import", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    rejects = (tmp_path / "roster.rejects.csv").read_text(encoding="utf-8")
    assert "NUL" in rejects


@pytest.mark.parametrize("field, value", [("rt", "²²²"), ("rw", "١٢")])
def test_rt_and_rw_are_ascii_digits(client, field, value):
    page = parse(client.get("/bantuan"))
    assert page.select_one(f"input[name={field}]") is not None
    response = client.post("/bantuan", data={"csrf_token": csrf_token(client, "/bantuan"), field: value})
    assert response.status_code == 400
    assert parse(response).select_one(f"#{field}-error") is not None


def test_a_kk_number_in_other_digits_is_refused_in_assisted_filing(admin):
    admin.post(
        "/petugas/pengaduan/baru",
        data={"csrf_token": csrf_token(admin, "/petugas/pengaduan/baru"), "kategori": "usulan_calon"},
    )
    response = admin.post(
        "/petugas/pengaduan/baru/rincian",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(admin, "/petugas/pengaduan/baru/rincian"),
            "kk": "３２７５０１０１０１０１０００１",
            "rt": "²",
            "nama": "Budi",
        },
    )
    assert response.status_code == 400
    page = parse(response)
    assert page.select_one("#kk-error") is not None and page.select_one("#rt-error") is not None
