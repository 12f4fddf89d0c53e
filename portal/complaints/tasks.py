"""Scheduled purges of what residents left behind: abandoned drafts (of every kind) with their
files, files without a row (in the store FILE_STORE names), and filing confirmations past their
30 minutes. Each is safe to run on two consumers at once (the same rows and files are simply gone
for the second)."""

from __future__ import annotations

from huey import crontab

from portal.complaints.services.attachment_purge import purge_orphans
from portal.drafts.services import receipts
from portal.extensions import current_session
from portal.tasks.queue import periodic_task
from portal.web.settings import attachment_store


@periodic_task(crontab(minute="17"), priority=1)
def purge_abandoned() -> None:
    purge_orphans(session=current_session(), store=attachment_store())
    receipts.purge_expired(session=current_session())
