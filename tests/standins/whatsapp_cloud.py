"""A STAND-IN for the WhatsApp Business Cloud API (Meta's Graph API), for tests: it is not Meta
and proves nothing about Meta beyond the documented shapes it copies. The real API cannot be
reached from the test machines.

It follows these Meta documents (WhatsApp Cloud API, developers.facebook.com):
- "Send messages" / Messages API reference: POST /{version}/{phone-number-id}/messages with
  `Authorization: Bearer <token>` and a JSON body {"messaging_product": "whatsapp",
  "recipient_type": "individual", "to": "<digits>", "type": "template" | "text", ...}; a
  template is {"name", "language": {"code"}, "components": [{"type": "body", "parameters":
  [{"type": "text", "text"}]}]}, a text is {"body", "preview_url"}. The answer on success is
  {"messaging_product": "whatsapp", "contacts": [{"input", "wa_id"}], "messages": [{"id":
  "wamid.…"}]}.
- "Error codes" / Graph API error handling: {"error": {"message": "(#CODE) Title", "type":
  "OAuthException", "code", "error_data": {"messaging_product": "whatsapp", "details"},
  "fbtrace_id"}} (error_subcode is no longer sent from v16.0 on). Codes used here: 190 (access
  token, HTTP 401), 100 (invalid parameter, 400), 131051 (unsupported message type, 400),
  132000 (parameter count mismatch, 400), 132001 (template does not exist, 404), and whatever a
  test injects with `fail_next` (4, 80007, 130429 rate limits; 131000, 131016, …).
- The `messages` webhook reference (statuses and messages): POST to the callback URL with
  {"object": "whatsapp_business_account", "entry": [{"id": WABA_ID, "changes": [{"field":
  "messages", "value": {"messaging_product": "whatsapp", "metadata": {"display_phone_number",
  "phone_number_id"}, "statuses": [...] | "contacts": [...], "messages": [...]}}]}]}. A status
  is {"id": wamid, "status": sent|delivered|read|failed, "timestamp": "<unix seconds>",
  "recipient_id", ...}; a failed one carries "errors": [{"code", "title", "message",
  "error_data": {"details"}, "href"}]. A message is {"from", "id", "timestamp", "type", "text":
  {"body"}} with "context": {"from", "id"} when it replies to one of ours.
- "Create a webhook endpoint": every POST is signed, X-Hub-Signature-256: sha256=<hex
  HMAC-SHA256 of the raw body with the app secret> (Meta escapes non-ASCII as \\uXXXX in the
  signed body, and so does this); the GET handshake hub.mode=subscribe&hub.verify_token=…&
  hub.challenge=… expects the challenge back with 200.

As Meta does, it accepts a message to a number that has no WhatsApp (and a free-form text outside
the 24-hour window) and reports the failure afterwards, in a `failed` status webhook (131026,
131047), not in the answer to the send. What it simplifies: one business number, templates with
body parameters only, no media, no conversation pricing beyond a fixed object, webhooks posted
only when a test asks (`report_statuses`, `send_incoming_text`), never on their own or retried.
"""

# ruff: noqa: S107 (made-up tokens and secrets: this is a stand-in)

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from portal.notifications.whatsapp import WhatsAppSettings

VERSION = "v21.0"
WABA_ID = "102290129340398"
DISPLAY_NUMBER = "6281100001111"  # the city's business number, as webhooks show it

# Meta's title of each code this stand-in can answer with, and the HTTP status it comes with.
ERRORS: Mapping[int, tuple[str, int]] = {
    1: ("API Unknown", 400),
    2: ("API Service", 503),
    4: ("Application request limit reached", 400),
    100: ("Invalid parameter", 400),
    190: ("Invalid OAuth access token - Cannot parse access token", 401),
    80007: ("Rate limit issues", 400),
    130429: ("Rate limit hit", 400),
    131000: ("Something went wrong", 500),
    131016: ("Service unavailable", 503),
    131026: ("Message undeliverable", 400),
    131047: ("Re-engagement message", 400),
    131048: ("Spam rate limit hit", 400),
    131051: ("Unsupported message type", 400),
    131056: ("(Business Account, Consumer Account) pair rate limit hit", 400),
    132000: ("Number of parameters does not match the expected number of params", 400),
    132001: ("Template name does not exist in the translation", 404),
}
DETAILS: Mapping[int, str] = {
    131026: "Message Undeliverable.",
    131047: "Message failed to send because more than 24 hours have passed since the customer last "
    "replied to this number.",
    130429: "Message failed to send because there were too many messages sent from this phone number "
    "in a short period of time",
}
ERROR_CODES_URL = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"
WINDOW_SECONDS = 24 * 60 * 60

