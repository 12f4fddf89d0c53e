"""The mail server going away and coming back, through the real `flask outbox send` and a real
SMTP server on loopback (aiosmtpd). tests/integration/test_outbox_smtp.py already proves one
message survives a server that is not there and that nothing is retried before its time; here:
the same server stopped and started again on its port, a server that fails halfway through a
batch, and that every queued email arrives exactly once in the end (none lost, none twice)."""

from email import message_from_bytes

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from portal.core.base import utcnow
from portal.extensions import db
from portal.models import OutboxMessage
from tests.factories import complaint
from tests.helpers import free_port


class Mailbox:
    """Accepts the first `accept` messages of each connection, then answers 421 (try later) and
    closes the connection, as a server that is shutting down does."""

    def __init__(self, accept: int | None = None) -> None:
        self.accept, self.messages, self.in_connection = accept, [], {}

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        taken = self.in_connection.get(id(session), 0)
        if self.accept is not None and taken >= self.accept:
            return "421 4.3.0 Layanan sementara tidak tersedia"
        self.in_connection[id(session)] = taken + 1
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


class Server:
    def __init__(self, port: int, mailbox: Mailbox) -> None:
        self.port, self.mailbox, self.controller = port, mailbox, None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mail_server():
    server = Server(free_port(), Mailbox())
    yield server
    server.stop()


def send(app, port: int) -> str:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output.strip()


def time_passes() -> None:
    """The retry delay (1, 2, 4 … minutes) has run out."""
    db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow()))
    db.session.commit()


def delivered_once_each(mailbox: Mailbox, references: list[str]) -> bool:
    subjects = [str(message["Subject"]) for message in mailbox.messages]
    return sorted(s.split(":")[0].removeprefix("Pengaduan ") for s in subjects) == sorted(references)


def test_a_server_stopped_and_started_again_gets_every_email_once(app, mail_server):
    references = [complaint(email=f"warga{n}@contoh.id")[0].reference for n in range(5)]
    mail_server.start()
    mail_server.stop()  # the server went down
    assert send(app, mail_server.port) == "Terkirim 0, gagal 5 (dicoba lagi nanti)."
    queued = db.session.scalars(sa.select(OutboxMessage)).all()
    assert len(queued) == 5 and all(m.sent_at is None and m.attempts == 1 for m in queued)
    assert all(m.last_error.startswith("ConnectionRefusedError") for m in queued)

    mail_server.start()  # back, same host and port
    assert send(app, mail_server.port).startswith("Terkirim 0, gagal 0")  # not before its time
    time_passes()
    assert send(app, mail_server.port).startswith("Terkirim 5, gagal 0")
    time_passes()
    assert send(app, mail_server.port).startswith("Terkirim 0, gagal 0")  # nothing twice
    assert delivered_once_each(mail_server.mailbox, references)
    assert all(m.sent_at is not None for m in db.session.scalars(sa.select(OutboxMessage)))


def test_a_server_failing_halfway_through_a_batch_loses_nothing(app):
    references = [complaint(email=f"warga{n}@contoh.id")[0].reference for n in range(5)]
    server = Server(free_port(), Mailbox(accept=2))
    server.start()
    try:
        assert send(app, server.port) == "Terkirim 2, gagal 3 (dicoba lagi nanti)."
        failed = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).all()
        errors = sorted(m.last_error.split(":")[0] for m in failed)  # 421, then the server hangs up
        assert errors == ["SMTPDataError", "SMTPServerDisconnected", "SMTPServerDisconnected"]
        server.mailbox.accept = None  # healthy again
        time_passes()
        assert send(app, server.port).startswith("Terkirim 3, gagal 0")
        time_passes()
        assert send(app, server.port).startswith("Terkirim 0, gagal 0")
        assert delivered_once_each(server.mailbox, references)
    finally:
        server.stop()
