"""Delivery on the task queue: every minute, on every consumer, the due messages are sent, each on
its channel (e-mail over SMTP, SMS through Kannel, WhatsApp through the Cloud API). Each message is
claimed in a statement of its own (portal.notifications.services.outbox), so two consumers never
send one twice, and a consumer killed mid-conversation leaves it "tidak pasti". `deliver_soon`
runs the same at once, queued after a commit that wrote a message a resident waits for (the answer
to a text they sent)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from functools import partial

from huey import crontab

from portal.extensions import current_session
from portal.notifications.delivery import Transmission
from portal.notifications.kannel import KannelSettings, send_sms
from portal.notifications.models import OutboxChannel
from portal.notifications.sender import Send, deliver_due
from portal.notifications.services.outbox import Claimed
from portal.notifications.whatsapp import WhatsAppSettings, send_template, send_text
from portal.tasks.queue import periodic_task, task
from portal.web.settings import current_settings, smtp_settings

ROUND_SECONDS = 50  # give the next minute's run the floor
log = logging.getLogger("portal.notifications")


def kannel_settings() -> KannelSettings | None:
    settings = current_settings()
    if not settings.SMS_SENDSMS_URL:
        return None
    return KannelSettings(
        sendsms_url=settings.SMS_SENDSMS_URL,
        username=settings.SMS_USERNAME or "",
        password=settings.SMS_PASSWORD or "",
        sender=settings.SMS_SENDER,
        dlr_url_base=settings.PUBLIC_BASE_URL.rstrip("/") + "/kanal/sms/laporan",
        dlr_token=settings.SMS_GATEWAY_TOKEN or "",
    )


def whatsapp_settings() -> WhatsAppSettings | None:
    settings = current_settings()
    if not settings.WHATSAPP_PHONE_NUMBER_ID:
        return None
    return WhatsAppSettings(
        api_base=settings.WHATSAPP_API_BASE,
        phone_number_id=settings.WHATSAPP_PHONE_NUMBER_ID,
        access_token=settings.WHATSAPP_ACCESS_TOKEN or "",
        app_secret=settings.WHATSAPP_APP_SECRET or "",
        verify_token=settings.WHATSAPP_VERIFY_TOKEN or "",
        template_language=settings.WHATSAPP_TEMPLATE_LANGUAGE,
    )


def _sms(settings: KannelSettings, claimed: Claimed) -> Transmission:
    return send_sms(settings, to=claimed.to_address, text=claimed.body, message_id=claimed.id)


def _whatsapp(settings: WhatsAppSettings, claimed: Claimed) -> Transmission:
    if claimed.template is None:  # the answer to a resident's own message: inside WhatsApp's 24-hour window
        return send_text(settings, to=claimed.to_address, body=claimed.body)
    return send_template(settings, to=claimed.to_address, template=claimed.template, parameters=claimed.parameters)


def channel_senders() -> Mapping[OutboxChannel, Send]:
    senders: dict[OutboxChannel, Send] = {}
    if (sms := kannel_settings()) is not None:
        senders[OutboxChannel.SMS] = partial(_sms, sms)
    if (whatsapp := whatsapp_settings()) is not None:
        senders[OutboxChannel.WHATSAPP] = partial(_whatsapp, whatsapp)
    return senders


def _deliver_round() -> None:
    started = time.monotonic()
    senders = channel_senders()
    while time.monotonic() - started < ROUND_SECONDS:
        report = deliver_due(session=current_session(), smtp=smtp_settings(), limit=100, channels=senders)
        if (
            report.retrying or report.gave_up or report.unknown
        ):  # an operator reading the log sees a gateway or the mail server is away
            log.warning(
                "messages: %d sent, %d not sent (tried again later), %d given up, %d uncertain; "
                "see /petugas/email-bermasalah and the SMTP_*, SMS_* and WHATSAPP_* settings",
                report.sent,
                report.retrying,
                report.gave_up,
                report.unknown,
            )
        elif report.sent:
            log.info("messages: %d sent", report.sent)
        if report.sent + report.retrying + report.gave_up == 0:
            return


@periodic_task(crontab(minute="*"), priority=25)
def deliver_outbox() -> None:
    _deliver_round()


@task(priority=30)
def deliver_soon() -> None:
    _deliver_round()