# The approved templates of docs/whatsapp.md: name -> number of body parameters ({{1}}, {{2}}).
APPROVED_TEMPLATES: Mapping[str, int] = {
    "sigap_diterima": 2,
    "sigap_perlu_informasi": 2,
    "sigap_dijawab": 2,
    "sigap_selesai": 2,
    "sigap_banding_diputus": 2,
    "sigap_kunjungan_dijadwalkan": 2,
    "sigap_pengingat": 2,
    "sigap_status": 2,
    "sigap_ditutup_tanpa_jawaban": 2,
}


@dataclass(slots=True)
class SentMessage:
    """One message the stand-in accepted, and the statuses Meta would report for it."""

    wamid: str
    to: str  # digits, as sent
    type: str  # "template" or "text"
    template: str | None = None
    language: str | None = None
    parameters: list[str] = field(default_factory=list)
    text: str | None = None
    body: dict[str, Any] = field(default_factory=dict)  # the request body as received
    fate: list[tuple[str, int | None]] = field(default_factory=list)  # (status, error code) in order


@dataclass(slots=True)
class Posted:
    """A webhook POST as it went out: the same bytes and headers can be posted again (a replay)."""

    url: str
    raw: bytes
    headers: dict[str, str]
    status: int


class GraphError(Exception):
    def __init__(self, code: int, details: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.details = details or DETAILS.get(code, ERRORS.get(code, ("Error", 400))[0])


class WhatsAppCloudStandIn:
    """The stand-in server on a free loopback port. `start()`/`stop()`, or use it as a context
    manager; `settings()` gives a client's WhatsAppSettings pointing at it."""

    def __init__(
        self,
        *,
        access_token: str = "standin-access-token",
        phone_number_id: str = "106540352242922",
        app_secret: str = "standin-app-secret",
        verify_token: str = "standin-verify-token",
        templates: Mapping[str, int] = APPROVED_TEMPLATES,
        language: str = "id",
    ) -> None:
        self.access_token = access_token
        self.phone_number_id = phone_number_id
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.templates = dict(templates)
        self.language = language
        self.sent: list[SentMessage] = []
        self.posted: list[Posted] = []
        self.delay = 0.0  # seconds to wait before answering a send (after reading it): a slow Meta
        self.requests = 0  # every request that reached the stand-in, answered or not
        self._not_on_whatsapp: set[str] = set()
        self._last_inbound: dict[str, float] = {}  # digits -> when the resident last wrote to us
        self._faults: list[int] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server: Any = None
        self._thread: threading.Thread | None = None

    # --- running -------------------------------------------------------------------------------

    def start(self) -> WhatsAppCloudStandIn:
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="whatsapp-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> WhatsAppCloudStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/{VERSION}"

    def settings(self, **overrides: Any) -> WhatsAppSettings:
        values: dict[str, Any] = {
            "api_base": self.api_base,
            "phone_number_id": self.phone_number_id,
            "access_token": self.access_token,
            "app_secret": self.app_secret,
            "verify_token": self.verify_token,
            "template_language": self.language,
            "timeout": 5.0,
        }
        return WhatsAppSettings(**{**values, **overrides})

    # --- what a test arranges --------------------------------------------------------------------

    def mark_not_on_whatsapp(self, number: str) -> None:
        """Messages to this number are accepted and then fail (status webhook, 131026)."""
        self._not_on_whatsapp.add(number.lstrip("+"))

    def fail_next(self, code: int, times: int = 1) -> None:
        """The next `times` sends (with a valid token) get this Graph error, e.g. 130429."""
        with self._lock:
            self._faults.extend([code] * times)

    def message(self, wamid: str) -> SentMessage:
        return next(message for message in self.sent if message.wamid == wamid)

    # --- the Graph API --------------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        with self._lock:
            self.requests += 1
        try:
            response = self._answer(request)
        except GraphError as error:
            response = _graph_error(error.code, error.details)
        if self.delay:
            time.sleep(self.delay)
        return response(environ, start_response)

    def _answer(self, request: Request) -> Response:
        if request.method != "POST" or request.path != f"/{VERSION}/{self.phone_number_id}/messages":
            raise GraphError(100, f"Unsupported {request.method.lower()} request to {request.path}")
        authorization = request.headers.get("Authorization", "")
        if not hmac.compare_digest(authorization.encode(), f"Bearer {self.access_token}".encode()):
            raise GraphError(190, "Invalid OAuth access token.")
        with self._lock:
            fault = self._faults.pop(0) if self._faults else None
        if fault is not None:
            raise GraphError(fault)
        body = request.get_json(force=True, silent=True)
        message = self._validate(body)
        with self._lock:
            self.sent.append(message)
        return Response(
            json.dumps(
                {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": message.to, "wa_id": message.to}],
                    "messages": [{"id": message.wamid}],
                }
            ),
            status=200,
            content_type="application/json",
        )

    def _validate(self, body: object) -> SentMessage:
        if not isinstance(body, dict):
            raise GraphError(100, "The request body is not a JSON object")
        if body.get("messaging_product") != "whatsapp":
            raise GraphError(100, "The parameter messaging_product is required and must be whatsapp")
        if body.get("recipient_type", "individual") != "individual":
            raise GraphError(100, "Param recipient_type must be individual")
        to = body.get("to")
        if not isinstance(to, str) or not to.lstrip("+").isdigit() or not 7 <= len(to.lstrip("+")) <= 15:
            raise GraphError(100, "Param to must be a phone number")
        to = to.lstrip("+")
        kind = body.get("type", "text")
        message = SentMessage(wamid=self._new_wamid(), to=to, type=kind, body=body)
        if kind == "template":
            self._validate_template(body.get("template"), message)
        elif kind == "text":
            text = body.get("text")
            content = text.get("body") if isinstance(text, dict) else None
            if not isinstance(content, str) or not content.strip() or len(content) > 4096:
                raise GraphError(100, "Param text['body'] must be a non-empty string of at most 4096 characters")
            message.text = content
        else:
            raise GraphError(131051, f"The stand-in knows message types template and text, not {kind!r}")
        message.fate = self._fate(message)
        return message

    def _validate_template(self, template: object, message: SentMessage) -> None:
        if not isinstance(template, dict) or not isinstance(template.get("name"), str):
            raise GraphError(100, "Param template['name'] is required")
        language = template.get("language")
        code = language.get("code") if isinstance(language, dict) else None
        if not isinstance(code, str):
            raise GraphError(100, "Param template['language']['code'] is required")
        name = template["name"]
        if name not in self.templates or code != self.language:
            raise GraphError(132001, f"template name ({name}) does not exist in {code}")
        parameters: list[str] = []
        components = template.get("components", [])
        if not isinstance(components, list):
            raise GraphError(100, "Param template['components'] must be an array")
        for component in components:
            if not isinstance(component, dict) or component.get("type") != "body":
                raise GraphError(100, "The stand-in's templates have body components only")
            for parameter in component.get("parameters", []):
                if not isinstance(parameter, dict) or parameter.get("type") != "text":
                    raise GraphError(100, "Param template['components'][0]['parameters'] must be text parameters")
                text = parameter.get("text")
                if not isinstance(text, str) or not text.strip():
                    raise GraphError(100, "Param template['components'][0]['parameters'][]['text'] is empty")
                parameters.append(text)
        expected = self.templates[name]
        if len(parameters) != expected:
            raise GraphError(
                132000,
                f"body: number of localizable_params ({len(parameters)}) does not match the expected number "
                f"of params ({expected})",
            )
        message.template, message.language, message.parameters = name, code, parameters

    def _fate(self, message: SentMessage) -> list[tuple[str, int | None]]:
        if message.to in self._not_on_whatsapp:
            return [("failed", 131026)]
        if message.type == "text" and time.time() - self._last_inbound.get(message.to, float("-inf")) > WINDOW_SECONDS:
            return [("failed", 131047)]
        return [("sent", None), ("delivered", None), ("read", None)]

    def _new_wamid(self) -> str:
        return f"wamid.STANDIN{next(self._ids):06d}{secrets.token_hex(6).upper()}"

    # --- webhooks --------------------------------------------------------------------------------

    def status_payload(self, wamid: str, status: str, error_code: int | None = None) -> dict[str, Any]:
        message = self.message(wamid)
        item: dict[str, Any] = {
            "id": wamid,
            "status": status,
            "timestamp": str(int(time.time())),
            "recipient_id": message.to,
        }
        if error_code is not None:
            title = ERRORS.get(error_code, ("Error", 400))[0]
            item["errors"] = [
                {
                    "code": error_code,
                    "title": title,
                    "message": title,
                    "error_data": {"details": DETAILS.get(error_code, title)},
                    "href": ERROR_CODES_URL,
                }
            ]
        elif status in ("sent", "delivered"):
            item["conversation"] = {"id": secrets.token_hex(16), "origin": {"type": "utility"}}
            item["pricing"] = {"billable": True, "pricing_model": "CBP", "category": "utility"}
        return self._envelope({"statuses": [item]})

    def incoming_text_payload(
        self, sender: str, body: str, *, message_id: str | None = None, reply_to: str | None = None
    ) -> dict[str, Any]:
        digits = sender.lstrip("+")
        message: dict[str, Any] = {
            "from": digits,
            "id": message_id or self._new_wamid(),
            "timestamp": str(int(time.time())),
            "type": "text",
            "text": {"body": body},
        }
        if reply_to is not None:
            message["context"] = {"from": DISPLAY_NUMBER, "id": reply_to}
        return self._envelope({"contacts": [{"profile": {"name": "Warga"}, "wa_id": digits}], "messages": [message]})

    def _envelope(self, content: Mapping[str, Any]) -> dict[str, Any]:
        value = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": DISPLAY_NUMBER, "phone_number_id": self.phone_number_id},
            **content,
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": WABA_ID, "changes": [{"value": value, "field": "messages"}]}],
        }

    def report_statuses(self, url: str, wamid: str, *, upto: str | None = None) -> list[int]:
        """Post the statuses Meta would report for this message, one webhook each, in order:
        sent, delivered, read; or a single failed one (131026 no WhatsApp, 131047 outside the
        24-hour window). `upto` stops after that status. The HTTP status of each answer."""
        answers = []
        for status, code in self.message(wamid).fate:
            answers.append(self.post_webhook(url, self.status_payload(wamid, status, code)))
            if status == upto:
                break
        return answers

    def send_incoming_text(self, url: str, sender: str, body: str, *, reply_to: str | None = None) -> tuple[str, int]:
        """A resident writes to the business number: opens the 24-hour window for free-form
        replies and posts the webhook. Returns (the message id, the HTTP status of the answer)."""
        self._last_inbound[sender.lstrip("+")] = time.time()
        payload = self.incoming_text_payload(sender, body, reply_to=reply_to)
        return payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"], self.post_webhook(url, payload)

    def post_webhook(self, url: str, payload: Mapping[str, Any]) -> int:
        """POST as Meta does: the raw JSON signed with the app secret."""
        raw = json.dumps(payload).encode()
        return self._post(url, raw, signature=self.sign(raw))

    def post_badly_signed(self, url: str, payload: Mapping[str, Any]) -> int:
        """The same POST signed with another secret (a forger who does not know ours)."""
        raw = json.dumps(payload).encode()
        return self._post(url, raw, signature=_signature("not-the-app-secret", raw))

    def post_unsigned(self, url: str, payload: Mapping[str, Any]) -> int:
        return self._post(url, json.dumps(payload).encode(), signature=None)

    def replay(self, index: int = -1) -> int:
        """Post a webhook that went out before again, byte for byte (Meta redelivers when it did
        not see a 200 in time; an attacker may replay a captured one): the signature is valid."""
        earlier = self.posted[index]
        return self._post(earlier.url, earlier.raw, signature=earlier.headers.get("X-Hub-Signature-256"))

    def handshake(self, url: str, verify_token: str) -> tuple[int, str, str]:
        """The GET Meta makes when the webhook is set up: (HTTP status, body, the challenge sent)."""
        challenge = str(secrets.randbelow(10**10))
        query = urllib.parse.urlencode(
            {"hub.mode": "subscribe", "hub.verify_token": verify_token, "hub.challenge": challenge}
        )
        try:
            with urllib.request.urlopen(f"{url}?{query}", timeout=5) as response:  # noqa: S310 (loopback)
                return response.status, response.read().decode(), challenge
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), challenge

    def sign(self, raw: bytes) -> str:
        return _signature(self.app_secret, raw)

    def _post(self, url: str, raw: bytes, *, signature: str | None) -> int:
        headers = {"Content-Type": "application/json", "User-Agent": "facebookexternalua"}
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        request = urllib.request.Request(url, data=raw, headers=headers, method="POST")  # noqa: S310 (loopback)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        self.posted.append(Posted(url=url, raw=raw, headers=headers, status=status))
        return status


def _signature(secret: str, raw: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def _graph_error(code: int, details: str) -> Response:
    title, http_status = ERRORS.get(code, ("Error", 400))
    error = {
        "message": f"(#{code}) {title}",
        "type": "OAuthException",
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": details},
        "fbtrace_id": secrets.token_urlsafe(16),
    }
    if code == 190:  # an access-token error comes from the Graph layer, without WhatsApp's error_data
        error = {"message": details, "type": "OAuthException", "code": 190, "fbtrace_id": error["fbtrace_id"]}
    return Response(json.dumps({"error": error}), status=http_status, content_type="application/json")
