import logging
import os
from datetime import date

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import CheckOutcome, StatusCheckLog
from tests.factories import person
from tests.helpers import csrf_token, parse


def check(client, nik, nama, headers=None):
    token = csrf_token(client)
    return client.post("/cek-status", data={"csrf_token": token, "nik": nik, "nama": nama}, headers=headers or {})


def result(response):
    return parse(response).select_one("section.result")


@pytest.mark.parametrize(
    ("status", "alasan", "heading", "next_step"),
    [
        ("aktif", None, "Aktif — Anda terlindungi", "175"),
        ("proses", None, "Sedang didaftarkan", "sedang didaftarkan"),
        ("daftar_tunggu", None, "Daftar tunggu", "kuota"),
        ("tidak_memenuhi_syarat", "bukan_dtsen", "Tidak memenuhi syarat", "minta pemutakhiran"),
        ("tidak_memenuhi_syarat", "desil_di_atas_5", "Tidak memenuhi syarat", "DTSEN"),
        ("tidak_memenuhi_syarat", "bukan_warga_kota_bekasi", "Tidak memenuhi syarat", "Disdukcapil"),
        ("tidak_memenuhi_syarat", "sudah_peserta_lain", "Tidak memenuhi syarat", "kepesertaan lain"),
        ("nonaktif", "meninggal", "Tidak aktif", "Rp 42 juta"),
        ("nonaktif", "pindah", "Tidak aktif", "Disdukcapil"),
    ],
)
def test_every_status_gets_its_answer_and_next_step(client, status, alasan, heading, next_step):
    enrolled = status == "aktif" or alasan == "meninggal"
    someone = person(
        nama="Hj. Siti Ma'rifah",
        female=True,
        status=status,
        alasan=alasan,
        kpj="25000000123" if enrolled else None,
        mulai=date(2025, 11, 1) if enrolled else None,
        selesai=date(2026, 12, 31) if enrolled else None,
    )
    response = check(client, someone.nik, "siti marifah")
    assert response.status_code == 200
    section = result(response)
    assert section.select_one("h2").get_text(strip=True) == heading
    text = section.get_text(" ", strip=True)
    assert next_step in text
    assert "S*** M******" in text
    assert "1 Oktober 2026" in text  # the date of the data
    page = parse(response)
    assert someone.nik not in page.get_text()
    # Only the complaint button carries back what was just typed, in a hidden field of a POST form.
    carriers = [i for i in page.select("input") if i.get("value") == someone.nik]
    assert all(i["type"] == "hidden" and i.find_parent("form")["method"] == "post" for i in carriers)
    assert "Ma'rifah" not in text
    if enrolled:
        assert "*******0123" in text and "31 Desember 2026" in text


def test_unknown_nik_and_wrong_name_give_the_same_answer(client):
    someone = person()
    unknown = result(check(client, "3275010101900001", "Budi Santoso"))
    wrong_name = result(check(client, someone.nik, "Budi Santoso X"))
    for section in (unknown, wrong_name):
        for field in section.select("input[name=nik], input[name=nama], input[name=csrf_token]"):
            field.decompose()  # what the resident typed is echoed back, the rest must be equal
    assert unknown is not None and str(unknown) == str(wrong_name)
    assert "Data tidak ditemukan" in unknown.get_text()


def test_a_found_answer_stands_alone_and_a_failed_one_keeps_the_form_as_typed(client):
    someone = person()
    found = parse(check(client, someone.nik, "budi santoso"))
    assert found.select_one("#cek-status input#nik") is None  # no NIK field left on the screen
    again = found.select_one("#cek-status a.button[href='/cek-status']")
    assert again is not None and again.get_text(strip=True) == "Cek NIK lain"

    failed = parse(check(client, "3275010101900001", "Budi Santosa"))
    assert failed.select_one("#cek-status input#nik")["value"] == "3275010101900001"
    assert failed.select_one("#cek-status input#nama")["value"] == "Budi Santosa"
    assert failed.select_one("#cek-status h2.again").get_text(strip=True) == "Periksa lagi NIK dan nama Anda"


