"""Residents' texts at the SMS door (/kanal/sms/masuk, as Kannel's sms-service posts them):
the token, STOP and MULAI, BANTUAN, a retried post kept once, the per-number limit; every answer
fits one SMS (tests/integration/test_notice_words.py)."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import ComplaintStatus, InboundMessage, OptOut, OutboxMessage
from portal.notifications.services.notices import Recipient, route
from tests.factories import complaint

TOKEN = "inbound-test-token-0123456789"  # noqa: S105 (test only)
PHONE = "+6281355556666"
_ids = itertools.count(1)


@pytest.fixture
def sms_on(app):
    app.config.update(
        SMS_SENDSMS_URL="http://127.0.0.1:9/cgi-bin/sendsms",  # nothing listens: replies stay queued
        SMS_USERNAME="sigap",
        SMS_PASSWORD="sendsms-password",  # noqa: S106 (test only)
        SMS_GATEWAY_TOKEN=TOKEN,
    )


def text(client, body: str, *, sender: str = PHONE, token: str = TOKEN, message_id: str | None = None):
    query = {"from": sender, "to": "1708", "at": "1796506074", "id": message_id or f"k-{next(_ids)}", "token": token}
    return client.post("/kanal/sms/masuk", query_string=query, data=body.encode(), content_type="text/plain")


def replies(to: str = PHONE) -> list[str]:
    return db.session.scalars(
        sa.select(OutboxMessage.body).where(OutboxMessage.to_address == to).order_by(OutboxMessage.id)
    ).all()


def test_the_door_is_closed_without_sms_and_refuses_a_wrong_token(client, sms_on, app):
    assert text(client, "BANTUAN", token="x" * 24).status_code == 403
    assert text(client, "BANTUAN", sender="not-a-number").status_code == 400
    app.config.update(SMS_SENDSMS_URL=None)
    assert text(client, "BANTUAN").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InboundMessage)) == 0


def test_bantuan_answers_where_to_ask_and_a_retried_post_is_kept_once(client, sms_on):
    assert text(client, "bantuan", message_id="same").status_code == 204
    assert text(client, "bantuan", message_id="same").status_code == 204  # smsbox retries a lost answer
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InboundMessage)) == 1
    (answer,) = replies()
    assert "/bantuan" in answer


def test_stop_ends_sms_and_whatsapp_to_the_number_and_mulai_brings_them_back(client, sms_on):
    text(client, "STOP")
    assert db.session.get(OptOut, PHONE) is not None
    assert "MULAI" in replies()[-1]  # the last message the number gets
    assert route(session=db.session, recipient=Recipient(phone=PHONE, email="w@contoh.id")) == [
        ("email", "w@contoh.id")
    ]
    case, _ = complaint(phone=PHONE, contact_channel="telepon", email=None)
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.reference == case.reference)) == 0
    text(client, "MULAI")
    assert db.session.get(OptOut, PHONE) is None
    assert [channel for channel, _ in route(session=db.session, recipient=Recipient(phone=PHONE))] == ["sms"]


def test_anything_else_gets_the_menu_and_a_flood_gets_no_answers(client, sms_on):
    text(client, "halo")
    assert "CEK" in replies()[-1] and "LACAK" in replies()[-1]
    for n in range(25):
        text(client, f"halo {n}")
    assert len(replies()) == 20  # 20 texts an hour are answered; the rest are kept unanswered
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InboundMessage)) == 26


def test_a_cek_keeps_no_nik_and_a_text_from_another_number_does_not_answer_a_case(client, sms_on):
    case, _ = complaint(phone=PHONE)
    case.status = ComplaintStatus.MENUNGGU_INFORMASI
    db.session.commit()
    text(client, f"{case.reference} ini jawaban saya", sender="+6281377778888")
    db.session.refresh(case)
    assert case.status is ComplaintStatus.MENUNGGU_INFORMASI  # only the case's own number may answer
    text(client, "CEK 3275010101900001 Siti")
    kept = db.session.scalar(sa.select(InboundMessage.text).where(InboundMessage.command == "cek"))
    assert kept == "CEK ****"
