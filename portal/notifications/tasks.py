"""E-mail delivery on the task queue: every minute, on every consumer, the due messages are sent.
Each message is claimed in a statement of its own (portal.notifications.services.outbox), so two
consumers never send one twice, and a consumer killed mid-conversation leaves it "tidak pasti"."""

from __future__ import annotations

import logging
import time

from huey import crontab

from portal.extensions import current_session
from portal.notifications.sender import deliver_due
from portal.tasks.queue import periodic_task
from portal.web.settings import smtp_settings

ROUND_SECONDS = 50  # give the next minute's run the floor
log = logging.getLogger("portal.notifications")


@periodic_task(crontab(minute="*"), priority=25)
def deliver_outbox() -> None:
    started = time.monotonic()
    while time.monotonic() - started < ROUND_SECONDS:
        report = deliver_due(session=current_session(), smtp=smtp_settings(), limit=100)
        if (
            report.retrying or report.gave_up or report.unknown
        ):  # an operator reading the log sees the mail server is away
            log.warning(
                "e-mail: %d sent, %d not sent (tried again later), %d given up, %d uncertain; "
                "see /petugas/email-bermasalah and the SMTP_* settings",
                report.sent,
                report.retrying,
                report.gave_up,
                report.unknown,
            )
        elif report.sent:
            log.info("e-mail: %d sent", report.sent)
        if report.sent + report.retrying + report.gave_up == 0:
            return
