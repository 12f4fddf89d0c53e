"""A background job's life, moved by conditional UPDATEs so that any number of consumers on any
number of nodes can work on it at once: each step only happens when the row is still where the
step expects it, so a step done twice (a task run again) changes nothing the second time.

    antre --admit--> menyiapkan --parts--> membuat --last part--> menggabung --> selesai
                                                                    (or gagal, at any step)
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core.sql import rowcount, table_of
from portal.jobs.models import RUNNING, BackgroundJob, JobKind, JobPart, JobState, PartState

ADMISSION_LOCK = 0x4A4F4253  # "JOBS": PostgreSQL advisory lock held while jobs are admitted
KEEP = timedelta(days=7)  # a finished job and its file (personal data) go after a week


def claimant_name() -> str:
    """Who works on a part: host and process (for staff and logs), and a random part."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}:{secrets.token_hex(4)}"


def is_job_id(value: str) -> bool:
    return len(value) == 24 and all(c in "0123456789abcdef" for c in value)


def new_job(
    *,
    session: Session,
    kind: JobKind,
    label: str,
    started_by_id: int | None,
    started_by_name: str,
    now: datetime,
    scope: str | None = None,
    region_code: str | None = None,
    total: int = 0,
) -> BackgroundJob:
    job = BackgroundJob(
        id=secrets.token_hex(12),
        kind=kind,
        scope=scope,
        region_code=region_code,
        label=label,
        started_by_id=started_by_id,
        started_by_name=started_by_name,
        state=JobState.ANTRE,
        total=total,
        done=0,
        result={},
        message="",
        runs=0,
        created_at=now,
        heartbeat_at=now,
    )
    session.add(job)
    session.flush()
    return job


def get_job(*, session: Session, job_id: str, kind: JobKind | None = None) -> BackgroundJob | None:
    """The job of an id as typed in a URL; None for anything that is not one."""
    if not is_job_id(job_id):
        return None
    job = session.get(BackgroundJob, job_id, populate_existing=True)
    return job if job is not None and (kind is None or job.kind == kind) else None


def list_jobs(*, session: Session, kind: JobKind, limit: int = 100) -> Sequence[BackgroundJob]:
    query = sa.select(BackgroundJob).where(BackgroundJob.kind == kind)
    return session.scalars(query.order_by(BackgroundJob.created_at.desc()).limit(limit)).all()


def running_like(
    *, session: Session, kind: JobKind, scope: str | None, region_code: str | None
) -> BackgroundJob | None:
    """A job of the same kind and scope that has not ended (queued or running)."""
    query = sa.select(BackgroundJob).where(
        BackgroundJob.kind == kind,
        BackgroundJob.scope == scope if scope is not None else BackgroundJob.scope.is_(None),
        BackgroundJob.region_code == region_code if region_code is not None else BackgroundJob.region_code.is_(None),
        BackgroundJob.state.in_([JobState.ANTRE, *RUNNING]),
    )
    return session.scalars(query.order_by(BackgroundJob.created_at).limit(1)).first()


def waiting_ahead(*, session: Session, job: BackgroundJob) -> int:
    """Jobs of its kind that run now or were queued before it: how long a queued job waits."""
    before = sa.and_(BackgroundJob.state == JobState.ANTRE, BackgroundJob.created_at < job.created_at)
    query = sa.select(sa.func.count()).where(
        BackgroundJob.kind == job.kind, sa.or_(BackgroundJob.state.in_(RUNNING), before)
    )
    return session.scalar(query) or 0


