"""Checking the audit trail's hash chain (portal.core.trail writes it): `flask audit verify`."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.core.trail import GENESIS, AuditChainHead, AuditEvent, hash_of

BATCH = 5000


class BreakKind(enum.StrEnum):
    CHANGED = "changed"  # the row's fields or hash are not what was written
    MISSING = "missing"  # positions are missing before this row (rows removed)
    TAIL = "tail"  # the head names newer links than the rows hold (the newest rows removed)
    HEAD = "head"  # the newest row is not the link the head names


@dataclass(frozen=True, slots=True)
class Broken:
    kind: BreakKind
    seq: int  # the chain position where the chain breaks
    event_id: int | None  # the row there, if any
    expected: str = ""  # for CHANGED: the hash the row should carry; for MISSING: the position expected


@dataclass(frozen=True, slots=True)
class Verified:
    links: int
    last_hash: str
    broken: Broken | None


def verify(*, session: Session, on_progress: Callable[[int], None] | None = None) -> Verified:
    """Walk the chain from its first link: each row's position must follow the previous one and
    its hash must be that of the previous hash and its fields; the head must name the last row.
    Stops at the first broken link."""
    previous, expected_seq, last_seq, checked = GENESIS, 1, 0, 0
    while True:
        rows = list(
            session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.chain_seq > last_seq)
                .order_by(AuditEvent.chain_seq)
                .limit(BATCH)
                .execution_options(populate_existing=True)  # as stored, not as this session last saw it
            )
        )
        if not rows:
            break
        for event in rows:
            if event.chain_seq != expected_seq:
                return Verified(checked, previous, Broken(BreakKind.MISSING, expected_seq, event.id, str(expected_seq)))
            should_be = hash_of(event, previous=previous)
            if event.row_hash != should_be:
                return Verified(checked, previous, Broken(BreakKind.CHANGED, event.chain_seq, event.id, should_be))
            previous, expected_seq, checked = event.row_hash, expected_seq + 1, checked + 1
        last_seq = rows[-1].chain_seq
        session.expunge_all()  # a long trail is read in batches, not kept
        if on_progress is not None:
            on_progress(len(rows))
    head = session.get(AuditChainHead, 1, populate_existing=True)
    if head is not None and head.seq > checked:
        return Verified(checked, previous, Broken(BreakKind.TAIL, checked + 1, None, str(head.seq)))
    if head is not None and checked and head.last_hash != previous:
        return Verified(checked, previous, Broken(BreakKind.HEAD, checked, None, head.last_hash))
    return Verified(checked, previous, None)
