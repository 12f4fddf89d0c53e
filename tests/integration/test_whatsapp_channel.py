"""The WhatsApp client (portal.notifications.whatsapp) against the Cloud API stand-in
(tests/standins/whatsapp_cloud.py, Meta's documented shapes; not Meta): sending, Meta's errors
told apart (retry later or not at all), no connection, no answer, and the webhooks — signed,
forged, unsigned, replayed — read by a small receiver that does what the portal's webhook route
must: check the signature on the raw bytes, parse, drop events it has seen."""

# ruff: noqa: S106 (made-up tokens and secrets for the stand-in)

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from portal.notifications.delivery import Outcome
from portal.notifications.whatsapp import (
    DeliveryStatus,
    IncomingMessage,
    StatusUpdate,
    WhatsAppSettings,
    parse_webhook,
    send_template,
    send_text,
    subscription_challenge,
    verify_signature,
)
from tests.standins.whatsapp_cloud import WhatsAppCloudStandIn

RESIDENT = "+6281234567890"
REFERENCE = "SGP-2026-000123"
WHERE = "sigap.bekasikota.go.id/pengaduan/lacak"


class Receiver:
    """What the portal's webhook route has to do, and no more."""

    def __init__(self, settings: WhatsAppSettings) -> None:
        self.settings = settings
        self.events: list[StatusUpdate | IncomingMessage] = []
        self.seen: set[str] = set()
        self.refused = 0
        self.replays = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        if request.method == "GET":
            challenge = subscription_challenge(self.settings, request.args)
            response = Response(challenge or "", status=200 if challenge is not None else 403, mimetype="text/plain")
            return response(environ, start_response)
        raw = request.get_data()
        if not verify_signature(self.settings.app_secret, raw, request.headers.get("X-Hub-Signature-256")):
            self.refused += 1
            return Response("", status=403)(environ, start_response)
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = None
        for event in parse_webhook(payload):
            if event.event_id in self.seen:
                self.replays += 1
                continue
            self.seen.add(event.event_id)
            self.events.append(event)
        return Response("", status=200)(environ, start_response)


@pytest.fixture
def standin() -> Iterator[WhatsAppCloudStandIn]:
    with WhatsAppCloudStandIn() as server:
        yield server


@pytest.fixture
def settings(standin) -> WhatsAppSettings:
    return standin.settings()


@pytest.fixture
def receiver(settings) -> Iterator[tuple[Receiver, str]]:
    app = Receiver(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}/webhooks/whatsapp"
    server.shutdown()
    server.server_close()


def _filed(settings: WhatsAppSettings, to: str = RESIDENT):
    return send_template(settings, to=to, template="sigap_diterima", parameters=[REFERENCE, WHERE])


# --- sending -------------------------------------------------------------------------------------


def test_a_template_reaches_the_standin_in_the_documented_shape(standin, settings):
    result = _filed(settings)

    assert result.outcome is Outcome.SENT
    assert result.provider_id is not None and result.provider_id.startswith("wamid.")
    assert result.error == "" and not result.permanent
    [message] = standin.sent
    assert message.wamid == result.provider_id
    assert message.body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "type": "template",
        "template": {
            "name": "sigap_diterima",
            "language": {"code": "id"},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": REFERENCE}, {"type": "text", "text": WHERE}]}
            ],
        },
    }


def test_a_free_text_goes_as_type_text(standin, settings):
    result = send_text(settings, to=RESIDENT, body="Status SGP-2026-000123: sedang diproses.")

    assert result.outcome is Outcome.SENT
    [message] = standin.sent
    assert message.body["type"] == "text"
    assert message.body["text"] == {"preview_url": False, "body": "Status SGP-2026-000123: sedang diproses."}


def test_a_wrong_access_token_is_refused_with_190_and_may_work_once_renewed(standin):
    result = _filed(standin.settings(access_token="expired"))

    assert result.outcome is Outcome.NOT_SENT
    assert result.error.startswith("WhatsApp 190:")
    assert not result.permanent
    assert standin.sent == []


def test_an_unknown_template_is_refused_for_good(standin, settings):
    result = send_template(settings, to=RESIDENT, template="sigap_tidak_ada", parameters=[REFERENCE])

    assert result.outcome is Outcome.NOT_SENT
    assert result.error.startswith("WhatsApp 132001: (#132001) Template name does not exist")
    assert "sigap_tidak_ada" in result.error
    assert result.permanent
    assert standin.sent == []


