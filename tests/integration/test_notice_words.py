"""Every SMS the portal writes fits one message (160 GSM-7 characters), with the city's real
address and the longest values: the notices of each event and the answers to residents' texts."""

from __future__ import annotations

from datetime import date

import pytest

from portal.complaints.models.complaint import ComplaintStatus
from portal.inbound.labels import reply_text
from portal.inbound.services.commands import Reply, ReplyKind
from portal.notifications.kannel import is_gsm7, sms_parts
from portal.notifications.models import NoticeEvent, OutboxChannel
from portal.notifications.renderer import render_notice
from portal.roster.models.person import PersonStatus
from portal.status_check.services.check import NextStep, StatusAnswer

CONTEXT = {
    "reference": "SGP-2026-000123",
    "status": ComplaintStatus.MENUNGGU_INFORMASI,
    "when": "Sabtu, 12 Desember 2026, pagi",
    "close_on": "18 Desember 2026",
    "text": "x",
}


@pytest.fixture
def city(app):
    app.config.update(PUBLIC_BASE_URL="https://sigap.bekasikota.go.id", CONTACT_PHONE="(021) 8896 1234")
    with app.test_request_context():
        yield


@pytest.mark.parametrize("event", [e for e in NoticeEvent if e is not NoticeEvent.BALASAN_PERINTAH])
def test_each_notice_is_one_sms(city, event):
    words = render_notice(event, OutboxChannel.SMS, CONTEXT)
    assert is_gsm7(words.body), words.body
    assert sms_parts(words.body) == 1, f"{len(words.body)} characters: {words.body}"
    assert "SGP-2026-000123" in words.body or event is NoticeEvent.KUNJUNGAN


def test_a_whatsapp_notice_carries_the_reference_and_where_to_look(city):
    words = render_notice(NoticeEvent.DIJAWAB, OutboxChannel.WHATSAPP, CONTEXT)
    assert list(words.parameters) == ["SGP-2026-000123", "sigap.bekasikota.go.id/pengaduan/lacak"]


LONGEST = StatusAnswer(
    found=True,
    next_step=NextStep.USE_COVERAGE,
    status=PersonStatus.TIDAK_MEMENUHI_SYARAT,
    masked_name="Hj. D*** L****** S******",
    selesai=date(2026, 12, 31),
)


@pytest.mark.parametrize("kind", list(ReplyKind))
def test_each_answer_to_a_text_is_one_sms(city, kind):
    reply = Reply(
        kind, answer=LONGEST, reference="SGP-2026-000123", status=ComplaintStatus.MENUNGGU_INFORMASI, minutes=15
    )
    text = reply_text(reply)
    assert is_gsm7(text), text
    assert sms_parts(text) == 1, f"{len(text)} characters: {text}"


def test_a_help_request_notice_is_one_sms_and_points_to_the_help_page(city):
    context = {"reference": "BTN-2026-000123", "kind": "bantuan", "contact_due": date(2026, 12, 10)}
    words = render_notice(NoticeEvent.DIBUAT, OutboxChannel.SMS, context)
    assert "BTN-2026-000123" in words.body and "10-12-2026" in words.body and sms_parts(words.body) == 1
    whatsapp = render_notice(NoticeEvent.DIBUAT, OutboxChannel.WHATSAPP, context)
    assert whatsapp.parameters[1] == "sigap.bekasikota.go.id/bantuan"


def test_a_help_request_is_told_by_sms_without_its_story(city, app):
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.models import OutboxMessage
    from tests.factories import assistance_request

    app.config.update(
        SMS_SENDSMS_URL="http://127.0.0.1:9/cgi-bin/sendsms",
        SMS_USERNAME="sigap",
        SMS_PASSWORD="x" * 12,
        SMS_GATEWAY_TOKEN="t" * 20,
    )
    request, _ = assistance_request(description="Saya tuli dan butuh juru bahasa isyarat.")
    rows = db.session.execute(
        sa.select(OutboxMessage.channel, OutboxMessage.to_address, OutboxMessage.body).where(
            OutboxMessage.reference == request.reference
        )
    ).all()
    assert [(r.channel, r.to_address) for r in rows] == [("sms", request.phone)]
    assert "isyarat" not in rows[0].body and request.reference in rows[0].body
