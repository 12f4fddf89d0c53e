"""WhatsApp through the WhatsApp Business Cloud API (Meta's Graph API): send a template message
or a free-form text, check a webhook's X-Hub-Signature-256, read a webhook's statuses and
incoming messages, answer the subscription handshake. No Flask here and no database: the outbox
decides what to send and records what came of it; a route hands webhooks to `verify_signature`
and `parse_webhook`.

The shapes are Meta's documented ones (Cloud API "Send messages", "Error codes", the `messages`
webhook reference, "Create a webhook endpoint"). The real API is unreachable from the test
machines: tests run against tests/standins/whatsapp_cloud.py, a stand-in that follows those
documents (docs/whatsapp.md).

What a send means:
- SENT: Meta accepted the message and gave its id (the wamid). Accepted is not delivered: a
  number without WhatsApp is reported later, by a `failed` status webhook (code 131026).
- NOT_SENT: Meta answered with an error, or there was no connection. `permanent` says whether
  sending the same message again can work: True for this number or this message (not on
  WhatsApp, outside the 24-hour window, unknown template, invalid parameter), False for
  "try again later" (rate limits, Meta's service down, an expired access token to renew).
- UNCERTAIN: the request went out and no answer came back (a read timeout, a dropped
  connection): Meta may have accepted it; sending again may send it twice.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import http.client
import json
import re
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from portal.notifications.delivery import Outcome, Transmission


@dataclass(frozen=True, slots=True)
class WhatsAppSettings:
    api_base: str  # e.g. https://graph.facebook.com/v21.0
    phone_number_id: str  # the business number's id in the WhatsApp Manager, not the number
    access_token: str  # a system user's permanent token
    app_secret: str  # signs the webhooks (X-Hub-Signature-256)
    verify_token: str  # our word for the GET subscription handshake
    template_language: str = "id"
    timeout: float = 10.0  # seconds, for the connection and for the answer


# Graph error codes after which the same request may work later.
RETRY_LATER: Mapping[int, str] = {
    1: "API unknown",
    2: "API service",
    4: "API too many calls",
    190: "access token expired",
    80007: "rate limit issues",
    130429: "rate limit hit",
    131000: "something went wrong",
    131016: "service unavailable",
    131048: "spam rate limit hit",
    131056: "pair rate limit hit",
    133004: "server temporarily unavailable",
}
# Codes after which sending the same message to the same number again is pointless: fall back to
# another channel. Any other code is taken as "retry later" (the outbox gives up after its tries).
PERMANENT: Mapping[int, str] = {
    100: "invalid parameter",
    131008: "required parameter is missing",
    131009: "parameter value is not valid",
    131021: "recipient cannot be sender",
    131026: "message undeliverable",
    131030: "recipient phone number not in allowed list",
    131047: "re-engagement message (more than 24 hours since the resident's last message)",
    131050: "user stopped marketing messages",
    131051: "unsupported message type",
    131052: "media download error",
    132000: "template parameter count mismatch",
    132001: "template does not exist",
    132005: "template hydrated text too long",
    132007: "template format character policy violated",
    132012: "template parameter format mismatch",
    132015: "template is paused",
    132016: "template is disabled",
}

_E164 = re.compile(r"\+?[1-9][0-9]{6,14}")
_MAX_ERROR = 500


def send_template(settings: WhatsAppSettings, *, to: str, template: str, parameters: Sequence[str]) -> Transmission:
    """An approved template with its body's {{1}}, {{2}}, … filled in order; `to` in E.164."""
    content = {
        "type": "template",
        "template": {
            "name": template,
            "language": {"code": settings.template_language},
            "components": [
                {"type": "body", "parameters": [{"type": "text", "text": str(value)} for value in parameters]}
            ],
        },
    }
    return _send(settings, to=to, content=content)


def send_text(settings: WhatsAppSettings, *, to: str, body: str) -> Transmission:
    """Free-form text: Meta delivers it only within 24 hours of the resident's last message to
    the business number (otherwise a `failed` status with 131047 follows). For answers to
    incoming commands; everything else goes as a template."""
    return _send(settings, to=to, content={"type": "text", "text": {"preview_url": False, "body": body}})


def _send(settings: WhatsAppSettings, *, to: str, content: Mapping[str, object]) -> Transmission:
    if not _E164.fullmatch(to):
        return Transmission(Outcome.NOT_SENT, "not a phone number in E.164 form (+62…)", permanent=True)
    payload = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to.lstrip("+"), **content}
    url = urlsplit(f"{settings.api_base.rstrip('/')}/{settings.phone_number_id}/messages")
    connection: http.client.HTTPConnection
    if url.scheme == "https":
        connection = http.client.HTTPSConnection(
            url.netloc, timeout=settings.timeout, context=ssl.create_default_context()
        )
    elif url.scheme == "http":
        connection = http.client.HTTPConnection(url.netloc, timeout=settings.timeout)
    else:
        return Transmission(Outcome.NOT_SENT, f"api_base is not an http(s) URL: {settings.api_base!r}")
    try:
        try:
            connection.request(
                "POST",
                url.path,
                body=json.dumps(payload).encode(),
                headers={
                    "Authorization": f"Bearer {settings.access_token}",
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                },
            )
        except (OSError, http.client.HTTPException) as error:  # refused, unreachable, TLS, connect timeout
            return Transmission(Outcome.NOT_SENT, _describe(error))
        try:
            response = connection.getresponse()
            status, raw = response.status, response.read()
        except (OSError, http.client.HTTPException) as error:  # sent, and no answer: Meta may have it
            return Transmission(Outcome.UNCERTAIN, _describe(error))
    finally:
        connection.close()
    return _judge(status, raw)


