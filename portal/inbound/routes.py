"""The gateways' side doors: Kannel's delivery reports and a phone's texts, WhatsApp's webhook.

Not pages: each request comes from a gateway, proves itself (Kannel by the shared token in the
URL it was given, WhatsApp by X-Hub-Signature-256 over the body), carries no CSRF token, and is
answered in plain words for an operator's log. Kannel's dlr-url is fetched with GET (smsbox has
no other method for it): the one GET in the portal that records something, and a report applied
twice changes nothing the second time.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, request

from portal.core.base import utcnow
from portal.extensions import csrf, current_session, db
from portal.inbound.labels import reply_text
from portal.inbound.services import reports
from portal.inbound.services.commands import Incoming, receive
from portal.notifications import kannel, whatsapp
from portal.notifications.models import OutboxChannel
from portal.notifications.tasks import deliver_soon, kannel_settings, whatsapp_settings
from portal.tasks.queue import enqueue
from portal.web.settings import attachment_store, current_settings, lockout_policy, work_calendar

bp = Blueprint("inbound", __name__)
csrf.exempt(bp)
log = logging.getLogger("portal.inbound")


def _plain(text: str, status: int = 200) -> Response:
    return Response(text + "\n", status=status, mimetype="text/plain")


def _receive(incoming: Incoming) -> None:
    received = receive(
        session=current_session(),
        incoming=incoming,
        hmac_key=current_settings().NIK_HMAC_KEY or "",
        policy=lockout_policy(),
        calendar=work_calendar(),
        store=attachment_store(),
        word=reply_text,
    )
    db.session.commit()
    if received.reply is not None:
        enqueue(deliver_soon)
    log.info("%s text: %s%s", incoming.channel.value, received.command.value, " (replay)" if received.duplicate else "")


@bp.get("/kanal/sms/laporan")
def sms_report() -> Response:
    settings = kannel_settings()
    if settings is None:
        abort(404)
    if not kannel.token_ok(settings, request.args.get("token")):
        return _plain("token salah", 403)
    report = kannel.parse_delivery_report(request.args)
    if report is None:
        return _plain("laporan tidak dikenali", 400)
    reports.sms_report(session=current_session(), report=report)
    db.session.commit()
    return _plain("OK")


@bp.post("/kanal/sms/masuk")
def sms_incoming() -> Response:
    settings = kannel_settings()
    if settings is None:
        abort(404)
    if not kannel.token_ok(settings, request.args.get("token")):
        return _plain("token salah", 403)
    text = request.get_data(cache=False, as_text=True)[: kannel.TEXT_LIMIT]
    message = kannel.parse_incoming(request.args, text)
    if message is None:
        return _plain("pesan tidak dikenali", 400)
    provider_id = message.provider_id or f"{message.from_number}:{message.at.isoformat()}"
    _receive(Incoming(OutboxChannel.SMS, provider_id, message.from_number, message.text, message.at))
    return Response(status=204)


@bp.get("/kanal/whatsapp")
def whatsapp_handshake() -> Response:
    settings = whatsapp_settings()
    if settings is None:
        abort(404)
    challenge = whatsapp.subscription_challenge(settings, request.args)
    return _plain(challenge) if challenge is not None else _plain("verify token salah", 403)


@bp.post("/kanal/whatsapp")
def whatsapp_webhook() -> Response:
    settings = whatsapp_settings()
    if settings is None:
        abort(404)
    body = request.get_data(cache=True)
    if not whatsapp.verify_signature(settings.app_secret, body, request.headers.get("X-Hub-Signature-256")):
        return _plain("tanda tangan salah", 403)
    payload = request.get_json(silent=True)
    for item in whatsapp.parse_webhook(payload):
        if isinstance(item, whatsapp.StatusUpdate):
            reports.whatsapp_status(session=current_session(), update=item)
            db.session.commit()
        elif item.text:
            at = item.timestamp or utcnow()
            _receive(Incoming(OutboxChannel.WHATSAPP, item.provider_id, item.sender, item.text, at))
    return _plain("OK")
