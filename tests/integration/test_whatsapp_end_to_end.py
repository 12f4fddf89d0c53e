"""WhatsApp end to end against the stand-in of Meta's Cloud API (tests/standins/whatsapp_cloud.py:
Meta cannot be reached from here) and the portal's own webhook: a notice goes out as an approved
template, its status webhooks mark it delivered, a failed one falls back to SMS-less e-mail, CEK
and an answer to "Minta informasi" come in as messages, a badly signed webhook is refused and a
replayed one changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from portal.complaints.models.complaint import Complaint, ComplaintStatus, ContactChannel, EventKind
from portal.complaints.services.lifecycle import Actor, transition
from portal.core import trail as audit
from portal.core.base import utcnow
from portal.core.trail import SYSTEM
from portal.core.workdays import WorkCalendar
from portal.extensions import db
from portal.notifications.models import InboundMessage, OutboxChannel, OutboxMessage, OutboxState
from portal.notifications.sender import deliver_due
from portal.notifications.services import outbox_staff
from portal.notifications.tasks import channel_senders
from portal.web.settings import smtp_settings
from tests import factories
from tests.standins.whatsapp_cloud import WhatsAppCloudStandIn

PHONE = "+6281311112222"
WEBHOOK = "/kanal/whatsapp"


@pytest.fixture
def meta(app) -> Iterator[WhatsAppCloudStandIn]:
    with WhatsAppCloudStandIn() as standin:
        app.config.update(
            WHATSAPP_API_BASE=standin.api_base,
            WHATSAPP_PHONE_NUMBER_ID=standin.phone_number_id,
            WHATSAPP_ACCESS_TOKEN=standin.access_token,
            WHATSAPP_APP_SECRET=standin.app_secret,
            WHATSAPP_VERIFY_TOKEN=standin.verify_token,
        )
        yield standin


@pytest.fixture
def post(client, meta):
    """Meta's webhook POSTs, through the portal's test client (the stand-in signs them)."""
    import json

    def send(payload, *, signature: str | None = "good") -> int:
        raw = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "good":
            headers["X-Hub-Signature-256"] = meta.sign(raw)
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        return client.post(WEBHOOK, data=raw, headers=headers).status_code

    return send


def _deliver() -> None:
    deliver_due(session=db.session, smtp=smtp_settings(), channels=channel_senders())


def _states(reference: str) -> list[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(OutboxMessage.channel, OutboxMessage.state)
        .where(OutboxMessage.reference == reference)
        .order_by(OutboxMessage.id)
    ).all()
    return [(OutboxChannel(c).value, OutboxState(s).value) for c, s in rows]


def test_a_notice_goes_as_a_template_and_its_statuses_mark_it_delivered(app, meta, post):
    case, _ = factories.complaint(phone=PHONE, contact_channel=ContactChannel.WHATSAPP, email="w@contoh.id")
    _deliver()
    sent = meta.sent[-1]
    assert (sent.template, sent.to, sent.parameters[0]) == ("sigap_diterima", PHONE[1:], case.reference)
    assert _states(case.reference) == [("whatsapp", "terkirim"), ("email", "cadangan")]
    for status in ("sent", "delivered"):
        assert post(meta.status_payload(sent.wamid, status)) == 200
    assert _states(case.reference) == [("whatsapp", "sampai"), ("email", "dilewati")]


def test_a_number_without_whatsapp_falls_back_to_e_mail(app, meta, post):
    meta.mark_not_on_whatsapp(PHONE)
    case, _ = factories.complaint(phone=PHONE, contact_channel=ContactChannel.WHATSAPP, email="w@contoh.id")
    _deliver()
    sent = meta.sent[-1]
    assert post(meta.status_payload(sent.wamid, "failed", 131026)) == 200
    assert _states(case.reference) == [("whatsapp", "gagal"), ("email", "antre")]
    error = db.session.scalar(sa.select(OutboxMessage.last_error).where(OutboxMessage.provider_id == sent.wamid))
    assert "131026" in error
    # carried on by e-mail: nobody needs to look at the failed WhatsApp on /petugas/email-bermasalah
    stuck = outbox_staff.overview(session=db.session, now=utcnow(), who=audit.Actor(account_id=None))
    assert stuck.total_stuck == 0


def test_a_badly_signed_or_unsigned_webhook_is_refused_and_a_replay_changes_nothing(app, meta, post):
    case, _ = factories.complaint(phone=PHONE, contact_channel=ContactChannel.WHATSAPP)
    _deliver()
    wamid = meta.sent[-1].wamid
    delivered = meta.status_payload(wamid, "delivered")
    assert post(delivered, signature="sha256=" + "0" * 64) == 403
    assert post(delivered, signature=None) == 403
    assert _states(case.reference) == [("whatsapp", "terkirim")]
    text = meta.incoming_text_payload(PHONE, "BANTUAN")
    assert post(text) == 200 and post(text) == 200  # Meta redelivers the same message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InboundMessage)) == 1
    replies = [m for m in meta.sent if m.type == "text"]
    assert len(replies) <= 1  # the answer is queued once (sent by the consumer)


def test_cek_and_an_answer_come_in_as_whatsapp_messages(app, meta, post):
    person = factories.person(nama="Sri Wahyuni", female=True)
    assert post(meta.incoming_text_payload(PHONE, f"CEK {person.nik} sri wahyuni")) == 200
    case, _ = factories.complaint(phone=PHONE, contact_channel=ContactChannel.WHATSAPP)
    transition(
        session=db.session,
        complaint=case,
        target=ComplaintStatus.MENUNGGU_INFORMASI,
        actor=Actor.PETUGAS,
        acted_by=SYSTEM,
        message="Foto KK?",
        calendar=WorkCalendar(),
    )
    db.session.commit()
    assert post(meta.incoming_text_payload(PHONE, "Sudah saya kirim ke kelurahan")) == 200
    db.session.expire_all()
    case = db.session.get(Complaint, case.id)
    assert case.status is ComplaintStatus.DIVERIFIKASI
    assert [e.message for e in case.events if e.kind is EventKind.JAWABAN_WARGA] == ["Sudah saya kirim ke kelurahan"]
    _deliver()
    texts = [m.text for m in meta.sent if m.type == "text"]
    assert any("Aktif" in t and person.nik not in t for t in texts)
    assert any(case.reference in t and "sudah kami terima" in t for t in texts)


def test_the_subscription_handshake_needs_the_verify_token(client, meta):
    ok = client.get(
        WEBHOOK, query_string={"hub.mode": "subscribe", "hub.verify_token": meta.verify_token, "hub.challenge": "42"}
    )
    assert ok.status_code == 200 and ok.text.strip() == "42"
    bad = client.get(WEBHOOK, query_string={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "42"})
    assert bad.status_code == 403


def test_lacak_on_whatsapp_answers_with_the_status(app, meta, post):
    case, code = factories.complaint(phone=PHONE, contact_channel=ContactChannel.WHATSAPP)
    assert post(meta.incoming_text_payload(PHONE, f"LACAK {case.reference} {code}")) == 200
    assert post(meta.incoming_text_payload(PHONE, f"LACAK {case.reference} ZZZZ-ZZZZ")) == 200
    _deliver()
    texts = [m.text for m in meta.sent if m.type == "text"]
    assert any(case.reference in t and "Diterima" in t for t in texts)
    assert any("tidak cocok" in t for t in texts)
