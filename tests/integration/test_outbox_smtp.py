"""Email through a real SMTP server on loopback (aiosmtpd); a server that is down loses nothing."""

import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from portal.core.base import utcnow
from portal.extensions import db
from portal.models import OutboxMessage
from portal.notifications.sender import deliver_due
from tests.factories import complaint
from tests.helpers.mail import Inbox, smtp_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_queued_mail_is_delivered(app, smtp_server):
    controller, inbox = smtp_server
    case, _ = complaint(email="warga@contoh.id")
    report = deliver_due(session=db.session, smtp=smtp_settings(controller.port))
    db.session.commit()
    assert report.sent == 1 and len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert mail["To"] == "warga@contoh.id" and case.reference in mail["Subject"]
    assert "kode akses" in mail.get_payload(decode=True).decode()
    assert db.session.scalars(sa.select(OutboxMessage)).one().sent_at is not None
    assert deliver_due(session=db.session, smtp=smtp_settings(controller.port)).sent == 0  # not twice


def test_a_server_that_is_down_loses_nothing(app, smtp_server):
    controller, inbox = smtp_server
    complaint(email="warga@contoh.id")
    down = free_port()  # nothing listens there
    report = deliver_due(session=db.session, smtp=smtp_settings(down))
    db.session.commit()
    message = db.session.scalars(sa.select(OutboxMessage)).one()
    assert report.retrying == 1 and message.sent_at is None and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    # Not retried before its time; delivered once the server is back and the delay has passed.
    assert deliver_due(session=db.session, smtp=smtp_settings(controller.port)).sent == 0
    later = utcnow() + timedelta(minutes=2)
    assert deliver_due(session=db.session, smtp=smtp_settings(controller.port), now=later).sent == 1
    db.session.commit()
    assert len(inbox.messages) == 1


def test_cli_sends_the_queue(app, smtp_server):
    controller, inbox = smtp_server
    complaint(email="warga@contoh.id")
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "Terkirim 1" in result.output
    assert len(inbox.messages) == 1
