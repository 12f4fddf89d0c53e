"""Unsent forms kept over a time limit: when an officer's idle timeout (or a resident's 30-minute
tracking window) ends while a form is being sent, its text is kept server-side (never in the
cookie) for the same owner, and offered again after signing in or looking the case up again
(WCAG 2.2.1 / 2.2.5: a time limit or re-authenticating loses no typed data)."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core.base import utcnow
from portal.drafts.models import ComplaintDraft
from portal.drafts.services.lifetimes import UNSENT_FORM_MAX_AGE

PREFIX = "rst-"
MAX_AGE = UNSENT_FORM_MAX_AGE
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
    kept, size = [], 0
    for name, value in fields:
        if name in SECRET_FIELDS or not isinstance(value, str):
            continue
        size += len(name) + len(value)
        if size > MAX_CHARS:
            break
        kept.append([name, value])
    if not any(value.strip() for _name, value in kept):
        return None
    session.execute(
        sa.delete(ComplaintDraft).where(
            ComplaintDraft.token.startswith(PREFIX), ComplaintDraft.created_at < now - MAX_AGE
        )
    )
    token = PREFIX + secrets.token_urlsafe(32)
    data = {"owner": owner, "action": action, "back": back, "fields": kept}
    session.add(ComplaintDraft(token=token, data=data, created_at=now))
    session.flush()
    return token


def kept_form(*, session: Session, token: str | None, owner: str, now: datetime | None = None) -> dict[str, Any] | None:
    """The kept form, only for whoever typed it ("akun:5", "pengaduan:12"), or None."""
    if not token or not token.startswith(PREFIX):
        return None
    draft = session.get(ComplaintDraft, token)
    if draft is None or draft.created_at < (now or utcnow()) - MAX_AGE:
        return None
    data = dict(draft.data)
    return data if data.get("owner") == owner else None


def discard_form(*, session: Session, token: str | None) -> None:
    if token and token.startswith(PREFIX):
        session.execute(sa.delete(ComplaintDraft).where(ComplaintDraft.token == token))
