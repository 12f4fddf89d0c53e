"""Files in the attachments store that nothing will ever use again, removed.

With the local store (FILE_STORE=local) a file is written (and fsynced) before its row is
committed, so that a row never points at a missing file. A worker killed between the two (OOM,
SIGKILL, a power cut) leaves a file without a row, which no request will ever remove:
`purge_orphans` does, once the file is older than `GRACE`. A request writes its file and commits
within seconds (gunicorn ends a worker after 30 s), so a file younger than an hour may belong to
a request still in flight, and is left alone. With the database store the file's rows are part
of the same transaction as the attachment row, so a killed worker leaves nothing; a file without
a row there (put outside a transaction, or by hand) goes the same way.

It also removes what abandoned complaint drafts left: a draft is not offered again after two
days (portal.drafts.services.lifetimes), so its attached files (rows and files) and the draft
rows of every kind (complaint, assistance, kept forms) go once they are older than their kind's
lifetime plus the same grace (portal.drafts.services.store.purge_expired). Those rows are
deleted in the caller's transaction and their files with it (FileStore.delete with the session):
a rolled-back purge removes nothing.

Called by `flask attachments purge-orphans`; a scheduled task can call it the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.complaints.models.complaint import Attachment
from portal.core.base import utcnow
from portal.core.files import FileStore
from portal.drafts.models import ComplaintDraft
from portal.drafts.services import store as drafts

GRACE = timedelta(hours=1)
STORAGE_KEY = re.compile(r"[0-9a-f]{40}")  # attachments.keep puts files under core.files.new_key()


@dataclass(frozen=True, slots=True)
class PurgeReport:
    orphan_files: int  # files without a row, removed now
    draft_files: int  # files of abandoned drafts, removed at commit
    drafts: int  # abandoned draft rows deleted
    kept_recent: int  # files without a row yet younger than GRACE (maybe a request in flight)


def purge_orphans(
    *, session: Session, store: FileStore, now: datetime | None = None, grace: timedelta = GRACE
) -> PurgeReport:
    now = now or utcnow()
    cutoff = now - grace

    # The files first, then the rows: a row committed after this listing is for a file younger
    # than the listing, so never one of the old files below. Only names the portal gives: anything
    # else an operator left in the folder is never touched.
    files = [found for found in store.listing() if STORAGE_KEY.fullmatch(found.key)]
    referenced = set(session.scalars(sa.select(Attachment.storage_key)))
    orphans = recent = 0
    for found in files:
        if found.key in referenced:
            continue
        if found.created_at >= cutoff:
            recent += 1
            continue
        store.delete(key=found.key, session=None)  # nothing refers to it: gone now, whatever happens next
        orphans += 1

    live_drafts = sa.select(ComplaintDraft.token).where(sa.not_(drafts.expired(now=now, grace=grace)))
    abandoned = session.scalars(
        sa.select(Attachment).where(
            Attachment.complaint_id.is_(None),
            Attachment.draft_token.is_not(None),
            Attachment.draft_token.not_in(live_drafts),
            Attachment.created_at < cutoff,
        )
    ).all()
    for record in abandoned:
        session.delete(record)
        store.delete(key=record.storage_key, session=session)
    purged = drafts.purge_expired(session=session, now=now, grace=grace)
    session.flush()
    return PurgeReport(orphan_files=orphans, draft_files=len(abandoned), drafts=purged, kept_recent=recent)
