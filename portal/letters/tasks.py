"""Letter batches on the task queue: numbered once, cut into parts any consumer on any node
renders, merged into one PDF when the last part is done.

    start (web) -> admit_batches -> number_batch -> render_part x N -> merge_batch -> admit_batches
    every minute: check_batches (admits, nudges work whose consumer died, deletes old batches)

A consumer killed while rendering loses only its part: the part's claim runs out
(LETTER_PART_LEASE_SECONDS) and check_batches queues it again, with the same letters and
numbers. LETTER_BATCHES_AT_ONCE batches render at once over all consumers; the others wait.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta
from pathlib import Path

from flask import current_app
from huey import crontab

from portal.core.base import utcnow
from portal.extensions import current_session, db
from portal.jobs.models import JobKind, JobState
from portal.jobs.services import jobs
from portal.letters.documents import batch_files
from portal.letters.documents.batch_pdf import chunk_html, merge_parts
from portal.letters.documents.pades import sign_stream
from portal.letters.documents.pdf import html_to_pdf
from portal.letters.documents.render import document_title
from portal.letters.services import batch as letters_batch
from portal.tasks.queue import enqueue, periodic_task, task
from portal.web.settings import letter_number_pattern, signing_key

PART_SIZE = 100  # letters per part: a few seconds of rendering, so a lost part costs little
KIND = JobKind.LETTER_BATCH
log = logging.getLogger("portal.letters")


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config["LETTER_PART_LEASE_SECONDS"])


def _title(label: str) -> str:
    return f"{document_title()} — {label}"


def _admit() -> None:
    admitted = jobs.admit(
        session=current_session(), kind=KIND, cap=current_app.config["LETTER_BATCHES_AT_ONCE"], now=utcnow()
    )
    db.session.commit()
    for job_id in admitted:
        enqueue(number_batch, job_id)


@task(priority=20)
def admit_batches() -> None:
    """Start the queued batches there is room for."""
    _admit()


@task(priority=20)
def number_batch(job_id: str) -> None:
    """Numbers for every active participant in scope, in one transaction (valid letters reused),
    then the parts. A batch resumed after a failure keeps the parts it had, and their numbers."""
    session = current_session()
    job = jobs.get_job(session=session, job_id=job_id, kind=KIND)
    if job is None or job.state != JobState.MENYIAPKAN:
        return
    if not jobs.part_indexes(session=session, job_id=job_id):
        kelurahan = job.region_code if job.scope == "kelurahan" else None
        kecamatan = job.region_code if job.scope == "kecamatan" else None
        codes = letters_batch.kelurahan_in_scope(kelurahan=kelurahan, kecamatan=kecamatan)
        assigned = letters_batch.assign_batch_letters(
            session=session, kelurahan_codes=codes, pattern=letter_number_pattern()
        )
        ids = assigned.letter_ids
        chunks = [ids[start : start + PART_SIZE] for start in range(0, len(ids), PART_SIZE)]
        jobs.add_parts(session=session, job_id=job_id, chunks=chunks, now=utcnow())
        counts = {"issued": assigned.issued, "reused": assigned.reused, "superseded": assigned.superseded}
        if "issued" in (job.result or {}):  # numbered before a failure: that run's counts are the batch's
            counts = dict(job.result)
        jobs.update_result(session=session, job_id=job_id, result=counts)
        if not ids:
            jobs.finish(session=session, job_id=job_id, result={**counts, "size": 0}, now=utcnow())
            db.session.commit()
            _admit()
            return
    else:
        jobs.heartbeat(session=session, job_id=job_id, now=utcnow(), state=JobState.MEMBUAT)
    db.session.commit()
    for index in jobs.parts_to_make(session=session, job_id=job_id):
        enqueue(render_part, job_id, index)


MAX_PART_ATTEMPTS = 3
LOST_PART_PRIORITY = 12  # a part made again after its consumer died goes before the waiting ones (10)


@task(priority=10, retries=MAX_PART_ATTEMPTS - 1, retry_delay=5)
def render_part(job_id: str, index: int) -> None:
    """One part's letters into a PDF in the store; the consumer that finishes the last part merges."""
    session = current_session()
    claimant = jobs.claimant_name()
    part = jobs.claim_part(session=session, job_id=job_id, index=index, claimant=claimant, now=utcnow(), lease=_lease())
    db.session.commit()
    if part is None:
        return  # done already, being made by a live claim, or its batch ended
    job = jobs.get_job(session=session, job_id=job_id, kind=KIND)
    try:
        html = chunk_html(part.items, title=_title(job.label if job else ""))
        batch_files.put(job_id, batch_files.part_name(index), html_to_pdf(html, tagged=False))
    except Exception as error:
        db.session.rollback()
        attempts = jobs.release_part(session=session, part=part, claimant=claimant)
        if attempts >= MAX_PART_ATTEMPTS:
            jobs.fail(session=session, job_id=job_id, message=f"{type(error).__name__}: {error}", now=utcnow())
        db.session.commit()
        raise
    finished = jobs.finish_part(session=session, part=part, claimant=claimant, now=utcnow())
    db.session.commit()
    if finished and jobs.claim_merge(session=session, job_id=job_id, now=utcnow()):
        db.session.commit()
        enqueue(merge_batch, job_id)