def admit(*, session: Session, kind: JobKind, cap: int, now: datetime) -> list[str]:
    """Queued jobs of `kind` moved to running, oldest first, while fewer than `cap` run."""
    if session.get_bind().dialect.name == "postgresql":  # SQLite: its one writer at a time does it
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(ADMISSION_LOCK)))
    table = table_of(BackgroundJob)
    running = (
        sa.select(sa.func.count())
        .select_from(table)
        .where(table.c.kind == kind.value, table.c.state.in_([s.value for s in RUNNING]))
        .scalar_subquery()
    )
    queued = session.scalars(
        sa.select(BackgroundJob.id)
        .where(BackgroundJob.kind == kind, BackgroundJob.state == JobState.ANTRE)
        .order_by(BackgroundJob.created_at)
        .limit(cap)
    ).all()
    admitted = []
    for job_id in queued:
        result = session.execute(
            sa.update(table)
            .where(table.c.id == job_id, table.c.state == JobState.ANTRE.value, running < cap)
            .values(state=JobState.MENYIAPKAN.value, started_at=now, heartbeat_at=now, runs=table.c.runs + 1)
        )
        if rowcount(result):
            admitted.append(job_id)
    return admitted


def start(*, session: Session, job_id: str, kind: JobKind, now: datetime) -> bool:
    """One queued job moved to running, for the one caller that finds it queued (a job that runs
    as a whole on one consumer, like a roster import)."""
    result = session.execute(
        sa.update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.kind == kind, BackgroundJob.state == JobState.ANTRE)
        .values(state=JobState.MENYIAPKAN, started_at=now, heartbeat_at=now, runs=BackgroundJob.runs + 1)
    )
    return bool(rowcount(result))


def set_progress(*, session: Session, job_id: str, done: int, total: int | None = None) -> None:
    values: dict[str, Any] = {"done": done}
    if total is not None:
        values["total"] = total
    session.execute(sa.update(BackgroundJob).where(BackgroundJob.id == job_id).values(**values))


def lost(*, session: Session, kind: JobKind, now: datetime, queued_for: timedelta, lease: timedelta) -> list[str]:
    """Jobs of a whole-job kind to queue again: queued for longer than `queued_for` (the nudge
    was lost), or running without a step for longer than `lease` (the consumer died: put back
    in the queue here). Each comes back with a fresh heartbeat, so it is not found again at once."""
    waiting = sa.and_(BackgroundJob.state == JobState.ANTRE, BackgroundJob.heartbeat_at < now - queued_for)
    dead = sa.and_(BackgroundJob.state == JobState.MENYIAPKAN, BackgroundJob.heartbeat_at < now - lease)
    found = list(session.scalars(sa.select(BackgroundJob.id).where(BackgroundJob.kind == kind, sa.or_(waiting, dead))))
    if found:
        session.execute(
            sa.update(BackgroundJob)
            .where(BackgroundJob.id.in_(found), sa.or_(waiting, dead))
            .values(state=JobState.ANTRE, heartbeat_at=now)
        )
    return found


def heartbeat(*, session: Session, job_id: str, now: datetime, state: JobState | None = None) -> None:
    values: dict[str, Any] = {"heartbeat_at": now}
    if state is not None:
        values["state"] = state
    session.execute(sa.update(BackgroundJob).where(BackgroundJob.id == job_id).values(**values))


def add_parts(*, session: Session, job_id: str, chunks: Sequence[Sequence[int]], now: datetime) -> None:
    """The job's parts (if it has none yet) and its total; the job moves to `membuat`."""
    if session.scalar(sa.select(sa.func.count()).where(JobPart.job_id == job_id)) == 0 and chunks:
        session.execute(
            sa.insert(JobPart),
            [
                {"job_id": job_id, "index": index, "items": ",".join(map(str, chunk)), "size": len(chunk)}
                for index, chunk in enumerate(chunks)
            ],
        )
    total = sum(len(chunk) for chunk in chunks)
    done = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(JobPart.size), 0)).where(
            JobPart.job_id == job_id, JobPart.state == PartState.SELESAI
        )
    )
    session.execute(
        sa.update(BackgroundJob)
        .where(BackgroundJob.id == job_id)
        .values(state=JobState.MEMBUAT, total=total, done=done or 0, heartbeat_at=now)
    )


