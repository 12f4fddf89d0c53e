"""Messages to residents go into the outbox in the same transaction as the change itself;
`flask outbox send` delivers them with retries, so a mail server being down loses nothing."""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.models.base import utcnow
from portal.models.complaint import Complaint, ComplaintEvent
from portal.models.outbox import OutboxMessage

MAX_ATTEMPTS = 12


def notify_resident(*, session: Session, complaint: Complaint, event: ComplaintEvent) -> None:
    """Queue an email when the resident gave one. The message says only where to look:
    details stay behind the reference and access code."""
    if not complaint.email:
        return
    from portal.services.cases import status_label  # the label table lives with the lifecycle

    status = status_label(complaint.status)
    body = (
        f"Pengaduan SIGAP {complaint.reference} diperbarui.\n"
        f"Status sekarang: {status}.\n\n"
        "Lihat rinciannya di portal SIGAP, menu Lacak pengaduan, dengan nomor pengaduan dan "
        "kode akses Anda.\n\n"
        "Program SIGAP gratis. Petugas tidak pernah meminta uang.\n"
        "Dinas Tenaga Kerja Kota Bekasi"
    )
    session.add(OutboxMessage(
        to_address=complaint.email, subject=f"Pengaduan {complaint.reference}: {status}", body=body,
    ))  # fmt: skip
    session.flush()


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempts - 1), 240))


def send_due(*, session: Session, smtp: SmtpSettings, now: datetime | None = None,
             limit: int = 100) -> DeliveryReport:  # fmt: skip
    """Send what is due; a failure is recorded and retried later with a growing delay."""
    now = now or utcnow()
    report = DeliveryReport()
    due = session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= now,
               OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()  # fmt: skip
    if not due:
        return report
    try:
        connection = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        if smtp.starttls:
            connection.starttls()
        if smtp.username:
            connection.login(smtp.username, smtp.password or "")
    except (OSError, smtplib.SMTPException) as error:
        for message in due:
            _failed(message, error, now)
        report.failed = len(due)
        session.flush()
        return report
    with connection:
        for message in due:
            email = EmailMessage()
            email["From"], email["To"], email["Subject"] = smtp.sender, message.to_address, message.subject
            email.set_content(message.body)
            try:
                connection.send_message(email)
            except (OSError, smtplib.SMTPException) as error:
                _failed(message, error, now)
                report.failed += 1
            else:
                message.sent_at = now
                message.attempts += 1
                report.sent += 1
    session.flush()
    return report


def _failed(message: OutboxMessage, error: Exception, now: datetime) -> None:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:500]
    message.next_attempt_at = now + _backoff(message.attempts)
