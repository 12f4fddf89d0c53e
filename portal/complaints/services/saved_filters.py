"""Saved queue filters, each officer's own: saved under a name (saving a name again replaces its
filters), listed above the queue, removed. Not audited: a filter holds no personal data (the
queue's address never holds a NIK or phone number)."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.complaints.models.saved_filter import SavedQueueFilter
from portal.core.errors import DomainError

MAX_FILTERS = 12  # per officer
MAX_NAME = 60


class SavedFilterRefusal(enum.StrEnum):
    NO_NAME = "no_name"
    NAME_TOO_LONG = "name_too_long"  # n
    NOTHING_FILTERED = "nothing_filtered"
    TOO_MANY = "too_many"  # n


def list_saved(*, session: Session, account_id: int) -> list[SavedQueueFilter]:
    return list(
        session.scalars(
            sa.select(SavedQueueFilter).where(SavedQueueFilter.account_id == account_id).order_by(SavedQueueFilter.name)
        )
    )


def save_filter(*, session: Session, account_id: int, name: str, filters: Mapping[str, str]) -> SavedQueueFilter:
    """`filters`: the queue's own query values, as the route keeps them."""
    name = " ".join(name.split())
    if not name:
        raise DomainError(SavedFilterRefusal.NO_NAME)
    if len(name) > MAX_NAME:
        raise DomainError(SavedFilterRefusal.NAME_TOO_LONG, n=MAX_NAME)
    query = urlencode([(key, value) for key, value in filters.items() if value])[:500]
    if not query:
        raise DomainError(SavedFilterRefusal.NOTHING_FILTERED)
    saved = session.scalar(
        sa.select(SavedQueueFilter).where(SavedQueueFilter.account_id == account_id, SavedQueueFilter.name == name)
    )
    if saved is None:
        if len(list_saved(session=session, account_id=account_id)) >= MAX_FILTERS:
            raise DomainError(SavedFilterRefusal.TOO_MANY, n=MAX_FILTERS)
        saved = SavedQueueFilter(account_id=account_id, name=name, query=query)
        session.add(saved)
    else:
        saved.query = query
    session.flush()
    return saved


def delete_filter(*, session: Session, account_id: int, filter_id: int) -> bool:
    """Only the officer's own; False when there is no such filter of theirs."""
    saved = session.get(SavedQueueFilter, filter_id)
    if saved is None or saved.account_id != account_id:
        return False
    session.delete(saved)
    session.flush()
    return True
