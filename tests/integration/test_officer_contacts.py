"""Issue 15 on the officer's case page: the contact log (call, WhatsApp, SMS, visit, counter; the
outcome; who; when), an answer that came outside the portal restarts the clock, and the page
tells what became of each message to the resident instead of "terkirim"."""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent, ComplaintStatus, EventKind, ResidentContact
from tests.factories import account, complaint, sign_in
from tests.helpers import parse
from tests.integration.test_officer_cases import act


def _page(client, case):
    return parse(client.get(f"/petugas/pengaduan/{case.reference}"))


def test_a_call_that_was_not_answered_goes_in_the_contact_log(client):
    officer = account()
    case, _ = complaint()
    sign_in(client, officer)
    assert act(client, case, "ambil").status_code == 303
    response = act(client, case, "catat-kontak", method="telepon", outcome="tidak_diangkat", note="Pukul 10.")
    assert response.status_code == 303
    log = _page(client, case).select_one("ul.contacts").get_text(" ", strip=True)
    assert "Telepon — tidak diangkat atau tidak dibalas: Pukul 10." in log
    row = db.session.scalar(sa.select(ResidentContact))
    assert (row.reference, row.account_id) == (case.reference, officer.id)
    assert db.session.scalar(sa.select(AuditEvent.detail).where(AuditEvent.action == "catat_kontak")) == (
        "telepon tidak_diangkat"
    )


def test_a_contact_without_a_method_is_refused_with_a_message(client):
    case, _ = complaint()
    sign_in(client, account())
    act(client, case, "ambil")
    response = act(client, case, "catat-kontak", outcome="terhubung")
    assert response.status_code == 400
    assert "Pilih cara menghubungi warga." in parse(response).get_text()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ResidentContact)) == 0


def test_an_answer_by_phone_restarts_the_clock(client):
    officer = account()
    case, _ = complaint()
    sign_in(client, officer)
    act(client, case, "ambil")
    act(client, case, "minta-informasi", message="Nomor KK Anda?")
    db.session.refresh(case)
    assert case.status is ComplaintStatus.MENUNGGU_INFORMASI
    before = case.resolve_due
    assert "jawaban-diterima" in {d["id"].removeprefix("aksi-") for d in _page(client, case).select("details[id]")}
    response = act(client, case, "jawaban-diterima", method="telepon", message="KK 3275010101010001")
    assert response.status_code == 303
    db.session.refresh(case)
    assert case.status is ComplaintStatus.DIVERIFIKASI and case.paused_since is None and case.resolve_due >= before
    answers = [e for e in case.events if e.kind is EventKind.JAWABAN_WARGA]
    assert [a.message for a in answers] == ["KK 3275010101010001"] and answers[0].public
    assert db.session.scalar(sa.select(ResidentContact.method)) == "telepon"
    # only a case that waits for an answer offers the action
    assert "aksi-jawaban-diterima" not in {d["id"] for d in _page(client, case).select("details[id]")}


def test_the_page_says_when_a_resident_cannot_be_messaged(client):
    case, _ = complaint(email=None)  # WhatsApp preferred, but no channel but e-mail is configured here
    sign_in(client, account())
    told = _page(client, case).select_one("#pesan-warga").find_next_sibling().get_text(" ", strip=True)
    assert told.startswith("Nomor warga ada, tetapi pengiriman WhatsApp/SMS belum disiapkan di portal ini")


def test_the_queue_finds_cases_whose_message_failed_on_every_channel(client):
    from portal.models import OutboxMessage, OutboxState

    reached, _ = complaint(email="a@contoh.id")
    lost, _ = complaint(email="b@contoh.id")
    for message in db.session.scalars(sa.select(OutboxMessage)):
        message.state = OutboxState.GAGAL if message.reference == lost.reference else OutboxState.TERKIRIM
    db.session.commit()
    sign_in(client, account("supervisor"))
    page = parse(client.get("/petugas/pengaduan?tak_terjangkau=1"))
    shown = page.get_text(" ", strip=True)
    assert lost.reference in shown and reached.reference not in shown
    assert page.select_one("#tak_terjangkau").has_attr("checked")
    told = _page(client, lost).select_one("li.notice-failed").get_text(" ", strip=True)
    assert "Tidak sampai lewat saluran mana pun" in told


def test_a_help_request_page_shows_its_messages_to_the_requester(client, app):
    from tests.factories import assistance_request

    app.config.update(
        SMS_SENDSMS_URL="http://127.0.0.1:9/cgi-bin/sendsms",
        SMS_USERNAME="sigap",
        SMS_PASSWORD="x" * 12,
        SMS_GATEWAY_TOKEN="t" * 20,
    )
    request, _ = assistance_request()
    sign_in(client, account("supervisor"))
    page = parse(client.get(f"/petugas/bantuan/{request.reference}"))
    told = page.select_one("#pesan-warga").find_next("ul").get_text(" ", strip=True)
    assert "Tanda terima" in told and "menunggu dikirim lewat SMS" in told
    assert page.select_one("#kontak-warga") is not None


def test_an_officer_is_told_when_the_resident_cannot_be_messaged(client):
    case, _ = complaint(email=None)  # a WhatsApp number, but this portal has no SMS or WhatsApp set up
    sign_in(client, account())
    act(client, case, "ambil")
    assert act(client, case, "balas", message="Data Anda kami periksa.").status_code == 303
    told = _page(client, case).select_one(".notice[role=status]").get_text(" ", strip=True)
    assert "pengiriman WhatsApp/SMS belum disiapkan di portal ini" in told and "Catat kontak dengan warga" in told


def test_the_contact_log_shows_date_and_time_in_wib(client):
    """A contact at 03:05 UTC on 2 March is "2 Mar 2026 10:05" in Kota Bekasi, as the other
    timestamps of the staff pages (Flask-Babel's datetimeformat; issue 16 saw dates only)."""
    from datetime import UTC, datetime

    officer = account()
    case, _ = complaint()
    sign_in(client, officer)
    act(client, case, "ambil")
    assert act(client, case, "catat-kontak", method="telepon", outcome="terhubung").status_code == 303
    db.session.scalar(sa.select(ResidentContact)).contacted_at = datetime(2026, 3, 2, 3, 5, tzinfo=UTC)
    db.session.commit()
    shown = _page(client, case).select_one("ul.contacts time")
    assert shown.get_text(strip=True) == "2 Mar 2026 10:05"
    assert shown["datetime"].startswith("2026-03-02T03:05")


def test_the_answer_form_says_the_resident_will_read_the_text(client):
    """The answer an officer writes down becomes a public line of the timeline: the field says so
    before it is sent (a hint tied to the field), not after."""
    case, _ = complaint()
    sign_in(client, account())
    act(client, case, "ambil")
    act(client, case, "minta-informasi", message="Nomor KK Anda?")
    form = _page(client, case).select_one("#aksi-jawaban-diterima form")
    area = form.select_one("textarea[name=message]")
    hint = form.select_one(f"#{area['aria-describedby'].split()[0]}")
    assert "Warga dapat membaca teks ini di halaman Lacak pengaduan" in hint.get_text()
