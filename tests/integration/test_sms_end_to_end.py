"""SMS end to end on a real Kannel (bearerbox, smsbox and the fakesmsc "phone") and a live portal:
an officer's reply reaches the phone and its delivery report marks it delivered; a failed report
falls back to the next channel and the case page says so; CEK and LACAK get the web's answers and
lockout; an answer to "Minta informasi" lands on the case; nothing is lost while Kannel is away."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
import requests
import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import Flask
from werkzeug.serving import make_server

from portal import create_app
from portal.complaints.models.complaint import Complaint, ComplaintStatus, ContactChannel, EventKind
from portal.complaints.services.lifecycle import Actor, add_event, transition
from portal.core.base import utcnow
from portal.core.trail import SYSTEM
from portal.core.workdays import WorkCalendar
from portal.extensions import db
from portal.notifications.models import InboundMessage, OutboxChannel, OutboxMessage, OutboxState
from portal.notifications.sender import deliver_due
from portal.notifications.tasks import channel_senders
from portal.web.settings import smtp_settings
from tests import factories
from tests.helpers import app_settings, migrate
from tests.helpers.kannel import (
    REPORT_PATH,
    SENDSMS_PASSWORD,
    SENDSMS_USER,
    SHORTCODE,
    TOKEN,
    KannelStack,
    kannel_available,
)

PHONE = "+6281298765432"


@dataclass
class SmsPortal:
    app: Flask
    kannel: KannelStack
    url: str

    def deliver(self, *, later: timedelta = timedelta(0)) -> None:
        """One consumer's round, as the task queue runs it."""
        with self.app.app_context():
            deliver_due(session=db.session, smtp=smtp_settings(), channels=channel_senders(), now=utcnow() + later)
            db.session.remove()

    def messages(self, reference: str) -> list[tuple[str, str]]:
        with self.app.app_context():
            rows = db.session.execute(
                sa.select(OutboxMessage.channel, OutboxMessage.state)
                .where(OutboxMessage.reference == reference)
                .order_by(OutboxMessage.id)
            ).all()
            db.session.remove()
        return [(OutboxChannel(c).value, OutboxState(s).value) for c, s in rows]

    def wait_for_state(self, reference: str, state: str, timeout: float = 20.0) -> list[tuple[str, str]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = self.messages(reference)
            if any(s == state for _, s in seen):
                return seen
            time.sleep(0.2)
        raise AssertionError(f"no message of {reference} became {state}: {self.messages(reference)}")

    def reply_to(self, text: str, timeout: float = 20.0) -> str:
        got = self.kannel.received(timeout=timeout)
        assert got, f"the phone got nothing after {text!r}"
        assert all(m.to == PHONE and m.sender == SHORTCODE for m in got)
        return got[-1].text


@pytest.fixture(scope="module")
def sms(tmp_path_factory) -> Iterator[SmsPortal]:
    if (reason := kannel_available()) is not None:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("sms-e2e")
    url = f"sqlite:///{folder / 'sms.sqlite3'}"
    late: dict[str, Flask] = {}
    server = make_server("127.0.0.1", 0, lambda environ, start: late["app"](environ, start), threaded=True)
    portal_url = f"http://127.0.0.1:{server.server_port}"
    (folder / "kannel").mkdir()
    with KannelStack.started(folder / "kannel", portal_url=portal_url) as kannel:
        if kannel.fakesmsc is None:
            kannel.connect_phone()
        with pytest.MonkeyPatch.context() as env:
            env.setenv("SIGAP_ENV", "testing")
            migrate(url, folder)
            app = create_app(
                {
                    **app_settings(url, folder),
                    "PUBLIC_BASE_URL": portal_url,
                    "SMS_SENDSMS_URL": kannel.settings.sendsms_url,
                    "SMS_USERNAME": SENDSMS_USER,
                    "SMS_PASSWORD": SENDSMS_PASSWORD,
                    "SMS_SENDER": SHORTCODE,
                    "SMS_GATEWAY_TOKEN": TOKEN,
                }
            )
        late["app"] = app
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield SmsPortal(app=app, kannel=kannel, url=portal_url)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            with app.app_context():
                db.engine.dispose()


def _case(sms: SmsPortal, **overrides) -> tuple[str, str]:
    with sms.app.app_context():
        case, code = factories.complaint(phone=PHONE, contact_channel=ContactChannel.TELEPON, **overrides)
        reference = case.reference
        db.session.remove()
    sms.deliver()  # the "diterima" SMS
    sms.kannel.received(timeout=15)
    return reference, code


def _act(sms: SmsPortal, reference: str, action) -> None:
    with sms.app.app_context():
        case = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        action(case)
        db.session.commit()
        db.session.remove()


def test_an_officers_reply_reaches_the_phone_and_its_report_marks_it_delivered(sms):
    reference, _ = _case(sms)
    _act(
        sms,
        reference,
        lambda case: add_event(
            session=db.session,
            complaint=case,
            kind=EventKind.BALASAN,
            acted_by=SYSTEM,
            message="Data Anda sudah kami teruskan.",
            public=True,
        ),
    )
    sms.deliver()
    text = sms.reply_to("reply")
    assert reference in text and "balasan petugas" in text
    assert "Data Anda" not in text  # no detail beyond the reference and where to look
    assert sms.wait_for_state(reference, "sampai")[-1] == ("sms", "sampai")


def test_a_failed_report_falls_back_to_e_mail_and_the_case_page_says_so(sms):
    reference, _ = _case(sms, email="warga@contoh.id")
    sms.kannel.disconnect_phone()  # the operator's link is down: Kannel keeps the SMS, no report yet
    try:
        _act(
            sms,
            reference,
            lambda case: transition(
                session=db.session,
                complaint=case,
                target=ComplaintStatus.DIVERIFIKASI,
                actor=Actor.PETUGAS,
                acted_by=SYSTEM,
                calendar=WorkCalendar(),
            ),
        )
        sms.deliver()
        assert sms.messages(reference)[-2:] == [("sms", "terkirim"), ("email", "cadangan")]
        with sms.app.app_context():
            sent = db.session.scalar(
                sa.select(OutboxMessage.id)
                .where(OutboxMessage.reference == reference, OutboxMessage.channel == OutboxChannel.SMS)
                .order_by(OutboxMessage.id.desc())
            )
            db.session.remove()
        # A real SMSC's refusal, in the shape of Kannel's dlr-url (fakesmsc never refuses)
        refused = {"id": sent, "token": TOKEN, "status": "16", "reply": "NACK/0x0000000b/Invalid Destination Address"}
        forged = {**refused, "token": "x" * 28}
        assert requests.get(sms.url + REPORT_PATH, params=forged, timeout=10).status_code == 403
        assert sms.messages(reference)[-2:] == [("sms", "terkirim"), ("email", "cadangan")]
        assert requests.get(sms.url + REPORT_PATH, params=refused, timeout=10).status_code == 200
        assert sms.messages(reference)[-2:] == [("sms", "gagal"), ("email", "antre")]
        with sms.app.app_context():
            made = factories.account("supervisor")
            officer = SimpleNamespace(id=made.id, email=made.email, totp_secret=made.totp_secret)
            db.session.remove()
        client = sms.app.test_client()  # requests outside the test's app context: each has its own `g`
        assert factories.sign_in(client, officer).status_code == 303
        page = BeautifulSoup(client.get(f"/petugas/pengaduan/{reference}").text, "html.parser")
        told = page.find(id="pesan-warga").find_next("ul").get_text(" ", strip=True)
        assert "SMS gagal" in told and "Invalid Destination Address" in told
        assert "menunggu dikirim lewat e-mail" in told
    finally:
        sms.kannel.connect_phone()
        sms.kannel.received(timeout=15)  # the held SMS arrives once the link is back


def test_cek_answers_like_the_web_and_locks_the_sixth_wrong_try(sms):
    with sms.app.app_context():
        person = factories.person(nama="Rahmat Hidayat")
        nik = person.nik
        db.session.remove()
    sms.kannel.send_from_phone(PHONE, f"CEK {nik} rahmat hidayat")
    found = sms.reply_to("CEK")
    assert "R" in found and "Aktif" in found and nik not in found
    sms.kannel.send_from_phone(PHONE, f"CEK {nik} Orang Lain")
    wrong_name = sms.reply_to("CEK wrong name")
    sms.kannel.send_from_phone(PHONE, "CEK 3275019999990001 Rahmat Hidayat")
    unknown = sms.reply_to("CEK unknown")
    assert wrong_name == unknown and "tidak cocok" in unknown
    for _ in range(4):  # five wrong names in all for this NIK from this phone
        sms.kannel.send_from_phone(PHONE, f"CEK {nik} Orang Lain")
        sms.reply_to("CEK wrong")
    sms.kannel.send_from_phone(PHONE, f"CEK {nik} Rahmat Hidayat")
    assert "terlalu banyak" in sms.reply_to("CEK locked")
    with sms.app.app_context():
        kept = db.session.scalars(sa.select(InboundMessage.text).where(InboundMessage.command == "cek")).all()
        db.session.remove()
    assert kept and all(nik not in text for text in kept)


def test_lacak_tells_the_status_and_a_wrong_code_is_refused(sms):
    reference, code = _case(sms)
    sms.kannel.send_from_phone(PHONE, f"LACAK {reference} {code}")
    tracked = sms.reply_to("LACAK")
    assert reference in tracked and "Diterima" in tracked
    sms.kannel.send_from_phone(PHONE, f"LACAK {reference} AAAA-BBBB")
    assert "tidak cocok" in sms.reply_to("LACAK wrong")


def test_an_sms_answer_to_a_request_for_information_lands_on_the_case_and_restarts_the_clock(sms):
    reference, _ = _case(sms)
    _act(
        sms,
        reference,
        lambda case: transition(
            session=db.session,
            complaint=case,
            target=ComplaintStatus.MENUNGGU_INFORMASI,
            actor=Actor.PETUGAS,
            acted_by=SYSTEM,
            message="Kirim nomor KK Anda.",
            calendar=WorkCalendar(),
        ),
    )
    sms.deliver()
    assert "info tambahan" in sms.reply_to("minta informasi")
    sms.kannel.send_from_phone(PHONE, f"{reference} nomor KK saya 3275010101010001")
    assert reference in sms.reply_to("answer")
    with sms.app.app_context():
        case = db.session.scalar(sa.select(Complaint).where(Complaint.reference == reference))
        assert case.status is ComplaintStatus.DIVERIFIKASI and case.paused_since is None
        answers = [e.message for e in case.events if e.kind is EventKind.JAWABAN_WARGA]
        db.session.remove()
    assert answers == [f"{reference} nomor KK saya 3275010101010001"]


def test_nothing_is_lost_while_kannel_is_away(sms):
    sms.kannel.stop_smsbox()
    try:
        with sms.app.app_context():
            case, _ = factories.complaint(phone=PHONE, contact_channel=ContactChannel.TELEPON)
            reference = case.reference
            db.session.remove()
        sms.deliver()
        assert sms.messages(reference) == [("sms", "antre")]
    finally:
        sms.kannel.start_smsbox()
    sms.deliver(later=timedelta(minutes=2))
    assert reference in sms.reply_to("after Kannel came back")
    assert sms.messages(reference)[0][1] in {"terkirim", "sampai"}
