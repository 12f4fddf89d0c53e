import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.complaints.services.lifecycle import Actor, add_event
from portal.core.base import utcnow
from portal.core.workdays import WorkCalendar, local_date
from portal.extensions import db
from portal.models import ComplaintStatus, EventKind, OutboxMessage, Satisfaction
from tests.factories import complaint
from tests.helpers import csrf_token, parse
from tests.helpers.complaints import an_officer, officer_moves, track


def test_reference_and_code_show_status_date_and_public_timeline(client):
    case, code = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI, "Data sedang dicek di DTSEN.")
    add_event(
        session=db.session,
        complaint=case,
        kind=EventKind.CATATAN,
        acted_by=an_officer(),
        message="RAHASIA: catatan internal",
        public=False,
    )
    db.session.commit()
    response = track(client, case.reference.lower().replace("-", " "), code.lower())
    assert response.status_code == 303 and response.headers["Location"] == "/pengaduan/lacak/kasus"
    page = parse(client.get("/pengaduan/lacak/kasus"))
    assert page.select_one("h1").get_text(" ", strip=True) == f"Pengaduan {case.reference}"
    assert "Sedang diperiksa" in page.select_one("dl.summary").get_text()
    timeline = page.select_one("ol.timeline").get_text(" ", strip=True)
    assert "Data sedang dicek di DTSEN." in timeline and "Pengaduan diterima" in timeline
    assert "RAHASIA" not in page.get_text()


def test_wrong_code_and_unknown_reference_give_the_same_answer(client):
    case, _code = complaint()
    wrong = track(client, case.reference, "AAAA-AAAA")
    unknown = track(client, "SGP-2026-999999", "AAAA-AAAA")
    assert wrong.status_code == unknown.status_code == 404
    assert str(parse(wrong).select_one(".error-summary")) == str(parse(unknown).select_one(".error-summary"))


def test_repeated_wrong_codes_lock_the_reference(client):
    case, code = complaint()
    for _ in range(5):
        track(client, case.reference, "AAAA-AAAA")
    locked = track(client, case.reference, code)
    assert locked.status_code == 429 and "Retry-After" in locked.headers


def test_the_case_page_needs_a_successful_lookup(client):
    assert client.get("/pengaduan/lacak/kasus").headers["Location"] == "/pengaduan/lacak"


def test_tracking_form_errors_are_specific(client):
    response = track(client, "", "")
    assert response.status_code == 400
    text = parse(response).select_one(".error-summary").get_text()
    assert "Masukkan nomor pengaduan" in text and "Masukkan kode akses" in text


class TestHtmx:
    def test_lookup_fragment_and_redirect(self, client):
        case, code = complaint()
        bad = track(client, case.reference, "AAAA-AAAA", headers={"HX-Request": "true"})
        assert parse(bad).select_one("html") is None and parse(bad).select_one("#lacak .error-summary")
        good = track(client, case.reference, code, headers={"HX-Request": "true"})
        assert good.headers["HX-Redirect"] == "/pengaduan/lacak/kasus"

    def test_lookup_page_without_htmx(self, client):
        assert parse(client.get("/pengaduan/lacak")).select_one("html #lacak form") is not None


def test_answering_a_request_for_information_resumes_the_clock(client):
    case, code = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI)
    officer_moves(case, ComplaintStatus.MENUNGGU_INFORMASI, "Mohon kirim foto KK.")
    track(client, case.reference, code)
    page = parse(client.get("/pengaduan/lacak/kasus"))
    assert "Petugas meminta informasi tambahan" in page.get_text()
    token = page.select_one("form[action='/pengaduan/lacak/kasus/jawab'] input[name=csrf_token]")["value"]
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(png, "PNG")
    response = client.post(
        "/pengaduan/lacak/kasus/jawab",
        content_type="multipart/form-data",
        data={
            "csrf_token": token,
            "jawaban": "Foto KK terlampir.",
            "lampiran": [(io.BytesIO(png.getvalue()), "kk.png")],
        },
    )
    assert response.status_code == 303
    db.session.refresh(case)
    assert case.status is ComplaintStatus.DIVERIFIKASI and case.paused_since is None
    answer = [e for e in case.events if e.kind is EventKind.JAWABAN_WARGA][0]
    assert answer.message == "Foto KK terlampir." and len(answer.attachments) == 1


def test_an_empty_answer_is_refused(client):
    case, code = complaint()
    officer_moves(case, ComplaintStatus.MENUNGGU_INFORMASI, "Mohon kirim foto KK.")
    track(client, case.reference, code)
    token = csrf_token(client, "/pengaduan/lacak/kasus")
    response = client.post(
        "/pengaduan/lacak/kasus/jawab", data={"csrf_token": token, "jawaban": ""}, content_type="multipart/form-data"
    )
    assert response.status_code == 400 and "Tulis jawaban Anda." in parse(response).get_text()


def rate(client, value, alasan="Nama saya belum muncul di cek status."):
    token = csrf_token(client, "/pengaduan/lacak/kasus")
    return client.post("/pengaduan/lacak/kasus/nilai", data={"csrf_token": token, "penilaian": value, "alasan": alasan})


