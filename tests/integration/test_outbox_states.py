"""The outbox's states through a real SMTP server on loopback (aiosmtpd): each message is claimed
and committed before its SMTP conversation and recorded on its own; a message whose answer was
lost is "tidak pasti" and never sent again by itself; a slow sender whose claim ran out still
records what it sent. (Two real senders and a killed one: test_fault_outbox_senders.py.)"""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from email import message_from_bytes

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session

from portal.core.base import utcnow
from portal.core.mail import SmtpSettings
from portal.extensions import db
from portal.models import OutboxMessage, OutboxState
from portal.notifications.sender import deliver_due
from portal.notifications.services import outbox
from tests.factories import complaint
from tests.helpers import free_port
from tests.helpers.mail import smtp_settings


class Mailbox:
    """Keeps what it receives; with `answer` cleared, a message is received but its answer waits
    until `answer` is set (a server that stalls after taking the message)."""

    def __init__(self) -> None:
        self.messages, self.answer = [], threading.Event()
        self.answer.set()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.content))
        while not self.answer.is_set():
            await asyncio.sleep(0.01)
        return "250 OK"


@pytest.fixture
def server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, mailbox
    mailbox.answer.set()
    controller.stop()


def states() -> dict[str, tuple[str, int, str | None]]:
    """reference -> (state, attempts, last_error), read on a connection of its own (what is committed)."""
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT reference, state, attempts, last_error FROM outbox_message")).all()
    return {r.reference: (r.state, r.attempts, r.last_error) for r in rows}


def test_each_claim_is_committed_before_its_conversation_and_each_outcome_on_its_own(app, server):
    port, mailbox = server
    references = [complaint(email=f"warga{n}@contoh.id")[0].reference for n in range(3)]
    seen = []

    def after_claim(claimed):  # what another connection sees once a message is claimed
        seen.append((claimed.subject.split(":")[0].removeprefix("Pengaduan "), len(mailbox.messages), states()))

    report = deliver_due(session=db.session, smtp=smtp_settings(port), after_claim=after_claim)
    assert report.sent == 3 and len(mailbox.messages) == 3
    for n, (reference, received, committed) in enumerate(seen):
        assert reference == references[n] and received == n  # claimed before its SMTP conversation
        assert committed[reference][:2] == ("mengirim", 1)
        assert [committed[r][0] for r in references[:n]] == ["terkirim"] * n  # the ones before: recorded
        assert [committed[r][0] for r in references[n + 1 :]] == ["antre"] * (2 - n)
    assert {s for s, _, _ in states().values()} == {"terkirim"}


def test_a_lost_answer_is_never_sent_again_by_itself(app, server):
    port, mailbox = server
    case, _ = complaint(email="warga@contoh.id")
    mailbox.answer.clear()  # the server takes the message, then stalls past the sender's timeout
    quick = SmtpSettings(host="127.0.0.1", port=port, sender="SIGAP <sigap@test.local>", timeout=1)
    report = deliver_due(session=db.session, smtp=quick)
    mailbox.answer.set()
    assert (report.sent, report.retrying, report.unknown) == (0, 0, 1)
    state, attempts, error = states()[case.reference]
    assert (state, attempts) == ("tidak_pasti", 1) and error.startswith(("TimeoutError", "SMTPServerDisconnected"))
    later = utcnow() + timedelta(hours=5)
    for _ in range(2):
        assert deliver_due(session=db.session, smtp=smtp_settings(port), now=later).sent == 0
    assert len(mailbox.messages) == 1  # it arrived once and was not sent again


def test_a_slow_sender_whose_claim_ran_out_still_records_what_it_sent(app, server):
    port, mailbox = server
    case, _ = complaint(email="warga@contoh.id")

    def another_sender_comes_by_later(claimed):
        with Session(db.engine) as other:
            assert outbox.expire_leases(session=other, now=utcnow() + outbox.LEASE * 2) == 1
            other.commit()
        assert states()[case.reference][0] == "tidak_pasti"

    report = deliver_due(session=db.session, smtp=smtp_settings(port), after_claim=another_sender_comes_by_later)
    assert report.sent == 1 and len(mailbox.messages) == 1
    assert states()[case.reference][0] == "terkirim"


def test_a_refusal_is_queued_again_and_the_last_attempt_gives_up(app):
    case, _ = complaint(email="warga@contoh.id")
    down = free_port()
    report = deliver_due(session=db.session, smtp=smtp_settings(down))
    assert (report.retrying, report.gave_up) == (1, 0) and states()[case.reference][:2] == ("antre", 1)
    db.session.execute(sa.update(OutboxMessage).values(attempts=outbox.MAX_ATTEMPTS - 1, next_attempt_at=utcnow()))
    db.session.commit()
    report = deliver_due(session=db.session, smtp=smtp_settings(down))
    assert (report.retrying, report.gave_up) == (0, 1)
    state, attempts, error = states()[case.reference]
    assert (state, attempts) == ("gagal", outbox.MAX_ATTEMPTS) and error.startswith("ConnectionRefusedError")
    later = utcnow() + timedelta(days=2)
    assert deliver_due(session=db.session, smtp=smtp_settings(down), now=later).gave_up == 0  # not tried again
    assert db.session.scalar(sa.select(OutboxMessage.state)) is OutboxState.GAGAL


def test_a_message_that_cannot_be_written_does_not_stop_the_others(app, server):
    port, mailbox = server
    db.session.add(
        OutboxMessage(
            reference="SGP-2026-999999",
            to_address="warga@contoh.id\nBcc: calo@contoh.id",
            subject="Pengaduan SGP-2026-999999: Diterima",
            body="-",
        )
    )
    db.session.commit()
    case, _ = complaint(email="warga@contoh.id")
    report = deliver_due(session=db.session, smtp=smtp_settings(port))
    assert (report.sent, report.retrying) == (1, 1) and len(mailbox.messages) == 1
    assert mailbox.messages[0]["To"] == "warga@contoh.id" and mailbox.messages[0]["Bcc"] is None
    state, attempts, error = states()["SGP-2026-999999"]
    assert (state, attempts) == ("antre", 1) and error.startswith("ValueError")


def test_a_delivery_report_that_overtakes_the_senders_answer_is_kept(app):
    """Kannel reports at once: the report may reach the portal before the sender has recorded
    "sent". It is kept, and the sender's late "sent" does not undo it (found by bench/sms_drill.py)."""
    from portal.notifications.models import OutboxChannel
    from portal.notifications.services.outbox import Report, claim_next, mark_sent, record_report

    message = OutboxMessage(channel=OutboxChannel.SMS, to_address="+6281234567890", subject="", body="Halo")
    db.session.add(message)
    db.session.commit()
    now = utcnow()
    claimed = claim_next(session=db.session, now=now, claimant="uji")
    db.session.commit()
    assert record_report(session=db.session, message_id=claimed.id, report=Report.DELIVERED, now=now)
    db.session.commit()
    assert not mark_sent(session=db.session, message_id=claimed.id, claimant="uji", now=now)
    db.session.commit()
    db.session.refresh(message)
    assert message.state is OutboxState.SAMPAI and message.sent_at is not None