def test_a_template_in_another_language_does_not_exist_either(standin):
    result = _filed(standin.settings(template_language="en_US"))

    assert result.outcome is Outcome.NOT_SENT and "132001" in result.error and result.permanent


def test_a_wrong_number_of_parameters_is_refused_for_good(settings):
    result = send_template(settings, to=RESIDENT, template="sigap_diterima", parameters=[REFERENCE])

    assert result.outcome is Outcome.NOT_SENT
    assert "132000" in result.error and result.permanent


@pytest.mark.parametrize("code", [4, 80007, 130429])
def test_a_rate_limit_is_not_sent_and_worth_retrying(standin, settings, code):
    standin.fail_next(code)

    first = _filed(settings)
    second = _filed(settings)

    assert first.outcome is Outcome.NOT_SENT
    assert first.error.startswith(f"WhatsApp {code}:")
    assert not first.permanent
    assert second.outcome is Outcome.SENT
    assert len(standin.sent) == 1


def test_meta_being_down_is_worth_retrying(standin, settings):
    standin.fail_next(131016)

    result = _filed(settings)

    assert result.outcome is Outcome.NOT_SENT and "131016" in result.error and not result.permanent


def test_a_number_not_in_e164_form_is_not_sent_and_nothing_is_asked(standin, settings):
    result = _filed(settings, to="0812-3456-7890")

    assert result.outcome is Outcome.NOT_SENT and result.permanent
    assert standin.requests == 0


def test_no_server_listening_is_not_sent():
    with socket.socket() as closed:  # bound, never listening: the port refuses connections
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        settings = WhatsAppSettings(
            api_base=f"http://127.0.0.1:{port}/v21.0",
            phone_number_id="1",
            access_token="t",
            app_secret="s",
            verify_token="v",
        )
        result = _filed(settings)

    assert result.outcome is Outcome.NOT_SENT
    assert "ConnectionRefusedError" in result.error
    assert not result.permanent


def test_no_answer_after_sending_is_uncertain_because_meta_may_have_it(standin):
    standin.delay = 1.5

    result = _filed(standin.settings(timeout=0.5))

    assert result.outcome is Outcome.UNCERTAIN
    assert result.provider_id is None
    assert len(standin.sent) == 1  # it did go out: sending it again would send it twice


def test_an_error_page_that_is_not_a_graph_error_is_not_sent(receiver):
    _, url = receiver  # the receiver answers a POST without a signature with a bare 403
    settings = WhatsAppSettings(
        api_base=url.rsplit("/", 2)[0], phone_number_id="webhooks", access_token="t", app_secret="s", verify_token="v"
    )

    result = _filed(settings)

    assert result.outcome is Outcome.NOT_SENT
    assert result.error == "HTTP 403 without a Graph error"
    assert not result.permanent


# --- webhooks through the receiver ----------------------------------------------------------------


def test_delivery_is_reported_sent_delivered_read(standin, settings, receiver):
    app, url = receiver
    wamid = _filed(settings).provider_id

    answers = standin.report_statuses(url, wamid)

    assert answers == [200, 200, 200]
    assert [(event.provider_id, event.status) for event in app.events] == [
        (wamid, DeliveryStatus.SENT),
        (wamid, DeliveryStatus.DELIVERED),
        (wamid, DeliveryStatus.READ),
    ]
    assert all(isinstance(event, StatusUpdate) and event.recipient == RESIDENT for event in app.events)


def test_a_number_without_whatsapp_is_accepted_then_reported_failed_for_good(standin, settings, receiver):
    app, url = receiver
    standin.mark_not_on_whatsapp(RESIDENT)

    result = _filed(settings)
    standin.report_statuses(url, result.provider_id)

    assert result.outcome is Outcome.SENT  # as Meta does: the failure comes by webhook
    [event] = app.events
    assert isinstance(event, StatusUpdate)
    assert event.status is DeliveryStatus.FAILED
    assert event.error_code == 131026
    assert event.error == "WhatsApp 131026: Message undeliverable (Message Undeliverable.)"
    assert event.permanent


