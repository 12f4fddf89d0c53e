"""SMS through Kannel: smsbox's HTTP `sendsms` out, its delivery reports and a phone's messages in.

No Flask here: a sender calls `send_sms`, the routes of the SMS channel call `token_ok`,
`parse_delivery_report` and `parse_incoming` with what Kannel sent them. docs/kannel.md has the
kannel.conf this module expects.

Out: one GET to `/cgi-bin/sendsms` (Kannel's documented interface; every field in the query):

    202 "0: Accepted for delivery"      -> SENT      (bearerbox has it, in its store-file)
    202 "3: Queued for later delivery"  -> SENT      (bearerbox has it; no SMSC connected just now)
    400 (bad number, number refused)    -> NOT_SENT, permanent (this message cannot go)
    403 (bad login), 5xx                -> NOT_SENT  with Kannel's words (fix the setup, try later)
    refused / connect timeout / unwritable request  -> NOT_SENT  (smsbox never had it; it is down
                                           too while bearerbox is, see docs/kannel.md)
    request written, answer lost        -> UNCERTAIN (smsbox may have taken it)

Delivery reports: the `dlr-url` of each message carries the portal's message id, the shared token
and Kannel's escape codes: %d the report's type (1 delivered, 2 failed, 4 buffered at the SMSC,
8 taken by the SMSC, 16 refused by the SMSC), %A the SMSC's words, %T when (Unix time).
A long text goes in several parts and each part is reported on its own.

In: the sms-service posts a phone's message to the portal (`post-url`): the text is the body,
never in the URL (a `CEK <NIK> <NAMA>` must not land in an access log); the sender, the number it
was sent to, the time and Kannel's id of the message are in the query.
"""

from __future__ import annotations

import enum
import hmac
import http.client
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import SplitResult, urlencode, urlsplit

import phonenumbers

from portal.notifications.delivery import Outcome, Transmission

DLR_MASK = 1 | 2 | 4 | 8 | 16  # delivered, failed, buffered, taken by the SMSC, refused by the SMSC
TEXT_LIMIT = 1600  # longest incoming text kept (ten concatenated parts and then some)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,}")  # URL-safe as it is: Kannel reads every % of a dlr-url as an escape
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_ACCEPTED = ("0:", "3:")  # "0: Accepted for delivery", "3: Queued for later delivery"


@dataclass(frozen=True, slots=True)
class KannelSettings:
    sendsms_url: str  # http://127.0.0.1:13013/cgi-bin/sendsms
    username: str  # a sendsms-user of smsbox
    password: str = field(repr=False)
    sender: str  # `from`: the shortcode or sender ID the operators gave the city
    dlr_url_base: str  # the portal's public delivery-report endpoint: https://…/kanal/sms/laporan
    dlr_token: str = field(repr=False)  # shared with Kannel through the dlr-url and the sms-service's post-url
    timeout: float = 10.0  # seconds, for connecting and for the answer each
    smsc_id: str | None = None  # route through this smsc-id of kannel.conf; None: Kannel chooses

    def __post_init__(self) -> None:
        if urlsplit(self.sendsms_url).scheme not in ("http", "https"):
            raise ValueError("sendsms_url must be an http(s) URL")
        if not _TOKEN.fullmatch(self.dlr_token):
            raise ValueError("dlr_token must be 16 or more letters, digits, '-' or '_'")
        if "%" in self.dlr_url_base or "#" in self.dlr_url_base:
            raise ValueError("dlr_url_base must hold no '%' (Kannel's escapes) and no fragment")


class DeliveryState(enum.Enum):
    DELIVERED = "delivered"  # the phone has it (1)
    FAILED = "failed"  # it will not get there: undeliverable (2) or refused by the SMSC (16)
    PENDING = "pending"  # on its way: buffered at the SMSC (4) or taken by it (8)


_STATES = {
    1: DeliveryState.DELIVERED,
    2: DeliveryState.FAILED,
    4: DeliveryState.PENDING,
    8: DeliveryState.PENDING,
    16: DeliveryState.FAILED,
}


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    message_id: int
    state: DeliveryState
    status: int  # Kannel's own type, as sent (%d)
    reason: str  # the SMSC's words (%A): "ACK/", "NACK/0x0000000b/Invalid Destination Address", an SMPP receipt
    at: datetime | None  # when Kannel made the report (%T), UTC


@dataclass(frozen=True, slots=True)
class IncomingSms:
    from_number: str  # E.164
    text: str
    at: datetime  # when the SMSC handed it to Kannel (%T), UTC
    to: str = ""  # the portal's number it was sent to (%P): the shortcode
    provider_id: str | None = None  # Kannel's id of the message (%I): the same on a retried post


# GSM 03.38: the default alphabet (0x1B, the escape to the extension table, left out) and the
# extension table, whose characters take two septets.
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


def is_gsm7(text: str) -> bool:
    """True when every character is in GSM 03.38 (default alphabet or its extension table)."""
    return all(char in _GSM7_BASIC or char in _GSM7_EXTENSION for char in text)


def sms_parts(text: str) -> int:
    """How many SMS the text takes: GSM-7 160 septets in one, 153 a part when concatenated (an
    extension character counts two and is never split); otherwise UCS-2, 70 and 67 UTF-16 units
    (a character beyond the BMP counts two and is never split). An empty text is one SMS."""
    if is_gsm7(text):
        weights = [2 if char in _GSM7_EXTENSION else 1 for char in text]
        single, each = 160, 153
    else:
        weights = [2 if ord(char) > 0xFFFF else 1 for char in text]
        single, each = 70, 67
    if sum(weights) <= single:
        return 1
    parts, used = 1, 0
    for weight in weights:
        if used + weight > each:
            parts, used = parts + 1, 0
        used += weight
    return parts