def _judge(status: int, raw: bytes) -> Transmission:
    answer = _json_object(raw)
    if 200 <= status < 300:
        messages = answer.get("messages") if answer else None
        wamid = (
            messages[0].get("id") if isinstance(messages, list) and messages and isinstance(messages[0], dict) else None
        )
        if isinstance(wamid, str) and wamid:
            return Transmission(Outcome.SENT, provider_id=wamid)
        return Transmission(Outcome.UNCERTAIN, f"HTTP {status} without a message id")
    error = answer.get("error") if answer else None
    if not isinstance(error, dict):
        return Transmission(Outcome.NOT_SENT, f"HTTP {status} without a Graph error")
    code = error.get("code")
    code = code if isinstance(code, int) and not isinstance(code, bool) else None
    return Transmission(Outcome.NOT_SENT, _error_text(code, error), permanent=code in PERMANENT)


def _error_text(code: int | None, error: Mapping[str, Any]) -> str:
    message = error.get("message") or error.get("title") or ""
    data = error.get("error_data")
    details = data.get("details") if isinstance(data, dict) else None
    text = f"WhatsApp {code if code is not None else '?'}: {message}"
    if details and details != message:
        text += f" ({details})"
    return text[:_MAX_ERROR]


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:_MAX_ERROR]


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def verify_signature(app_secret: str, raw_body: bytes, header: str | None) -> bool:
    """Meta signs every webhook POST: X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body
    with the app secret>. Check it on the bytes as received, before parsing them."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def subscription_challenge(settings: WhatsAppSettings, args: Mapping[str, str]) -> str | None:
    """The GET handshake Meta makes when the webhook is set up: answer hub.challenge (200, plain
    text) when hub.mode is subscribe and hub.verify_token is ours; None means refuse (403)."""
    mode, token, challenge = args.get("hub.mode"), args.get("hub.verify_token"), args.get("hub.challenge")
    if mode != "subscribe" or not settings.verify_token or not token or not challenge:
        return None
    if not hmac.compare_digest(token.encode(), settings.verify_token.encode()):
        return None
    return challenge


class DeliveryStatus(enum.Enum):
    SENT = "sent"  # Meta's servers have it
    DELIVERED = "delivered"  # on the resident's phone
    READ = "read"  # opened (only when the resident has read receipts on)
    FAILED = "failed"  # not delivered; see error_code


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    event_id: str  # wamid:status — a replayed webhook carries the same one (dedupe on it)
    provider_id: str  # the wamid that send_template/send_text returned
    status: DeliveryStatus
    recipient: str  # +62…
    timestamp: datetime | None
    error_code: int | None = None
    error: str = ""
    permanent: bool = False  # for FAILED: see PERMANENT


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    event_id: str  # the message's id (a wamid): the same in a replayed webhook
    provider_id: str
    sender: str  # +62…
    timestamp: datetime | None
    type: str  # "text", or what else was sent: image, audio, location, button, …
    text: str  # the body of a text message; "" for every other type
    reply_to: str | None = None  # the wamid of our message the resident replied to, if any


def parse_webhook(payload: object) -> list[StatusUpdate | IncomingMessage]:
    """The statuses and incoming messages of a `messages` webhook, in their order. Anything that
    is not the documented shape gives nothing: a malformed payload gives [], a malformed item
    is left out; this never raises."""
    if not isinstance(payload, Mapping) or payload.get("object") != "whatsapp_business_account":
        return []
    events: list[StatusUpdate | IncomingMessage] = []
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if not isinstance(value, Mapping):
                continue
            events.extend(item for item in map(_status, _dicts(value.get("statuses"))) if item is not None)
            events.extend(item for item in map(_message, _dicts(value.get("messages"))) if item is not None)
    return events


def _dicts(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _status(item: Mapping[str, Any]) -> StatusUpdate | None:
    wamid, recipient = _text(item.get("id")), _text(item.get("recipient_id"))
    try:
        status = DeliveryStatus(item.get("status"))
    except ValueError:
        return None
    if wamid is None or recipient is None:
        return None
    code, error = None, ""
    errors = _dicts(item.get("errors"))
    if errors:
        raw_code = errors[0].get("code")
        code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
        error = _error_text(code, errors[0])
    return StatusUpdate(
        event_id=f"{wamid}:{status.value}",
        provider_id=wamid,
        status=status,
        recipient=_phone(recipient),
        timestamp=_time(item.get("timestamp")),
        error_code=code,
        error=error,
        permanent=status is DeliveryStatus.FAILED and code in PERMANENT,
    )


def _message(item: Mapping[str, Any]) -> IncomingMessage | None:
    message_id, sender, kind = _text(item.get("id")), _text(item.get("from")), _text(item.get("type"))
    if message_id is None or sender is None or kind is None:
        return None
    text = ""
    if kind == "text":
        content = item.get("text")
        body = content.get("body") if isinstance(content, Mapping) else None
        if not isinstance(body, str):
            return None
        text = body
    context = item.get("context")
    reply_to = _text(context.get("id")) if isinstance(context, Mapping) else None
    return IncomingMessage(
        event_id=message_id,
        provider_id=message_id,
        sender=_phone(sender),
        timestamp=_time(item.get("timestamp")),
        type=kind,
        text=text,
        reply_to=reply_to,
    )


def _text(value: object) -> str | None:
    """A non-empty string, or None."""
    return value if isinstance(value, str) and value else None


def _phone(digits: str) -> str:
    return digits if digits.startswith("+") else f"+{digits}"


def _time(value: object) -> datetime | None:
    """Webhook timestamps are Unix seconds, as a string."""
    try:
        return datetime.fromtimestamp(int(str(value)), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
