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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from portal.core.base import utcnow
from portal.core.mail import SmtpSettings
from portal.notifications.delivery import Outcome, Transmission
from portal.notifications.models import OutboxChannel, OutboxState
from portal.notifications.services import outbox
from portal.notifications.services.notify import connect, describe, transmit

Send = Callable[[outbox.Claimed], Transmission]
"""How one channel other than e-mail hands over a claimed message (portal.notifications.tasks
builds them from the settings: Kannel's sendsms, WhatsApp's Cloud API)."""


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
    channels: Mapping[OutboxChannel, Send] | None = None,
) -> DeliveryReport:
    """Send up to `limit` due messages, e-mails over one SMTP connection opened when the first is
    claimed, the others through `channels`. `now` fixes the clock (tests); `after_claim` runs once
    a claim is committed, before the conversation (fault drills). A message of a channel that is
    not configured (any more) is not sent, and falls back to the notice's next channel."""
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    claimant = outbox.claimant_name()
    report = DeliveryReport()
    report.unknown += outbox.expire_leases(session=session, now=clock())
    session.commit()
    if not outbox.any_due(session=session, now=clock()):
        session.commit()
        return report
    link: smtplib.SMTP | Transmission | None = None  # the connection, or why there is none
    others = channels or {}
    try:
        for _ in range(limit):
            claimed = outbox.claim_next(session=session, now=clock(), claimant=claimant, lease=lease)
            session.commit()  # the claim is durable before the conversation starts
            if claimed is None:
                break
            if after_claim is not None:
                after_claim(claimed)
            if claimed.channel is OutboxChannel.EMAIL:
                if link is None:
                    link = _connect(smtp)
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
            elif (send := others.get(claimed.channel)) is not None:
                result = send(claimed)
            else:
                result = Transmission(Outcome.NOT_SENT, f"{claimed.channel.value}: not configured", permanent=True)
            _record(session, report, claimed, claimant, result, clock())
            session.commit()  # this message's outcome, on its own
    finally:
        if link is not None and not isinstance(link, Transmission):
            with contextlib.suppress(OSError, smtplib.SMTPException):
                link.quit()
            link.close()
    return report


def _connect(smtp: SmtpSettings) -> smtplib.SMTP | Transmission:
    try:
        return connect(smtp)
    except (OSError, smtplib.SMTPException) as error:
        return Transmission(Outcome.NOT_SENT, describe(error))


def _record(
    session: Session,
    report: DeliveryReport,
    claimed: outbox.Claimed,
    claimant: str,
    result: Transmission,
    now: datetime,
) -> None:
    if result.outcome is Outcome.SENT:
        outbox.mark_sent(
            session=session, message_id=claimed.id, claimant=claimant, now=now, provider_id=result.provider_id
        )
        report.sent += 1
    elif result.outcome is Outcome.UNCERTAIN:
        outbox.mark_uncertain(session=session, claimed=claimed, claimant=claimant, error=result.error)
        report.unknown += 1
    elif (
        outbox.release(
            session=session,
            claimed=claimed,
            claimant=claimant,
            now=now,
            error=result.error,
            permanent=result.permanent,
        )
        is OutboxState.GAGAL
    ):
        report.gave_up += 1
    else:
        report.retrying += 1