def test_free_text_only_within_24_hours_of_the_residents_message(standin, settings, receiver):
    app, url = receiver
    outside = send_text(settings, to=RESIDENT, body="Halo")
    standin.report_statuses(url, outside.provider_id)
    message_id, answer = standin.send_incoming_text(url, RESIDENT, "LACAK SGP-2026-000123 K7Q2")
    inside = send_text(settings, to=RESIDENT, body="Status: sedang diproses.")
    standin.report_statuses(url, inside.provider_id, upto="delivered")

    assert answer == 200
    failed, incoming, sent, delivered = app.events
    assert isinstance(failed, StatusUpdate) and failed.provider_id == outside.provider_id
    assert failed.status is DeliveryStatus.FAILED and failed.error_code == 131047 and failed.permanent
    assert isinstance(incoming, IncomingMessage)
    assert (incoming.event_id, incoming.sender, incoming.type, incoming.text) == (
        message_id,
        RESIDENT,
        "text",
        "LACAK SGP-2026-000123 K7Q2",
    )
    assert (sent.status, delivered.status) == (DeliveryStatus.SENT, DeliveryStatus.DELIVERED)


def test_a_reply_to_our_message_names_it(standin, settings, receiver):
    app, url = receiver
    wamid = send_template(settings, to=RESIDENT, template="sigap_perlu_informasi", parameters=[REFERENCE, WHERE])

    standin.send_incoming_text(url, RESIDENT, "Saya kerja di pasar sejak 2019", reply_to=wamid.provider_id)

    [incoming] = app.events
    assert isinstance(incoming, IncomingMessage) and incoming.reply_to == wamid.provider_id


def test_a_badly_signed_webhook_is_refused(standin, settings, receiver):
    app, url = receiver
    wamid = _filed(settings).provider_id

    answer = standin.post_badly_signed(url, standin.status_payload(wamid, "delivered"))

    assert answer == 403
    assert app.refused == 1 and app.events == []


def test_an_unsigned_webhook_is_refused(standin, settings, receiver):
    app, url = receiver
    wamid = _filed(settings).provider_id

    answer = standin.post_unsigned(url, standin.status_payload(wamid, "delivered"))

    assert answer == 403
    assert app.refused == 1 and app.events == []


def test_a_replayed_webhook_is_answered_and_ignored(standin, settings, receiver):
    app, url = receiver
    wamid = _filed(settings).provider_id
    standin.report_statuses(url, wamid, upto="delivered")
    standin.send_incoming_text(url, RESIDENT, "BANTUAN")

    answers = [standin.replay(0), standin.replay(1), standin.replay(2)]

    assert answers == [200, 200, 200]  # Meta redelivers until it sees a 200: answer it, do nothing
    assert len(app.events) == 3
    assert app.replays == 3


def test_the_subscription_handshake_answers_our_verify_token_only(standin, receiver):
    _, url = receiver

    good = standin.handshake(url, standin.verify_token)
    bad = standin.handshake(url, "someone-elses-token")

    assert good[0] == 200 and good[1] == good[2]
    assert bad[0] == 403 and bad[1] == ""


# --- the pieces on their own ----------------------------------------------------------------------


def test_verify_signature():
    body = b'{"object":"whatsapp_business_account"}'
    good = "sha256=" + hmac.new(b"secret", body, hashlib.sha256).hexdigest()

    assert verify_signature("secret", body, good)
    assert verify_signature("secret", body, good.upper().replace("SHA256=", "sha256="))
    assert not verify_signature("secret", body + b" ", good)
    assert not verify_signature("other", body, good)
    assert not verify_signature("secret", body, None)
    assert not verify_signature("secret", body, "")
    assert not verify_signature("secret", body, good.removeprefix("sha256="))
    assert not verify_signature("", body, good)


def test_subscription_challenge():
    settings = WhatsAppSettings(api_base="x", phone_number_id="1", access_token="t", app_secret="s", verify_token="v")
    handshake = {"hub.mode": "subscribe", "hub.verify_token": "v", "hub.challenge": "1158201444"}

    assert subscription_challenge(settings, handshake) == "1158201444"
    assert subscription_challenge(settings, {**handshake, "hub.verify_token": "w"}) is None
    assert subscription_challenge(settings, {**handshake, "hub.mode": "unsubscribe"}) is None
    assert subscription_challenge(settings, {"hub.mode": "subscribe", "hub.challenge": "1"}) is None
    assert subscription_challenge(settings, {"hub.mode": "subscribe", "hub.verify_token": "v"}) is None
    empty = WhatsAppSettings(api_base="x", phone_number_id="1", access_token="t", app_secret="s", verify_token="")
    assert subscription_challenge(empty, {**handshake, "hub.verify_token": ""}) is None


