"""The words of residents' messages. A service queues a message by naming a template or an event
and giving it plain data (portal.notifications.services.notify.queue_email,
portal.notifications.services.notices.queue_notice); this renders it at that moment, and the
outbox keeps the result:
- e-mails from `portal/templates/<domain>/email/<name>.subject.txt` and `<name>.txt`;
- SMS (and what a WhatsApp template says, for staff) from
  `portal/templates/notifications/sms/<event>.txt`: one line within 160 GSM-7 characters
  (tests/integration/test_notice_words.py checks every event);
- WhatsApp's template parameters: {{1}} the reference, {{2}} where to look (docs/whatsapp.md).
Always in Indonesian: the portal keeps no resident's language, and an officer's English
interface must not decide what a resident reads."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_babel import force_locale

from portal.notifications.models import NoticeEvent, OutboxChannel
from portal.notifications.services.notices import ChannelSettings, Words, use_channels
from portal.notifications.services.notify import Mail, use_renderer
from portal.web.settings import current_settings

RESIDENT_LOCALE = "id"
STATUS_EMAIL = "complaints/email/status_changed"


def render_mail(template: str, context: Mapping[str, object]) -> Mail:
    """Without the request's context processors: a message may be queued by a command too."""
    env = current_app.jinja_env
    with force_locale(RESIDENT_LOCALE):
        subject = env.get_template(f"{template}.subject.txt").render(context)
        body = env.get_template(f"{template}.txt").render(context)
    return Mail(subject=" ".join(subject.split()), body=body)


def site() -> str:
    """The portal's address as a resident types it: sigap.bekasikota.go.id."""
    url = urlsplit(current_settings().PUBLIC_BASE_URL)
    return (url.netloc + url.path).rstrip("/")


def render_notice(event: NoticeEvent, channel: OutboxChannel, context: Mapping[str, object]) -> Words:
    settings = current_settings()
    data = {"site": site(), "office_phone": settings.CONTACT_PHONE, **context}
    if channel is OutboxChannel.EMAIL:
        mail = render_mail(str(context.get("email_template", STATUS_EMAIL)), data)
        return Words(subject=mail.subject, body=mail.body)
    with force_locale(RESIDENT_LOCALE):
        text = current_app.jinja_env.get_template(f"notifications/sms/{event.value}.txt").render(data)
    text = " ".join(text.split())
    where = f"{data['site']}/bantuan" if context.get("kind") == "bantuan" else f"{data['site']}/pengaduan/lacak"
    return Words(subject="", body=text, parameters=(str(context.get("reference", "")), where))


def channel_settings() -> ChannelSettings:
    settings = current_settings()
    available = {OutboxChannel.EMAIL}
    if settings.SMS_SENDSMS_URL:
        available.add(OutboxChannel.SMS)
    if settings.WHATSAPP_PHONE_NUMBER_ID:
        available.add(OutboxChannel.WHATSAPP)
    return ChannelSettings(available=frozenset(available), whatsapp_templates=settings.WHATSAPP_TEMPLATES)


def init_app(_app: Flask) -> None:
    use_renderer(render_mail)
    use_channels(renderer=render_notice, settings=channel_settings)
