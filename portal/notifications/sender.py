"""The sender behind `flask outbox send`: one message at a time, each step committed on its own.

    claim (antre -> mengirim, with a lease)   COMMIT
    SMTP conversation for that message
    outcome (terkirim / antre again / gagal / tidak_pasti)   COMMIT

So two senders never take the same message (the claim is one conditional UPDATE, SKIP LOCKED on
PostgreSQL), a sender killed halfway leaves every message it finished recorded and only the one
in flight unclaimed-but-unknown (mengirim; tidak_pasti once its lease has run out), and nothing is
sent twice by itself. The steps are in portal.notifications.services.outbox (they flush); this module is the
one place that commits them, like the web layer does for requests. A task queue can call
`deliver_due` as it is.
"""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from portal.core.base import utcnow
from portal.core.mail import SmtpSettings
from portal.notifications.models import OutboxState
from portal.notifications.services import outbox
from portal.notifications.services.notify import Outcome, Transmission, connect, describe, transmit


@dataclass(slots=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0  # not sent, queued again after the backoff
    gave_up: int = 0  # failed for good after the last attempt (gagal)
    unknown: int = 0  # may or may not have gone out (tidak_pasti), expired claims of dead senders included


def deliver_due(
    *,
    session: Session,
    smtp: SmtpSettings,
    limit: int = 100,
    lease: timedelta = outbox.LEASE,
    now: datetime | None = None,
    after_claim: Callable[[outbox.Claimed], None] | None = None,
) -> DeliveryReport:
    """Send up to `limit` due messages. `now` fixes the clock (tests); `after_claim` runs once a
    claim is committed, before the conversation (fault drills)."""
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    claimant = outbox.claimant_name()
    report = DeliveryReport()
    report.unknown += outbox.expire_leases(session=session, now=clock())
    session.commit()
    if not outbox.any_due(session=session, now=clock()):
        session.commit()
        return report
    link: smtplib.SMTP | Transmission  # the connection, or why there is none (each due message records it)
    try:
        link = connect(smtp)
    except (OSError, smtplib.SMTPException) as error:
        link = Transmission(Outcome.NOT_SENT, describe(error))
    try:
        for _ in range(limit):
            claimed = outbox.claim_next(session=session, now=clock(), claimant=claimant, lease=lease)
            session.commit()  # the claim is durable before the SMTP conversation starts
            if claimed is None:
                break
            if after_claim is not None:
                after_claim(claimed)
            result = (
                link
                if isinstance(link, Transmission)
                else transmit(
                    link,
                    sender=smtp.sender,
                    to_address=claimed.to_address,
                    subject=claimed.subject,
                    body=claimed.body,
                )
            )
            _record(session, report, claimed, claimant, result, clock())
            session.commit()  # this message's outcome, on its own
    finally:
        if not isinstance(link, Transmission):
            with contextlib.suppress(OSError, smtplib.SMTPException):
                link.quit()
            link.close()
    return report


def _record(
    session: Session,
    report: DeliveryReport,
    claimed: outbox.Claimed,
    claimant: str,
    result: Transmission,
    now: datetime,
) -> None:
    if result.outcome is Outcome.SENT:
        outbox.mark_sent(session=session, message_id=claimed.id, claimant=claimant, now=now)
        report.sent += 1
    elif result.outcome is Outcome.UNCERTAIN:
        outbox.mark_uncertain(session=session, claimed=claimed, claimant=claimant, error=result.error)
        report.unknown += 1
    elif (
        outbox.release(session=session, claimed=claimed, claimant=claimant, now=now, error=result.error)
        is OutboxState.GAGAL
    ):
        report.gave_up += 1
    else:
        report.retrying += 1