def test_belum_puas_opens_one_appeal_for_a_supervisor(client):
    case, code = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI)
    officer_moves(case, ComplaintStatus.SELESAI, "Anda sudah didaftarkan sebagai peserta.")
    track(client, case.reference, code)
    assert rate(client, "belum_puas").status_code == 303
    db.session.refresh(case)
    assert case.status is ComplaintStatus.BANDING and case.appealed
    assert case.satisfaction is Satisfaction.BELUM_PUAS
    rows = parse(client.get("/pengaduan/lacak/kasus")).select("dl.summary > div")
    terms = {row.dt.get_text(strip=True): row.dd.get_text(strip=True) for row in rows}
    assert "Dijawab paling lambat" not in terms  # that date was for the first answer
    assert terms["Banding"].startswith("Supervisor meninjau jawaban petugas")
    assert case.resolve_due is not None
    assert terms["Banding diputuskan paling lambat"].endswith(str(case.resolve_due.year))  # the appeal's own clock
    officer_moves(case, ComplaintStatus.SELESAI, "Banding ditinjau.", actor=Actor.SUPERVISOR)
    page = parse(client.get("/pengaduan/lacak/kasus"))
    assert page.select_one("form[action='/pengaduan/lacak/kasus/nilai']") is None  # only one appeal


def test_puas_closes_the_matter(client):
    case, code = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI)
    officer_moves(case, ComplaintStatus.SELESAI)
    track(client, case.reference, code)
    rate(client, "puas")
    db.session.refresh(case)
    assert case.status is ComplaintStatus.SELESAI and case.satisfaction is Satisfaction.PUAS


def test_no_rating_after_14_days(client):
    case, code = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI)
    officer_moves(case, ComplaintStatus.SELESAI)
    case.resolved_at = utcnow() - timedelta(days=15)
    db.session.commit()
    track(client, case.reference, code)
    assert parse(client.get("/pengaduan/lacak/kasus")).select_one("form[action$='/nilai']") is None
    late = rate(client, "belum_puas")
    assert late.status_code == 409 and "dalam 14 hari" in parse(late).get_text()
    db.session.refresh(case)
    assert case.status is ComplaintStatus.SELESAI


def test_changes_the_resident_sees_queue_an_email(client):
    case, _code = complaint(email="warga@contoh.id")
    officer_moves(case, ComplaintStatus.DIVERIFIKASI)
    add_event(
        session=db.session, complaint=case, kind=EventKind.CATATAN, acted_by=an_officer(), message="x", public=False
    )
    db.session.commit()
    messages = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert len(messages) == 2  # filed, verified; not the internal note
    assert all(m.to_address == "warga@contoh.id" for m in messages)
    assert case.reference in messages[1].subject and "Sedang diperiksa" in messages[1].body


def test_no_email_no_outbox(client):
    case, _ = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


@pytest.mark.parametrize("path", ["/pengaduan/lacak/kasus/jawab", "/pengaduan/lacak/kasus/nilai"])
def test_actions_without_a_lookup_go_to_the_lookup(client, path):
    token = csrf_token(client, "/pengaduan/lacak")
    assert client.post(path, data={"csrf_token": token}).headers["Location"] == "/pengaduan/lacak"


def test_an_answered_complaint_shows_the_outcome_and_the_next_step(client):
    from portal.models import ResolutionCode

    case, code = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI)
    case.resolution_code, case.next_step = ResolutionCode.MASUK_DAFTAR_TUNGGU, "Cek status lagi bulan depan."
    officer_moves(case, ComplaintStatus.SELESAI, "Anda masuk daftar tunggu.")
    track(client, case.reference, code)
    rows = parse(client.get("/pengaduan/lacak/kasus")).select("dl.summary > div")
    terms = {row.dt.get_text(strip=True): row.dd.get_text(strip=True) for row in rows}
    assert terms["Hasil"] == "Masuk daftar tunggu"
    assert terms["Langkah berikutnya bagi Anda"] == "Cek status lagi bulan depan."


def test_an_appeal_needs_a_reason_and_gets_its_own_clock(client):
    case, code = complaint()
    officer_moves(case, ComplaintStatus.DIVERIFIKASI)
    officer_moves(case, ComplaintStatus.SELESAI, "Anda sudah didaftarkan.")
    old_due = case.resolve_due
    track(client, case.reference, code)
    refused = rate(client, "belum_puas", alasan="")
    assert refused.status_code == 400
    assert "Tulis apa yang belum selesai menurut Anda" in parse(refused).get_text()
    assert rate(client, "belum_puas", alasan="Nama saya belum muncul.").status_code == 303
    db.session.refresh(case)
    reasons = [e.message for e in case.events if e.kind is EventKind.PENILAIAN]
    assert reasons == ["Nama saya belum muncul."]
    today = local_date(utcnow())
    assert case.resolve_due == WorkCalendar().add_working_days(today, 10) and case.resolve_due != old_due
