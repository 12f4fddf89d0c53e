"""Admins' and officers' data-entry forms under hostile input (hypothesis, SQLite): accounts, reply
templates, assisted filing for a walk-in resident, and the roster upload."""

import csv
import io
import itertools

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from portal.roster.services.rows import COLUMNS as ROSTER_COLUMNS
from tests.factories import account, roster_row
from tests.helpers import csrf_token, parse
from tests.helpers.hostile import (
    FUZZ,
    NO_RATE_LIMITS,
    assert_handled,
    business_rows,
    field_values,
    fill,
    form_defaults,
    hostile_text,
)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
_serial = itertools.count(1)
ASSISTED = {
    "nik": "3275014703850001",
    "nama": "Siti Aminah",
    "kelurahan": "32.75.01.1001",
    "pelapor": "sendiri",
    "persetujuan": "y",
    "telepon": "0812-3456-7890",
    "saluran": "telepon",
    "uraian": "Datang ke kantor.",
    "kk": "3275010101010001",
    "jalan": "Jl. Melati 3",
    "rt": "003",
    "rw": "005",
    "pekerjaan": "ojek",
}


@pytest.fixture
def app_config():
    return NO_RATE_LIMITS


def _post_page_form(client, page_path: str, action: str, usable: dict, data) -> None:
    page = parse(client.get(page_path))
    sent = data.draw(field_values(fill(form_defaults(page, action), usable)))
    before = business_rows()
    response = client.post(action, data=sent)
    assert_handled(response, rows_before=before)
    event(f"{action} answered {response.status_code}")


@FUZZ
@given(data=st.data())
def test_account_forms_survive_anything(admin_client, data):
    client = admin_client
    usable = {
        "name": "Petugas Uji",
        "email": f"uji{next(_serial)}@bekasikota.go.id",
        "password": "kata-sandi-yang-panjang-1",
        "role": "officer",
    }
    _post_page_form(client, "/petugas/admin/akun/baru", "/petugas/admin/akun/baru", usable, data)
    if not hasattr(client, "_officer_id"):
        client._officer_id = account().id
    edit = f"/petugas/admin/akun/{client._officer_id}"
    _post_page_form(client, edit, edit, {"name": "Petugas Diubah"}, data)
    _post_page_form(
        client,
        edit,
        f"{edit}/kata-sandi",
        {"new": "kata-sandi-baru-yang-panjang", "confirm": "kata-sandi-baru-yang-panjang"},
        data,
    )


@FUZZ
@given(data=st.data())
def test_reply_template_forms_survive_anything(admin_client, data):
    usable = {"title": "Balasan uji", "body": "Terima kasih, pengaduan Anda kami periksa."}
    _post_page_form(admin_client, "/petugas/admin/templat/baru", "/petugas/admin/templat/baru", usable, data)


@FUZZ
@given(data=st.data())
def test_assisted_filing_survives_anything(admin_client, data):
    client = admin_client
    before = business_rows()
    kategori = data.draw(st.one_of(st.sampled_from(["usulan_calon", "terlewat", "pungli"]), hostile_text()))
    bantuan = data.draw(st.one_of(st.just(""), hostile_text()))
    start = client.post(
        "/petugas/pengaduan/baru",
        data={"csrf_token": csrf_token(client, "/petugas/pengaduan/baru"), "kategori": kategori, "bantuan": bantuan},
    )
    assert_handled(start, rows_before=before)
    if start.status_code != 303:
        return
    page = parse(client.get("/petugas/pengaduan/baru/rincian"))
    sent = data.draw(field_values(fill(form_defaults(page, "/petugas/pengaduan/baru/rincian"), ASSISTED)))
    details = client.post("/petugas/pengaduan/baru/rincian", data=sent, content_type="multipart/form-data")
    assert_handled(details, rows_before=before)
    event(f"assisted details answered {details.status_code}")
    if details.status_code == 303:
        check = client.get("/petugas/pengaduan/baru/periksa")
        assert_handled(check)
        if check.status_code == 200:
            filed = client.post(
                "/petugas/pengaduan/baru/periksa",
                data={"csrf_token": csrf_token(client, "/petugas/pengaduan/baru/periksa")},
            )
            assert_handled(filed)
            event(f"assisted filing answered {filed.status_code}")


def roster_file() -> st.SearchStrategy[bytes]:
    """A roster CSV with some cells made hostile, or bytes that are no CSV at all."""

    @st.composite
    def csv_bytes(draw) -> bytes:
        rows = [roster_row() for _ in range(draw(st.integers(1, 3)))]
        for row in rows:
            for column in draw(st.sets(st.sampled_from(ROSTER_COLUMNS), max_size=2)):
                row[column] = draw(hostile_text())
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(ROSTER_COLUMNS)
        writer.writerows([[row[c] for c in ROSTER_COLUMNS] for row in rows])
        return text.getvalue().encode("utf-8")

    return st.one_of(csv_bytes(), st.binary(max_size=300), st.just(b"\xef\xbb\xbf"), st.just(b"nik,nama\n\x00\x00\n"))


@FUZZ
@given(content=roster_file(), filename=st.one_of(st.just("roster.csv"), hostile_text()))
def test_roster_upload_survives_anything(admin_client, content, filename):
    client = admin_client
    before = business_rows()
    response = client.post(
        "/petugas/impor",
        content_type="multipart/form-data",
        data={"csrf_token": csrf_token(client, "/petugas/impor"), "file": (io.BytesIO(content), filename or "x.csv")},
    )
    assert_handled(response, rows_before=before)
    event(f"roster upload answered {response.status_code}")
    assert_handled(client.get("/petugas/impor"))
