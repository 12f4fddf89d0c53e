"""Residents' forms under hostile input (hypothesis, SQLite): never a 500, a refusal explains itself in
the error summary and writes nothing, and whatever was typed is shown back as text."""

from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import event, given
from hypothesis import strategies as st

from portal.core.trail import ActedBy
from portal.extensions import db
from portal.models import Complaint
from tests.factories import account, complaint, make_nik, person
from tests.helpers import csrf_token, parse
from tests.helpers.hostile import (
    FUZZ,
    NIK_LIKE,
    NO_RATE_LIMITS,
    assert_handled,
    business_rows,
    field_values,
    fill,
    form_defaults,
    hostile_text,
)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

COMPLAINT_DETAILS = {
    "nik": "3275014703850001",
    "nama": "Siti Aminah",
    "kelurahan": "32.75.01.1001",
    "pelapor": "sendiri",
    "telepon": "0812-3456-7890",
    "saluran": "whatsapp",
    "uraian": "Saya pedagang, desil 2, tetapi tidak terdaftar.",
}
HELP_REQUEST = {
    "pemohon": "sendiri",
    "nama": "Ibu Sari",
    "bantuan": "kunjungan_rumah",
    "keperluan": "cek_status",
    "telepon": "0812-3456-7890",
    "saluran": "telepon",
    "kecamatan": "32.75.01",
    "kelurahan": "32.75.01.1001",
    "jalan": "Jl. Melati 3",
    "rt": "003",
    "rw": "005",
}


@pytest.fixture
def app_config():
    return NO_RATE_LIMITS


def nik_or_hostile() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(NIK_LIKE), st.from_regex(r"[0-9 .\-]{0,24}", fullmatch=True), hostile_text())


@FUZZ
@given(nik=nik_or_hostile(), nama=st.one_of(st.just("Budi Santoso"), hostile_text()))
def test_status_check_survives_any_nik_and_name(client, nik, nama):
    before = business_rows()
    response = client.post("/cek-status", data={"csrf_token": csrf_token(client), "nik": nik, "nama": nama})
    page = assert_handled(response, rows_before=before)
    assert response.status_code in (200, 400, 429)
    if response.status_code == 200:  # a real check: one answer, the same for unknown NIK and wrong name
        assert page.select_one("section.result") is not None
    feedback = client.post("/cek-status/nik", data={"csrf_token": csrf_token(client), "nik": nik})
    assert_handled(feedback, rows_before=before)


@FUZZ
@given(
    nomor=st.one_of(st.just("SGP-2026-000001"), st.just("BTN-2026-000001"), hostile_text()),
    kode=st.one_of(st.just("ABCD-EFGH"), hostile_text()),
)
def test_tracking_survives_any_reference_and_code(client, nomor, kode):
    before = business_rows()
    response = client.post(
        "/pengaduan/lacak", data={"csrf_token": csrf_token(client, "/pengaduan/lacak"), "nomor": nomor, "kode": kode}
    )
    assert_handled(response, rows_before=before)
    assert response.status_code in (400, 404, 429)  # no complaint exists: nothing can match


@FUZZ
@given(code=hostile_text())
def test_letter_verification_survives_any_code(client, code):
    looked_up = client.get("/verifikasi", query_string={"kode": code})
    assert_handled(looked_up)
    assert looked_up.status_code in (303, 400)
    if code:
        opened = client.get("/verifikasi/" + quote(code, safe=""))
        assert_handled(opened)
        assert opened.status_code in (400, 404)


