"""The one store of drafts: what was typed and not sent yet, kept server-side under a token.

Every read, write and deletion names the kind it is for: a token made for a help request is not a
complaint draft, nor an officer's kept form, whatever a cookie or a posted field says (that is
the point of `kind`; before it, only a token prefix told them apart, and one reader ignored it).
Each kind lasts its own lifetime (lifetimes.LIFETIMES); `purge_expired` deletes what outlived it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core.base import utcnow
from portal.core.sql import rowcount
from portal.drafts.models import ComplaintDraft, DraftKind
from portal.drafts.services.lifetimes import LIFETIMES


def start(*, session: Session, kind: DraftKind, data: dict[str, Any], now: datetime | None = None) -> str:
    """A new draft of `kind`; its token goes into the browser's session."""
    token = secrets.token_urlsafe(32)
    session.add(ComplaintDraft(token=token, kind=kind, data=data, created_at=now or utcnow()))
    session.flush()
    return token


def get(
    *,
    session: Session,
    kind: DraftKind,
    token: str | None,
    max_age: timedelta | None = None,
    now: datetime | None = None,
) -> ComplaintDraft | None:
    """The draft of that kind while it lasts (`max_age`, else the kind's lifetime); None for a
    token of another kind."""
    if not token:
        return None
    draft = session.get(ComplaintDraft, token)
    if draft is None or draft.kind is not kind:
        return None
    if draft.created_at < (now or utcnow()) - (max_age if max_age is not None else LIFETIMES[kind]):
        return None
    return draft


def discard(*, session: Session, kind: DraftKind, token: str | None) -> None:
    """Delete the draft (in the caller's transaction); a token of another kind deletes nothing."""
    if token:
        session.execute(sa.delete(ComplaintDraft).where(ComplaintDraft.token == token, ComplaintDraft.kind == kind))


def claim(*, session: Session, kind: DraftKind, token: str | None) -> bool:
    """Take the draft for sending: delete it, and say whether this transaction was the one that did.

    Of two requests sending the same draft at once (a double tap), one deletes the row and goes on;
    on PostgreSQL the other waits on the row's lock until the first commits, then finds nothing
    (SQLite serialises writers, so the second sees the row gone). Only the first may file."""
    if not token:
        return False
    result = session.execute(
        sa.delete(ComplaintDraft)
        .where(ComplaintDraft.token == token, ComplaintDraft.kind == kind)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def expired(*, now: datetime, grace: timedelta = timedelta(0)) -> sa.ColumnElement[bool]:
    """The drafts older than their kind's lifetime (plus `grace`), as a condition."""
    return sa.or_(
        *(
            sa.and_(ComplaintDraft.kind == kind, ComplaintDraft.created_at < now - lifetime - grace)
            for kind, lifetime in LIFETIMES.items()
        )
    )


def purge_expired(
    *,
    session: Session,
    kinds: Iterable[DraftKind] = tuple(DraftKind),
    now: datetime | None = None,
    grace: timedelta = timedelta(0),
) -> int:
    """Delete the drafts of `kinds` that outlived their kind's lifetime (plus `grace`); how many.
    Nothing is written (and no lock taken) when there is nothing to delete."""
    condition = sa.and_(ComplaintDraft.kind.in_(list(kinds)), expired(now=now or utcnow(), grace=grace))
    if not session.scalar(sa.select(sa.exists().where(condition))):
        return 0
    result = session.execute(sa.delete(ComplaintDraft).where(condition))
    return result.rowcount if isinstance(result, sa.CursorResult) else 0