@pytest.mark.parametrize(("status", "category"), [("daftar_tunggu", "terlewat"), ("aktif", "masalah_kartu_klaim")])
def test_a_result_offers_the_matching_complaint_prefilled(client, status, category):
    someone = person(status=status, **({} if status == "aktif" else {"kpj": None, "mulai": None, "selesai": None}))
    form = result(check(client, someone.nik, "Budi Santoso")).select_one("form")
    assert form["action"] == "/pengaduan/baru" and form["method"] == "post"
    values = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    assert values["kategori"] == category and values["nik"] == someone.nik
    response = client.post("/pengaduan/baru", data=values)
    assert response.headers["Location"] == "/pengaduan/baru/rincian"
    assert parse(client.get("/pengaduan/baru/rincian")).select_one("input#nik")["value"] == someone.nik


def test_every_check_is_logged_with_the_nik_as_hmac(client, caplog):
    someone = person()
    caplog.set_level(logging.DEBUG)
    check(client, someone.nik, "Budi Santoso")
    check(client, someone.nik, "Orang Lain")
    logs = db.session.scalars(sa.select(StatusCheckLog).order_by(StatusCheckLog.id)).all()
    assert [log.outcome for log in logs] == [CheckOutcome.FOUND, CheckOutcome.NO_MATCH]
    assert logs[0].nik_hmac == logs[1].nik_hmac != someone.nik
    assert len(logs[0].nik_hmac) == 64
    assert someone.nik not in caplog.text


def test_the_session_cookie_never_holds_the_nik(client, app):
    someone = person()
    check(client, someone.nik, "Budi Santoso")
    cookie = client.get_cookie("session")
    serializer = app.session_interface.get_signing_serializer(app)
    data = serializer.loads(cookie.value)
    assert data["checked_person"] == someone.id
    assert someone.nik not in repr(data)


class TestLockout:
    def test_five_failures_lock_the_nik_even_for_the_right_name(self, client):
        someone = person()
        for _ in range(5):
            assert check(client, someone.nik, "Salah Nama").status_code == 200
        locked = check(client, someone.nik, "Budi Santoso")
        assert locked.status_code == 429
        assert int(locked.headers["Retry-After"]) > 14 * 60
        assert "Terlalu banyak percobaan untuk NIK ini" in parse(locked).get_text()

    def test_an_unknown_nik_locks_the_same_way(self, client):
        for _ in range(5):
            check(client, "3275010101900001", "Siapa Saja")
        assert check(client, "3275010101900001", "Siapa Saja").status_code == 429

    def test_a_success_resets_the_count(self, client):
        someone = person()
        for _ in range(4):
            check(client, someone.nik, "Salah Nama")
        heading = result(check(client, someone.nik, "Budi Santoso")).select_one("h2")
        assert heading.get_text(strip=True).startswith("Aktif")
        for _ in range(4):
            check(client, someone.nik, "Salah Nama")
        assert check(client, someone.nik, "Budi Santoso").status_code == 200


class TestBadInput:
    @pytest.mark.parametrize(
        ("nik", "nama", "messages"),
        [
            ("", "", ["Masukkan NIK 16 angka.", "Masukkan nama lengkap seperti tertulis di KTP."]),
            ("3275 0107 0385", "Budi", ["NIK harus 16 angka; Anda mengetik 12."]),
            ("3275010703850000", "Budi", ["Empat angka terakhir NIK tidak boleh 0000."]),
            ("3275019903850012", "Budi", ["harus tanggal lahir yang benar"]),
            ("3275010703850012", "x" * 10_000, ["Nama terlalu panjang"]),
            ("<script>alert(1)</script>", "'; DROP TABLE person; --", ["NIK hanya berisi angka"]),
        ],
    )
    def test_errors_are_specific_linked_and_4xx(self, client, nik, nama, messages):
        response = check(client, nik, nama)
        assert response.status_code == 400
        page = parse(response)
        summary = [a.get_text(strip=True) for a in page.select(".error-summary a")]
        for message in messages:
            assert any(message in item for item in summary), summary
        for link in page.select(".error-summary a"):
            field = page.select_one(link["href"])
            assert field is not None and field.name == "input"
            assert field["aria-invalid"] == "true"
            assert field.get("aria-describedby") and f"{field['id']}-error" in field["aria-describedby"]
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)

    def test_missing_csrf_token_is_a_clear_400(self, client):
        response = client.post("/cek-status", data={"nik": "3275010703850012", "nama": "Budi"})
        assert response.status_code == 400
        assert "Muat ulang halaman" in parse(response).get_text()

    @pytest.mark.parametrize("content_type", ["application/json", "text/plain", "application/xml"])
    def test_a_body_that_is_not_a_form_is_a_415_with_a_message(self, client, content_type):
        token = csrf_token(client)
        response = client.post(
            "/cek-status",
            data='{"nik": "3275010703850012"}',
            headers={"X-CSRFToken": token, "Content-Type": content_type},
        )
        assert response.status_code == 415
        assert "Kirim isian melalui formulir" in parse(response).get_text()

    def test_oversized_body_is_a_413_not_a_500(self, client):  # above MAX_CONTENT_LENGTH (50 MB)
        response = client.post("/cek-status", data={"nama": "x" * 60_000_000})
        assert response.status_code == 413

    def test_get_with_unknown_method_is_405(self, client):
        assert client.put("/cek-status").status_code == 405


