"""Every morning, the cases waiting for a resident's answer: reminded, or closed with a notice
(portal.complaints.services.waiting). And scheduled purges of what residents left behind:
abandoned drafts (of every kind) with their files, files without a row (in the store FILE_STORE
names), and filing confirmations past their 30 minutes. Each is safe to run on two consumers at
once."""

from __future__ import annotations

from huey import crontab

from portal.complaints.services.attachment_purge import purge_orphans
from portal.complaints.services.waiting import remind_or_close
from portal.core.base import utcnow
from portal.drafts.services import receipts
from portal.extensions import current_session
from portal.tasks.queue import periodic_task
from portal.web.settings import attachment_store, current_settings, work_calendar


@periodic_task(crontab(minute="17"), priority=1)
def purge_abandoned() -> None:
    purge_orphans(session=current_session(), store=attachment_store())
    receipts.purge_expired(session=current_session())


@periodic_task(crontab(hour="1", minute="5"), priority=5)  # 08.05 in Bekasi (WIB, UTC+7)
def remind_waiting_residents() -> None:
    settings = current_settings()
    remind_or_close(
        session=current_session(),
        now=utcnow(),
        calendar=work_calendar(),
        remind_after=settings.INFO_REMINDER_DAYS,
        close_after=settings.INFO_CLOSE_DAYS,
    )
