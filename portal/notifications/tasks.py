"""E-mail delivery on the task queue: every minute, on every consumer, the due messages are sent.
Each message is claimed in a statement of its own (portal.notifications.services.outbox), so two
consumers never send one twice, and a consumer killed mid-conversation leaves it "tidak pasti"."""

from __future__ import annotations

import time

from huey import crontab

from portal.extensions import current_session
from portal.notifications.sender import deliver_due
from portal.tasks.queue import periodic_task
from portal.web.settings import smtp_settings

ROUND_SECONDS = 50  # give the next minute's run the floor


@periodic_task(crontab(minute="*"), priority=25)
def deliver_outbox() -> None:
    started = time.monotonic()
    while time.monotonic() - started < ROUND_SECONDS:
        report = deliver_due(session=current_session(), smtp=smtp_settings(), limit=100)
        if report.sent + report.retrying + report.gave_up == 0:
            return