def _webhook(value: dict[str, Any]) -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
    }


def test_parse_a_delivered_and_a_failed_status():
    payload = _webhook(
        {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "statuses": [
                {"id": "wamid.A", "status": "delivered", "timestamp": "1750857384", "recipient_id": "6281234567890"},
                {
                    "id": "wamid.B",
                    "status": "failed",
                    "timestamp": "1750857390",
                    "recipient_id": "6289876543210",
                    "errors": [
                        {
                            "code": 130429,
                            "title": "Rate limit hit",
                            "message": "Rate limit hit",
                            "error_data": {"details": "Too many messages"},
                        }
                    ],
                },
            ],
        }
    )

    delivered, failed = parse_webhook(payload)

    assert delivered == StatusUpdate(
        event_id="wamid.A:delivered",
        provider_id="wamid.A",
        status=DeliveryStatus.DELIVERED,
        recipient="+6281234567890",
        timestamp=datetime(2025, 6, 25, 13, 16, 24, tzinfo=UTC),
    )
    assert isinstance(failed, StatusUpdate)
    assert (failed.event_id, failed.status, failed.error_code) == ("wamid.B:failed", DeliveryStatus.FAILED, 130429)
    assert failed.error == "WhatsApp 130429: Rate limit hit (Too many messages)"
    assert not failed.permanent


def test_parse_a_text_and_another_type():
    payload = _webhook(
        {
            "contacts": [{"profile": {"name": "X"}, "wa_id": "6281234567890"}],
            "messages": [
                {
                    "from": "6281234567890",
                    "id": "wamid.T",
                    "timestamp": "1504902988",
                    "type": "text",
                    "text": {"body": "CEK"},
                },
                {
                    "from": "6281234567890",
                    "id": "wamid.I",
                    "timestamp": "1504902989",
                    "type": "image",
                    "image": {"id": "9"},
                },
            ],
        }
    )

    text, image = parse_webhook(payload)

    assert text == IncomingMessage(
        event_id="wamid.T",
        provider_id="wamid.T",
        sender="+6281234567890",
        timestamp=datetime.fromtimestamp(1504902988, UTC),
        type="text",
        text="CEK",
    )
    assert isinstance(image, IncomingMessage) and (image.type, image.text) == ("image", "")


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "whatsapp",
        [],
        {},
        {"object": "page", "entry": []},
        {"object": "whatsapp_business_account"},
        {"object": "whatsapp_business_account", "entry": "x"},
        {"object": "whatsapp_business_account", "entry": [None, 1, {"changes": "x"}]},
        {"object": "whatsapp_business_account", "entry": [{"changes": [{"value": []}]}]},
        _webhook({"statuses": [{"status": "delivered", "recipient_id": "62"}]}),  # no id
        _webhook({"statuses": [{"id": "wamid.A", "status": "deleted", "recipient_id": "62"}]}),  # unknown status
        _webhook({"statuses": [{"id": "wamid.A", "status": "sent"}]}),  # no recipient
        _webhook({"statuses": {"id": "wamid.A"}}),
        _webhook({"messages": [{"from": "62", "id": "wamid.T", "type": "text"}]}),  # no text
        _webhook({"messages": [{"from": "62", "id": "wamid.T", "type": "text", "text": {"body": 5}}]}),
        _webhook({"messages": [{"id": "wamid.T", "type": "text", "text": {"body": "CEK"}}]}),  # no sender
        _webhook({"messages": [{"from": 62, "id": "wamid.T", "type": "text", "text": {"body": "CEK"}}]}),
        _webhook({"messages": [{"from": "62", "id": "wamid.T", "text": {"body": "CEK"}}]}),  # no type
    ],
)
def test_a_malformed_webhook_gives_nothing(payload):
    assert parse_webhook(payload) == []


def test_a_malformed_item_is_left_out_and_the_others_kept():
    payload = _webhook(
        {
            "statuses": [
                {"id": "wamid.A", "status": "weird"},
                {"id": "wamid.B", "status": "read", "timestamp": "soon", "recipient_id": "6281"},
            ]
        }
    )

    [event] = parse_webhook(payload)

    assert isinstance(event, StatusUpdate) and event.provider_id == "wamid.B" and event.timestamp is None