def parts_to_make(*, session: Session, job_id: str) -> list[int]:
    query = sa.select(JobPart.index).where(JobPart.job_id == job_id, JobPart.state != PartState.SELESAI)
    return list(session.scalars(query.order_by(JobPart.index)))


def part_indexes(*, session: Session, job_id: str) -> list[int]:
    return list(session.scalars(sa.select(JobPart.index).where(JobPart.job_id == job_id).order_by(JobPart.index)))


@dataclass(frozen=True, slots=True)
class ClaimedPart:
    job_id: str
    index: int
    items: list[int]


def claim_part(
    *, session: Session, job_id: str, index: int, claimant: str, now: datetime, lease: timedelta
) -> ClaimedPart | None:
    """The part, claimed for `claimant` when it waits, or when its last claim's lease ran out
    (its consumer was killed). None: done, or being made by a live claim, or its job ended."""
    table = table_of(JobPart)
    job_running = (
        sa.select(BackgroundJob.id).where(BackgroundJob.id == job_id, BackgroundJob.state == JobState.MEMBUAT).exists()
    )
    free = sa.or_(
        table.c.state == PartState.ANTRE.value,
        sa.and_(table.c.state == PartState.MEMBUAT.value, table.c.claimed_at < now - lease),
    )
    result = session.execute(
        sa.update(table)
        .where(table.c.job_id == job_id, table.c.index == index, free, job_running)
        .values(state=PartState.MEMBUAT.value, claimed_by=claimant, claimed_at=now, attempts=table.c.attempts + 1)
    )
    if not rowcount(result):
        return None
    items = session.scalar(sa.select(JobPart.items).where(JobPart.job_id == job_id, JobPart.index == index)) or ""
    return ClaimedPart(job_id, index, [int(item) for item in items.split(",") if item])


def finish_part(*, session: Session, part: ClaimedPart, claimant: str, now: datetime) -> bool:
    """The part made by `claimant`: counted once in the job's progress. False: the claim was
    lost meanwhile (another consumer made the part again after the lease ran out)."""
    table = table_of(JobPart)
    result = session.execute(
        sa.update(table)
        .where(
            table.c.job_id == part.job_id,
            table.c.index == part.index,
            table.c.state == PartState.MEMBUAT.value,
            table.c.claimed_by == claimant,
        )
        .values(state=PartState.SELESAI.value, claimed_at=now)
    )
    if not rowcount(result):
        return False
    session.execute(
        sa.update(BackgroundJob)
        .where(BackgroundJob.id == part.job_id)
        .values(done=BackgroundJob.done + len(part.items), heartbeat_at=now)
    )
    return True


def release_part(*, session: Session, part: ClaimedPart, claimant: str) -> int:
    """A part its claimant could not make, back in the queue; how often it was tried."""
    session.execute(
        sa.update(JobPart)
        .where(
            JobPart.job_id == part.job_id,
            JobPart.index == part.index,
            JobPart.state == PartState.MEMBUAT,
            JobPart.claimed_by == claimant,
        )
        .values(state=PartState.ANTRE, claimed_by=None)
    )
    attempts = session.scalar(
        sa.select(JobPart.attempts).where(JobPart.job_id == part.job_id, JobPart.index == part.index)
    )
    return attempts or 0


def claim_merge(*, session: Session, job_id: str, now: datetime) -> bool:
    """True for the one caller that finds every part done: it makes the job's final product."""
    left = sa.select(JobPart.index).where(JobPart.job_id == job_id, JobPart.state != PartState.SELESAI).exists()
    result = session.execute(
        sa.update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.state == JobState.MEMBUAT, ~left)
        .values(state=JobState.MENGGABUNG, heartbeat_at=now)
    )
    return bool(rowcount(result))


def finish(*, session: Session, job_id: str, result: dict[str, Any], now: datetime) -> bool:
    outcome = session.execute(
        sa.update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.state.in_(RUNNING))
        .values(state=JobState.SELESAI, result=result, finished_at=now, heartbeat_at=now, message="")
    )
    return bool(rowcount(outcome))