@task(priority=15)
def merge_batch(job_id: str) -> None:
    """The parts, in order, into one PDF in the store; the parts are deleted; the next batch starts."""
    session = current_session()
    job = jobs.get_job(session=session, job_id=job_id, kind=KIND)
    if job is None or job.state != JobState.MENGGABUNG:
        return
    jobs.heartbeat(session=session, job_id=job_id, now=utcnow())
    db.session.commit()
    names = [batch_files.part_name(index) for index in jobs.part_indexes(session=session, job_id=job_id)]
    with tempfile.TemporaryDirectory(prefix="sigap-merge-") as scratch:
        paths = [Path(scratch) / name for name in names]
        for name, path in zip(names, paths, strict=True):
            batch_files.copy_to(job_id, name, path)
        unsigned = Path(scratch) / f"unsigned-{batch_files.MERGED}"
        merge_parts(paths, unsigned, title=_title(job.label))
        merged = Path(scratch) / batch_files.MERGED
        with unsigned.open("rb") as source, merged.open("wb") as output:
            sign_stream(source, output, signing_key())  # one PAdES signature over the whole batch
        size = batch_files.put_file(job_id, batch_files.MERGED, merged)
    batch_files.delete(job_id, names)
    jobs.finish(session=session, job_id=job_id, result={**(job.result or {}), "size": size}, now=utcnow())
    db.session.commit()
    _admit()


@periodic_task(crontab(minute="*"), priority=30)
def check_batches() -> None:
    """Every minute, on every consumer (each step is safe twice): admit, nudge, delete old ones."""
    session = current_session()
    now = utcnow()
    _admit()
    for stalled in jobs.stalled(session=session, kind=KIND, now=now, lease=_lease()):
        jobs.heartbeat(session=session, job_id=stalled.job_id, now=now)
        db.session.commit()
        log.warning("letter batch %s: no progress in %s, queued again", stalled.job_id, stalled.state)
        if stalled.state == JobState.MENYIAPKAN:
            enqueue(number_batch, stalled.job_id)
        elif stalled.state == JobState.MENGGABUNG:
            enqueue(merge_batch, stalled.job_id)
        for index in stalled.parts:  # ahead of the parts still waiting their first turn
            enqueue(render_part, stalled.job_id, index, priority=LOST_PART_PRIORITY)
    for old in jobs.expired(session=session, kind=KIND, now=now):
        batch_files.delete(old.id)
        jobs.delete(session=session, job_id=old.id)
    db.session.commit()
