"""Unsent forms kept over a time limit: when an officer's idle timeout (or a resident's 30-minute
tracking window) ends while a form is being sent, its text is kept server-side (never in the
cookie) for the same owner, and offered again after signing in or looking the case up again
(WCAG 2.2.1 / 2.2.5: a time limit or re-authenticating loses no typed data)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from portal.core.base import utcnow
from portal.drafts.models import DraftKind
from portal.drafts.services import store

KIND = DraftKind.UNSENT_FORM
MAX_CHARS = 20_000
# Never kept: secrets and one-time values.
SECRET_FIELDS = frozenset({"csrf_token", "password", "current", "new", "confirm", "code"})


def keep_form(
    *,
    session: Session,
    owner: str,
    action: str,
    back: str | None,
    fields: list[tuple[str, str]],
    now: datetime | None = None,
) -> str | None:
    """Keep what was typed; the token goes into the (new) session. None when there is nothing."""
    now = now or utcnow()
    kept: list[list[str]] = []
    size = 0
    for name, value in fields:
        if name in SECRET_FIELDS or not isinstance(value, str):
            continue
        size += len(name) + len(value)
        if size > MAX_CHARS:
            break
        kept.append([name, value])
    if not any(value.strip() for _name, value in kept):
        return None
    store.purge_expired(session=session, kinds=[KIND], now=now)
    data = {"owner": owner, "action": action, "back": back, "fields": kept}
    return store.start(session=session, kind=KIND, data=data, now=now)


def kept_form(*, session: Session, token: str | None, owner: str, now: datetime | None = None) -> dict[str, Any] | None:
    """The kept form, only for whoever typed it ("akun:5", "pengaduan:12"), or None."""
    draft = store.get(session=session, kind=KIND, token=token, now=now)
    if draft is None:
        return None
    data = dict(draft.data)
    return data if data.get("owner") == owner else None


def discard_form(*, session: Session, token: str | None) -> None:
    store.discard(session=session, kind=KIND, token=token)