def dlr_url(settings: KannelSettings, message_id: int) -> str:
    """The dlr-url given with a message: the portal's endpoint, the message, the token, then
    Kannel's escapes it fills in for each report."""
    separator = "&" if "?" in settings.dlr_url_base else "?"
    known = urlencode({"id": message_id, "token": settings.dlr_token})
    return f"{settings.dlr_url_base}{separator}{known}&status=%d&reply=%A&at=%T"


def sendsms_query(settings: KannelSettings, *, to: str, text: str, message_id: int) -> dict[str, str]:
    """The CGI variables of the sendsms request (the password among them)."""
    query = {
        "username": settings.username,
        "password": settings.password,
        "from": settings.sender,
        "to": to,
        "text": text,
        "charset": "UTF-8",
        # 0: GSM 7-bit, Kannel converts the UTF-8 to the GSM alphabet for the SMSC; 2: UCS-2.
        "coding": "0" if is_gsm7(text) else "2",
        "dlr-mask": str(DLR_MASK),
        "dlr-url": dlr_url(settings, message_id),
    }
    if settings.smsc_id:
        query["smsc"] = settings.smsc_id
    return query


def send_sms(settings: KannelSettings, *, to: str, text: str, message_id: int) -> Transmission:
    """Hand one SMS to smsbox. Never raises for what the network or Kannel does."""
    if not _E164.fullmatch(to):
        return Transmission(Outcome.NOT_SENT, "the number is not in E.164 form (+62…)", permanent=True)
    if not text:
        return Transmission(Outcome.NOT_SENT, "empty text", permanent=True)
    url = urlsplit(settings.sendsms_url)
    path = f"{url.path or '/'}?{urlencode(sendsms_query(settings, to=to, text=text, message_id=message_id))}"
    connection = _connection(url, settings.timeout)
    try:
        try:
            connection.connect()
            connection.request("GET", path, headers={"Accept": "text/plain"})
        except (OSError, http.client.HTTPException) as error:
            # refused, unreachable, timed out connecting, or the request could not be written whole:
            # smsbox acts on a complete request only.
            return Transmission(Outcome.NOT_SENT, _describe(error))
        try:
            response = connection.getresponse()
            status = response.status
            answer = response.read(1000).decode("utf-8", "replace").strip()
        except (OSError, http.client.HTTPException) as error:
            return Transmission(Outcome.UNCERTAIN, _describe(error))
    finally:
        connection.close()
    return _answer(status, answer)


def token_ok(settings: KannelSettings, token: str | None) -> bool:
    """Whether a report or a phone's message carries the shared token (constant time)."""
    if not token:
        return False
    return hmac.compare_digest(token.encode("utf-8", "replace"), settings.dlr_token.encode())


def parse_delivery_report(args: Mapping[str, str]) -> DeliveryReport | None:
    """The query of a request to the dlr-url, or None when it is not one of ours (no message id,
    a report type Kannel does not send). The token is checked apart (`token_ok`)."""
    message_id = _positive_int(args.get("id"))
    status = _positive_int(args.get("status"))
    if message_id is None or status not in _STATES:
        return None
    return DeliveryReport(
        message_id=message_id,
        state=_STATES[status],
        status=status,
        reason=(args.get("reply") or "")[:500],
        at=_moment(args.get("at")),
    )


def parse_incoming(args: Mapping[str, str], text: str) -> IncomingSms | None:
    """A phone's message as the sms-service posts it: the query (from, to, at, id) and the body,
    or None when the sender is no phone number or the time is missing."""
    from_number = _e164(args.get("from"))
    at = _moment(args.get("at"))
    if from_number is None or at is None:
        return None
    return IncomingSms(
        from_number=from_number,
        text=text[:TEXT_LIMIT],
        at=at,
        to=(args.get("to") or "")[:32],
        provider_id=(args.get("id") or None),
    )


def _connection(url: SplitResult, timeout: float) -> http.client.HTTPConnection:
    host, port = url.hostname or "127.0.0.1", url.port
    if url.scheme == "https":
        return http.client.HTTPSConnection(host, port, timeout=timeout)
    return http.client.HTTPConnection(host, port, timeout=timeout)


def _answer(status: int, answer: str) -> Transmission:
    said = f"HTTP {status}: {answer}"[:500]
    if 200 <= status < 300:
        if answer.startswith(_ACCEPTED):
            return Transmission(Outcome.SENT)
        return Transmission(Outcome.UNCERTAIN, said)  # a 2xx that is no sendsms answer (a proxy?)
    # 400: smsbox refuses this message (empty or refused number, no sender); 403 (the portal's
    # login) and 5xx are the setup's or Kannel's, and may pass
    return Transmission(Outcome.NOT_SENT, said, permanent=status == 400)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _positive_int(raw: str | None) -> int | None:
    if raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return None
    value = int(raw)
    return value if value > 0 else None


def _moment(raw: str | None) -> datetime | None:
    seconds = _positive_int(raw)
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _e164(raw: str | None) -> str | None:
    """A sender as SMSCs give it (+6281…, 6281…, 081…) in E.164, or None for no phone number."""
    if not raw or len(raw) > 20:
        return None
    try:
        number = phonenumbers.parse(raw.strip(), "ID")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
