"""Roster imports uploaded at /petugas/impor, run on the task queue: any size, with progress on
the page, the same rules and the same one transaction as `flask roster import`.

The web keeps the file and queues `import_roster_file`; the consumer that takes it imports it,
writing how many bytes it has read to the queue's storage (every web node reads it there: the
import's own transaction holds SQLite's write lock, so progress cannot go through the database).
A consumer killed mid-import leaves nothing half-written (one transaction): check_imports queues
the job again after IMPORT_LEASE.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from huey import crontab

from portal.core import trail as audit
from portal.core.base import utcnow
from portal.core.errors import RosterFileError
from portal.extensions import current_session, db
from portal.jobs.models import JobKind
from portal.jobs.services import jobs
from portal.roster import labels
from portal.roster.documents import uploads
from portal.roster.services import imports as roster_imports
from portal.tasks.queue import enqueue, periodic_task, put_progress, task
from portal.web.settings import rejects_dir

KIND = JobKind.ROSTER_IMPORT
IMPORT_LEASE = timedelta(minutes=15)  # far above a million rows (about 30 s on SQLite)
log = logging.getLogger("portal.roster")


def progress_key(job_id: str) -> str:
    return f"impor:{job_id}"


@task(priority=18)
def import_roster_file(job_id: str) -> None:
    session = current_session()
    if not jobs.start(session=session, job_id=job_id, kind=KIND, now=utcnow()):
        return  # taken by another consumer, or ended
    db.session.commit()
    job = jobs.get_job(session=session, job_id=job_id, kind=KIND)
    stream = uploads.open_kept(job_id) if job is not None else None
    if job is None or stream is None:
        jobs.fail(session=session, job_id=job_id, message="Berkas unggahan tidak ditemukan.", now=utcnow())
        return
    read, told = [0], [0.0]

    def on_bytes(count: int) -> None:
        read[0] += count
        if time.monotonic() - told[0] >= 1:
            told[0] = time.monotonic()
            put_progress(progress_key(job_id), read[0])

    info = job.result or {}
    try:
        with stream:
            result = roster_imports.import_upload(
                session=session,
                stream=stream,
                filename=job.label,
                rejects_dir=rejects_dir(),
                imported_by=info.get("imported_by", job.started_by_name),
                who=audit.Actor(account_id=job.started_by_id, ip=info.get("ip", "")),
                describe=labels.row_problem,
                on_bytes=on_bytes,
            )
    except RosterFileError as error:
        db.session.rollback()
        log.warning("roster import %s refused: %s", job_id, error.code)
        jobs.fail(session=session, job_id=job_id, message=labels.file_error(error), now=utcnow())
        db.session.commit()
        uploads.forget(job_id)
        return
    counts = {
        "batch_id": result.batch_id,
        "rows_read": result.rows_read,
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
        "warnings": result.warnings,
    }
    log.info(
        "roster import %s done: batch %d, %d rows read, %d new, %d updated, %d rejected",
        job_id,
        result.batch_id,
        result.rows_read,
        result.inserted,
        result.updated,
        result.rejected,
    )
    jobs.finish(session=session, job_id=job_id, result={**info, **counts}, now=utcnow())
    jobs.set_progress(session=session, job_id=job_id, done=int(info.get("bytes", 0)))
    db.session.commit()
    put_progress(progress_key(job_id), int(info.get("bytes", 0)))
    uploads.forget(job_id)


@periodic_task(crontab(minute="*/5"), priority=30)
def check_imports() -> None:
    """Queue again an import whose nudge was lost (queued over a minute ago and not started) or
    whose consumer died (started longer ago than IMPORT_LEASE); delete week-old finished ones."""
    session = current_session()
    now = utcnow()
    for job_id in jobs.lost(session=session, kind=KIND, now=now, queued_for=timedelta(minutes=1), lease=IMPORT_LEASE):
        log.warning("roster import %s queued again", job_id)
        db.session.commit()
        enqueue(import_roster_file, job_id)
    for old in jobs.expired(session=session, kind=KIND, now=now):
        uploads.forget(old.id)
        jobs.delete(session=session, job_id=old.id)
    db.session.commit()
