"""Messages to residents go into the outbox in the same transaction as the change itself;
`flask outbox send` (portal.notifications.sender) delivers them one by one with retries, so a mail server
being down loses nothing, and at most once (portal.notifications.services.outbox). Here: queueing, and the SMTP
conversation for one message."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy.orm import Session

from portal.core.mail import SmtpSettings
from portal.notifications.delivery import Outcome, Transmission
from portal.notifications.models import OutboxChannel, OutboxMessage


@dataclass(frozen=True, slots=True)
class Mail:
    subject: str
    body: str


class MailRenderer(Protocol):
    """Turns a template name and its context into the words of a message (the renderer lives in
    the web layer, portal.notifications.renderer; services only name the template)."""

    def __call__(self, template: str, context: Mapping[str, object]) -> Mail: ...


_renderer: MailRenderer | None = None


def use_renderer(renderer: MailRenderer) -> None:
    """Set by create_app (portal.notifications.renderer.init_app)."""
    global _renderer
    _renderer = renderer


def queue_email(
    *, session: Session, to_address: str, reference: str | None, template: str, context: Mapping[str, object]
) -> None:
    """Queue a message to a resident, written now (in this transaction) from `template`: the outbox
    keeps the words that were written, so what is sent is what was decided."""
    if _renderer is None:
        raise RuntimeError("no mail renderer: create_app sets one (portal.notifications.renderer)")
    mail = _renderer(template, context)
    session.add(
        OutboxMessage(
            reference=reference,
            channel=OutboxChannel.EMAIL,
            to_address=to_address,
            subject=mail.subject,
            body=mail.body,
        )
    )
    session.flush()


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def connect(smtp: SmtpSettings) -> smtplib.SMTP:
    """An open, greeted (and if configured, encrypted and signed-in) connection; raises OSError or
    smtplib.SMTPException."""
    connection = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    try:
        if smtp.starttls:
            connection.starttls()
        if smtp.username:
            connection.login(smtp.username, smtp.password or "")
    except BaseException:
        connection.close()
        raise
    return connection


# The server answered with a refusal: nothing was accepted, so trying again later cannot make a copy.
_REFUSALS = (
    smtplib.SMTPSenderRefused,
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPHeloError,
    smtplib.SMTPNotSupportedError,
)


def transmit(connection: smtplib.SMTP, *, sender: str, to_address: str, subject: str, body: str) -> Transmission:
    """One message over an open connection. A connection the server has closed is found before
    anything is handed over (NOOP); after that, only an answer of the server counts: a broken
    conversation is UNCERTAIN, never NOT_SENT, because the server may have queued the message."""
    try:
        email = EmailMessage()
        email["From"], email["To"], email["Subject"] = sender, to_address, subject
        email.set_content(body)
    except (ValueError, TypeError) as error:  # e.g. a line break in a stored address: never sendable
        return Transmission(Outcome.NOT_SENT, describe(error))
    try:
        connection.noop()
    except (OSError, smtplib.SMTPException) as error:
        return Transmission(Outcome.NOT_SENT, describe(error))
    try:
        connection.send_message(email)
    except _REFUSALS as error:
        return Transmission(Outcome.NOT_SENT, describe(error))
    except (OSError, smtplib.SMTPException) as error:
        return Transmission(Outcome.UNCERTAIN, describe(error))
    return Transmission(Outcome.SENT)