@FUZZ
@given(data=st.data())
def test_complaint_filing_survives_any_details(client, data):
    kategori = data.draw(st.one_of(st.sampled_from(["terlewat", "data_salah", "informasi", "pungli"]), hostile_text()))
    prefill = data.draw(st.fixed_dictionaries({}, optional={"nik": hostile_text(), "nama": hostile_text()}))
    before = business_rows()
    start = client.post(
        "/pengaduan/baru", data={"csrf_token": csrf_token(client, "/pengaduan/baru"), "kategori": kategori, **prefill}
    )
    assert_handled(start, rows_before=before)
    if start.status_code != 303:
        return
    page = parse(client.get("/pengaduan/baru/rincian"))
    usable = fill(form_defaults(page, "/pengaduan/baru/rincian"), COMPLAINT_DETAILS)
    sent = data.draw(field_values(usable))
    details = client.post("/pengaduan/baru/rincian", data=sent, content_type="multipart/form-data")
    assert_handled(details, rows_before=before)
    event(f"details step answered {details.status_code}")
    if details.status_code != 303:
        return
    check = client.get("/pengaduan/baru/periksa")
    assert_handled(check)
    if check.status_code != 200:
        return  # the stored draft no longer passes: back to the details step, nothing filed
    filed = client.post("/pengaduan/baru/periksa", data={"csrf_token": csrf_token(client, "/pengaduan/baru/periksa")})
    assert_handled(filed)
    event(f"filing answered {filed.status_code} {filed.headers.get('Location')}")
    if filed.headers.get("Location") == "/pengaduan/terkirim":
        assert_handled(client.get("/pengaduan/terkirim"))
        stored = db.session.scalars(sa.select(Complaint).order_by(Complaint.id.desc())).first()
        assert stored.subject_name == sent["nama"].strip()


@FUZZ
@given(data=st.data())
def test_assistance_request_survives_any_answers(client, data):
    page = parse(client.get("/bantuan"))
    usable = fill(form_defaults(page, "/bantuan"), HELP_REQUEST)
    before = business_rows()
    response = client.post("/bantuan", data=data.draw(field_values(usable)))
    assert_handled(response, rows_before=before)
    event(f"help request answered {response.status_code}")
    if response.status_code == 303:
        assert_handled(client.get("/bantuan/periksa"))


@FUZZ
@given(jawaban=hostile_text(), penilaian=st.one_of(st.sampled_from(["puas", "belum_puas"]), hostile_text()))
def test_answers_and_ratings_from_the_tracking_page_survive_anything(client, jawaban, penilaian):
    from portal.complaints.services.lifecycle import Actor, transition
    from portal.core.workdays import WorkCalendar
    from portal.models import ComplaintStatus

    if not hasattr(client, "_case"):  # one case per test run, asked for more information
        case, code = complaint(subject_nik=make_nik())
        transition(
            session=db.session,
            complaint=case,
            target=ComplaintStatus.MENUNGGU_INFORMASI,
            actor=Actor.PETUGAS,
            acted_by=ActedBy.officer(account().id),
            message="Kirim foto KK.",
            calendar=WorkCalendar(),
        )
        db.session.commit()
        client._case = (case.reference, code)
    reference, code = client._case
    client.post(
        "/pengaduan/lacak",
        data={"csrf_token": csrf_token(client, "/pengaduan/lacak"), "nomor": reference, "kode": code},
    )
    token = csrf_token(client, "/pengaduan/lacak")  # one token per session, whatever the page
    before = business_rows()
    answered = client.post(
        "/pengaduan/lacak/kasus/jawab",
        data={"csrf_token": token, "jawaban": jawaban},
        content_type="multipart/form-data",
    )
    assert_handled(answered, rows_before=before if answered.status_code >= 400 else None)
    event(f"answer answered {answered.status_code}")
    rated = client.post("/pengaduan/lacak/kasus/nilai", data={"csrf_token": token, "penilaian": penilaian})
    assert_handled(rated)


@FUZZ
@given(bentuk=st.one_of(st.sampled_from(["pdf", "html"]), hostile_text()))
def test_letter_request_survives_any_choice(client, bentuk):
    if not hasattr(client, "_checked"):
        someone = person()
        client.post("/cek-status", data={"csrf_token": csrf_token(client), "nik": someone.nik, "nama": someone.nama})
        client._checked = True
    response = client.post("/surat", data={"csrf_token": csrf_token(client, "/cek-status"), "bentuk": bentuk})
    assert_handled(response)
    assert response.status_code in (303, 400, 403, 404)  # 400: a NUL character