def update_result(*, session: Session, job_id: str, result: dict[str, Any]) -> None:
    session.execute(sa.update(BackgroundJob).where(BackgroundJob.id == job_id).values(result=result))


def fail(*, session: Session, job_id: str, message: str, now: datetime) -> None:
    session.execute(
        sa.update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.state.in_([JobState.ANTRE, *RUNNING]))
        .values(state=JobState.GAGAL, message=message[:500], finished_at=now, heartbeat_at=now)
    )


def cancel(*, session: Session, job_id: str, message: str, now: datetime) -> bool:
    """A queued or running job stopped: it ends as failed, with `message`, and can be resumed
    later like any failed job (its numbers and finished parts are kept). A part being made when
    it is cancelled finishes, but nothing is merged."""
    result = session.execute(
        sa.update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.state.in_([JobState.ANTRE, *RUNNING]))
        .values(state=JobState.GAGAL, message=message[:500], finished_at=now, heartbeat_at=now)
    )
    return bool(rowcount(result))


def requeue(*, session: Session, job_id: str, now: datetime) -> bool:
    """A failed job back in the queue: its numbers and the parts already made are kept."""
    result = session.execute(
        sa.update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.state == JobState.GAGAL)
        .values(state=JobState.ANTRE, message="", finished_at=None, heartbeat_at=now)
    )
    session.execute(
        sa.update(JobPart)
        .where(JobPart.job_id == job_id, JobPart.state == PartState.MEMBUAT)
        .values(state=PartState.ANTRE, claimed_by=None)
    )
    return bool(rowcount(result))


@dataclass(frozen=True, slots=True)
class Stalled:
    job_id: str
    state: JobState
    parts: list[int]  # for a job in `membuat`: parts to nudge again


def stalled(*, session: Session, kind: JobKind, now: datetime, lease: timedelta) -> list[Stalled]:
    """Running jobs whose nudge may have been lost: no step for longer than `lease` (a consumer
    killed while numbering or merging, a queue flushed), or a part claimed longer ago than that."""
    found = []
    quiet = now - lease
    jobs = session.execute(
        sa.select(BackgroundJob.id, BackgroundJob.state, BackgroundJob.heartbeat_at).where(
            BackgroundJob.kind == kind, BackgroundJob.state.in_(RUNNING)
        )
    ).all()
    for job_id, state, beat in jobs:
        if state != JobState.MEMBUAT:
            if beat < quiet:
                found.append(Stalled(job_id, state, []))
            continue
        lost = sa.and_(JobPart.state == PartState.MEMBUAT, JobPart.claimed_at < quiet)
        waiting = JobPart.state == PartState.ANTRE
        condition = sa.or_(lost, waiting) if beat < quiet else lost
        parts = list(session.scalars(sa.select(JobPart.index).where(JobPart.job_id == job_id, condition)))
        if parts or beat < quiet:
            found.append(Stalled(job_id, state, parts))
    return found


def expired(*, session: Session, kind: JobKind, now: datetime, keep: timedelta = KEEP) -> list[BackgroundJob]:
    query = sa.select(BackgroundJob).where(
        BackgroundJob.kind == kind,
        BackgroundJob.state.in_([JobState.SELESAI, JobState.GAGAL]),
        BackgroundJob.finished_at < now - keep,
    )
    return list(session.scalars(query))


def delete(*, session: Session, job_id: str) -> bool:
    """A job that has ended, with its parts. False while it is queued or running."""
    ended = sa.and_(BackgroundJob.id == job_id, BackgroundJob.state.in_([JobState.SELESAI, JobState.GAGAL]))
    if session.scalar(sa.select(sa.func.count()).where(ended)) == 0:
        return False
    session.execute(sa.delete(JobPart).where(JobPart.job_id == job_id))
    session.execute(sa.delete(BackgroundJob).where(ended))
    return True