class TestHtmx:
    def test_fragment_for_htmx_and_page_otherwise(self, client):
        someone = person()
        plain = check(client, someone.nik, "Budi Santoso")
        fragment = check(client, someone.nik, "Budi Santoso", headers={"HX-Request": "true"})
        assert parse(plain).select_one("html") is not None
        assert parse(fragment).select_one("html") is None
        assert parse(fragment).select_one("#cek-status section.result h2").get_text(strip=True).startswith("Aktif")
        for response in (plain, fragment):
            assert "HX-Request" in response.headers["Vary"]

    @pytest.mark.parametrize("header", ["HX-Boosted", "HX-History-Restore-Request"])
    def test_boosted_and_history_restore_get_the_whole_page(self, client, header):
        response = client.get("/cek-status", headers={"HX-Request": "true", header: "true"})
        assert parse(response).select_one("html") is not None

    def test_validation_errors_come_back_as_a_fragment_with_the_form(self, client):
        response = check(client, "123", "Budi", headers={"HX-Request": "true"})
        assert response.status_code == 400
        page = parse(response)
        assert page.select_one("html") is None
        assert page.select_one("#cek-status form input#nik")["aria-invalid"] == "true"

    def test_form_targets_are_explicit(self, client):
        form = parse(client.get("/cek-status")).select_one("#cek-status form")
        assert form["action"] == "/cek-status" and form["method"] == "post"
        assert form["hx-post"] == "/cek-status" and form["hx-target"] == "#cek-status"
        nik = form.select_one("input#nik")
        assert nik["hx-post"] == "/cek-status/nik" and nik["hx-target"] == "#nik-feedback"

    @pytest.mark.parametrize(
        ("nik", "expected"),
        [("3275", "NIK harus 16 angka; Anda mengetik 4."), ("3275010703850012", "Format NIK benar.")],
    )
    def test_nik_is_checked_as_you_type_without_a_lookup(self, client, nik, expected):
        token = csrf_token(client)
        response = client.post(
            "/cek-status/nik", data={"csrf_token": token, "nik": nik}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        feedback = parse(response).select_one("#nik-feedback")
        assert feedback.get_text(" ", strip=True).endswith(expected)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StatusCheckLog)) == 0

    def test_nik_feedback_without_htmx_is_the_whole_page(self, client):
        token = csrf_token(client)
        response = client.post("/cek-status/nik", data={"csrf_token": token, "nik": "12"})
        assert parse(response).select_one("html") is not None


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_STATUS_CHECK": "3 per minute"}

    def test_too_many_checks_get_a_friendly_429(self, client):
        for _ in range(3):
            assert check(client, "3275010101900001", "Budi").status_code == 200
        response = check(client, "3275010101900002", "Budi")
        assert response.status_code == 429
        assert "Retry-After" in response.headers
        assert parse(response).select_one("h1").get_text(strip=True) == "Terlalu banyak permintaan"

    def test_reading_the_form_is_not_limited(self, client):
        for _ in range(5):
            assert client.get("/cek-status").status_code == 200


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="Redis not configured: set TEST_REDIS_URL")
class TestRateLimitOnRedis:
    @pytest.fixture
    def app_config(self):
        import redis

        url = os.environ["TEST_REDIS_URL"]
        redis.Redis.from_url(url).flushdb()
        return {"RATELIMIT_STATUS_CHECK": "2 per minute", "RATELIMIT_STORAGE_URI": url}

    def test_limits_are_shared_through_redis(self, app, client):
        from portal import create_app

        for _ in range(2):
            assert check(client, "3275010101900001", "Budi").status_code == 200
        # A second app (another gunicorn worker) sees the same counter.
        other = create_app({**app.config, "TESTING": True}).test_client()
        assert check(other, "3275010101900002", "Budi").status_code == 429
