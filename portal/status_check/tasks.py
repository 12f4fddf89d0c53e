"""Nightly purges of what the status check keeps, on the task queue (`flask tasks worker`):
status-check log rows older than CHECK_LOG_RETENTION_DAYS, and lockout totals that keep nothing
their next count would use (portal.core.lockout.delete_quiet_totals; they also come from tracking
and the officers' sign-in, which share the lockout table).

Each purge deletes in batches and commits after each one, so that a first run over years of log
holds neither memory nor one long transaction. Every consumer's scheduler queues the task, and
two runs at once are harmless: each row goes once.
"""

from __future__ import annotations

from flask import current_app
from huey import crontab

from portal.core import lockout
from portal.core.base import utcnow
from portal.extensions import current_session, db
from portal.status_check.services import retention
from portal.tasks.queue import periodic_task
from portal.web.settings import lockout_policy


@periodic_task(crontab(hour="20", minute="23"), priority=1)  # 03.23 WIB (the queue's clock is UTC)
def purge_check_log() -> None:
    now = utcnow()
    before = retention.cutoff(now=now, days=current_app.config["CHECK_LOG_RETENTION_DAYS"])
    while retention.delete_log_batch(session=current_session(), before=before) == retention.BATCH:
        db.session.commit()
    db.session.commit()
    policy = lockout_policy()
    while (
        lockout.delete_quiet_totals(session=current_session(), policy=policy, now=now, batch=retention.BATCH)
        == retention.BATCH
    ):
        db.session.commit()
